"""Timeline answers' latency beside the plain answer's, on one index.

    python bench/timeline.py                                         # the seed index and the seed timeline questions
    python bench/timeline.py --index data/index-timeline --questions eval/timeline/ungdc_train.jsonl eval/timeline/ungdc_test.jsonl
    python bench/timeline.py --index data/index-full --name full ... # the whole General Debate (a build of over an hour)

Each timeline question is asked ``--repeat`` times through `Assistant.ask`, cold: the query vectors and the
sentence vectors embedded for earlier questions forgotten before each, so every run embeds and searches as the
first question about those statements does; beside it, the question's topic asked as an ordinary question, also
cold, on the same index in the same run; then the timeline once more, warm. Results go to ``bench/results/timeline-NAME.json`` and
``.md``: p50 and p95 of each, the statements each timeline searched, the machine and its load average before and
after (absolute times drift on a shared machine; the ratio measured side by side is the steadier number).

``--wide-words 3000 2000`` times a wide scope's sentence budget (`WIDE_SENTENCE_WORDS`: the words a timeline over
more than 20,000 passages may embed) side by side: each cold run of a question is repeated with each budget in
turn, so the budgets share the machine's load, and each budget gets its own p50, p95 and entries per question.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from assistant.answer import timeline as timeline_answers  # noqa: E402
from assistant.evaluate.metrics import percentile  # noqa: E402
from assistant.interpret.timeline import read_timeline  # noqa: E402
from assistant.pipeline import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from bench.common import machine, peak_mb  # noqa: E402


def questions_of(paths: list[Path]) -> list[str]:
    """The questions of QA files (JSON Lines)."""
    return [
        json.loads(line)["question"] for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def timed(assistant: Assistant, question: str, *, cold: bool = False) -> tuple[float, Any]:
    assistant.searcher.forget_queries()
    if cold:  # as if no question had reached these statements: their sentences embedded again (large indexes)
        assistant.searcher.sentences.forget()
    t0 = time.perf_counter()
    answer = assistant.ask(question)
    return (time.perf_counter() - t0) * 1000, answer


def run(index: Path, questions: list[str], repeat: int, wide_words: list[int] | None = None) -> dict[str, Any]:
    settings = Settings().with_overrides(index_dir=index)
    assistant = Assistant(settings)
    assistant.ask("warm-up question about the veto")  # the model's first call and the indexes' first reads
    shipped = timeline_answers.WIDE_SENTENCE_WORDS
    budgets = wide_words or [shipped]
    # the rows report the shipped budget (else the first), timed last in each round so the warm run follows it
    main = shipped if shipped in budgets else budgets[0]
    order = [b for b in budgets if b != main] + [main]
    load_before = round(os.getloadavg()[0], 2)
    rows = []
    for question in questions:
        ask = read_timeline(question, assistant.countries, assistant.intent)
        if ask is None:
            rows.append({"question": question, "read_as_timeline": False})
            continue
        plain_ms: list[float] = []
        by_budget: dict[int, list[float]] = {b: [] for b in budgets}
        entries: dict[int, int] = {}
        answer = None
        for _ in range(repeat):
            ms, _ = timed(assistant, ask.topic, cold=True)
            plain_ms.append(ms)
            for budget in order:  # in turn, so that every budget meets the same load
                timeline_answers.WIDE_SENTENCE_WORDS = budget
                try:
                    ms, answer = timed(assistant, question, cold=True)
                finally:
                    timeline_answers.WIDE_SENTENCE_WORDS = shipped
                by_budget[budget].append(ms)
                entries[budget] = len(answer.timeline)
        # asked again right after a cold timeline (a cold run forgets the sentences): the statements' sentences remembered
        warm_ms, answer = timed(assistant, question)
        assert answer is not None
        rows.append(
            {
                "question": question,
                "read_as_timeline": True,
                "kind": answer.kind,
                "entries": len(answer.timeline),
                "statements_searched": sum(c.statements for c in answer.counts),
                "timeline_ms": [round(v, 1) for v in by_budget[main]],
                "plain_ms": [round(v, 1) for v in plain_ms],
                "timeline_warm_ms": round(warm_ms, 1),
                "by_wide_words": {
                    str(b): {"timeline_ms": [round(v, 1) for v in by_budget[b]], "entries": entries[b]} for b in budgets
                },
            }
        )
    timed_rows = [r for r in rows if r["read_as_timeline"]]
    all_timeline = [v for r in timed_rows for v in r["timeline_ms"]]
    all_plain = [v for r in timed_rows for v in r["plain_ms"]]
    all_warm = [r["timeline_warm_ms"] for r in timed_rows]
    summary = {
        "timeline_warm_p50_ms": round(percentile(all_warm, 50), 1) if all_warm else None,
        "timeline_warm_p95_ms": round(percentile(all_warm, 95), 1) if all_warm else None,
        "timeline_p50_ms": round(percentile(all_timeline, 50), 1) if all_timeline else None,
        "timeline_p95_ms": round(percentile(all_timeline, 95), 1) if all_timeline else None,
        "plain_p50_ms": round(percentile(all_plain, 50), 1) if all_plain else None,
        "plain_p95_ms": round(percentile(all_plain, 95), 1) if all_plain else None,
    }
    if all_plain and all_timeline:
        summary["p50_ratio"] = round(summary["timeline_p50_ms"] / summary["plain_p50_ms"], 2)  # type: ignore[operator]
    wide = {}
    for b in budgets:
        values = [v for r in timed_rows for v in r["by_wide_words"][str(b)]["timeline_ms"]]
        wide[str(b)] = {
            "timeline_p50_ms": round(percentile(values, 50), 1) if values else None,
            "timeline_p95_ms": round(percentile(values, 95), 1) if values else None,
            "entries": sum(r["by_wide_words"][str(b)]["entries"] for r in timed_rows),
        }
    return {
        "index": str(index),
        "passages": assistant.passages,
        "documents": len(assistant.store.documents),
        "questions": len(questions),
        "read_as_timeline": len(timed_rows),
        "repeat": repeat,
        "wide_words_shipped": shipped,
        "wide_words_reported": main,
        "wide_words": wide,
        "machine": {**machine(), "load_avg_1m_before": load_before, "load_avg_1m_after": round(os.getloadavg()[0], 2)},
        "peak_mb": round(peak_mb(), 1),
        **summary,
        "rows": rows,
    }


def markdown(result: dict[str, Any], command: str) -> str:
    m = result["machine"]
    lines = [
        f"# Timeline latency: {result['index']}",
        "",
        f"`{command}`",
        "",
        f"{result['documents']:,} documents, {result['passages']:,} passages; {result['read_as_timeline']} of "
        f"{result['questions']} questions read as timelines, each asked {result['repeat']} times beside its topic as an "
        f"ordinary question. {m['cores']} cores ({m['cpu']}); load average {m['load_avg_1m_before']} before, "
        f"{m['load_avg_1m_after']} after; peak memory {result['peak_mb']} MB.",
        "",
        "| answer | p50 ms | p95 ms |",
        "|---|---|---|",
        f"| timeline (cold: every sentence embedded again) | {result['timeline_p50_ms']} | {result['timeline_p95_ms']} |",
        f"| timeline asked again (warm) | {result['timeline_warm_p50_ms']} | {result['timeline_warm_p95_ms']} |",
        f"| plain answer (the topic, cold) | {result['plain_p50_ms']} | {result['plain_p95_ms']} |",
        "",
        f"Timeline p50 / plain p50: {result.get('p50_ratio')}",
        "",
    ]
    if len(result["wide_words"]) > 1:
        lines += [
            f"A wide scope's sentence budget, side by side (shipped: {result['wide_words_shipped']:,} words; the rows above "
            f"and below are the {result['wide_words_reported']:,}-word budget's):",
            "",
            "| words embedded at most | timeline p50 ms | timeline p95 ms | entries, all questions |",
            "|---|---|---|---|",
            *(
                f"| {int(b):,} | {v['timeline_p50_ms']} | {v['timeline_p95_ms']} | {v['entries']} |"
                for b, v in result["wide_words"].items()
            ),
            "",
        ]
    lines += [
        "| question | entries | statements searched | timeline ms (median) |",
        "|---|---|---|---|",
    ]
    for r in result["rows"]:
        if r["read_as_timeline"]:
            median = sorted(r["timeline_ms"])[len(r["timeline_ms"]) // 2]
            lines.append(f"| {r['question']} | {r['entries']} | {r['statements_searched']} | {median} |")
        else:
            lines.append(f"| {r['question']} | not read as a timeline | – | – |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument(
        "--questions",
        type=Path,
        nargs="+",
        default=[ROOT / "eval/timeline/seed_train.jsonl", ROOT / "eval/timeline/seed_test.jsonl"],
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--name", default=None, help="results file name: timeline-NAME (default: the index folder's name)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results")
    parser.add_argument(
        "--wide-words", type=int, nargs="+", help="wide-scope sentence budgets timed side by side (default: the shipped one)"
    )
    args = parser.parse_args()
    result = run(args.index, questions_of(args.questions), args.repeat, args.wide_words)
    name = f"timeline-{args.name or args.index.name}"
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python bench/timeline.py " + " ".join(sys.argv[1:])
    (args.out / f"{name}.json").write_text(json.dumps({**result, "command": command}, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{name}.md").write_text(markdown(result, command.strip()), encoding="utf-8")
    print(markdown(result, command.strip()))


if __name__ == "__main__":
    main()
