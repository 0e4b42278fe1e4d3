"""``ask``: answer one question in the terminal, as text or as the documented JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from assistant.cli.common import Command, add_retrieval_flags, default, filters_from, settings_from
from assistant.errors import UsageError

# ask -------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question."""
    from assistant.interpret.validation import validate_question
    from assistant.pipeline import shared_assistant

    settings = settings_from(args)
    history = _read_history(args.history) if args.history else None
    filters = filters_from(args)
    # the question and history against their limits now, not after the index and the model are loaded
    validate_question(
        args.question,
        settings.max_question_chars,
        history or (),
        max_turns=settings.max_history_turns,
        max_history_chars=settings.max_history_chars,
    )
    assistant = shared_assistant(settings)
    answer = assistant.ask(args.question, history=history, filters=filters, infer_filters=not args.no_infer)
    if args.json:
        from assistant.answer.records import answer_record

        print(json.dumps(answer_record(answer), ensure_ascii=False, indent=2))
        return 0
    from assistant.answer.citations import format_answer

    print(format_answer(answer))
    return 0


def _read_history(path: Path) -> list[dict[str, str]]:
    """The turns of a ``--history`` file: UTF-8 JSON, a list of ``{"role": ..., "content": ...}`` texts."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"--history {path}: cannot be read ({exc.strerror})") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"--history {path}: not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8 JSON"
        ) from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--history {path}: cannot read a JSON list of {{role, content}} turns ({exc})") from None
    if not isinstance(data, list) or not all(
        isinstance(t, dict) and isinstance(t.get("role"), str) and isinstance(t.get("content"), str) for t in data
    ):
        raise UsageError(f'--history {path}: expected a JSON list of {{"role": ..., "content": ...}} objects with text values')
    return data


def _ask_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", help=f"the question, in quotes (at most {default('max_question_chars'):,} characters)")
    add_retrieval_flags(p)
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object (schema: docs/json-schema.md)")
    p.add_argument(
        "--history",
        type=Path,
        help="UTF-8 JSON file with earlier turns [{role, content}, ...] for a follow-up (at most "
        f"{default('max_history_turns')} turns and {default('max_history_chars'):,} characters: "
        "$ASSISTANT_MAX_HISTORY_TURNS, $ASSISTANT_MAX_HISTORY_CHARS)",
    )


COMMANDS: list[Command] = [("ask", "answer a question with cited paragraphs", _ask_flags, cmd_ask)]
