"""A build's life: made beside the live index under the writer lock, checked, published by an atomic pointer swap.

``new_build`` is the one way to make a build: whatever happens inside it, the
live index is either the old build or the finished new one, never a mixture.
It holds the writer lock (`assistant.index.lock`), verifies that the new build
holds every file its manifest lists before ``CURRENT`` moves, and afterwards
removes only builds no reader has leased (`assistant.index.leases`).
Readers open the live build with `open_live`, which leases it first.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import AssistantError, IndexBusyError, IndexDamagedError, IndexMissingError
from assistant.index.backends import discard_dense, publish_dense
from assistant.index.leases import BUILD_PREFIX, release, sweep, take_lease
from assistant.index.lock import writer_lock
from assistant.index.manifest import ENGINE_FOLDER_SIZE, MANIFEST, Manifest, damaged
from assistant.settings import Settings

log = logging.getLogger(__name__)

POINTER = "CURRENT"
FIX_HINT = "run `python -m assistant ingest` (or `make index`) to build it"
BUILD_NAME = re.compile(rf"{BUILD_PREFIX}[A-Za-z0-9_-]+")
# what a build must hold at least, checked when its manifest lists no files (builds made before manifests did)
REQUIRED = ("passages.sqlite", "passage_doc.npy", "window_passage.npy", "windows.npy", "sentences.npy", "bm25")
OPEN_ATTEMPTS = 5  # a reader retries when CURRENT moves while it opens the build


def read_pointer(index_dir: Path) -> str | None:
    """The build ``CURRENT`` names; None without an index; `IndexDamagedError` if it holds anything else."""
    pointer = index_dir / POINTER
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise damaged(index_dir, f"{POINTER} cannot be read ({exc})") from None
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        name = ""
    if not BUILD_NAME.fullmatch(name):
        shown = raw[:40].decode("utf-8", "replace").strip() or "nothing"
        raise damaged(index_dir, f"{POINTER} should name a build folder but holds {shown!r}")
    return name


def build_problems(build: Path, manifest: Manifest) -> list[str]:
    """What ``build`` lacks of what its manifest lists (missing files, files of another size); [] when complete."""
    problems = []
    listed: dict[str, int | None] = {**manifest.files} if manifest.files else dict.fromkeys(REQUIRED)
    for name, size in listed.items():
        path = build / name
        if not path.exists():
            problems.append(f"{name} is missing")
        elif size is not None and size != ENGINE_FOLDER_SIZE and path.stat().st_size != size:
            problems.append(f"{name} has {path.stat().st_size:,} bytes, not {size:,}")
    return problems


def checked_build(index_dir: Path, name: str) -> tuple[Path, Manifest]:
    """The build ``name`` of ``index_dir`` and its manifest, if it is complete; else `IndexDamagedError`."""
    build = index_dir / name
    if not build.is_dir():
        raise damaged(index_dir, f"{POINTER} names {name}, which is missing")
    manifest = Manifest.read(build / MANIFEST)
    problems = build_problems(build, manifest)
    if problems:
        shown = "; ".join(problems[:3]) + (f"; {len(problems) - 3} more" if len(problems) > 3 else "")
        raise damaged(index_dir, f"in {name}, {shown}")
    return build, manifest


def live_build(index_dir: Path) -> Path:
    """The folder of the live build, checked complete; `IndexMissingError` / `IndexDamagedError` saying how to fix it."""
    name = read_pointer(index_dir)
    if name is None:
        raise IndexMissingError(f"no index in {index_dir}; {FIX_HINT}")
    return checked_build(index_dir, name)[0]


def open_live(index_dir: Path) -> tuple[Path, Manifest, Path | None]:
    """The live build, its manifest and this reader's lease on it (None where leases cannot be written).

    The lease is taken before the build is trusted: ``CURRENT`` is read again
    after leasing, so no writer can have removed the build (`assistant.index.leases`).
    """
    for _ in range(OPEN_ATTEMPTS):
        name = read_pointer(index_dir)
        if name is None:
            raise IndexMissingError(f"no index in {index_dir}; {FIX_HINT}")
        lease = take_lease(index_dir, name)
        try:
            if read_pointer(index_dir) == name:
                build, manifest = checked_build(index_dir, name)
                return build, manifest, lease
        except BaseException:
            release(lease)
            raise
        release(lease)  # a new build went live meanwhile: open that one
    raise IndexBusyError(f"the index in {index_dir} changed {OPEN_ATTEMPTS} times while it was being opened; try again")


def new_build_dir(index_dir: Path) -> Path:
    """Create an empty folder for a new build beside the live one."""
    index_dir.mkdir(parents=True, exist_ok=True)
    build = index_dir / f"{BUILD_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    build.mkdir()
    return build


def publish(index_dir: Path, build: Path, grace_s: float = 0.0) -> list[str]:
    """Make the complete ``build`` the live index (atomic pointer swap); remove builds nobody uses; return their names.

    Call it holding the writer lock. The build replaced is marked retired now
    (its folder's time), so it outlives the swap by ``grace_s`` seconds at least.
    """
    problems = build_problems(build, Manifest.read(build / MANIFEST))
    if problems:
        raise AssistantError(f"the new build {build.name} is incomplete ({'; '.join(problems[:3])}); nothing was published")
    previous = _pointer_or_none(index_dir)
    tmp = index_dir / f".{POINTER}.{uuid.uuid4().hex[:6]}"
    tmp.write_text(build.name, encoding="utf-8")
    if previous and (index_dir / previous).is_dir():
        os.utime(index_dir / previous)  # retired now: the grace period starts here
    os.replace(tmp, index_dir / POINTER)
    try:
        for stale in index_dir.glob(f".{POINTER}.*"):  # pointers written by crashed runs
            stale.unlink(missing_ok=True)
        return sweep(index_dir, build.name, grace_s)
    except OSError as exc:  # the new build is live: failing to tidy up must not undo that
        log.warning("could not remove the builds %s replaced: %s", build.name, exc)
        return []


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
def new_build(settings: Settings, purpose: str = "ingest") -> Iterator[Path]:
    """A new build folder to write into, under the writer lock; published when the block ends, discarded if it raises."""
    with writer_lock(settings.index_dir, settings.index_lock_wait_s, purpose):
        build = new_build_dir(settings.index_dir)
        try:
            yield build
            publish(settings.index_dir, build, settings.index_grace_s)
        except BaseException:
            if _pointer_or_none(settings.index_dir) != build.name:
                discard_dense(build, settings)
                discard(build)  # the live index stays as it was
            raise
        publish_dense(build, settings)


def _pointer_or_none(index_dir: Path) -> str | None:
    try:
        return read_pointer(index_dir)
    except IndexDamagedError:
        return None
