"""Second-stage reranking of candidate passages.

The default `EvidenceReranker` uses what runs offline here: the passage's
best window and best sentence against the question (MiniLM), and the
IDF-weighted share of the question's key terms the passage contains. A
cross-encoder from a local folder plugs in through the same protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import UsageError
from assistant.index.store import IndexStore
from assistant.text.lexical import key_terms

# Weights of the evidence score; chosen on the dev set's retrieval sweep (docs/evaluation.md).
WEIGHT_DENSE = 0.3
WEIGHT_SENTENCE = 0.4
WEIGHT_COVERAGE = 0.3
SPELLING_IDF_GAP = 3.0  # another spelling counts when at most e^3 (about 20) times rarer than the term as written


@dataclass(frozen=True)
class Evidence:
    """Signals of how well one passage answers a question."""

    dense: float  # best window cosine
    sentence: float  # best sentence cosine
    sentence_index: int  # which sentence
    coverage: float  # IDF-weighted share of the question's key terms found in the passage and its metadata
    partial: bool = False  # sentences not scored (beyond the sentence depth): ranks after every fully scored passage

    @property
    def score(self) -> float:
        """The combined evidence score in [0, 1]-ish (minus 1 when partial)."""
        full = WEIGHT_DENSE * self.dense + WEIGHT_SENTENCE * self.sentence + WEIGHT_COVERAGE * self.coverage
        return full - 1.0 if self.partial else full


class Reranker(Protocol):
    """Reorders candidate passage rows for a question."""

    def rerank(self, question: str, query_vec: np.ndarray, rows: list[int]) -> dict[int, float]:
        """Return a score per row (higher is better)."""
        ...


class TermStatistics:
    """Inverse document frequencies of stemmed terms, read from the BM25 index.

    With ``spellings``, a term also counts as present in its other spelling the corpus uses, hyphenated or
    closed ("peacekeeping" and "peace-keeping", "landmines" and "land-mines"): timelines read decades of
    statements whose house style changed.
    """

    def __init__(self, store: IndexStore, spellings: bool = False) -> None:
        self.store = store
        self.spellings = spellings
        self._hyphenated: dict[str, list[str]] | None = None  # closed form -> the corpus's hyphenated forms
        self._forms: dict[str, tuple[str, ...]] = {}  # each term's spellings, once (asked per sentence)
        self._with_spellings: TermStatistics | None = None

    def with_spellings(self) -> TermStatistics:
        """These statistics, a term also present in its other hyphenated or closed spelling (built once)."""
        if self.spellings:
            return self
        if self._with_spellings is None:
            self._with_spellings = TermStatistics(self.store, spellings=True)
        return self._with_spellings

    def forms(self, term: str) -> tuple[str, ...]:
        """``term`` and, with ``spellings``, its other spellings in the corpus's vocabulary."""
        if not self.spellings:
            return (term,)
        if term not in self._forms:
            self._forms[term] = self._spellings_of(term)
        return self._forms[term]

    def _spellings_of(self, term: str) -> tuple[str, ...]:
        vocab = self.store.bm25_idf[0]
        if "-" in term:
            others = [term.replace("-", "")] if term.replace("-", "") in vocab else []
        else:
            if self._hyphenated is None:
                hyphenated: dict[str, list[str]] = {}
                for word in vocab:
                    if "-" in word:
                        hyphenated.setdefault(word.replace("-", ""), []).append(word)
                self._hyphenated = hyphenated
            others = self._hyphenated.get(term, [])
        # a spelling in real use, not a word broken across a line ("nu-clear"): at least 1/20 as frequent
        return (term, *(f for f in others if self.idf(f) - self.idf(term) <= SPELLING_IDF_GAP))

    def rows_holding(self, term: str, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` hold ``term`` (in any of its spellings, with ``spellings``)."""
        found = np.zeros(len(rows), dtype=bool)
        for form in self.forms(term):
            found |= self.store.rows_with_term(form, rows)
        return found

    def idf(self, term: str) -> float:
        """IDF of a stemmed term, as the lexical index scores it; unseen terms get the largest value."""
        vocab, idf, unseen = self.store.bm25_idf
        i = vocab.get(term)
        return unseen if i is None else float(idf[i])

    def coverage_of_rows(self, terms: list[str], rows: list[int]) -> np.ndarray:
        """IDF-weighted share of ``terms`` held by each passage row (its text and its document's metadata)."""
        out = np.zeros(len(rows), dtype=np.float64)
        weights = [self.idf(t) for t in terms]
        total = sum(weights)
        if not terms or not total:
            return out
        row_array = np.asarray(rows, dtype=np.int64)
        for term, weight in zip(terms, weights, strict=True):
            out += weight * self.rows_holding(term, row_array)
        return out / total

    def coverage(self, terms: list[str], text_terms: set[str]) -> float:
        """IDF-weighted share of ``terms`` present in ``text_terms``."""
        if not terms:
            return 0.0
        weights = [self.idf(t) for t in terms]
        total = sum(weights)
        held = [any(f in text_terms for f in self.forms(t)) for t in terms]
        return sum(w for h, w in zip(held, weights, strict=True) if h) / total if total else 0.0


class SentenceVectors:
    """Sentence spans and vectors of passages: stored at ingest, or embedded on first use and remembered."""

    def __init__(self, store: IndexStore, embed: Callable[[list[str]], np.ndarray], cache_size: int = 20_000) -> None:
        self.store = store
        self.embed = embed
        self.cache_size = cache_size
        self._cache: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def forget(self) -> None:
        """Forget the sentence vectors embedded so far (a benchmark's cold run)."""
        with self._lock:
            self._cache.clear()

    def known(self, row: int) -> bool:
        """Whether the sentence vectors of ``row`` are at hand (stored, or embedded for an earlier question)."""
        return self.store.has_sentence_vectors or row in self._cache

    def of(self, rows: list[int]) -> dict[int, tuple[list[tuple[int, int]], np.ndarray]]:
        """Spans and vectors for each row (one embedding batch for all rows not yet known)."""
        spans = {r: self.store.sentence_spans_of(r) for r in rows}
        if self.store.has_sentence_vectors:
            return {r: (spans[r], self.store.stored_sentence_vectors(r)) for r in rows}
        with self._lock:
            missing = [r for r in dict.fromkeys(rows) if r not in self._cache]
            texts = [self.store.passage(r).text[s:e] for r in missing for s, e in spans[r]]
            vecs = self.embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
            i = 0
            for r in missing:
                n = len(spans[r])
                self._cache[r] = vecs[i : i + n]
                i += n
            out = {r: (spans[r], self._cache[r]) for r in rows}  # before evicting: a requested row may be the oldest
            while len(self._cache) > self.cache_size:
                self._cache.pop(next(iter(self._cache)))
            return out


class EvidenceReranker:
    """Score passages by best window, best sentence and key-term coverage."""

    def __init__(
        self,
        store: IndexStore,
        sentences: SentenceVectors,
        terms: TermStatistics | None = None,
        sentence_depth: int = 0,
        sentence_words: int = 0,
    ) -> None:
        self.store = store
        self.sentences = sentences
        self.terms = terms or TermStatistics(store)
        self.sentence_depth = sentence_depth  # > 0: when sentences are embedded per question, only this many passages
        self.sentence_words = sentence_words  # > 0: ... and only as many as fit this many words not yet embedded

    def evidence(
        self, question: str, query_vec: np.ndarray, rows: list[int], ignore_terms: tuple[str, ...] = ()
    ) -> dict[int, Evidence]:
        """The evidence signals of each row (``ignore_terms``: question words already used as filters).

        Where sentence vectors were not stored at ingest (large corpora), embedding the
        sentences of every candidate would dominate the query's time, so only the
        ``sentence_depth`` candidates best by window and coverage get sentence scores, and
        of those only as many as fit ``sentence_words`` words still to embed (the first always
        does: a question's cost stays bounded however long the passages are); the others are
        marked partial and rank after them.
        """
        wanted = [t for t in key_terms(question) if t not in ignore_terms]
        dense = {r: float(d) for r, d in zip(rows, self.store.passage_vectors_score(rows, query_vec), strict=True)}
        coverage = dict(zip(rows, self.terms.coverage_of_rows(wanted, rows).tolist(), strict=True))
        scored = rows
        if self.sentence_depth and not self.store.has_sentence_vectors:
            provisional = sorted(rows, key=lambda r: (-(dense[r] + coverage[r]), r))
            scored, words = [], 0
            for row in provisional[: self.sentence_depth]:
                cost = 0 if self.sentences.known(row) else len(self.store.passage(row).text.split())
                if self.sentence_words and scored and words + cost > self.sentence_words:
                    break
                scored.append(row)
                words += cost
        sentences = self.sentences.of(scored)
        out: dict[int, Evidence] = {}
        for row in rows:
            if row not in sentences:
                out[row] = Evidence(dense[row], dense[row], 0, coverage[row], partial=True)
                continue
            vecs = sentences[row][1]
            sims = vecs @ query_vec if len(vecs) else np.zeros(1, dtype=np.float32)
            best = int(np.argmax(sims))
            out[row] = Evidence(dense[row], float(sims[best]), best, coverage[row])
        return out

    def rerank(self, question: str, query_vec: np.ndarray, rows: list[int]) -> dict[int, float]:
        """Evidence score per row."""
        return {row: ev.score for row, ev in self.evidence(question, query_vec, rows).items()}


class CrossEncoderReranker:
    """A sentence-transformers `CrossEncoder` loaded from a local folder."""

    def __init__(self, store: IndexStore, model_dir: Path | None) -> None:
        from sentence_transformers import CrossEncoder

        if model_dir is None:
            raise UsageError("the cross-encoder reranker needs a model folder; set ASSISTANT_CROSS_ENCODER_PATH")
        if not Path(model_dir).is_dir():
            raise UsageError(f"cross-encoder folder {model_dir} does not exist; set ASSISTANT_CROSS_ENCODER_PATH")
        self.store = store
        self.model = CrossEncoder(str(model_dir), device="cpu", local_files_only=True)

    def rerank(self, question: str, query_vec: np.ndarray, rows: list[int]) -> dict[int, float]:
        """Cross-encoder relevance per row."""
        if not rows:
            return {}
        pairs = [(question, self.store.passage(r).text) for r in rows]
        scores = self.model.predict(pairs, show_progress_bar=False)
        return {r: float(s) for r, s in zip(rows, np.asarray(scores).reshape(-1), strict=True)}


RERANKERS: dict[str, Callable[..., Reranker]] = {
    "cross-encoder": lambda store, settings: CrossEncoderReranker(store, settings.cross_encoder_path),
}


def make_reranker(name: str, store: IndexStore, settings: object) -> Reranker:
    """Build the reranker named ``name``."""
    try:
        return RERANKERS[name](store, settings)
    except KeyError:
        known = ", ".join(sorted([*RERANKERS, "evidence", "none"]))
        raise UsageError(f"unknown reranker {name!r}; known: {known}") from None
