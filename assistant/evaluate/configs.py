"""Configurations of a run: the `Assistant.ask` options a sweep varies, parsed from ``--set key=v1,v2``.

Light on imports: the command line builds its parser from this module.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from assistant.errors import UsageError
from assistant.settings import Settings


@dataclass(frozen=True)
class RunConfig:
    """The options of `Assistant.ask` that a sweep varies."""

    retriever: str
    reranker: str
    k: int
    threshold: float | None  # None: the assistant's (the abstention model's for the corpus), filled in when it runs
    mode: str = "extractive"

    @property
    def name(self) -> str:
        """A short label, e.g. "hybrid+evidence k=5 t=0.45" (" generative" appended in that mode)."""
        label = f"{self.retriever}+{self.reranker} k={self.k} t={'model' if self.threshold is None else f'{self.threshold:g}'}"
        return label if self.mode == "extractive" else f"{label} {self.mode}"

    def to_dict(self) -> dict[str, Any]:
        """The configuration as JSON."""
        return {
            "retriever": self.retriever,
            "reranker": self.reranker,
            "k": self.k,
            "threshold": self.threshold,
            "mode": self.mode,
        }


def base_config(settings: Settings) -> RunConfig:
    """The configuration the settings (and so the ``ask`` flags) describe."""
    return RunConfig(settings.retriever, settings.reranker, settings.k, settings.abstain_threshold, settings.mode)


def _known(key: str) -> tuple[str, ...]:
    if key == "retriever":
        from assistant.retrieve.first_stage import RETRIEVERS

        return tuple(RETRIEVERS)
    if key == "reranker":
        from assistant.retrieve.rerank import RERANKERS

        # "evidence" and "none" are built into the searcher; the registry holds the optional ones
        return tuple(dict.fromkeys(("evidence", *sorted(RERANKERS), "none")))
    from assistant.pipeline import ANSWER_MODES

    return tuple(ANSWER_MODES)


def _parse_value(key: str, value: str) -> Any:
    if key in ("retriever", "reranker", "mode"):
        if value not in _known(key):
            raise UsageError(f"--set {key}={value}: unknown {key}; known: {', '.join(_known(key))}")
        return value
    try:
        number = int(value) if key == "k" else float(value)
    except ValueError:
        raise UsageError(f"--set {key}={value}: {key} must be a {'whole ' if key == 'k' else ''}number") from None
    if key == "k" and number < 1:
        raise UsageError(f"--set k={value}: k must be at least 1")
    return number


SWEEP_KEYS = ("retriever", "reranker", "k", "threshold", "mode")


def sweep(assignments: list[str], base: RunConfig) -> list[RunConfig]:
    """The configurations of ``--set key=v1,v2`` assignments: every combination, first key varying slowest."""
    values: dict[str, list[Any]] = {}
    for assignment in assignments:
        key, sep, raw = assignment.partition("=")
        key = key.strip()
        if not sep or key not in SWEEP_KEYS:
            raise UsageError(f"--set {assignment}: expected KEY=V1,V2,... with KEY one of {', '.join(SWEEP_KEYS)}")
        if key in values:
            raise UsageError(f"--set {key} is given twice; list every value once: --set {key}=A,B")
        parsed = [_parse_value(key, v.strip()) for v in raw.split(",") if v.strip()]
        if not parsed:
            raise UsageError(f"--set {assignment}: no values; e.g. --set {key}=A,B")
        values[key] = list(dict.fromkeys(parsed))
    if not values:
        return [base]
    combos = itertools.product(*values.values())
    return [RunConfig(**{**base.to_dict(), **dict(zip(values, combo, strict=True))}) for combo in combos]
