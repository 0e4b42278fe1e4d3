"""``serve``: the staff chat in the browser (``python app.py`` is the same command).

Listening beyond this machine (any address but loopback) without a login is refused before anything is loaded,
unless ``--allow-open`` says it is meant; then a warning is printed.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from assistant.cli.common import Command, add_index_flag
from assistant.errors import IndexMissingError, UsageError
from assistant.settings import Settings, load_settings


def _serve_flags(p: argparse.ArgumentParser) -> None:
    add_index_flag(p)
    p.add_argument("--host", help="address to bind (default 127.0.0.1; 0.0.0.0 to serve the local network)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--data-dir", type=Path, help="folder for feedback.sqlite (default data/ or $ASSISTANT_DATA_DIR)")
    p.add_argument("--build-index", action="store_true", help="build or update the index first if it is missing")
    p.add_argument(
        "--allow-open",
        action="store_true",
        help="serve beyond loopback without a login (a warning is printed); without it, that is refused",
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def check_open_host(settings: Settings, allow_open: bool) -> None:
    """`UsageError` when the chat would listen beyond loopback without a login, unless ``allow_open``; then a warning."""
    if is_loopback(settings.host) or (settings.auth_user and settings.auth_password):
        return
    reach = f"anyone who can reach port {settings.port} of this machine can use the chat"
    if not allow_open:
        raise UsageError(
            f"--host {settings.host} listens beyond this machine and no login is set: {reach}. "
            "Set ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD to require a login, "
            "or pass --allow-open to serve without one"
        )
    print(f"warning: serving on {settings.host} without a login (--allow-open): {reach}.", file=sys.stderr, flush=True)


def cmd_serve(args: argparse.Namespace) -> int:
    """Check the index (building it with --build-index), then serve until interrupted."""
    from assistant.index.lifecycle import live_build

    settings = load_settings(index_dir=args.index, host=args.host, port=args.port, data_dir=args.data_dir)
    check_open_host(settings, args.allow_open)  # before anything is loaded or bound
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
