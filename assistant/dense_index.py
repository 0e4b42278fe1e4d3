"""The FAISS index over window vectors: exact for small corpora, HNSW above a size threshold (the default backend)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexMissingError
from assistant.settings import Settings

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


class FaissBackend:
    """The `DenseBackend` kept as one FAISS file inside the build: it goes live and is removed with its folder."""

    FILE = "dense.faiss"

    def __init__(self, build: Path, settings: Settings, record: Mapping[str, Any] | None = None) -> None:
        self.path = build / self.FILE
        self.exact_max = settings.exact_index_max_vectors
        self._index: Any = None
        self._lock = threading.Lock()

    def build(self, vectors: np.ndarray) -> dict[str, Any]:
        """Write the FAISS file for unit ``vectors``."""
        return {"kind": build_faiss_index(vectors, self.path, self.exact_max)}

    def publish(self) -> None:
        """Nothing to do: the file is published with its build folder."""

    def discard(self) -> None:
        """Nothing to do: the file is removed with its build folder."""

    @property
    def index(self) -> Any:
        """The FAISS index (read on first use)."""
        if self._index is None:
            import faiss

            with self._lock:
                if self._index is None:
                    if not self.path.is_file():
                        raise IndexMissingError(f"{self.path} is missing; run `python -m assistant ingest --force` to rebuild it")
                    self._index = faiss.read_index(str(self.path), faiss.IO_FLAG_READ_ONLY)
        return self._index

    def search(self, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, window rows), exact or HNSW as built."""
        return search(self.index, query, k, allowed_rows)
