"""The FAISS index over window vectors: exact for small corpora, IVF above a size threshold (the default backend).

Above ``exact_index_max_vectors`` the windows go into an inverted-file index
(``IVF<nlist>,Flat``: k-means cells, full vectors kept, so no quantisation error).
How many cells a search visits (``nprobe``) is chosen at build time by measurement:
the smallest that finds at least ``TARGET_RECALL`` of the exact top 10 for a sample
of the corpus's own windows used as queries (each query's own window left out). The
measured recall is recorded in the build's ``dense.json``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import IndexMissingError
from assistant.settings import Settings

# HNSW graph parameters, used by the Milvus backend's approximate index
HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 128

TARGET_RECALL = 0.97  # recall@10 against exact search the chosen nprobe must reach (the floor we promise is 0.95)
NPROBE_CHOICES = (8, 16, 32, 64, 128, 256)
RECALL_QUERIES = 500


def ivf_cells(n: int) -> int:
    """Number of k-means cells for ``n`` vectors: about sqrt(n), at least 16."""
    return int(max(16, min(65_536, round(n**0.5))))


def build_faiss_index(vectors: np.ndarray, path: Path, exact_max: int) -> dict[str, Any]:
    """Build and write the FAISS index for unit ``vectors``; return its kind (and, for IVF, nprobe and recall)."""
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    record: dict[str, Any]
    index: Any
    if len(vectors) <= exact_max:
        index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        record = {"kind": "Flat"}
    else:
        nlist = ivf_cells(len(vectors))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.seed = 1234  # reproducible cells
        index.train(vectors)
        index.add(vectors)
        nprobe, recall = choose_nprobe(index, vectors)
        index.nprobe = nprobe
        record = {"kind": f"IVF{nlist},Flat", "nprobe": nprobe, "recall_at_10": recall}
    tmp = path.with_suffix(".tmp")
    faiss.write_index(index, str(tmp))
    tmp.replace(path)
    return record


def choose_nprobe(index: Any, vectors: np.ndarray, seed: int = 0) -> tuple[int, float]:
    """The smallest nprobe whose recall@10 (own window excluded) reaches `TARGET_RECALL`, and that recall."""
    import faiss

    picks = np.random.default_rng(seed).choice(len(vectors), size=min(RECALL_QUERIES, len(vectors)), replace=False)
    queries = vectors[picks]
    _, exact = faiss.knn(queries, vectors, 11, metric=faiss.METRIC_INNER_PRODUCT)
    truth = [_top10_without(row, q) for row, q in zip(exact, picks, strict=True)]
    recall, nprobe = 0.0, NPROBE_CHOICES[-1]
    for nprobe in NPROBE_CHOICES:
        index.nprobe = nprobe
        _, found = index.search(queries, 11)
        recall = float(np.mean([len(t & _top10_without(f, q)) / len(t) for t, f, q in zip(truth, found, picks, strict=True)]))
        if recall >= TARGET_RECALL:
            break
    return nprobe, round(recall, 4)


def _top10_without(rows: np.ndarray, own: int) -> set[int]:
    return set([int(r) for r in rows if r != own and r >= 0][:10])


def extend_faiss_index(source: Path, vectors: np.ndarray, path: Path) -> None:
    """Write to ``path`` the index at ``source`` with ``vectors`` appended (their rows follow the existing ones)."""
    import faiss

    index = faiss.read_index(str(source))
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    tmp = path.with_suffix(".tmp")
    faiss.write_index(index, str(tmp))
    tmp.replace(path)


def search(
    index: Any, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None, nprobe: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` (scores, rows) for one unit query vector, optionally only among ``allowed_rows``."""
    import faiss

    lib: Any = faiss  # the stubs lack the search-parameter classes
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    k = max(1, min(k, index.ntotal))
    ivf = isinstance(index, lib.IndexIVF)
    if allowed_rows is None and not ivf:
        scores, rows = index.search(q, k)
    else:
        params = lib.SearchParametersIVF() if ivf else lib.SearchParameters()
        if ivf:
            params.nprobe = nprobe or index.nprobe
        if allowed_rows is not None:
            params.sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed_rows, dtype=np.int64))
        scores, rows = index.search(q, k, params=params)
    keep = rows[0] >= 0
    return scores[0][keep], rows[0][keep]


class FaissBackend:
    """The `DenseBackend` kept as one FAISS file inside the build: it goes live and is removed with its folder."""

    FILE = "dense.faiss"

    def __init__(self, build: Path, settings: Settings, record: Mapping[str, Any] | None = None) -> None:
        self.path = build / self.FILE
        self.exact_max = settings.exact_index_max_vectors
        self.nprobe: int | None = (record or {}).get("nprobe")
        self._index: Any = None
        self._lock = threading.Lock()

    def build(self, vectors: np.ndarray) -> dict[str, Any]:
        """Write the FAISS file for unit ``vectors``."""
        return build_faiss_index(vectors, self.path, self.exact_max)

    def extend(self, previous: Path, vectors: np.ndarray, record: Mapping[str, Any]) -> dict[str, Any]:
        """Write this build's index as the one in build folder ``previous`` plus ``vectors``; keep its record."""
        extend_faiss_index(previous / self.FILE, vectors, self.path)
        self.nprobe = record.get("nprobe")
        return {k: v for k, v in record.items() if k != "backend"}

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
                    # memory-mapped: the vectors are paged in as searches touch them, and shared between processes
                    self._index = faiss.read_index(str(self.path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        return self._index

    def search(self, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, window rows), exact or IVF as built."""
        return search(self.index, query, k, allowed_rows, self.nprobe)
