"""``serve``: the staff chat in the browser (``python app.py`` is the same command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.cli.common import Command, add_index_flag
from assistant.errors import IndexMissingError
from assistant.settings import load_settings


def _serve_flags(p: argparse.ArgumentParser) -> None:
    add_index_flag(p)
    p.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 to serve the local network)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--data-dir", type=Path, help="folder for feedback.sqlite (default data/ or $ASSISTANT_DATA_DIR)")
    p.add_argument("--build-index", action="store_true", help="build or update the index first if it is missing")


def cmd_serve(args: argparse.Namespace) -> int:
    """Check the index (building it with --build-index), then serve until interrupted."""
    from assistant.index.lifecycle import live_build

    settings = load_settings(index_dir=args.index, host=args.host, port=args.port, data_dir=args.data_dir)
    try:
        live_build(settings.index_dir)
    except IndexMissingError:
        if not args.build_index:
            print(
                f"error: no index in {settings.index_dir}. Build it with `python -m assistant ingest"
                f"{f' --index {args.index}' if args.index else ''}` (or `make index`), "
                "or start with `python app.py --build-index` (`make run` does both).",
                file=sys.stderr,
            )
            return 3
        from assistant.index.builder import ingest

        ingest(settings)
    from assistant.ui.app import ChatUI

    print(f"Loading the index and model from {settings.index_dir} …", flush=True)
    ChatUI(settings).launch()
    return 0


COMMANDS: list[Command] = [("serve", "serve the chat in the browser (same as `python app.py`)", _serve_flags, cmd_serve)]
