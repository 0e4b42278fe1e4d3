"""``ask``: answer one question in the terminal, as text or as the documented JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.cli.common import Command, add_retrieval_flags, filters_from, settings_from
from assistant.errors import UsageError

# ask -------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question."""
    from assistant.pipeline import shared_assistant

    settings = settings_from(args)
    history = _read_history(args.history) if args.history else None
    assistant = shared_assistant(settings)
    answer = assistant.ask(args.question, history=history, filters=filters_from(args), infer_filters=not args.no_infer)
    if args.json:
        from assistant.answer.records import answer_record

        print(json.dumps(answer_record(answer), ensure_ascii=False, indent=2))
        return 0
    from assistant.answer.citations import format_answer

    print(format_answer(answer))
    return 0


def _read_history(path: Path) -> list[dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"--history {path}: cannot read a JSON list of {{role, content}} turns ({exc})") from exc
    if not isinstance(data, list) or not all(isinstance(t, dict) and "role" in t and "content" in t for t in data):
        raise UsageError(f'--history {path}: expected a JSON list of {{"role": ..., "content": ...}} objects')
    return data


def _ask_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", help="the question, in quotes")
    add_retrieval_flags(p)
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object (schema: docs/json-schema.md)")
    p.add_argument("--history", type=Path, help="JSON file with earlier turns [{role, content}, ...] for a follow-up")


COMMANDS: list[Command] = [("ask", "answer a question with cited paragraphs", _ask_flags, cmd_ask)]
