"""The Milvus variant of the dense index: window vectors in a Milvus collection, through LangChain's `Milvus` store.

Without ``milvus_uri`` the collection lives in milvus-lite, an embedded engine
that writes a folder inside the build (``milvus.db``), so a build stays
self-contained like a FAISS one; milvus-lite serves one process at a time.
With ``milvus_uri`` (and ``milvus_token``) the same code uses a Milvus server or
cluster: each build writes its own collection ``<milvus_collection>_<build>``,
and publishing points the alias ``<milvus_collection>`` at it and drops all but
the previous build's collection (still served by replicas being rolled over).

Each entity is one window: primary key ``pk`` (the row as text, LangChain's
convention), the vector, and the window row as an INT64 field ``row`` that
results map back through and filters select on. The text field stays empty:
passages live in the build's SQLite file.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.errors import AssistantError, IndexMissingError, UsageError
from assistant.index.faiss_backend import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_NEIGHBOURS
from assistant.settings import Settings

LITE_FOLDER = "milvus.db"  # milvus-lite keeps a folder at a URI ending in .db
ROW_FIELD = "row"
INSERT_BATCH = 5_000  # vectors converted to lists and sent at once
MAX_TOP_K = 16_384  # Milvus refuses a larger limit
RANGE_MIN = 32  # runs of consecutive allowed rows at least this long are filtered as ranges, not listed


class VectorsOnly(Embeddings):
    """LangChain's store wants an embedding function; this one refuses: the assistant passes vectors it made itself."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Refuse: vectors come from `assistant.embed.registry`."""
        raise UsageError("the Milvus store is given vectors by the assistant's embedder; it does not embed text itself")

    def embed_query(self, text: str) -> list[float]:
        """Refuse: vectors come from `assistant.embed.registry`."""
        return self.embed_documents([text])[0]


def collection_name(prefix: str, build_name: str) -> str:
    """The collection of one build: ``<prefix>_<build>`` with only the characters Milvus accepts."""
    return re.sub(r"[^0-9A-Za-z_]", "_", f"{prefix}_{build_name.removeprefix('build-')}")


def rows_filter(rows: np.ndarray) -> str:
    """A Milvus filter on ``row`` selecting exactly ``rows``: long runs as ranges, the rest as one ``in`` list.

    A date filter over a large corpus allows whole documents, i.e. long runs of
    consecutive windows; ranges keep the expression short where a list would
    name every row.
    """
    rows = np.unique(np.asarray(rows, dtype=np.int64))
    if len(rows) == 0:
        return f"{ROW_FIELD} in []"
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(rows)]))
    terms: list[str] = []
    listed: list[int] = []
    for lo, hi in zip(starts, ends, strict=True):
        if hi - lo >= RANGE_MIN:
            terms.append(f"({ROW_FIELD} >= {rows[lo]} and {ROW_FIELD} <= {rows[hi - 1]})")
        else:
            listed.extend(int(r) for r in rows[lo:hi])
    if listed:
        terms.insert(0, f"{ROW_FIELD} in [{', '.join(map(str, listed))}]")
    return " or ".join(terms)


@contextlib.contextmanager
def _quiet_lite(lite: bool) -> Iterator[None]:
    # milvus-lite lacks AllocTimestamp, which pymilvus calls while waiting for an index: the call fails
    # harmlessly but the in-process gRPC server logs a traceback; a failed start is raised to us anyway.
    loggers = [logging.getLogger(n) for n in ("grpc._server", "milvus_lite")] if lite else []
    before = [log.disabled for log in loggers]
    for log in loggers:
        log.disabled = True
    try:
        yield
    finally:
        for log, was in zip(loggers, before, strict=True):
            log.disabled = was


class MilvusBackend:
    """The `DenseBackend` stored in Milvus: milvus-lite inside the build, or a server shared by replicas."""

    def __init__(self, build: Path, settings: Settings, record: Mapping[str, Any] | None = None) -> None:
        record = dict(record or {})
        self.build_dir = build
        self.exact_max = settings.exact_index_max_vectors
        self.alias = settings.milvus_collection
        self.collection: str = record.get("collection") or collection_name(settings.milvus_collection, build.name)
        self.index_type: str = record.get("index_type", "FLAT")
        self.empty = bool(record.get("empty", False))
        self.lite: bool = record.get("lite", settings.milvus_uri is None)
        if self.lite:
            self.uri = str(build / LITE_FOLDER)
        else:
            uri = settings.milvus_uri or record.get("uri")
            if not uri:
                raise UsageError(
                    f"the vectors of {build} are in the Milvus collection {self.collection} on a server; "
                    "set ASSISTANT_MILVUS_URI (and ASSISTANT_MILVUS_TOKEN) to reach it"
                )
            self.uri = uri
        self.token = settings.milvus_token.get_secret_value() if settings.milvus_token else None
        self._store: Any = None
        self._lock = threading.Lock()

    # connection ----------------------------------------------------------------

    def _connection(self) -> dict[str, Any]:
        args: dict[str, Any] = {"uri": self.uri}
        if self.token:
            args["token"] = self.token
        return args

    def _open(self, *, create: bool = False) -> Any:
        """LangChain's `Milvus` store on this build's collection (``create``: a new, empty one)."""
        from langchain_milvus import Milvus
        from pymilvus import DataType

        hnsw = self.index_type == "HNSW"
        build_params: dict[str, Any] = {"M": HNSW_NEIGHBOURS, "efConstruction": HNSW_EF_CONSTRUCTION} if hnsw else {}
        if self.lite and build_params:
            # pymilvus 3 sends build parameters as flat keys, which milvus-lite ignores (it would build
            # HNSW with M=16): nested under "params" they reach it, JSON-encoded as it expects
            build_params = {"params": build_params}
        index_params = {
            "index_type": self.index_type,
            "metric_type": "IP",  # unit vectors: inner product is the cosine, as with FAISS
            "params": build_params,
        }
        try:
            with _quiet_lite(self.lite):
                return Milvus(
                    embedding_function=VectorsOnly(),
                    collection_name=self.collection,
                    connection_args=self._connection(),
                    consistency_level="Bounded",  # a build's collection never changes once written
                    index_params=index_params,
                    search_params={"metric_type": "IP", "params": {"ef": HNSW_EF_SEARCH} if hnsw else {}},
                    drop_old=create,
                    metadata_schema={ROW_FIELD: {"dtype": DataType.INT64}},
                )
        except Exception as exc:
            raise self._connect_error(exc) from exc

    def _connect_error(self, exc: Exception) -> AssistantError:
        if self.lite:
            return AssistantError(
                f"cannot open the milvus-lite index in {self.uri} ({exc}); milvus-lite serves one process at a time: "
                "stop the other process using this index, or serve from a Milvus server (docs/deploy.md)"
            )
        return AssistantError(
            f"cannot reach Milvus at {self.uri} ({exc}); check ASSISTANT_MILVUS_URI and ASSISTANT_MILVUS_TOKEN (docs/deploy.md)"
        )

    @property
    def store(self) -> Any:
        """LangChain's `Milvus` store over the collection (connected on first use)."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    store = self._open()
                    if store.col is None:
                        where = "is missing" if self.lite else "is gone (dropped two ingests later, or another server)"
                        raise IndexMissingError(
                            f"the Milvus collection {self.collection} at {self.uri} {where}; "
                            "run `python -m assistant ingest --force` to write it again"
                        )
                    self._store = store
        return self._store

    def close(self) -> None:
        """Close the connection; for milvus-lite also stop its in-process server so another process may open it."""
        with self._lock:
            store, self._store = self._store, None
        if store is not None:
            store.client.close()
        if self.lite:
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(self.uri)

    # DenseBackend ----------------------------------------------------------------

    def build(self, vectors: np.ndarray) -> dict[str, Any]:
        """Write the collection: FLAT (exact) up to ``exact_index_max_vectors``, HNSW above, as with FAISS."""
        self.index_type = "FLAT" if len(vectors) <= self.exact_max else "HNSW"
        record: dict[str, Any] = {
            "kind": f"Milvus {self.index_type}" + (str(HNSW_NEIGHBOURS) if self.index_type == "HNSW" else ""),
            "collection": self.collection,
            "index_type": self.index_type,
            "lite": self.lite,
        }
        if not self.lite:
            record["uri"] = self.uri  # a default for readers; the token is never written
        if len(vectors) == 0:
            return {**record, "empty": True}  # Milvus infers the dimension from the first vectors
        store = self._open(create=True)
        try:
            with _quiet_lite(self.lite):
                for lo in range(0, len(vectors), INSERT_BATCH):
                    chunk = np.asarray(vectors[lo : lo + INSERT_BATCH], dtype=np.float32)
                    rows = range(lo, lo + len(chunk))
                    store.add_embeddings(
                        texts=[""] * len(chunk),
                        embeddings=chunk.tolist(),
                        metadatas=[{ROW_FIELD: r} for r in rows],
                        ids=[str(r) for r in rows],
                        batch_size=INSERT_BATCH,
                    )
                store.client.flush(self.collection)
        except Exception:
            with contextlib.suppress(Exception):
                store.client.drop_collection(self.collection)
            raise
        finally:
            self._store = store
            self.close()
        return record

    def publish(self) -> None:
        """Point the alias at this build's collection; drop older ones but the newest (replicas may still serve it)."""
        from pymilvus import MilvusClient

        try:
            with _quiet_lite(self.lite):
                client = MilvusClient(**self._connection())
        except Exception as exc:
            raise self._connect_error(exc) from exc
        try:
            ours = re.compile(re.escape(collection_name(self.alias, "")) + r"\d{8}T\d{6}_[0-9a-f]{6}")
            builds = sorted(c for c in client.list_collections() if ours.fullmatch(c))
            # asking for a missing alias logs an error in pymilvus: look for it among our collections instead
            holder = next((c for c in builds if self.alias in client.list_aliases(c).get("aliases", [])), None)
            if holder is None:
                client.create_alias(self.collection, self.alias)
            elif holder != self.collection:
                client.alter_alias(self.collection, self.alias)
            older = [c for c in builds if c < self.collection]
            for old in older[:-1]:
                client.drop_collection(old)
        finally:
            client.close()
            self.close()

    def discard(self) -> None:
        """Drop this build's collection from a server (milvus-lite's folder goes with the build)."""
        if self.lite:
            return
        from pymilvus import MilvusClient

        client = MilvusClient(**self._connection())
        try:
            if client.has_collection(self.collection):
                client.drop_collection(self.collection)
        finally:
            client.close()

    def search(self, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, window rows) by inner product; ``allowed_rows`` become a filter on ``row``."""
        if self.empty or (allowed_rows is not None and len(allowed_rows) == 0):
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
        k = max(1, min(k, MAX_TOP_K))
        params: dict[str, Any] = {"metric_type": "IP", "params": {}}
        if self.index_type == "HNSW":
            params["params"]["ef"] = max(HNSW_EF_SEARCH, k)  # Milvus requires ef >= k
        expr = None if allowed_rows is None else rows_filter(allowed_rows)
        vector = np.asarray(query, dtype=np.float32).reshape(-1).tolist()
        found = self.store.similarity_search_with_score_by_vector(vector, k=k, param=params, expr=expr)
        scores = np.fromiter((score for _, score in found), dtype=np.float32, count=len(found))
        rows = np.fromiter((doc.metadata[ROW_FIELD] for doc, _ in found), dtype=np.int64, count=len(found))
        return scores, rows
