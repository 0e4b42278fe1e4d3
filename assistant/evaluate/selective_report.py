"""The selective-answering part of the report: a table, the risk-coverage curve and the reliability diagram."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluate import selective


def confidence_and_right(results: Sequence[Any]) -> tuple[list[float], list[bool]]:
    """Per question of one configuration: the confidence and whether the answer (given or withheld) is right."""
    return (
        [float(q.scores.get("evidence_score") or 0.0) for q in results],
        [bool(q.scores.get("right_if_answered")) for q in results],
    )


def selective_markdown(name: str, metrics: dict[str, Any]) -> list[str]:
    """The report's "Selective answering" section for one configuration."""
    rows = [
        ("AUROC of the confidence for a right answer (higher is better)", metrics.get("auroc")),
        ("AURC, the area under the risk-coverage curve (lower is better)", metrics.get("aurc")),
        ("accuracy of the 80% most confident answers", metrics.get("accuracy_at_80")),
        ("accuracy of the 90% most confident answers", metrics.get("accuracy_at_90")),
    ]
    lines = [f"## Selective answering ({name})", "", "| measure | value |", "|---|---|"]
    lines += [f"| {label} | {'–' if v is None else f'{v:.3f}'} |" for label, v in rows]
    return [*lines, "", 'How to read these: `docs/evaluation.md`, "Selective answering".', ""]


def write_selective_plots(name: str, results: Sequence[Any], out: Path) -> list[Path]:
    """``risk_coverage.png`` and ``reliability.png`` for one configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    confidence, right = confidence_and_right(results)
    if not confidence:
        return []
    coverage, risk = selective.risk_coverage(confidence, right)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(coverage, risk, label=f"AURC {selective.aurc(confidence, right):.3f}")
    ax.set_xlabel("coverage (share of questions answered, most confident first)")
    ax.set_ylabel("risk (share of those answers not right)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"Risk-coverage: {name}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "risk_coverage.png", dpi=100)
    plt.close(fig)

    bins = selective.reliability(confidence, right)
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly calibrated")
    ax.plot([b["confidence"] for b in bins], [b["right"] for b in bins], marker="o", label="this run")
    for b in bins:
        ax.annotate(str(b["questions"]), (b["confidence"], b["right"]), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel("mean confidence in the bin")
    ax.set_ylabel("share right in the bin")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title("Reliability (numbers: questions per bin)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "reliability.png", dpi=100)
    plt.close(fig)
    return [out / "risk_coverage.png", out / "reliability.png"]
