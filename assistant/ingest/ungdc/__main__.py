"""``python -m assistant.ingest.ungdc [ARCHIVE] [DEST] [--sample SEED]``: extract if needed and print the counts."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assistant.ingest.ungdc import CORPUS
from assistant.ingest.ungdc.archive import extract_ungdc
from assistant.ingest.ungdc.stats import corpus_stats


def main(argv: list[str] | None = None) -> None:
    """``python -m assistant.ingest.ungdc [ARCHIVE] [DEST] [--sample SEED]``: extract if needed and print the counts."""
    from assistant.settings import PROJECT_ROOT, UNGDC_ARCHIVE

    parser = argparse.ArgumentParser(prog="python -m assistant.ingest.ungdc", description=main.__doc__)
    parser.add_argument("archive", nargs="?", type=Path, default=UNGDC_ARCHIVE)
    parser.add_argument("dest", nargs="?", type=Path, default=PROJECT_ROOT / "data" / CORPUS)
    parser.add_argument("--sample", type=int, default=None, help="seed of the benchmark sample (default: every speech)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    root = extract_ungdc(args.archive, args.dest)
    extract_seconds = round(time.perf_counter() - t0, 1)
    print(json.dumps({"extract_seconds": extract_seconds, **corpus_stats(root, sample_seed=args.sample)}, indent=2))


if __name__ == "__main__":
    main()
