"""The regression gate: fail when a metric falls below (or rises above) a pinned bound.

The bounds live in ``eval/thresholds.json``::

    {"qa_file": "../shared/eval/dev_qa.jsonl",
     "min": {"hit@5": 1.0, ...},      # the metric must be at least this
     "max": {"wrong_refusal_rate": 0.0}}  # ... at most this
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, UsageError


class GateFailure(AssistantError):
    """A metric crossed its pinned bound: the evaluation ran, the build should fail."""

    exit_code = 1


def read_thresholds(path: Path) -> dict[str, Any]:
    """Read and check a thresholds file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"cannot read the thresholds file {path}: {exc}; see eval/thresholds.json for the format") from exc
    if not isinstance(data, dict) or not any(isinstance(data.get(side), dict) for side in ("min", "max")):
        raise UsageError(f'{path}: expected {{"min": {{metric: bound}}, "max": {{metric: bound}}}}')
    return data


def violations(metrics: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Each bound the metrics break, as "metric 0.80 < 0.90 (min)"; a metric missing from the run counts."""
    found = []
    for side, broken in (("min", lambda v, b: v < b), ("max", lambda v, b: v > b)):
        for name, bound in (thresholds.get(side) or {}).items():
            value = metrics.get(name)
            if value is None:
                found.append(f"{name}: not measured by this run ({side} {bound})")
            elif broken(float(value), float(bound)):
                found.append(f"{name} = {float(value):.4f} {'<' if side == 'min' else '>'} {bound} ({side})")
    return found


def check(metrics: dict[str, Any], path: Path) -> None:
    """`GateFailure` listing every broken bound of ``path``."""
    broken = violations(metrics, read_thresholds(path))
    if broken:
        raise GateFailure(f"regression gate {path}: {len(broken)} metric(s) out of bounds:\n  " + "\n  ".join(broken))
