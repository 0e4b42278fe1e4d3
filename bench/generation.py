"""Benchmark generated answers: speed (time to first token, tokens/s, the checked answer) and what they cost in quality.

    .venv/bin/python bench/generation.py [--grid-questions 6] [--trust-questions 30] [--k 3 5 8] [--note TEXT]

1. **Quality and speed at the default settings**: the dev set and the answer-trust
   test part (``eval/trust/seed_test.jsonl``, the first ``--trust-questions``) are
   asked in exact and in generative mode, as ``python -m assistant eval`` asks them;
   per question: time to first token, tokens/s, the checked answer (seconds), and,
   against the exact mode: answerable questions refused, answers containing a
   reference answer, citation precision, citations outside the passages the model
   read, and how often the exact answer stood in (and why) or a refusal was retried.
   The dev set is also answered with the previous prompt (whole paragraphs,
   ``llm_prompt=paragraphs``) for comparison.
2. **Passages k = 3, 5, 8, cold and warm prompt cache** on the first ``--grid-questions``
   answerable questions of both sets: the checked answer with ``llm_passages=k``.
   Cold: the model's context and saved prompt prefixes are cleared first, so the
   fixed prefix is read too (the first question of a process). Warm: the context is
   cleared but the saved prefixes are kept (every later question).

The load average is recorded before and after, with ``--note`` ($BENCH_NOTE). Writes
``generation.json`` and ``generation.md`` under ``--out`` (``--name`` for another stem).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import assistant.settings  # noqa: F401  (offline mode for every model library)
from assistant.answer.generative.generators import shared_generator
from assistant.answer.records import answer_record
from assistant.evaluate.configs import RunConfig
from assistant.evaluate.qa_sets import load_qa_set
from assistant.evaluate.run import evaluate_qa
from assistant.pipeline import shared_assistant
from assistant.settings import DEV_QA, PROJECT_ROOT, load_settings

TRUST = PROJECT_ROOT / "eval" / "trust" / "seed_test.jsonl"


def pct(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (nearest rank), None for no values."""
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None
    return round(xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))], 2)


def spread(values: list[float]) -> dict[str, float | None]:
    """Median and p95."""
    return {"median": pct(values, 0.5), "p95": pct(values, 0.95), "n": len([v for v in values if v is not None])}


def quality(assistant: Any, path: Path, limit: int | None, settings: Any, prompts: list[str]) -> dict[str, Any]:
    """Exact and generative runs of one QA file, compared."""
    qa = load_qa_set(path)
    if limit and limit < len(qa.items):  # evenly spread over the file, which is ordered by kind of question
        step = len(qa.items) / limit
        qa = replace(qa, items=[qa.items[int(i * step)] for i in range(limit)])
    base = RunConfig(settings.retriever, settings.reranker, settings.k, None)
    out: dict[str, Any] = {
        "file": str(path.relative_to(PROJECT_ROOT.parent) if path.is_relative_to(PROJECT_ROOT.parent) else path),
        "questions": len(qa.items),
    }
    exact = evaluate_qa(qa, settings, [base], assistant=assistant, progress=False).runs[0]
    out["exact"] = _metrics(exact)
    for prompt in prompts:
        assistant.settings = settings.with_overrides(llm_prompt=prompt)
        try:
            run = evaluate_qa(
                qa, assistant.settings, [replace(base, mode="generative")], assistant=assistant, progress=False
            ).runs[0]
        finally:
            assistant.settings = settings
        out[f"generative ({prompt})"] = _metrics(run) | _speed(run)
    return out


def _metrics(run: Any) -> dict[str, Any]:
    m = run.metrics
    answerable = [r for r in run.results if r.item.answerable]
    return {
        "answerable": len(answerable),
        "answerable_refused": sum(bool(r.output["abstained"]) for r in answerable),
        "correct": sum(bool(r.scores.get("correct")) for r in answerable),
        "citation_precision": None if m.get("citation_precision") is None else round(m["citation_precision"], 3),
        "outside_citations": m.get("outside_citations"),
        "unanswerable_refused": sum(bool(r.output["abstained"]) for r in run.results if not r.item.answerable),
    }


def _speed(run: Any) -> dict[str, Any]:
    gens = [(r, r.output.get("generation") or {}) for r in run.results]
    written = [(r, g) for r, g in gens if g]
    reasons: dict[str, int] = {}
    for _, g in written:
        if g.get("fallback"):
            reasons[g["fallback"]] = reasons.get(g["fallback"], 0) + 1
    return {
        "generated": len(written),
        "fallbacks": reasons,
        "retried": sum(bool(g.get("retried")) for _, g in written),
        "ttft_s": spread([g["ttft_ms"] / 1000 for _, g in written if g.get("ttft_ms") is not None]),
        "tokens_per_s": spread([g["tokens_per_s"] for _, g in written if g.get("tokens_per_s")]),
        "checked_answer_s": spread([r.latency_ms / 1000 for r, _ in written]),
        "per_question": [
            {
                "id": r.item.id,
                "mode": r.output.get("mode"),
                "fallback": g.get("fallback"),
                "retried": g.get("retried"),
                "ttft_s": None if g.get("ttft_ms") is None else round(g["ttft_ms"] / 1000, 2),
                "tokens": g.get("tokens"),
                "tokens_per_s": g.get("tokens_per_s"),
                "judge_calls": g.get("judge_calls"),
                "seconds": round(r.latency_ms / 1000, 2),
                "correct": r.scores.get("correct"),
            }
            for r, g in written
        ],
    }


def grid(assistant: Any, settings: Any, questions: list[str], ks: list[int]) -> list[dict[str, Any]]:
    """The checked answer for each question, k and cache state."""
    generator = shared_generator(settings)
    rows = []
    for k in ks:
        assistant.settings = settings.with_overrides(llm_passages=k)
        try:
            for cache in ("cold", "warm"):
                for question in questions:
                    if cache == "cold":
                        generator.forget_prompts()  # type: ignore[attr-defined]
                    else:
                        generator.chat.client.reset()  # type: ignore[attr-defined]  # the saved prefixes stay
                    assistant.searcher.forget_queries()
                    t0 = time.perf_counter()
                    answer = assistant.ask(question, mode="generative")
                    seconds = time.perf_counter() - t0
                    g = answer_record(answer).get("generation") or {}
                    rows.append(
                        {
                            "k": k,
                            "cache": cache,
                            "question": question,
                            "ttft_s": None if g.get("ttft_ms") is None else round(g["ttft_ms"] / 1000, 2),
                            "tokens_per_s": g.get("tokens_per_s"),
                            "checked_answer_s": round(seconds, 2),
                            "fallback": g.get("fallback"),
                        }
                    )
                    print(f"k={k} {cache}: {rows[-1]}", flush=True)
        finally:
            assistant.settings = settings
    return rows


def summarise(rows: list[dict[str, Any]], ks: list[int]) -> list[dict[str, Any]]:
    """Median and p95 per k and cache state."""
    out = []
    for k in ks:
        for cache in ("cold", "warm"):
            sel = [r for r in rows if r["k"] == k and r["cache"] == cache]
            out.append(
                {
                    "k": k,
                    "cache": cache,
                    "ttft_s": spread([r["ttft_s"] for r in sel]),
                    "tokens_per_s": spread([r["tokens_per_s"] for r in sel]),
                    "checked_answer_s": spread([r["checked_answer_s"] for r in sel]),
                }
            )
    return out


def prompt_sizes(assistant: Any, settings: Any, paths: list[Path], variants: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Prompt tokens per question (whole prompt, and after the fixed prefix read once) for each prompt variant.

    No generation: the extractive answer gives the passages, the prompt is rendered and tokenized as the model reads it.
    """
    from assistant.answer.generative.answerer import prompt_messages, prompt_passages

    generator = shared_generator(settings)
    prefixes = generator.prefixes  # type: ignore[attr-defined]
    sizes: dict[str, dict[str, list[int]]] = {v: {"total": [], "after_prefix": []} for v in variants}
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line) if line.strip() else None
            if not item or item.get("history"):
                continue
            answer = assistant.ask(item["question"])
            if answer.abstained or answer.kind != "answer" or not answer.hits:
                continue
            passages = prompt_passages(settings, answer)
            for name, overrides in variants.items():
                messages = prompt_messages(settings.with_overrides(**overrides), assistant.embedder, answer, passages)
                full = prefixes.tokens(messages)
                base = prefixes.tokens([*messages[:-1], (messages[-1][0], "")])
                fixed = next((i for i, (a, b) in enumerate(zip(full, base, strict=False)) if a != b), 0)
                sizes[name]["total"].append(len(full))
                sizes[name]["after_prefix"].append(len(full) - fixed)
    return {name: {key: spread([float(x) for x in xs]) for key, xs in v.items()} for name, v in sizes.items()}


def answerable_questions(path: Path, n: int) -> list[str]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q["question"] for q in items if q.get("answerable") and not q.get("history")][:n]


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Measure; return everything the reports show."""
    load_before = os.getloadavg()
    settings = load_settings()
    t0 = time.perf_counter()
    assistant = shared_assistant(settings)
    generator = shared_generator(settings)
    load_s = time.perf_counter() - t0
    started = time.perf_counter()
    sets = {
        "dev": quality(
            assistant,
            DEV_QA,
            args.dev_questions,
            settings,
            ["sentences", "paragraphs"] if args.compare_prompts else ["sentences"],
        ),
        "trust-test": quality(assistant, TRUST, args.trust_questions, settings, ["sentences"]),
    }
    # dev questions the exact mode answers (d01 is answered as a count, without the model; the trust test part's
    # first questions are refused at the default threshold, so they would time nothing)
    questions = answerable_questions(DEV_QA, args.grid_questions + 1)[1:]
    rows = grid(assistant, settings, questions, args.k)
    return {
        "generator": generator.name,
        "model": generator.model,
        "threads": settings.llm_threads,
        "batch": settings.llm_batch,
        "context": settings.llm_context,
        "max_tokens": settings.llm_max_tokens,
        "timeout_s": settings.llm_timeout_s,
        "prompt": settings.llm_prompt,
        "model_load_s": round(load_s, 2),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load_before],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(time.perf_counter() - started, 1),
        "note": args.note,
        "date": time.strftime("%Y-%m-%d"),
        "sets": sets,
        "grid_questions": questions,
        "grid": summarise(rows, args.k),
        "grid_runs": rows,
    }


def _s(d: dict[str, Any] | None) -> str:
    if not d or d.get("median") is None:
        return "–"
    return f"{d['median']:.1f} / {d['p95']:.1f}"


def markdown(result: dict[str, Any]) -> str:
    """The result as a Markdown report."""
    lines = [
        "# Generation benchmark",
        "",
        f"`{result.get('command', 'python bench/generation.py')}` on {result['date']}: {result['model']} ({result['generator']}), "
        f"{result['threads']} threads, batch {result['batch']}, {result['cores']} cores, context {result['context']}, at most "
        f"{result['max_tokens']} tokens, timeout {result['timeout_s']:g} s, prompt `{result['prompt']}`; model and index loaded in "
        f"{result['model_load_s']} s; {result['seconds'] / 60:.0f} min in all.",
        "",
        f"Load average (1, 5, 15 min) {_load(result['load_average_at_start'])} at the start and "
        f"{_load(result['load_average_at_end'])} at the end; other work on the machine slows every number."
        + (f" {result['note']}" if result.get("note") else ""),
        "",
        "## Default settings: exact against generative",
        "",
        "Times are median / p95 per question (the checked answer: retrieval, generation and checking, as `ask` runs them).",
        "",
        "| set | mode | questions (answerable) | answerable refused | contains a reference | citation precision | outside citations | exact answer stood in (why) | retried refusals | time to first token (s) | tokens/s | checked answer (s) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, q in result["sets"].items():
        for mode, m in q.items():
            if not isinstance(m, dict):
                continue
            fb = ", ".join(f"{n} {why}" for why, n in m.get("fallbacks", {}).items()) or ("0" if "fallbacks" in m else "–")
            lines.append(
                f"| {name} | {mode} | {q['questions']} ({m['answerable']}) | {m['answerable_refused']} | {m['correct']} of {m['answerable']} | "
                f"{m['citation_precision'] if m['citation_precision'] is not None else '–'} | {m['outside_citations'] if m['outside_citations'] is not None else '–'} | "
                f"{fb} | {m.get('retried', '–')} | {_s(m.get('ttft_s'))} | {_s(m.get('tokens_per_s'))} | {_s(m.get('checked_answer_s'))} |"
            )
    lines += [
        "",
        f"## Passages k, cold and warm prompt cache ({len(result['grid_questions'])} answerable dev questions)",
        "",
        "| passages k | prompt cache | time to first token (s) | tokens/s | checked answer (s) |",
        "|---|---|---|---|---|",
    ]
    for g in result["grid"]:
        lines.append(f"| {g['k']} | {g['cache']} | {_s(g['ttft_s'])} | {_s(g['tokens_per_s'])} | {_s(g['checked_answer_s'])} |")
    return "\n".join(lines) + "\n"


def _load(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def main() -> int:
    """Run the benchmark and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid-questions", type=int, default=6, help="answerable questions for the k x cache grid (default 6)")
    parser.add_argument(
        "--trust-questions", type=int, default=30, help="questions of the trust test part, spread evenly (default 30; 0: all)"
    )
    parser.add_argument("--dev-questions", type=int, default=0, help="questions of the dev set (default 0: all)")
    parser.add_argument("--k", type=int, nargs="+", default=[3, 5, 8], help="passage counts (default 3 5 8)")
    parser.add_argument("--no-compare-prompts", dest="compare_prompts", action="store_false", help="skip the paragraphs prompt")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results")
    parser.add_argument("--name", default="generation", help="file stem of the reports (default generation)")
    parser.add_argument("--note", default=os.environ.get("BENCH_NOTE", ""), help="what else ran on the machine ($BENCH_NOTE)")
    parser.add_argument("--prompt-sizes-only", action="store_true", help="only count prompt tokens (no generation)")
    args = parser.parse_args()
    if args.prompt_sizes_only:
        settings = load_settings()
        variants: dict[str, dict[str, Any]] = {
            "paragraphs": {"llm_prompt": "paragraphs"},
            "sentences, 1 neighbour (default)": {"llm_prompt": "sentences"},
            "sentences, no neighbour": {"llm_prompt": "sentences", "llm_neighbours": 0},
        }
        sizes = prompt_sizes(shared_assistant(settings), settings, [DEV_QA, TRUST], variants)
        text = json.dumps({"k": settings.llm_passages, "files": [DEV_QA.name, TRUST.name], "sizes": sizes}, indent=2)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{args.name}-prompt.json").write_text(text + "\n", encoding="utf-8")
        print(text)
        return 0
    result = run(args)
    result["command"] = shlex.join(["python", "bench/generation.py", *sys.argv[1:]])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / f"{args.name}.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
