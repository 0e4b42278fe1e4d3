"""Serve the staff chat: ``python app.py [--index DIR] [--host H] [--port P]``.

Defaults come from `assistant.settings` (127.0.0.1:7860; ``ASSISTANT_*``
environment variables, e.g. ``ASSISTANT_AUTH_USER`` and
``ASSISTANT_AUTH_PASSWORD`` to require a login).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command-line flags."""
    parser = argparse.ArgumentParser(description="Serve the Statement Assistant chat in the browser.")
    parser.add_argument("--index", type=Path, help="index folder (default: index/ or $ASSISTANT_INDEX_DIR)")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 to serve the local network)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    parser.add_argument("--data-dir", type=Path, help="folder for feedback.sqlite (default data/ or $ASSISTANT_DATA_DIR)")
    parser.add_argument("--build-index", action="store_true", help="build or update the index first if it is missing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Check the index, then serve until interrupted; return the exit code."""
    args = parse_args(argv)
    from assistant.errors import AssistantError, IndexMissingError
    from assistant.settings import load_settings
    from assistant.store import live_build

    settings = load_settings(index_dir=args.index, host=args.host, port=args.port, data_dir=args.data_dir)
    try:
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
            from assistant.ingest import ingest

            ingest(settings)
        from assistant.ui.app import ChatUI

        print(f"Loading the index and model from {settings.index_dir} …", flush=True)
        ChatUI(settings).launch()
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
