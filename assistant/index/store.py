"""The index on disk: passages in SQLite, vectors in NumPy files, FAISS and BM25 beside them.

Layout of ``index/``::

    CURRENT                 name of the live build (replaced atomically)
    LOCK                    the writer lock, with the pid of the ingest / add / remove holding it
    readers/                one lease per open store: <build>.<pid>.<token> (`assistant.index.leases`)
    build-<time>-<id>/
        manifest.json       schema, model and weights hash, dimension, per-document hashes, every file's size
        passages.sqlite     documents (metadata, source text) and passages
        windows.npy         one unit vector per embedding window (float32)
        window_passage.npy  passage row of each window
        sentences.npy       one unit vector per sentence of every passage
        sentence_passage.npy, sentence_spans.npy
        dense.json          which vector backend indexed windows.npy, and how to reopen it
        dense.faiss         FAISS index over windows.npy (the default backend; milvus.db/ for milvus-lite)
        bm25/               lexical index (bm25s, NumPy + JSON)
        updates.json        documents removed or replaced since the last full build, and the lexical
                            terms of passages appended since (only in a build made by `assistant.index.patch`)

Nothing here is pickled: loading an index never executes code. A build is
written beside the live one and published by replacing ``CURRENT``, so a crash
never leaves a half-written index in use.

A store reads one build for its whole life: the one live when it was opened,
leased (``readers/`` in the index folder, `assistant.index.leases`) until the
store is closed or collected, so no writer removes it meanwhile. A long-running
process moves to a newer build by opening a new store (`assistant.pipeline.Assistant`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import IndexMissingError, IndexStaleError
from assistant.index.leases import release
from assistant.index.lifecycle import FIX_HINT, open_live
from assistant.index.manifest import SCHEMA_VERSION, damaged
from assistant.index.schema import meta_from_json
from assistant.index.updates import Updates, lucene_idf
from assistant.models import DocumentMeta, Passage, Span

if TYPE_CHECKING:
    from assistant.index.backends import DenseBackend
    from assistant.settings import Settings


class IndexStore:
    """Read access to a built index: passages, documents, vectors, the dense and the BM25 index.

    ``settings`` say how to reach a vector backend outside the build (a Milvus
    server); by default they are read from the environment.
    """

    def __init__(self, index_dir: Path, settings: Settings | None = None) -> None:
        self.index_dir = index_dir
        self.settings = settings
        self.path, self.manifest, lease = open_live(index_dir)
        self._connections = _Connections(self.path / "passages.sqlite")
        # the lease ends with the store: on `close`, when the store is collected, or when the process exits
        self._finalizer = weakref.finalize(self, _close, self._connections, lease)
        self._passage_cached = lru_cache(maxsize=8192)(partial(_load_passage, self._connections))
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        index_dir = self.index_dir
        if self.manifest.schema_version != SCHEMA_VERSION:
            raise IndexStaleError(
                f"the index in {index_dir} has schema {self.manifest.schema_version}, this version reads "
                f"{SCHEMA_VERSION}; {FIX_HINT}"
            )
        try:
            self._load()
        except (sqlite3.Error, OSError, ValueError) as exc:  # a file the manifest lists, damaged in place
            raise damaged(index_dir, f"{self.path.name} cannot be read ({exc})") from None

    def close(self) -> None:
        """Close the database connections and give the build's lease back (a writer may then remove the build)."""
        self._finalizer()

    def _load(self) -> None:
        index_dir = self.index_dir
        db = self._db()
        self.updates = Updates.read(self.path)
        removed_docs = set(self.updates.removed_docs)
        self.all_documents: list[DocumentMeta] = []  # indexed by document row, removed documents included
        self.doc_rows: dict[str, int] = {}  # live documents only
        for row, doc_id, meta in db.execute("SELECT row, doc_id, meta FROM documents ORDER BY row"):
            if row != len(self.all_documents):
                raise IndexStaleError(f"the index in {index_dir} has a gap in its document rows; {FIX_HINT}")
            self.all_documents.append(meta_from_json(meta))
            if row not in removed_docs:
                self.doc_rows[doc_id] = row
        self.documents = [m for row, m in enumerate(self.all_documents) if row not in removed_docs]  # live ones
        self.passage_doc = np.load(self.path / "passage_doc.npy", allow_pickle=False)
        self.live = self.updates.live_mask(len(self.passage_doc))  # False for passages of removed or replaced documents
        self.removed_passages = int(len(self.live) - self.live.sum())
        self.window_passage = np.load(self.path / "window_passage.npy", allow_pickle=False)
        self.sentence_passage = np.load(self.path / "sentence_passage.npy", allow_pickle=False)
        self.sentence_spans = np.load(self.path / "sentence_spans.npy", allow_pickle=False)
        self.sentence_vectors = np.load(self.path / "sentences.npy", mmap_mode="r", allow_pickle=False)
        self.sentence_start = np.searchsorted(self.sentence_passage, np.arange(len(self.passage_doc) + 1))
        self.window_start = np.searchsorted(self.window_passage, np.arange(len(self.passage_doc) + 1))
        self.window_vectors = np.load(self.path / "windows.npy", mmap_mode="r", allow_pickle=False)
        self.removed_windows = int((~self.live[self.window_passage]).sum()) if self.removed_passages else 0
        self._dense: DenseBackend | None = None
        self._bm25: Any = None
        self._lock = threading.Lock()

    def _db(self) -> sqlite3.Connection:
        return self._connections.get()

    @property
    def dense(self) -> DenseBackend:
        """The nearest-neighbour index over window vectors, of the backend the build recorded (opened on first use)."""
        if self._dense is None:
            from assistant.index.backends import open_dense
            from assistant.settings import load_settings

            with self._lock:
                if self._dense is None:
                    self._dense = open_dense(self.path, self.settings or load_settings())
        return self._dense

    @property
    def bm25(self) -> Any:
        """The BM25 index (loaded on first use, memory-mapped)."""
        if self._bm25 is None:
            import bm25s

            with self._lock:
                if self._bm25 is None:
                    self._bm25 = bm25s.BM25.load(str(self.path / "bm25"), mmap=True, load_vocab=True, show_progress=False)
        return self._bm25

    @cached_property
    def bm25_idf(self) -> tuple[dict[str, int], np.ndarray, float]:
        """BM25's inverse document frequency of every indexed term, as bm25s scored the build (Lucene's variant).

        Returns the vocabulary, the IDF per vocabulary id and the IDF of a term the build never saw.
        Passages appended by updates are scored with these same statistics, so the lexical ranking and the
        reranker's key-term weights agree.
        """
        bm25 = self.bm25
        n_docs = int(bm25.scores.get("num_docs", self.updates.base_passages or len(self)))
        df = np.diff(np.asarray(bm25.scores["indptr"])).astype(np.float64)
        return bm25.vocab_dict, lucene_idf(df, n_docs), float(lucene_idf(np.zeros(1), n_docs)[0])

    def rows_with_term(self, term: str, rows: np.ndarray) -> np.ndarray:
        """Which of ``rows`` hold the stemmed ``term`` in the text the lexical index saw (passage and metadata).

        Read from the term's posting list (sorted row numbers) rather than by stemming each passage again.
        """
        bm25 = self.bm25
        found = np.zeros(len(rows), dtype=bool)
        i = bm25.vocab_dict.get(term)
        if i is not None:
            indptr = bm25.scores["indptr"]
            postings = bm25.scores["indices"][int(indptr[i]) : int(indptr[i + 1])]
            if len(postings):
                at = np.minimum(np.searchsorted(postings, rows), len(postings) - 1)
                found = postings[at] == rows
        appended = self.updates.appended_terms
        if appended:  # passages added by an update are not in the build's posting lists
            for j, row in enumerate(rows.tolist()):
                if row in appended:
                    found[j] = term in appended[row]
        return found

    def __len__(self) -> int:
        return len(self.passage_doc)

    def meta(self, row: int) -> DocumentMeta:
        """Metadata of the document that passage ``row`` belongs to."""
        return self.all_documents[int(self.passage_doc[row])]

    def live_rows(self) -> np.ndarray:
        """Rows of the passages that are in the index now (not removed or replaced by an update)."""
        return np.flatnonzero(self.live)

    def passage(self, row: int) -> Passage:
        """The passage stored at ``row``."""
        return self._passage_cached(int(row))

    def passage_row(self, passage_id: str) -> int | None:
        """The row of ``passage_id``, or None."""
        found = self._db().execute("SELECT row FROM passages WHERE passage_id = ?", (passage_id,)).fetchone()
        return None if found is None else int(found[0])

    def document_passages(self, doc_id: str) -> list[Passage]:
        """All passages of a document, in order."""
        doc_row = self.doc_rows.get(doc_id)
        if doc_row is None:
            return []
        rows = self._db().execute("SELECT row FROM passages WHERE doc_row = ? ORDER BY ord", (doc_row,)).fetchall()
        return [self.passage(r) for (r,) in rows]

    def document_text(self, doc_id: str) -> str:
        """The decoded source text of a document (passage offsets point into it)."""
        found = self._db().execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return "" if found is None else str(found[0])

    def passage_counts(self) -> dict[str, int]:
        """Number of passages per live document."""
        counts = np.bincount(self.passage_doc[self.live], minlength=len(self.all_documents))
        return {m.doc_id: int(counts[self.doc_rows[m.doc_id]]) for m in self.documents}

    @property
    def has_sentence_vectors(self) -> bool:
        """Whether sentence vectors were stored at ingest (large corpora compute them when asked)."""
        return len(self.sentence_vectors) == len(self.sentence_spans)

    def sentence_spans_of(self, row: int) -> list[tuple[int, int]]:
        """Sentence spans (into the passage text) of passage ``row``."""
        lo, hi = int(self.sentence_start[row]), int(self.sentence_start[row + 1])
        return [(int(s), int(e)) for s, e in self.sentence_spans[lo:hi]]

    def stored_sentence_vectors(self, row: int) -> np.ndarray:
        """Stored unit vectors of the sentences of passage ``row`` (check `has_sentence_vectors` first)."""
        lo, hi = int(self.sentence_start[row]), int(self.sentence_start[row + 1])
        return np.asarray(self.sentence_vectors[lo:hi])

    def windows_of_rows(self, rows: np.ndarray) -> np.ndarray:
        """The window rows of the given passage rows, in order."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, ends = self.window_start[rows], self.window_start[rows + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        return (offsets + np.arange(total)).astype(np.int64)

    def passage_vectors_score(self, rows: list[int], query: np.ndarray) -> np.ndarray:
        """Dense score of each passage row: its best window's cosine with the unit ``query``."""
        out = np.zeros(len(rows), dtype=np.float32)
        for i, r in enumerate(rows):
            vecs = np.asarray(self.window_vectors[self.window_start[r] : self.window_start[r + 1]])
            out[i] = float((vecs @ query).max()) if len(vecs) else 0.0
        return out

    def neighbours(self, row: int) -> tuple[int | None, int | None]:
        """Rows of the previous and next passage in the same document."""
        doc = self.passage_doc[row]
        before = row - 1 if row > 0 and self.passage_doc[row - 1] == doc and self.live[row - 1] else None
        after = row + 1 if row + 1 < len(self.passage_doc) and self.passage_doc[row + 1] == doc and self.live[row + 1] else None
        return before, after

    def size_bytes(self) -> int:
        """Bytes on disk of the live build."""
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())


class _Connections:
    """Read-only connections to one build's database, one per thread (SQLite connections are not shared)."""

    def __init__(self, path: Path) -> None:
        self.uri = f"file:{path}?mode=ro"
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()


def _close(connections: _Connections, lease: Path | None) -> None:
    # not a method: the finalizer must not hold the store alive
    connections.close()
    release(lease)


def _load_passage(connections: _Connections, row: int) -> Passage:
    """Read passage ``row`` (cached per store; the cache holds the connections, not the store)."""
    found = (
        connections.get()
        .execute(
            "SELECT p.passage_id, d.doc_id, p.ord, p.label, p.kind, p.text, p.section, p.spans, p.instructions "
            "FROM passages p JOIN documents d ON d.row = p.doc_row WHERE p.row = ?",
            (row,),
        )
        .fetchone()
    )
    if found is None:
        raise IndexMissingError(f"passage row {row} is not in the index; {FIX_HINT}")
    pid, doc_id, order, label, kind, text, section, spans, instructions = found
    marked = tuple(Span(s, e) for s, e in json.loads(instructions))
    return Passage(pid, doc_id, order, label, kind, text, section, tuple(Span(s, e) for s, e in json.loads(spans)), marked)
