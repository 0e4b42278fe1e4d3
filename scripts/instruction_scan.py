"""Count the passages the instruction-like text rules flag on real UN prose: ``python scripts/instruction_scan.py``.

Real statements should have none flagged: every one is a false positive of
`assistant.text.instructions`. It reads the seed corpus (``--corpus``, default
``corpus``) and a reproducible sample of General Debate speeches (``--speeches``,
default 1460 speeches, about 50,000 paragraphs, from the extracted archive
``--ungdc``, default ``data/ungdc``), prints the counts and every flagged sentence
with the kinds of rule it matched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, wherever this runs from

from assistant.ingest.folders import scan_corpus
from assistant.ingest.ungdc.speeches import iter_ungdc
from assistant.models import ParsedDocument
from assistant.text.instructions import instruction_kinds


def report(name: str, documents: list[ParsedDocument]) -> int:
    """Print the flagged sentences of ``documents``; return how many passages have one."""
    passages = [p for d in documents for p in d.passages]
    flagged = [p for p in passages if p.instructions]
    print(f"{name}: {len(documents):,} documents, {len(passages):,} passages, {len(flagged)} flagged")
    for p in flagged:
        for span in p.instructions:
            sentence = p.text[span.start : span.end]
            print(f"  {p.passage_id}: {instruction_kinds(sentence)} {sentence[:300]!r}")
    return len(flagged)


def main() -> int:
    """Scan the seed corpus and a General Debate sample."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--ungdc", type=Path, default=Path("data/ungdc"))
    parser.add_argument("--speeches", type=int, default=1460)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report(f"seed corpus ({args.corpus})", scan_corpus(args.corpus).documents)
    if args.ungdc.is_dir():
        docs = [d for d, _ in iter_ungdc(args.ungdc, limit=args.speeches, sample_seed=args.seed)]
        report(f"General Debate sample ({args.ungdc}, seed {args.seed})", docs)
    else:
        print(f"{args.ungdc} not found: extract the General Debate archive to scan it (python -m assistant.ingest.ungdc)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
