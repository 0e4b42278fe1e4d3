"""One cache of shared instances: each model and index is loaded once per process and configuration.

The embedder, the generator and the `Assistant` are expensive to build and safe
to share between threads; each is built by its factory on first use, keyed by
the settings it reads, and handed to every later caller.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from assistant.settings import Settings

T = TypeVar("T")

_instances: dict[tuple[Hashable, ...], Any] = {}
_lock = threading.RLock()  # re-entrant: building an Assistant builds its embedder


def shared_instance(factory: Callable[[Settings], T], settings: Settings, keys: Sequence[str] | None = None) -> T:
    """The instance ``factory(settings)`` for this configuration, built once per process.

    ``keys`` names the settings the instance depends on (default: all of them),
    so that settings it does not read do not load it twice.
    """
    config = settings.model_dump_json() if keys is None else repr([getattr(settings, k) for k in keys])
    key = (_name(factory), config)
    with _lock:
        if key not in _instances:
            _instances[key] = factory(settings)
        return _instances[key]  # type: ignore[no-any-return]


def forget_shared(factory: Callable[..., Any] | None = None) -> None:
    """Drop the shared instances ``factory`` built (all of them without one), so the next caller builds anew."""
    name = None if factory is None else _name(factory)
    with _lock:
        for key in [k for k in _instances if name is None or k[0] == name]:
            del _instances[key]


def _name(factory: Callable[..., Any]) -> str:
    """The factory's full name (module and qualified name), so same-named factories never share instances."""
    return f"{getattr(factory, '__module__', '')}.{getattr(factory, '__qualname__', repr(factory))}"
