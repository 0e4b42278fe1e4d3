"""Load: concurrent chat users through gradio_client, against a chat this script starts itself on 127.0.0.1.

    python bench/load.py                                    # 8, then 16 users, 5 questions each, on the seed index
    python bench/load.py --index index                      # serve an index already built instead
    python bench/load.py --users 2 --questions 2 --out DIR  # the smoke run the tests make

The seed corpus is indexed in a temporary folder (unless ``--index``), then ``python -m assistant serve`` is
started in its own process on a free port, so the clients and the server do not share an interpreter. Each user
is one gradio_client session; all users of a level start together, and each asks ``--questions`` questions one
after another from a small list whose answers are known (the veto question must name "France and Mexico", an
off-corpus question must be refused), each in a fresh conversation. Per level it records the latency of every
answer (from submitting to the finished answer, as the browser sees it, including the chat's reveal of about
0.3 s), p50 and p95, failures (errors, refusals, timeouts) and wrong answers. It stops by itself: the counts are
fixed, every answer has a timeout, the whole run has ``--time-limit``, and the server is stopped at the end.
Results go to ``bench/results/load.json`` and ``load.md``, with the machine and its load average.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import assistant.settings  # noqa: E402, F401  (offline mode for every model library)
from assistant.evaluate.metrics import percentile  # noqa: E402
from bench.common import machine  # noqa: E402

# (question, text its answer must contain; "No answer found." for a question the corpus does not cover)
QUESTIONS: list[tuple[str, str]] = [
    ("Which two countries led a joint initiative on restraint in the use of the veto?", "France and Mexico"),
    ("How do violent extremists use social media?", "incite hatred"),
    ("What should be the default first reaction to atrocity crimes?", "Early and flexible application"),
    ("How many resolutions of the Security Council refer to the protection of populations?", "more than 40 resolutions"),
    ("What is the boiling point of mercury?", "No answer found."),
]
REFUSED = "No answer found."
CONTROLS = ("", "", [], [], [], "extractive", 5)  # no filters, exact quotes, 5 passages: the chat's defaults


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_index(index: Path, timeout: float) -> None:
    """Index the seed corpus into ``index``."""
    cmd = [sys.executable, "-m", "assistant", "ingest", "--index", str(index), "--quiet"]
    subprocess.run(cmd, check=True, cwd=ROOT, timeout=timeout, stdout=subprocess.DEVNULL)


def start_server(index: Path, work: Path, port: int, timeout: float) -> tuple[subprocess.Popen[bytes], str]:
    """``python -m assistant serve`` on 127.0.0.1:``port``; returns once it answers HTTP (or raises, with its log)."""
    log = (work / "serve.log").open("wb")
    cmd = [
        sys.executable,
        "-m",
        "assistant",
        "serve",
        "--index",
        str(index),
        "--port",
        str(port),
        "--data-dir",
        str(work / "data"),
    ]
    env = {**os.environ, "ASSISTANT_HOST": "127.0.0.1", "GRADIO_TEMP_DIR": str(work / "gradio")}
    server = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if httpx.get(f"{url}config", timeout=5).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(server)
    tail = (work / "serve.log").read_text(encoding="utf-8", errors="replace")[-2000:]
    raise SystemExit(f"the chat did not start within {timeout:.0f} s (exit {server.returncode}):\n{tail}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the chat: SIGTERM, then SIGKILL after 15 s."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def answer_part(html: str) -> str:
    """The assistant's side of the last turn (the question itself is left out, so it cannot match)."""
    return html.rsplit("sa-msg sa-bot", 1)[-1]


def judge(answer_html: str, expect: str) -> bool:
    """Whether an answer is right: refused when it should be, else containing the expected text and not refused."""
    part = answer_part(answer_html)
    if expect == REFUSED:
        return REFUSED in part
    return expect in part and REFUSED not in part


def user(
    url: str,
    number: int,
    questions: int,
    deadline: float,
    answer_timeout: float,
    start: threading.Barrier,
    out: list[dict[str, Any]],
) -> None:
    """One chat user: a gradio_client session asking ``questions`` questions in turn, each in a new conversation."""
    from gradio_client import Client

    try:
        client: Any = Client(url, verbose=False, download_files=False, analytics_enabled=False)
    except Exception as exc:
        out.append({"user": number, "error": f"could not connect: {exc}"[:300]})
        start.abort()
        return
    with contextlib.suppress(threading.BrokenBarrierError):  # another user could not connect: ask anyway
        start.wait(timeout=answer_timeout)
    for i in range(questions):
        if time.monotonic() >= deadline:
            out.append({"user": number, "error": "not asked: the time limit was reached", "skipped": True})
            continue
        question, expect = QUESTIONS[(number + i) % len(QUESTIONS)]
        client.reset_session()  # a fresh conversation: no earlier turn is sent as history
        started = time.monotonic()
        job = client.submit(question, *CONTROLS, api_name="/ask")
        try:
            html = str(job.result(timeout=max(1.0, min(answer_timeout, deadline - started)))[0])
        except Exception as exc:  # an error, a refusal by a limit, or a timeout
            job.cancel()
            out.append({"user": number, "question": question, "error": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        seconds = time.monotonic() - started
        out.append({"user": number, "question": question, "seconds": seconds, "right": judge(html, expect)})


def run_level(url: str, users: int, questions: int, deadline: float, answer_timeout: float) -> dict[str, Any]:
    """``users`` users at once, each asking ``questions`` questions; their latencies, failures and wrong answers."""
    results: list[dict[str, Any]] = []
    start = threading.Barrier(users)
    threads = [
        threading.Thread(target=user, args=(url, n, questions, deadline, answer_timeout, start, results), daemon=True)
        for n in range(users)
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, deadline - time.monotonic() + answer_timeout))
    wall = time.monotonic() - began
    answered = [r for r in results if "seconds" in r]
    latencies = sorted(r["seconds"] for r in answered)
    failures = [r for r in results if "error" in r and not r.get("skipped")]

    def seconds(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return {
        "users": users,
        "questions_per_user": questions,
        "asked": len(answered) + len(failures),
        "answered": len(answered),
        "failures": len(failures),
        "wrong": sum(1 for r in answered if not r["right"]),
        "skipped_by_time_limit": sum(1 for r in results if r.get("skipped")),
        "p50_s": seconds(percentile(latencies, 50)),
        "p95_s": seconds(percentile(latencies, 95)),
        "max_s": seconds(latencies[-1] if latencies else None),
        "wall_s": round(wall, 2),
        "answers_per_s": round(len(answered) / wall, 2) if wall > 0 else None,
        "failure_examples": sorted({r["error"] for r in failures})[:5],
        "wrong_examples": sorted({r["question"] for r in answered if not r["right"]})[:5],
    }


def write_markdown(result: dict[str, Any], path: Path) -> None:
    """The levels as a table, with the machine and the command."""
    m, server = result["machine"], result["server"]
    rows = [
        "| users | questions asked | answered | failures | wrong | p50 s | p95 s | max s | wall s | answers/s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in result["levels"]:
        rows.append(
            f"| {lv['users']} | {lv['asked']} | {lv['answered']} | {lv['failures']} | {lv['wrong']} | {lv['p50_s']} "
            f"| {lv['p95_s']} | {lv['max_s']} | {lv['wall_s']} | {lv['answers_per_s']} |"
        )
    text = (
        "# Chat under load\n\n"
        f"Written by `{result['command']}` on {result['when']}: concurrent users through gradio_client, each a chat "
        f"session asking {result['levels'][0]['questions_per_user'] if result['levels'] else 0} questions in turn "
        "(each in a new conversation) from a list with known answers; latency from submitting to the finished "
        "answer, including the chat's reveal of the answer (about 0.3 s). The chat ran in its own process on "
        f"127.0.0.1 over {result['index']}, answering {server['ui_concurrency']} questions at a time "
        f"(`ASSISTANT_UI_CONCURRENCY`), exact quotes.\n\n"
        + "\n".join(rows)
        + f"\n\nMachine: {m['cores']} cores, {m['cpu']}, Python {m['python']}; load average {m['load_avg_1m']} at the "
        f"start and {m.get('load_avg_1m_end', '–')} at the end (above the core count, other work shared the machine "
        "and the times are pessimistic).\n"
    )
    if any(lv["failure_examples"] or lv["wrong_examples"] for lv in result["levels"]):
        text += "\nFailures and wrong answers:\n\n" + "\n".join(
            f"* {lv['users']} users: {e}" for lv in result["levels"] for e in lv["failure_examples"] + lv["wrong_examples"]
        )
        text += "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Start the chat, run each level, stop the chat, write the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", default="8,16", help="concurrent users per level, comma-separated (default 8,16)")
    parser.add_argument("--questions", type=int, default=5, help="questions each user asks (default 5)")
    parser.add_argument("--index", type=Path, help="serve this index (default: the seed corpus, indexed in a temporary folder)")
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for the whole run, start-up included")
    parser.add_argument("--answer-timeout", type=float, default=120.0, help="seconds one answer may take")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args()
    levels = [int(u) for u in args.users.split(",") if u.strip()]
    if not levels or min(levels) < 1 or args.questions < 1:
        parser.error("--users and --questions must be at least 1")
    deadline = time.monotonic() + args.time_limit
    shown = list(sys.argv[1:])
    if "--out" in shown:
        i = shown.index("--out")
        del shown[i : i + 2]
    result: dict[str, Any] = {
        "command": " ".join(["python bench/load.py", *shown]),
        "machine": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "index": str(args.index) if args.index else "the seed corpus (indexed in a temporary folder)",
        "questions": [{"question": q, "expect": e} for q, e in QUESTIONS],
        "time_limit_s": args.time_limit,
        "levels": [],
    }
    work = Path(tempfile.mkdtemp(prefix="statement-assistant-load-"))
    server = None
    try:
        index = args.index.resolve() if args.index else work / "index"
        if not args.index:
            build_index(index, timeout=max(1.0, deadline - time.monotonic()))
        server, url = start_server(index, work, free_port(), timeout=max(1.0, min(300.0, deadline - time.monotonic())))
        from assistant.settings import Settings

        defaults = Settings()
        result["server"] = {k: getattr(defaults, k) for k in ("ui_concurrency", "ui_queue_size", "ui_session_queue")}
        run_level(url, 1, 1, deadline, args.answer_timeout)  # warm-up: not recorded
        for users in levels:
            if time.monotonic() >= deadline:
                break
            level = run_level(url, users, args.questions, deadline, args.answer_timeout)
            result["levels"].append(level)
            print(json.dumps({k: v for k, v in level.items() if not k.endswith("examples")}), flush=True)
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(work, ignore_errors=True)
    result["machine"]["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    result["stopped_by_time_limit"] = time.monotonic() >= deadline
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    write_markdown(result, args.out / "load.md")
    print(f"wrote {args.out / 'load.json'} and {args.out / 'load.md'}")


if __name__ == "__main__":
    main()
