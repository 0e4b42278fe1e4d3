"""The index folder's writer lock: one ``ingest``, ``add`` or ``remove`` at a time.

Every writer takes ``LOCK`` in the index folder with ``fcntl.flock`` (released by
the kernel when the process ends, however it ends) and writes its pid into it, so
a second writer can say who is running. The second waits up to
``index_lock_wait_s`` seconds, then stops with `IndexBusyError`. Readers never
take the lock: they read ``CURRENT`` and lease the build they use
(`assistant.index.leases`).

The lock is re-entrant within a thread (``ingest`` may patch, and the patch makes
a new build, each asking for it); another thread of the same process waits like
another process would (``flock`` locks belong to an open file, not a process).
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import IndexBusyError

LOCK_FILE = "LOCK"
POLL_S = 0.05  # how often a waiting writer tries again

_held: dict[Path, tuple[int, int]] = {}  # index folder -> (thread holding its lock, depth), in this process
_guard = threading.Lock()


@contextmanager
def writer_lock(index_dir: Path, wait_s: float, purpose: str = "ingest") -> Iterator[None]:
    """Hold the writer lock of ``index_dir`` for the block; `IndexBusyError` naming the holder after ``wait_s`` seconds."""
    index_dir.mkdir(parents=True, exist_ok=True)
    key, me = index_dir.resolve(), threading.get_ident()
    with _guard:
        owner, depth = _held.get(key, (None, 0))
        if owner == me:
            _held[key] = (me, depth + 1)
    if owner == me:
        try:
            yield
        finally:
            with _guard:
                _held[key] = (me, _held[key][1] - 1)
        return
    fd = os.open(index_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, index_dir, wait_s)
        os.ftruncate(fd, 0)
        since = time.strftime("%Y-%m-%d %H:%M:%S")
        os.pwrite(fd, json.dumps({"pid": os.getpid(), "purpose": purpose, "since": since}).encode(), 0)
        with _guard:
            _held[key] = (me, 1)
        try:
            yield
        finally:
            with _guard:
                del _held[key]
            os.ftruncate(fd, 0)  # no holder to name any more
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, index_dir: Path, wait_s: float) -> None:
    deadline = time.monotonic() + max(0.0, wait_s)
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise IndexBusyError(busy_message(index_dir, holder(index_dir), wait_s)) from None
            time.sleep(POLL_S)


def holder(index_dir: Path) -> dict[str, object]:
    """What the writer holding the lock of ``index_dir`` wrote about itself ({} if nothing readable)."""
    try:
        data = json.loads((index_dir / LOCK_FILE).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def busy_message(index_dir: Path, who: dict[str, object], wait_s: float) -> str:
    """Why a writer could not start, naming the process that holds the lock and what to do."""
    pid = who.get("pid")
    running = f"another {who.get('purpose') or 'writer'}" + (f" (pid {pid}, since {who.get('since')})" if pid else "")
    stop = f", or stop it (`kill {pid}`) if it hangs" if pid else ""
    return (
        f"{running} is writing the index in {index_dir}; waited {wait_s:g} s for it "
        f"(ASSISTANT_INDEX_LOCK_WAIT_S). Run this again once it has finished{stop}"
    )
