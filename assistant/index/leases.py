"""Reader leases, and the removal of builds nobody uses.

A process that reads a build (an `IndexStore`) leases it: an empty file
``readers/<build>.<pid>.<token>`` in the index folder, removed when the store is
closed or collected. A lease whose process has ended (killed, crashed) is stale
and ignored. Writers, holding the writer lock, remove a ``build-*`` folder only
when it is not live, not leased, and was last live (or last written) more than
``index_grace_s`` seconds ago (`sweep`). The grace covers readers that cannot
lease: on a read-only mount or another machine.

A reader leases before it trusts the pointer: read ``CURRENT``, lease that build,
read ``CURRENT`` again (`assistant.index.lifecycle.open_live`). A writer sweeps
only after moving ``CURRENT``; so a build a reader saw live after leasing it was
still live when the lease appeared, and every later sweep sees the lease.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

READERS = "readers"
BUILD_PREFIX = "build-"
_warned: set[Path] = set()  # index folders where a lease could not be written (warned once per process)


def take_lease(index_dir: Path, build: str) -> Path | None:
    """Record that this process reads ``build``; None (with a warning, once) where the folder is read-only."""
    folder = index_dir / READERS
    path = folder / f"{build}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(exist_ok=True)
        path.touch()
    except OSError as exc:
        if index_dir not in _warned:
            _warned.add(index_dir)
            log.warning(
                "cannot register as a reader in %s (%s): a later ingest removes a build it replaces after "
                "index_grace_s seconds, whether this process still reads it or not",
                folder,
                exc,
            )
        return None
    return path


def release(lease: Path | None) -> None:
    """Give a lease back (nothing if there was none)."""
    if lease is not None:
        with contextlib.suppress(OSError):  # a read-only folder now: a writer finds the lease stale once this process ends
            lease.unlink(missing_ok=True)


def leased_builds(index_dir: Path, *, drop_stale: bool = False) -> set[str]:
    """The builds a running process has leased; with ``drop_stale``, remove the leases of ended processes."""
    folder = index_dir / READERS
    if not folder.is_dir():
        return set()
    leased: set[str] = set()
    for lease in folder.iterdir():
        build, _, rest = lease.name.partition(".")
        pid_text = rest.partition(".")[0]
        if pid_text.isdigit() and pid_running(int(pid_text)):
            leased.add(build)
        elif drop_stale:
            release(lease)
    return leased


def pid_running(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine (a zombie, ended but not yet reaped, does not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc: trust kill()
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def sweep(index_dir: Path, live: str | None, grace_s: float) -> list[str]:
    """Remove builds that are not ``live``, not leased, and untouched for ``grace_s`` seconds; return their names.

    Call it holding the writer lock: then no other writer is making a build, and a
    folder that is neither live nor leased is a retired build or a crashed run's leftover.
    """
    leased = leased_builds(index_dir, drop_stale=True)
    now = time.time()
    removed = []
    for build in sorted(index_dir.glob(f"{BUILD_PREFIX}*")):
        if build.name == live or build.name in leased or not build.is_dir():
            continue
        try:
            if now - build.stat().st_mtime < grace_s:
                continue
            # renamed first, so a half-removed folder never carries a build's name
            trash = build.with_name(f".trash-{build.name}")
            build.rename(trash)
        except OSError:
            continue
        shutil.rmtree(trash, ignore_errors=True)
        removed.append(build.name)
    for leftover in index_dir.glob(".trash-*"):  # a sweep interrupted mid-removal
        shutil.rmtree(leftover, ignore_errors=True)
    return removed
