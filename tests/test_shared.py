"""The shared-instance cache: one instance per factory and configuration, built once even under concurrency."""

from __future__ import annotations

import threading
import time

import pytest

from assistant import shared
from assistant.settings import Settings
from assistant.shared import forget_shared, shared_instance


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache of this test's own: the session's embedder and assistants stay where they are."""
    monkeypatch.setattr(shared, "_instances", {})


class Built:
    """What a factory makes: remembers the settings it was made from."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings


def make_thing(settings: Settings) -> Built:
    make_thing.calls += 1  # type: ignore[attr-defined]
    return Built(settings)


def make_other(settings: Settings) -> Built:
    return Built(settings)


@pytest.fixture(autouse=True)
def _count() -> None:
    make_thing.calls = 0  # type: ignore[attr-defined]


def test_one_instance_per_configuration() -> None:
    first = shared_instance(make_thing, Settings(k=5))
    assert shared_instance(make_thing, Settings(k=5)) is first  # equal settings, not the same object
    assert shared_instance(make_thing, Settings(k=7)) is not first  # without keys every setting counts
    assert make_thing.calls == 2  # type: ignore[attr-defined]


def test_keys_name_the_settings_an_instance_depends_on() -> None:
    first = shared_instance(make_thing, Settings(k=5, batch_size=8), keys=("batch_size",))
    assert shared_instance(make_thing, Settings(k=7, batch_size=8), keys=("batch_size",)) is first
    assert shared_instance(make_thing, Settings(k=5, batch_size=16), keys=("batch_size",)) is not first
    assert make_thing.calls == 2  # type: ignore[attr-defined]


def test_each_factory_has_its_own_instances() -> None:
    settings = Settings()
    assert shared_instance(make_thing, settings) is not shared_instance(make_other, settings)


def test_forget_one_factory_or_all() -> None:
    settings = Settings()
    thing, other = shared_instance(make_thing, settings), shared_instance(make_other, settings)
    forget_shared(make_thing)
    assert shared_instance(make_thing, settings) is not thing
    assert shared_instance(make_other, settings) is other  # untouched
    forget_shared()
    assert shared_instance(make_other, settings) is not other
    assert make_thing.calls == 2  # type: ignore[attr-defined]


def test_concurrent_callers_share_one_build() -> None:
    def slow(settings: Settings) -> Built:
        slow.calls += 1  # type: ignore[attr-defined]
        time.sleep(0.05)  # long enough for every thread to arrive while the first builds
        return Built(settings)

    slow.calls = 0  # type: ignore[attr-defined]
    settings = Settings()
    got: list[Built] = []
    threads = [threading.Thread(target=lambda: got.append(shared_instance(slow, settings))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert slow.calls == 1 and len(got) == 8 and all(g is got[0] for g in got)  # type: ignore[attr-defined]


def test_a_factory_may_use_the_cache_while_building() -> None:
    # building an Assistant builds its embedder through the cache: the lock is re-entrant
    def outer(settings: Settings) -> tuple[Built, Built]:
        return Built(settings), shared_instance(make_thing, settings)

    settings = Settings()
    _, inner = shared_instance(outer, settings)
    assert inner is shared_instance(make_thing, settings)
