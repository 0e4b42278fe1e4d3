"""What a patched build changed since its last full build: removed passages, and lexical terms of appended ones.

A full build indexes every passage in order. A patch (`assistant.index.patch`) leaves
the big files of the previous build as they were and appends: passages of new or
replaced documents get new rows at the end, the rows they replace are marked
removed, and BM25, which cannot be appended to, scores the appended passages here
with the full build's statistics. The record lives in ``updates.json`` inside
the build; a build without it has no updates.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FILE = "updates.json"
K1, B = 1.5, 0.75  # bm25s' defaults (Lucene's variant: no (k1 + 1) factor), which the full build uses


@dataclass
class Updates:
    """Removed rows and documents, and the appended passages' terms, of one build."""

    base_passages: int = 0  # rows the full build's BM25 index covers; rows from here on were appended
    removed_ranges: list[tuple[int, int]] = field(default_factory=list)  # [lo, hi) passage rows no longer live
    removed_docs: list[int] = field(default_factory=list)  # document rows no longer live
    appended_terms: dict[int, list[str]] = field(default_factory=dict)  # appended passage row -> its stemmed terms
    avg_terms: float = 0.0  # average terms per passage in the full build (BM25's length normalisation)

    @classmethod
    def read(cls, build: Path) -> Updates:
        """The record of ``build`` (empty when the build was not patched)."""
        path = build / FILE
        if not path.is_file():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            base_passages=int(data["base_passages"]),
            removed_ranges=[(int(lo), int(hi)) for lo, hi in data["removed_ranges"]],
            removed_docs=[int(r) for r in data["removed_docs"]],
            appended_terms={int(r): list(t) for r, t in data["appended_terms"]},
            avg_terms=float(data["avg_terms"]),
        )

    def write(self, build: Path) -> None:
        """Write ``updates.json`` into ``build``."""
        data = {
            "base_passages": self.base_passages,
            "removed_ranges": self.removed_ranges,
            "removed_docs": self.removed_docs,
            "appended_terms": [[r, t] for r, t in self.appended_terms.items()],
            "avg_terms": self.avg_terms,
        }
        (build / FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @property
    def patched(self) -> bool:
        """Whether the build differs from a full build."""
        return bool(self.removed_ranges or self.appended_terms)

    def live_mask(self, n_passages: int) -> np.ndarray:
        """True for each live passage row."""
        live = np.ones(n_passages, dtype=bool)
        for lo, hi in self.removed_ranges:
            live[lo:hi] = False
        return live

    def remove_rows(self, rows: np.ndarray) -> None:
        """Mark passage ``rows`` removed (stored as ranges of consecutive rows)."""
        ranges = [(int(r), int(r) + 1) for r in np.asarray(rows, dtype=np.int64)]
        for lo, _ in ranges:
            self.appended_terms.pop(lo, None)
        self.removed_ranges = _merge(self.removed_ranges + ranges)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def appended_bm25(
    updates: Updates, query_terms: list[str], idf: dict[str, float], n_passages: int
) -> tuple[np.ndarray, np.ndarray]:
    """BM25 (rows, scores) of the appended passages for ``query_terms``, with the full build's ``idf`` per term."""
    if not updates.appended_terms or not query_terms:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    avg = updates.avg_terms or 1.0
    rows, scores = [], []
    for row, terms in updates.appended_terms.items():
        if row >= n_passages:
            continue
        tf = Counter(terms)
        norm = K1 * (1 - B + B * len(terms) / avg)
        score = sum(idf[t] * tf[t] / (tf[t] + norm) for t in query_terms if t in tf)
        if score > 0:
            rows.append(row)
            scores.append(score)
    return np.asarray(rows, dtype=np.int64), np.asarray(scores, dtype=np.float32)


def lucene_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """BM25's inverse document frequency of each document frequency in ``df``, as bm25s computes it (Lucene's variant)."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))
