"""Benchmark the generator: time to first token and tokens per second for k = 3, 5 and 8 passages.

    .venv/bin/python bench/generation.py [--questions 3] [--k 3 5 8] [--out bench/results] [--name generation] [--note TEXT]

Each question is retrieved once; the model then answers it from the top k
passages with the same prompt and settings as ``ask --mode generative``
(``llm_max_tokens``, ``llm_threads``). The model's cache of the previous
prompt is cleared before each run, so every time to first token includes
reading the whole prompt (a new question in the chat costs about that).
The load average is recorded before and after, with ``--note`` (say what
else was running; ``$BENCH_NOTE`` for ``make bench-generation``): on a
2-core machine every number depends on it.
Writes ``generation.json`` and ``generation.md`` (``--name`` for another stem).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import assistant.settings  # noqa: F401  (offline mode for every model library)
from assistant.answer.generative.answerer import draft
from assistant.answer.generative.generators import GenerationOptions, shared_generator
from assistant.answer.generative.prompting import answer_messages
from assistant.pipeline import shared_assistant
from assistant.settings import DEV_QA, PROJECT_ROOT, load_settings

FALLBACK_QUESTIONS = [
    "Which two countries led a joint initiative on restraint in the use of the veto?",
    "How do violent extremists use social media, according to the Secretary-General?",
]


def questions(n: int) -> list[str]:
    """The first ``n`` answerable dev questions (or two built-in ones when the dev set is absent)."""
    if not DEV_QA.is_file():
        return FALLBACK_QUESTIONS[:n]
    items = [json.loads(line) for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [q["question"] for q in items if q.get("answerable") and not q.get("history")][:n]


def prompt_tokens(generator: Any, messages: list[tuple[str, str]]) -> int | None:
    """Tokens of the prompt text, when the generator is the local llama.cpp model."""
    client = getattr(getattr(generator, "chat", None), "client", None)
    if client is None or not hasattr(client, "tokenize"):
        return None
    return len(client.tokenize("\n".join(text for _, text in messages).encode("utf-8"), add_bos=False))


def run(n_questions: int, ks: list[int], note: str = "") -> dict[str, Any]:
    """Measure every (question, k) pair; return the raw runs and per-k medians."""
    load_before = os.getloadavg()
    settings = load_settings()
    assistant = shared_assistant(settings)
    t0 = time.perf_counter()
    generator = shared_generator(settings)
    load_s = time.perf_counter() - t0
    options = GenerationOptions(max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature, seed=settings.llm_seed)
    runs = []
    for question in questions(n_questions):
        hits = list(assistant.ranking(question, k=max(ks)))
        for k in ks:
            messages = answer_messages(question, hits[:k])
            client = getattr(getattr(generator, "chat", None), "client", None)
            if client is not None and hasattr(client, "reset"):
                client.reset()  # cold: no prompt prefix left over from the previous run
            d = draft(generator, messages, options, None)
            runs.append(
                {
                    "question": question,
                    "k": k,
                    "prompt_tokens": prompt_tokens(generator, messages),
                    "ttft_s": round(d.ttft_s or 0.0, 3),
                    "tokens": d.tokens,
                    "tokens_per_s": round(d.tokens_per_s or 0.0, 2),
                    "seconds": round(d.seconds, 3),
                }
            )
            print(f"k={k} ttft {d.ttft_s:.1f}s, {d.tokens} tokens at {d.tokens_per_s or 0:.1f}/s: {question[:60]}", flush=True)
    summary = []
    for k in ks:
        rows = [r for r in runs if r["k"] == k]
        summary.append(
            {
                "k": k,
                "runs": len(rows),
                "prompt_tokens": statistics.median(r["prompt_tokens"] or 0 for r in rows),
                "ttft_s": round(statistics.median(r["ttft_s"] for r in rows), 2),
                "tokens_per_s": round(statistics.median(r["tokens_per_s"] for r in rows), 2),
                "answer_s": round(statistics.median(r["seconds"] for r in rows), 2),
            }
        )
    return {
        "generator": generator.name,
        "model": generator.model,
        "threads": settings.llm_threads,
        "context": settings.llm_context,
        "max_tokens": settings.llm_max_tokens,
        "model_load_s": round(load_s, 2),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load_before],
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "note": note,
        "date": time.strftime("%Y-%m-%d"),
        "summary": summary,
        "runs": runs,
    }


def markdown(result: dict[str, Any]) -> str:
    """The result as a Markdown report."""
    lines = [
        "# Generation benchmark",
        "",
        f"`{result.get('command', 'python bench/generation.py')}` on {result['date']}: {result['model']} ({result['generator']}), "
        f"{result['threads']} threads, {result['cores']} cores, context {result['context']}, at most {result['max_tokens']} tokens; "
        f"model loaded in {result['model_load_s']} s. Medians over {result['summary'][0]['runs']} questions, cold prompt cache.",
        "",
        f"Load average (1, 5, 15 min) {_load(result['load_average_at_start'])} at the start and "
        f"{_load(result['load_average_at_end'])} at the end; other work on the machine slows every number."
        + (f" {result['note']}" if result.get("note") else ""),
        "",
        "| passages k | prompt tokens | time to first token (s) | tokens/s | whole answer (s) |",
        "|---|---|---|---|---|",
    ]
    for s in result["summary"]:
        lines.append(
            f"| {s['k']} | {s['prompt_tokens']:.0f} | {s['ttft_s']:.1f} | {s['tokens_per_s']:.1f} | {s['answer_s']:.1f} |"
        )
    return "\n".join(lines) + "\n"


def _load(values: list[float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def main() -> int:
    """Run the benchmark and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=3, help="answerable dev questions to time (default 3)")
    parser.add_argument("--k", type=int, nargs="+", default=[3, 5, 8], help="passage counts (default 3 5 8)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results")
    parser.add_argument("--name", default="generation", help="file stem of the reports (default generation)")
    parser.add_argument(
        "--note",
        default=os.environ.get("BENCH_NOTE", ""),
        help="what else ran on the machine, recorded with the numbers ($BENCH_NOTE)",
    )
    args = parser.parse_args()
    result = run(args.questions, args.k, args.note)
    result["command"] = shlex.join(["python", "bench/generation.py", *sys.argv[1:]])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{args.name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / f"{args.name}.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
