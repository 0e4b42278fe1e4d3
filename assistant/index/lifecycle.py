"""A build's life: made beside the live index, published by an atomic pointer swap, or discarded.

``new_build`` is the one way to make a build: whatever happens inside it, the
live index is either the old build or the finished new one, never a mixture.
"""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexMissingError
from assistant.index.backends import discard_dense, publish_dense
from assistant.index.manifest import MANIFEST
from assistant.settings import Settings

POINTER = "CURRENT"
FIX_HINT = "run `python -m assistant ingest` (or `make index`) to build it"


def live_build(index_dir: Path) -> Path:
    """The folder of the live build, or `IndexMissingError` saying how to make one."""
    pointer = index_dir / POINTER
    if not pointer.is_file():
        raise IndexMissingError(f"no index in {index_dir}; {FIX_HINT}")
    build = index_dir / pointer.read_text(encoding="utf-8").strip()
    if not (build / MANIFEST).is_file():
        raise IndexMissingError(f"the index in {index_dir} is incomplete (missing {build.name}); {FIX_HINT}")
    return build


def new_build_dir(index_dir: Path) -> Path:
    """Create an empty folder for a new build beside the live one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    build = index_dir / f"build-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    build.mkdir()
    return build


def publish(index_dir: Path, build: Path) -> None:
    """Make ``build`` the live index (atomic pointer swap), then remove older builds."""
    tmp = index_dir / f".{POINTER}.{uuid.uuid4().hex[:6]}"
    tmp.write_text(build.name, encoding="utf-8")
    os.replace(tmp, index_dir / POINTER)
    for old in index_dir.glob("build-*"):
        if old != build and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)


def link_tree(source: Path, dest: Path) -> None:
    """Hard-link the files of ``source`` (a file or folder) at ``dest``; copy where links are not possible.

    Build files are never modified once written, so a new build can share them with the previous one.
    """
    if source.is_file():
        try:
            os.link(source, dest)
        except OSError:
            shutil.copy2(source, dest)
        return
    dest.mkdir()
    for item in source.iterdir():
        link_tree(item, dest / item.name)


def discard(build: Path) -> None:
    """Remove an unfinished build folder."""
    shutil.rmtree(build, ignore_errors=True)


@contextmanager
def new_build(settings: Settings) -> Iterator[Path]:
    """A new build folder to write into; published when the block ends, discarded if it raises."""
    build = new_build_dir(settings.index_dir)
    try:
        yield build
    except BaseException:
        discard_dense(build, settings)
        discard(build)  # the live index stays as it was
        raise
    publish(settings.index_dir, build)
    publish_dense(build, settings)
