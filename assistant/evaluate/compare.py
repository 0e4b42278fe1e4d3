"""Compare two finished runs question by question: what B wins and what it regresses against A."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import UsageError

# Per-question outcomes compared, best first: (score key, label, higher is better).
OUTCOMES = (
    ("outcome", "right outcome (correct answer, or refusal of an unanswerable question)"),
    ("hit@k", "evidence among the passages read"),
    ("mrr@10", "reciprocal rank of the first evidence passage"),
    ("f1", "token F1"),
    ("citation_recall", "citation recall"),
)


@dataclass
class Change:
    """One question whose outcome differs between the runs."""

    id: str
    metric: str
    a: Any
    b: Any


@dataclass
class Comparison:
    """Wins and regressions of run B against run A."""

    a: str
    b: str
    config_a: str
    config_b: str
    wins: list[Change] = field(default_factory=list)
    regressions: list[Change] = field(default_factory=list)
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    metric_deltas: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def load_run(folder: Path, config: str | None = None) -> tuple[dict[str, Any], str, dict[str, dict[str, Any]]]:
    """The summary of an ``eval --out`` folder, the chosen configuration and its records by question id."""
    summary_path, results_path = folder / "summary.json", folder / "results.jsonl"
    if not summary_path.is_file() or not results_path.is_file():
        raise UsageError(
            f"{folder} is not an evaluation output folder (no summary.json / results.jsonl); run `eval ... --out {folder}`"
        )
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    names = [c["name"] for c in summary.get("configurations", [])]
    chosen = config or summary.get("default") or (names[0] if names else "")
    if chosen not in names:
        raise UsageError(f"{folder} has no configuration {chosen!r}; it has: {', '.join(names)} (pick one with --config)")
    records = {}
    with results_path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("config", chosen) == chosen:
                records[record["id"]] = record
    return summary, chosen, records


def outcome(record: dict[str, Any]) -> dict[str, Any]:
    """The per-question values compared (``outcome``: the answer was right, or the refusal was)."""
    s = record["scores"]
    right = s.get("correct") if s["answerable"] else s.get("refusal_correct")
    return {"outcome": right, **{key: s.get(key) for key, _ in OUTCOMES[1:]}}


def compare_runs(a: Path, b: Path, *, config_a: str | None = None, config_b: str | None = None) -> Comparison:
    """Per-question wins and regressions of ``b`` over ``a``, and the change of every aggregate metric."""
    sum_a, name_a, rec_a = load_run(a, config_a)
    sum_b, name_b, rec_b = load_run(b, config_b)
    result = Comparison(str(a), str(b), name_a, name_b)
    for what, section, field_name in (("QA file", "qa_file", "sha256"), ("corpus", "index", "corpus_sha256")):
        va, vb = (s.get(section, {}).get(field_name) for s in (sum_a, sum_b))
        if va != vb:
            result.warnings.append(f"the runs used different {what}s ({str(va)[:12]}… vs {str(vb)[:12]}…): compare with care")
    result.only_a = sorted(set(rec_a) - set(rec_b))
    result.only_b = sorted(set(rec_b) - set(rec_a))
    for qid in [q for q in rec_a if q in rec_b]:
        oa, ob = outcome(rec_a[qid]), outcome(rec_b[qid])
        for name, _ in OUTCOMES:
            va, vb = oa.get(name), ob.get(name)
            if va is None or vb is None or va == vb:
                continue
            (result.wins if float(vb) > float(va) else result.regressions).append(Change(qid, name, va, vb))
            break  # one line per question: the most important outcome that changed
    metrics_a = _config(sum_a, name_a)["metrics"]
    metrics_b = _config(sum_b, name_b)["metrics"]
    result.metric_deltas = {k: (metrics_a.get(k), metrics_b.get(k)) for k in metrics_a if metrics_a.get(k) != metrics_b.get(k)}
    return result


def _config(summary: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in summary["configurations"] if c["name"] == name)


def render(c: Comparison) -> str:
    """The comparison as text for a terminal."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "yes" if v else "no"
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = [f"A: {c.a} [{c.config_a}]", f"B: {c.b} [{c.config_b}]"]
    lines += [f"warning: {w}" for w in c.warnings]
    for title, changes in (("Wins (B better)", c.wins), ("Regressions (B worse)", c.regressions)):
        lines += ["", f"{title}: {len(changes)}"]
        lines += [f"  {ch.id:<12} {ch.metric:<16} {value(ch.a)} -> {value(ch.b)}" for ch in changes]
    if c.only_a or c.only_b:
        lines += ["", f"Only in A: {', '.join(c.only_a) or '-'}; only in B: {', '.join(c.only_b) or '-'}"]
    if c.metric_deltas:
        lines += ["", "Aggregate metrics that changed (A -> B):"]
        lines += [f"  {k:<28} {value(a)} -> {value(b)}" for k, (a, b) in c.metric_deltas.items()]
    return "\n".join(lines)


def to_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as JSON."""
    return {
        "a": c.a,
        "b": c.b,
        "config_a": c.config_a,
        "config_b": c.config_b,
        "wins": [ch.__dict__ for ch in c.wins],
        "regressions": [ch.__dict__ for ch in c.regressions],
        "only_a": c.only_a,
        "only_b": c.only_b,
        "metric_deltas": {k: list(v) for k, v in c.metric_deltas.items()},
        "warnings": c.warnings,
    }
