"""Swappable vector stores behind dense retrieval: FAISS files in the build (the default) or a Milvus collection.

A backend is made for one build folder. At ingest it indexes the window
vectors (`DenseBackend.build`) and is told when the build goes live
(``publish``) or is abandoned (``discard``); at query time it answers
``search``. Which backend a build used is recorded in ``dense.json`` inside the
build, so a reader opens what was built; its settings only say where to
connect (``milvus_uri``, ``milvus_token``). The variants live in one file each:
`assistant.index.faiss_backend` (FAISS) and `assistant.index.milvus_backend` (Milvus).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.errors import UsageError
from assistant.settings import Settings

DESCRIPTOR = "dense.json"
LEGACY_BACKEND = "faiss"  # builds made before backends were recorded hold a FAISS file


class DenseBackend(Protocol):
    """The nearest-neighbour index over the window vectors of one build (inner product of unit vectors)."""

    def build(self, vectors: np.ndarray) -> dict[str, Any]:
        """Index ``vectors`` (row i is window row i); return what a reader needs to reopen it, ``kind`` included."""
        ...

    def publish(self) -> None:
        """The build just went live: make it the one served, retire older ones."""
        ...

    def discard(self) -> None:
        """The build was abandoned: remove what it made outside its folder."""
        ...

    def search(self, query: np.ndarray, k: int, allowed_rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` (scores, window rows) for one unit ``query``, best first; only among ``allowed_rows`` if given."""
        ...


# name -> factory(build folder, settings, what `build` recorded ({} for a new build))
BackendFactory = Callable[[Path, Settings, Mapping[str, Any]], DenseBackend]


def _faiss(build: Path, settings: Settings, record: Mapping[str, Any]) -> DenseBackend:
    from assistant.index.faiss_backend import FaissBackend

    return FaissBackend(build, settings, record)


def _milvus(build: Path, settings: Settings, record: Mapping[str, Any]) -> DenseBackend:
    from assistant.index.milvus_backend import MilvusBackend  # imports pymilvus: only when asked for

    return MilvusBackend(build, settings, record)


BACKENDS: dict[str, BackendFactory] = {"faiss": _faiss, "milvus": _milvus}


# the packages a backend imports when used, checked up front so a missing one fails before any work
REQUIRES: dict[str, tuple[str, ...]] = {"faiss": ("faiss",), "milvus": ("langchain_milvus", "pymilvus")}


def backend_factory(name: str) -> BackendFactory:
    """The factory of the backend called ``name``, or `UsageError` listing the known ones or naming what is missing."""
    if name not in BACKENDS:
        raise UsageError(f"unknown vector backend {name!r}; known: {', '.join(sorted(BACKENDS))} (set ASSISTANT_VECTOR_BACKEND)")
    missing = [m for m in REQUIRES.get(name, ()) if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(f"the {name} vector backend needs {', '.join(missing)}, which is not installed; run `make install`")
    return BACKENDS[name]


def read_descriptor(build: Path) -> dict[str, Any]:
    """What ``build`` recorded about its dense index (``{"backend": "faiss"}`` for older builds)."""
    path = build / DESCRIPTOR
    if not path.is_file():
        return {"backend": LEGACY_BACKEND}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def build_dense(build: Path, vectors: np.ndarray, settings: Settings) -> str:
    """Index the window ``vectors`` of ``build`` with the settings' backend; record it; return the index's kind."""
    name = settings.vector_backend
    record = backend_factory(name)(build, settings, {}).build(vectors)
    (build / DESCRIPTOR).write_text(json.dumps({"backend": name, **record}, indent=2), encoding="utf-8")
    return str(record["kind"])


def open_dense(build: Path, settings: Settings) -> DenseBackend:
    """The dense index of ``build``, as recorded there (connection details from ``settings``)."""
    record = read_descriptor(build)
    return backend_factory(record["backend"])(build, settings, record)


def publish_dense(build: Path, settings: Settings) -> None:
    """Tell the backend of ``build`` that the build is live."""
    open_dense(build, settings).publish()


def discard_dense(build: Path, settings: Settings) -> None:
    """Tell the settings' backend that ``build`` was abandoned (best effort: called while handling another error)."""
    record = read_descriptor(build) if (build / DESCRIPTOR).is_file() else {"backend": settings.vector_backend}
    with contextlib.suppress(Exception):  # the error being handled is the one to report
        backend_factory(record["backend"])(build, settings, record).discard()
