"""Retrieval end to end: first stage, fusion, reranking, boosts, filters -> ranked hits."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.embed.base import Embedder
from assistant.index.store import IndexStore
from assistant.models import Filters, Hit, Preferences
from assistant.retrieve.filtering import allowed_rows
from assistant.retrieve.first_stage import FirstStage
from assistant.retrieve.rerank import Evidence, EvidenceReranker, Reranker, SentenceVectors, TermStatistics, make_reranker
from assistant.settings import Settings

BOOST = 0.05  # added to the score of passages whose document matches a soft preference from the question


@dataclass
class SearchResult:
    """Ranked hits with the evidence the answerer and the abstention rule read."""

    hits: list[Hit]
    query_vec: np.ndarray
    evidence: dict[int, Evidence] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    first_stage_ranks: dict[str, dict[int, int]] = field(default_factory=dict)  # per retriever: row -> rank from 1
    searched: int = 0  # passages the filters left (all live passages when nothing is filtered)


class Searcher:
    """Runs retrieval over one index with one embedder; safe to share between threads."""

    def __init__(self, store: IndexStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.first_stage = FirstStage(store, embedder, settings.rrf_k)
        self.terms = TermStatistics(store)
        self.sentences = SentenceVectors(store, embedder.embed)
        self.evidence_scorer = EvidenceReranker(
            store, self.sentences, self.terms, settings.sentence_rerank_depth, settings.sentence_rerank_words
        )
        self._rerankers: dict[str, Reranker] = {"evidence": self.evidence_scorer}
        # the 512 most recent query vectors, per searcher (a follow-up or a retry embeds nothing)
        self._embed_query = lru_cache(maxsize=512)(self._embed)

    def _embed(self, query: str) -> np.ndarray:
        return self.embedder.embed([query])[0]

    def embed_query(self, query: str) -> np.ndarray:
        """The unit vector of a query (recent queries are remembered)."""
        return self._embed_query(query)

    def forget_queries(self) -> None:
        """Forget the remembered query vectors (evaluation times every question as if first asked)."""
        self._embed_query.cache_clear()

    def reranker(self, name: str) -> Reranker:
        """The reranker named ``name`` (built once)."""
        if name not in self._rerankers:
            self._rerankers[name] = make_reranker(name, self.store, self.settings)
        return self._rerankers[name]

    def search(
        self,
        query: str,
        *,
        k: int | None = None,
        filters: Filters | None = None,
        preferences: Preferences | None = None,
        retriever: str | None = None,
        reranker: str | None = None,
        ignore_terms: tuple[str, ...] = (),
    ) -> SearchResult:
        """Return the top ``k`` hits for ``query``."""
        s = self.settings
        k = k or s.k
        retriever = retriever or s.retriever
        reranker = reranker or s.reranker
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        query_vec = self.embed_query(query)
        timings["embed_query"] = (time.perf_counter() - t0) * 1000
        t1 = time.perf_counter()
        allowed = allowed_rows(self.store, filters)
        n = max(s.candidates, k)
        fused, parts = self.first_stage.candidates(query, query_vec, n, allowed, retriever)
        timings["first_stage"] = (time.perf_counter() - t1) * 1000
        t2 = time.perf_counter()
        rows = list(fused)[:n]
        evidence = self.evidence_scorer.evidence(query, query_vec, rows, ignore_terms)
        if reranker == "none":
            scores = dict(fused)
        elif reranker == "evidence":
            scores = {r: evidence[r].score for r in rows}
        else:
            scores = self.reranker(reranker).rerank(query, query_vec, rows)
        if preferences:
            for r in rows:
                m = self.store.meta(r)
                if preferences.matches(m.date, m.doc_type):
                    scores[r] += BOOST
        ranked = sorted(rows, key=lambda r: (-scores[r], r))[:k]
        timings["rerank"] = (time.perf_counter() - t2) * 1000
        hits = []
        for r in ranked:
            signals = {name: ranking[r] for name, ranking in parts.items() if r in ranking}
            ev = evidence[r]
            signals.update(fused=fused[r], best_window=ev.dense, best_sentence=ev.sentence, coverage=ev.coverage)
            hits.append(Hit(self.store.passage(r), self.store.meta(r), float(scores[r]), signals))
        ranks = {name: {r: i for i, r in enumerate(ranking, start=1)} for name, ranking in parts.items()}
        searched = len(allowed) if allowed is not None else int(self.store.live.sum())
        return SearchResult(hits, query_vec, evidence, ranked, timings, ranks, searched)
