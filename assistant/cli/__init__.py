"""The command line: ``python -m assistant {ingest,add,remove,ask,info,eval,feedback,serve}``.

Each command is a function taking parsed arguments and returning an exit
code; `AssistantError` becomes a one-line message and its exit code, never a
traceback. Each module of this package contributes its commands.
"""

from __future__ import annotations

import argparse
import sys

from assistant.cli import ask, calibrate, evaluate, feedback, indexing, serve
from assistant.cli.common import Command
from assistant.errors import AssistantError, UsageError

COMMANDS: list[Command] = [
    *indexing.COMMANDS[:3],
    *ask.COMMANDS,
    *indexing.COMMANDS[3:],
    *evaluate.COMMANDS,
    *calibrate.COMMANDS,
    *feedback.COMMANDS,
    *serve.COMMANDS,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Cited answers from the Secretary-General's statements."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text, add_flags, run in COMMANDS:
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_flags(p)
        p.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(utf8_arguments(sys.argv[1:] if argv is None else argv))
        return int(args.run(args))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def utf8_arguments(argv: list[str]) -> list[str]:
    """``argv`` if every argument is text; `UsageError` naming the first that holds bytes that are not UTF-8.

    Python turns such bytes into lone surrogates (U+DC80 to U+DCFF), which would fail later, far from their cause.
    """
    for n, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")  # the bytes as typed
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
            raise UsageError(
                f"argument {n} ('{shown}') holds bytes that are not UTF-8; "
                "type it again in a UTF-8 terminal (e.g. LANG=C.UTF-8) or convert it with iconv"
            ) from None
    return list(argv)
