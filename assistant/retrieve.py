"""First-stage retrieval: dense (the build's vector backend), lexical (BM25) and their fusion."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.embed import Embedder
from assistant.errors import UsageError
from assistant.lexical import index_terms
from assistant.store import IndexStore

Ranking = dict[int, float]  # passage row -> score, best first


def dense_ranking(store: IndexStore, query_vec: np.ndarray, n: int, allowed: np.ndarray | None) -> Ranking:
    """Top ``n`` passages by their best window's cosine with the query."""
    window_allowed = None if allowed is None else store.windows_of_rows(allowed)
    if window_allowed is not None and len(window_allowed) == 0:
        return {}
    scores, rows = store.dense.search(query_vec, n * 2, window_allowed)
    ranking: Ranking = {}
    for score, window in zip(scores, rows, strict=True):
        row = int(store.window_passage[window])
        if row not in ranking:
            ranking[row] = float(score)
        if len(ranking) >= n:
            break
    return ranking


def bm25_ranking(store: IndexStore, query: str, n: int, allowed: np.ndarray | None) -> Ranking:
    """Top ``n`` passages by BM25 over stemmed content terms (document metadata included)."""
    bm25 = store.bm25
    vocab = bm25.vocab_dict
    ids = [vocab[t] for t in index_terms(query) if t in vocab]
    if not ids:
        return {}
    mask = None
    if allowed is not None:
        if len(allowed) == 0:
            return {}
        mask = np.zeros(len(store), dtype=np.float32)
        mask[allowed] = 1.0
    scores = bm25.get_scores(ids, weight_mask=mask) if mask is not None else bm25.get_scores(ids)
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
