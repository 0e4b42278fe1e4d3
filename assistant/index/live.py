"""Following the live build from a long-running process (the chat), without a restart.

`LiveIndex` holds what a process loaded from one build (its `IndexStore` and
whatever the caller builds over it). At the start of each use it checks
``CURRENT`` (a few bytes, at most once per ``index_watch_s`` seconds,
`BuildWatcher`); when a new build went live, it opens and loads it in the
background and swaps it in with one assignment. A use (`LiveIndex.use`) keeps
the build it started on to the end, so a question under way during the swap
finishes there; its store, and with it the build's lease
(`assistant.index.leases`), goes once nothing holds it.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Generic, TypeVar

from assistant.errors import AssistantError, IndexDamagedError
from assistant.index.lifecycle import read_pointer
from assistant.index.store import IndexStore
from assistant.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")
V = TypeVar("V")
RELEASE_CHECKS_S = (1, 2, 4, 8, 16, 32)  # after a swap: when to look whether the old build's objects can be collected


class BuildWatcher:
    """Watches ``CURRENT`` of ``index_dir``, at most every ``interval_s`` seconds (0 or less: never)."""

    def __init__(self, index_dir: Path, interval_s: float) -> None:
        self.index_dir = index_dir
        self.interval_s = interval_s
        self._next = time.monotonic() + interval_s
        self._failed: str | None = None  # a build that could not be loaded: not tried again until CURRENT moves on
        self._lock = threading.Lock()

    def changed(self, in_use: str) -> str | None:
        """The live build's name if it is not ``in_use`` (checked at most once per interval), else None."""
        if self.interval_s <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                return None
            self._next = now + self.interval_s
        try:
            name = read_pointer(self.index_dir)
        except IndexDamagedError:
            return None  # a damaged pointer: keep serving the build in use
        if name is None or name in (in_use, self._failed):
            return None
        return name

    def failed(self, name: str) -> None:
        """Remember that build ``name`` could not be loaded, so it is not tried at every question."""
        self._failed = name


class LiveIndex(Generic[T]):
    """What ``load`` builds over the live build of ``settings.index_dir``, moved to newer builds between uses.

    ``store`` (an already opened build) is kept unless ``follow`` is true;
    without one the live build is opened and followed.
    """

    def __init__(
        self, settings: Settings, load: Callable[[IndexStore], T], store: IndexStore | None = None, follow: bool | None = None
    ) -> None:
        self.settings = settings
        self._load = load
        opened = store or IndexStore(settings.index_dir, settings)
        self._latest: tuple[IndexStore, T] = (opened, load(opened))
        follow = store is None if follow is None else follow
        self.watcher = BuildWatcher(settings.index_dir, settings.index_watch_s if follow else 0.0)
        self._in_use: ContextVar[tuple[IndexStore, T] | None] = ContextVar("build_in_use", default=None)
        self._swapping = threading.Lock()  # one new build loaded at a time

    @property
    def loaded(self) -> T:
        """The build in use: the current use's, else the newest loaded."""
        return (self._in_use.get() or self._latest)[1]

    @property
    def store(self) -> IndexStore:
        """The store of the build in use."""
        return (self._in_use.get() or self._latest)[0]

    @contextmanager
    def use(self) -> Iterator[T]:
        """One use (a question) on one build, start to end: the newest when it starts; notices a new live build."""
        latest = self._latest
        name = self.watcher.changed(latest[0].path.name)
        if name and self._swapping.acquire(blocking=False):
            threading.Thread(target=self._follow, args=(name,), name="index-swap", daemon=True).start()
        token = self._in_use.set(latest)
        try:
            yield latest[1]
        finally:
            self._in_use.reset(token)

    def refresh(self) -> bool:
        """Move to the live build now if it is not the one in use; True if moved. Uses under way finish on theirs."""
        with self._swapping:
            return self._swap(None) is not None

    def _follow(self, name: str) -> None:
        try:
            old = self._swap(name)
        finally:
            self._swapping.release()
        if old is not None:
            collect_when_unused(old)

    def _swap(self, name: str | None) -> weakref.ref[IndexStore] | None:
        """Open and load the live build (``name``, as last seen) and swap it in, holding ``_swapping``.

        Returns a weak reference to the old store. A build that cannot be opened or
        served is not tried again until ``CURRENT`` names another one.
        """
        old = self._latest[0]
        try:
            store = IndexStore(self.settings.index_dir, self.settings)
        except Exception as exc:  # any failure to open it (damaged, half-copied): keep serving the old build
            if name:
                self.watcher.failed(name)
            log.warning("staying on %s: the new live build cannot be opened (%s)", old.path.name, exc)
            return None
        if store.path == old.path:
            store.close()
            return None
        try:
            loaded = self._load(store)
        except Exception as exc:
            store.close()
            self.watcher.failed(store.path.name)
            log.warning("staying on %s: %s cannot be served (%s)", old.path.name, store.path.name, exc)
            return None
        self._latest = (store, loaded)  # one assignment: a use sees the old build or the new, never a mixture
        log.info("moved from %s to %s", old.path.name, store.path.name)
        return weakref.ref(old)


class InUse(Generic[V]):
    """An attribute of the build in use, read through its owner's ``_live`` (`LiveIndex`): ``store = InUse[IndexStore]()``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> V:
        if instance is None:  # read on the class: the descriptor itself
            return self  # type: ignore[return-value]
        value: V = getattr(instance._live.loaded, self.name)
        return value


def collect_when_unused(store: weakref.ref[IndexStore]) -> None:
    """Collect an old build's objects once the uses of it have finished, so its lease ends and ingest may remove it.

    Caches over a build (a searcher's) hold reference cycles, which only the
    collector frees; a store someone still holds stays, and its build with it.
    """
    for delay in RELEASE_CHECKS_S:
        time.sleep(delay)
        gc.collect()
        if store() is None:
            return
