"""Write a finished run: ``results.jsonl``, ``summary.json``, ``report.md`` and its PNG plots."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.evaluate.beir import BeirRun, BeirSet
from assistant.evaluate.run import ConfigRun, EvalRun
from assistant.evaluate.selective_report import selective_markdown, write_selective_plots

SUMMARY_SCHEMA = 1
# (key, column title) of the comparison tables, in order.
QUALITY_COLUMNS = (
    ("hit@k", "hit@k"),
    ("recall@k", "recall@k"),
    ("mrr@10", "MRR@10"),
    ("ndcg@10", "nDCG@10"),
    ("correct", "correct"),
    ("f1", "token F1"),
    ("citation_precision", "citation P"),
    ("citation_recall", "citation R"),
    ("evidence_citation_precision", "evidence cit. P"),
    ("correct_refusal_rate", "refused, unanswerable"),
    ("wrong_refusal_rate", "refused, answerable"),
    ("abstention_f1", "abstention F1"),
    ("outside_citations", "cites outside context"),
)
COST_COLUMNS = (
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
    ("total_seconds", "total s"),
    ("peak_rss_mb", "peak MB"),
)
PLOTTED = ("hit@k", "mrr@10", "ndcg@10", "correct", "f1", "citation_recall", "abstention_f1")
TRADE_OFF_SHOWN = tuple(round(0.05 * i, 2) for i in range(4, 15))  # 0.20 ... 0.70 in the report's table


def summary(run: EvalRun) -> dict[str, Any]:
    """The ``summary.json`` object: metrics per configuration and everything needed to reproduce them."""
    return {
        "schema": SUMMARY_SCHEMA,
        "default": run.runs[0].config.name,
        "configurations": [
            {
                "name": r.config.name,
                "config": r.config.to_dict(),
                "metrics": _round(r.metrics),
                "context_words_mean": _round(r.metrics.get("context_words")),
                "cost": _round(r.cost),
                "abstention_curve": _round(r.curve),
            }
            for r in run.runs
        ],
        **run.provenance,
    }


def write_outputs(run: EvalRun, out: Path) -> list[Path]:
    """Write the three outputs (and the plots ``report.md`` shows) into ``out``; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    results = out / "results.jsonl"
    with results.open("w", encoding="utf-8") as fh:
        for r in run.runs:
            for q in r.results:
                fh.write(json.dumps(q.record(r.config), ensure_ascii=False) + "\n")
    data = summary(run)
    (out / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plots = write_plots(run.runs, out)
    (out / "report.md").write_text(markdown(run, data, [p.name for p in plots]), encoding="utf-8")
    return [results, out / "summary.json", out / "report.md", *plots]


# tables ------------------------------------------------------------------------


def fmt(value: Any, digits: int = 3) -> str:
    """A table cell: numbers rounded, missing values as "–"."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def comparison_table(runs: Sequence[ConfigRun]) -> str:
    """One row per configuration, the quality metrics as columns."""
    header = ["configuration", *(title for _, title in QUALITY_COLUMNS)]
    return table(header, [[r.config.name, *(r.metrics.get(k) for k, _ in QUALITY_COLUMNS)] for r in runs])


def cost_table(runs: Sequence[ConfigRun]) -> str:
    """Latency, time, memory and context size per configuration."""
    header = ["configuration", *(t for _, t in COST_COLUMNS), "context words"]
    rows = [[r.config.name, *(r.cost.get(k) for k, _ in COST_COLUMNS), r.metrics.get("context_words")] for r in runs]
    return table(header, rows)


def markdown(run: EvalRun, data: dict[str, Any], plots: list[str]) -> str:
    """The ``report.md`` text."""
    p = run.provenance
    qa, index = p["qa_file"], p["index"]
    first = run.runs[0]
    parts = [
        "# Evaluation report",
        "",
        f"- QA file: `{qa['path']}` ({qa['questions']} questions, {qa['answerable']} answerable; sha256 `{qa['sha256'][:16]}…`)",
        f"- Index: `{index['dir']}` ({index['documents']} documents, {index['passages']} passages; "
        f"index sha256 `{index['index_sha256'][:16]}…`, corpus sha256 `{index['corpus_sha256'][:16]}…`)",
        f"- Model: {index['model']} (weights {index['model_fingerprint']}); seed {p['seed']}; "
        f"commit {(p['git'].get('commit') or 'unknown')[:12]}{' (modified)' if p['git'].get('dirty') else ''}",
        f"- Started {p['started_at']}, {p['seconds']} s in all; peak memory {p['peak_rss_mb']} MB",
        f"- Reproduce: `{p['command'] or 'python -m assistant eval ...'}`",
        "",
        "Definitions of every metric: `docs/evaluation.md`. Retrieval metrics are over answerable questions; "
        "hit@k and recall@k over the k passages the answerer read, MRR and nDCG over the top 10.",
        "",
        "## Quality by configuration",
        "",
        comparison_table(run.runs),
        "",
        "## Cost",
        "",
        cost_table(run.runs),
        "",
        f"## Abstention trade-off ({first.config.name})",
        "",
        "Recomputed from the recorded evidence scores: a question is refused when its score is below the threshold.",
        "",
        table(
            ["threshold", "refused, unanswerable", "refused, answerable", "abstention F1"],
            [
                [
                    f"{c['threshold']:.2f}" + (" (run)" if abs(c["threshold"] - first.config.threshold) < 1e-9 else ""),
                    *list(c.values())[1:],
                ]
                for c in first.curve
                if c["threshold"] in TRADE_OFF_SHOWN or abs(c["threshold"] - first.config.threshold) < 1e-9
            ],
        ),
        "",
        *selective_markdown(first.config.name, first.metrics),
        *timeline_markdown(first),
        f"## Per question ({first.config.name})",
        "",
        per_question_table(first),
        "",
    ]
    if plots:
        parts += ["## Plots", ""] + [f"![{name[:-4]}]({name})" for name in plots] + [""]
    return "\n".join(parts)


def timeline_markdown(run: ConfigRun) -> list[str]:
    """The timeline section, for a set with gold timelines: the means, then one row per timeline question."""
    rows = [q for q in run.results if q.item.timeline]
    if not rows:
        return []
    m = run.metrics
    keys = ("timeline_recall", "timeline_precision", "timeline_evidence_recall", "first_year_correct")
    return [
        f"## Timelines ({run.config.name})",
        "",
        "An entry matches a gold entry of the same year and document; evidence recall also needs the gold quote in the "
        'entry\'s cited paragraph (docs/evaluation.md, "Timelines").',
        "",
        table(["recall", "precision", "evidence recall", "first-mention year right"], [[m.get(k) for k in keys]]),
        "",
        table(
            ["id", "gold entries", "entries", "recall", "precision", "evidence recall", "first year right"],
            [[q.item.id, len(q.item.timeline), q.scores.get("timeline_entries"), *(q.scores.get(k) for k in keys)] for q in rows],
        ),
        "",
    ]


def per_question_table(run: ConfigRun) -> str:
    """One row per question of a configuration."""
    header = [
        "id",
        "answerable",
        "abstained",
        "evidence score",
        "first relevant",
        "hit@k",
        "correct",
        "F1",
        "citation P",
        "citation R",
        "ms",
    ]
    rows = []
    for q in run.results:
        s = q.scores
        rows.append(
            [
                q.item.id,
                s["answerable"],
                s["abstained"],
                s.get("evidence_score"),
                s.get("first_relevant_rank"),
                s.get("hit@k"),
                s.get("correct"),
                s.get("f1"),
                s.get("citation_precision"),
                s.get("citation_recall"),
                round(q.latency_ms),
            ]
        )
    return table(header, rows)


# plots -------------------------------------------------------------------------


def write_plots(runs: Sequence[ConfigRun], out: Path) -> list[Path]:
    """``metrics.png`` (metric by configuration), ``latency.png`` and ``abstention.png``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    written.append(metrics_plot([r.config.name for r in runs], [r.metrics for r in runs], PLOTTED, out / "metrics.png"))

    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * len(runs)))
    ax.boxplot(
        [[q.latency_ms for q in r.results] for r in runs], orientation="horizontal", tick_labels=[r.config.name for r in runs]
    )
    ax.set_xlabel("latency per question (ms)")
    ax.set_title("Latency distribution")
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=100)
    plt.close(fig)
    written.append(out / "latency.png")

    first = runs[0]
    t = [c["threshold"] for c in first.curve]
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, label in (
        ("correct_refusal_rate", "unanswerable refused (higher is better)"),
        ("wrong_refusal_rate", "answerable refused (lower is better)"),
        ("abstention_f1", "abstention F1"),
    ):
        ax.plot(t, [c[key] if c[key] is not None else float("nan") for c in first.curve], label=label)
    run_threshold = first.config.threshold or 0.0  # filled in when the run started
    ax.axvline(run_threshold, color="grey", linestyle="--", label=f"threshold of the run ({run_threshold:g})")
    ax.set_xlabel("abstention threshold on the evidence score")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(f"Abstention trade-off: {first.config.name}")
    ax.legend(fontsize=8, loc="center right")
    fig.tight_layout()
    fig.savefig(out / "abstention.png", dpi=100)
    plt.close(fig)
    written.append(out / "abstention.png")
    written += write_selective_plots(first.config.name, first.results, out)
    return written


def metrics_plot(names: Sequence[str], values: Sequence[dict[str, Any]], keys: Sequence[str], path: Path) -> Path:
    """Grouped horizontal bars: one group per metric, one bar per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    height = 0.8 / max(1, len(names))
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.35 * len(keys) * max(1, len(names)) ** 0.5))
    y = np.arange(len(keys))
    for i, (name, vals) in enumerate(zip(names, values, strict=True)):
        ax.barh(y + i * height, [vals.get(k) or 0.0 for k in keys], height, label=name)
    ax.set_yticks(y + height * (len(names) - 1) / 2, list(keys))
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.set_xlabel("score")
    ax.set_title("Metric by configuration")
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


# BEIR --------------------------------------------------------------------------

BEIR_COLUMNS = (("ndcg@10", "nDCG@10"), ("recall@100", "Recall@100"), ("mrr@10", "MRR@10"))


def beir_table(runs: Sequence[BeirRun]) -> str:
    """One row per configuration: the ranx metrics and the search latency."""
    header = ["configuration", *(t for _, t in BEIR_COLUMNS), "p50 ms", "p95 ms"]
    rows = [
        [
            r.config.name.split(" ")[0],
            *(r.metrics.get(k) for k, _ in BEIR_COLUMNS),
            r.cost["latency_p50_ms"],
            r.cost["latency_p95_ms"],
        ]
        for r in runs
    ]
    return table(header, rows)


def write_beir_outputs(runs: Sequence[BeirRun], provenance: dict[str, Any], beir: BeirSet, out: Path) -> list[Path]:
    """``results.jsonl`` (per query and configuration), ``summary.json``, ``report.md`` and ``metrics.png``."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for r in runs:
            for qid, scores in r.per_query.items():
                record = {
                    "config": r.config.name.split(" ")[0],
                    "id": qid,
                    "query": beir.queries[qid],
                    "relevant": beir.qrels[qid],
                    "scores": _round(scores),
                    "ranking": r.rankings.get(qid, [])[:10],
                }
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    data = {
        "schema": SUMMARY_SCHEMA,
        "default": runs[0].config.name.split(" ")[0],
        "configurations": [
            {
                "name": r.config.name.split(" ")[0],
                "config": r.config.to_dict(),
                "metrics": _round(r.metrics),
                "cost": _round(r.cost),
            }
            for r in runs
        ],
        **provenance,
    }
    (out / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plot = metrics_plot(
        [r.config.name.split(" ")[0] for r in runs], [r.metrics for r in runs], [k for k, _ in BEIR_COLUMNS], out / "metrics.png"
    )
    b = provenance["beir"]
    text = "\n".join(
        [
            "# BEIR retrieval report",
            "",
            f"- Benchmark: `{b['folder']}`, split {b['split']}: {b['documents']} documents, {b['queries']} judged queries",
            f"- Index built for the run in {provenance['index']['build_seconds']} s (index sha256 `{provenance['index']['index_sha256'][:16]}…`)",
            f"- Metrics computed with ranx {provenance['packages'].get('ranx')}; seed {provenance['seed']}",
            f"- Reproduce: `{provenance['command'] or 'python -m assistant eval --beir ...'}`",
            *(f"- Note: {n}" for n in b["notes"]),
            "",
            beir_table(runs),
            "",
            f"![metrics]({plot.name})",
            "",
        ]
    )
    (out / "report.md").write_text(text, encoding="utf-8")
    return [out / "results.jsonl", out / "summary.json", out / "report.md", plot]
