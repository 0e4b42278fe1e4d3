"""``feedback``: export the chat's feedback as a QA file, or summarise it (docs/chat.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.cli.common import Command
from assistant.errors import UsageError
from assistant.settings import load_settings
from assistant.ui.feedback import FILE_NAME, FeedbackStore, export_qa, is_judged


def _store_from(args: argparse.Namespace) -> FeedbackStore:

    settings = load_settings(data_dir=args.data_dir)
    path = Path(settings.data_dir) / FILE_NAME
    if not path.is_file():
        raise UsageError(f"no feedback yet: {path} does not exist; feedback is recorded from the chat (`python app.py`)")
    return FeedbackStore(path)


def cmd_feedback(args: argparse.Namespace) -> int:
    """``feedback export OUT`` or ``feedback summary``."""
    store = _store_from(args)
    if args.feedback_command == "export":
        confirmed, review = export_qa(store, args.out, confirmed_only=args.confirmed_only)
        print(
            f"Wrote {confirmed + review} QA cases to {args.out}: {confirmed} confirmed, {review} marked needs_review "
            "(fill in their answers and evidence)."
        )
        return 0
    items = store.all()
    judged = [i for i in items if is_judged(i)]
    up = sum(1 for i in judged if i.rating == "up")
    down = sum(1 for i in judged if i.rating == "down")
    flagged = sum(len(i.wrong_citations) for i in judged)
    print(f"{store.path}: {len(judged)} answers judged ({up} up, {down} down), {flagged} citations flagged as wrong.")
    for i in judged[-10:]:
        mark = {"up": "+", "down": "-"}.get(i.rating or "", " ")
        print(f"  [{mark}] {i.created_at}  {i.question[:80]}" + (f"  — {i.reason[:60]}" if i.reason else ""))
    return 0


def _feedback_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="data folder holding feedback.sqlite (default data/ or $ASSISTANT_DATA_DIR)")
    sub = p.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    export = sub.add_parser("export", help="write the feedback as a QA file (JSONL) in the evaluation format")
    export.add_argument("out", type=Path, help="output file, e.g. results/feedback_qa.jsonl")
    export.add_argument("--confirmed-only", action="store_true", help="only thumbs-up answers with no wrong citation")
    export.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    summary = sub.add_parser("summary", help="count the feedback and list the latest")
    summary.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)


COMMANDS: list[Command] = [("feedback", "export or summarise evaluator feedback from the chat", _feedback_flags, cmd_feedback)]
