"""The FAISS index over window vectors: exact for small corpora, HNSW above a size threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


def build_faiss_index(vectors: np.ndarray, path: Path, exact_max: int) -> str:
    """Build and write the FAISS index for unit ``vectors``; return its type name."""
    import faiss

    dim = vectors.shape[1]
    index: Any
    if len(vectors) <= exact_max:
        index = faiss.IndexFlatIP(dim)
        kind = "Flat"
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        kind = f"HNSW{HNSW_NEIGHBOURS},Flat"
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    tmp = path.with_suffix(".tmp")
    faiss.write_index(index, str(tmp))
    tmp.replace(path)
    return kind


def search(index: Any, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` (scores, rows) for one unit query vector, optionally only among ``allowed_rows``."""
    import faiss

    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    k = max(1, min(k, index.ntotal))
    if allowed_rows is None:
        scores, rows = index.search(q, k)
    else:
        selector = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_rows, dtype=np.int64))
        lib: Any = faiss  # the stubs lack the search-parameter classes
        params = lib.SearchParametersHNSW() if isinstance(index, lib.IndexHNSW) else lib.SearchParameters()
        params.sel = selector
        if isinstance(index, lib.IndexHNSW):
            params.efSearch = HNSW_EF_SEARCH
        scores, rows = index.search(q, k, params=params)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]
