"""First-stage retrieval: dense (the build's vector backend), lexical (BM25) and their fusion."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from assistant.embed.base import Embedder
from assistant.errors import UsageError
from assistant.index.store import IndexStore
from assistant.index.updates import appended_bm25
from assistant.text.lexical import index_terms

Ranking = dict[int, float]  # passage row -> score, best first


EXACT_SUBSET_WINDOWS = 20_000  # a filter leaving at most this many windows is searched exactly, over their vectors


def dense_ranking(store: IndexStore, query_vec: np.ndarray, n: int, allowed: np.ndarray | None) -> Ranking:
    """Top ``n`` live passages by their best window's cosine with the query."""
    if allowed is None:
        # passages removed by an update stay in the vector index until the next full build: look past them
        scores, windows = store.dense.search(query_vec, n * 2 + store.removed_windows)
    else:
        window_allowed = store.windows_of_rows(allowed)
        if len(window_allowed) == 0:
            return {}
        if len(window_allowed) <= EXACT_SUBSET_WINDOWS:  # exact, and faster than the index for few rows
            all_scores = np.asarray(store.window_vectors[window_allowed]) @ query_vec
            top = np.argsort(-all_scores, kind="stable")[: n * 2]
            scores, windows = all_scores[top], window_allowed[top]
        else:
            scores, windows = store.dense.search(query_vec, n * 2, window_allowed)
    ranking: Ranking = {}
    for score, window in zip(scores, windows, strict=True):
        row = int(store.window_passage[window])
        if row not in ranking and store.live[row]:
            ranking[row] = float(score)
        if len(ranking) >= n:
            break
    return ranking


def bm25_ranking(store: IndexStore, query: str, n: int, allowed: np.ndarray | None, extra_terms: Sequence[str] = ()) -> Ranking:
    """Top ``n`` live passages by BM25 over stemmed content terms (document metadata included).

    ``extra_terms``: stemmed terms searched beside the query's (another spelling of one of its words).
    """
    bm25 = store.bm25
    vocab = bm25.vocab_dict
    terms = [*index_terms(query), *extra_terms]
    ids = [vocab[t] for t in terms if t in vocab]
    appended = store.updates.appended_terms
    if not ids and not appended:
        return {}
    scores = np.zeros(len(store), dtype=np.float32)
    if ids:
        base = np.asarray(bm25.get_scores(ids), dtype=np.float32)
        scores[: len(base)] = base
    if appended:
        _, idf_of, unseen = store.bm25_idf
        idf = {t: float(idf_of[vocab[t]]) if t in vocab else unseen for t in terms}
        rows, extra = appended_bm25(store.updates, terms, idf, len(store))
        scores[rows] = extra
    if store.removed_passages:
        scores[~store.live] = 0.0
    if allowed is not None:
        if len(allowed) == 0:
            return {}
        keep = np.zeros(len(store), dtype=bool)
        keep[allowed] = True
        scores[~keep] = 0.0
    n = min(n, int((scores > 0).sum()))
    if n <= 0:
        return {}
    top = np.argpartition(-scores, n - 1)[:n]
    top = top[np.argsort(-scores[top], kind="stable")]
    return {int(r): float(scores[r]) for r in top}


def reciprocal_rank_fusion(rankings: list[Ranking], k: int = 60, weights: list[float] | None = None) -> Ranking:
    """Fuse rankings: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1 (Cormack et al., 2009)."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, w in zip(rankings, weights, strict=True):
        for rank, row in enumerate(ranking, start=1):
            fused[row] = fused.get(row, 0.0) + w / (k + rank)
    return dict(sorted(fused.items(), key=lambda kv: (-kv[1], kv[0])))


RETRIEVERS = ("dense", "bm25", "hybrid")


class FirstStage:
    """Candidate passages for a query from the retriever named in the settings."""

    def __init__(self, store: IndexStore, embedder: Embedder, rrf_k: int = 60) -> None:
        self.store = store
        self.embedder = embedder
        self.rrf_k = rrf_k

    def candidates(
        self, query: str, query_vec: np.ndarray, n: int, allowed: np.ndarray | None, retriever: str
    ) -> tuple[Ranking, dict[str, Ranking]]:
        """Fused ranking and the per-retriever rankings it came from."""
        makers: dict[str, Callable[[], Ranking]] = {
            "dense": lambda: dense_ranking(self.store, query_vec, n, allowed),
            "bm25": lambda: bm25_ranking(self.store, query, n, allowed),
        }
        if retriever == "hybrid":
            parts = {name: make() for name, make in makers.items()}
            return reciprocal_rank_fusion(list(parts.values()), self.rrf_k), parts
        if retriever not in makers:
            raise UsageError(f"unknown retriever {retriever!r}; known: {', '.join(RETRIEVERS)}")
        ranking = makers[retriever]()
        return ranking, {retriever: ranking}
