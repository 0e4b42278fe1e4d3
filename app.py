"""Serve the staff chat: ``python app.py [--index DIR] [--host H] [--port P]``.

The same as ``python -m assistant serve``, with the same flags. Defaults come
from `assistant.settings` (127.0.0.1:7860; ``ASSISTANT_*`` environment
variables, e.g. ``ASSISTANT_AUTH_USER`` and ``ASSISTANT_AUTH_PASSWORD`` to
require a login).
"""

from __future__ import annotations

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
