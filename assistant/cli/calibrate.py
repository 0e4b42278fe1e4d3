"""``calibrate``: refit the "not in the corpus" decision on labelled training questions.

    python -m assistant calibrate eval/trust/seed_train.jsonl \
        eval/trust/ungdc_a_train.jsonl@data/index-sample eval/trust/ungdc_b_train.jsonl@data/index-sample

A file may name its index after ``@``; others use ``--index`` (default: the
settings'). The model is written to ``--out`` (default: the packaged
``assistant/answer/abstention.json``, the decision every answer uses), with the files and command it came
from; a model written elsewhere is used with ``ASSISTANT_ABSTAIN_MODEL``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.cli.common import Command, add_index_flag, settings_from
from assistant.errors import UsageError

PACKAGED = Path(__file__).resolve().parent.parent / "answer" / "abstention.json"


def _flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("files", nargs="+", metavar="TRAIN.jsonl[@INDEX]", help="labelled training questions (never a test part)")
    add_index_flag(p)
    p.add_argument("--out", type=Path, default=PACKAGED, help="where to write the model (default: the packaged one)")
    p.add_argument("--max-refused", type=float, default=0.02, help="share of answered training questions a threshold may refuse")
    p.add_argument("--examples", type=Path, help="also write every training example (signals and labels) as JSON Lines")


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Collect the signals of every training question, fit, choose thresholds, write the model."""
    from dataclasses import replace

    from assistant.evaluate.calibrate import collect, fit, provenance, training_scores
    from assistant.evaluate.qa_sets import load_qa_set
    from assistant.pipeline import Assistant

    if not 0 <= args.max_refused < 1:
        raise UsageError(f"--max-refused {args.max_refused} must be at least 0 and below 1")
    settings = settings_from(args)
    examples, indexes = [], []
    for spec in args.files:
        path, _, index = spec.partition("@")
        index_dir = Path(index) if index else settings.index_dir
        indexes.append(str(index_dir))
        qa = load_qa_set(Path(path))
        assistant = Assistant(settings.with_overrides(index_dir=index_dir))
        print(f"{path}: {len(qa.items)} questions over {index_dir} ({assistant.passages:,} passages)", file=sys.stderr)
        examples += collect(qa, assistant)
    model = fit(examples, max_refused=args.max_refused)
    fitted = {
        **provenance(
            [f.partition("@")[0] for f in args.files],
            indexes,
            sys.argv[2:] if sys.argv[1:2] == ["calibrate"] else None,
            args.max_refused,
        ),
        "training": training_scores(model, examples),
    }
    model = replace(model, fitted=fitted)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    if args.examples:
        args.examples.write_text("".join(json.dumps(e.record()) + "\n" for e in examples), encoding="utf-8")
    print(json.dumps({"thresholds": model.thresholds, "training": fitted["training"]}, indent=2))
    print(f"Wrote {args.out}")
    return 0


COMMANDS: list[Command] = [
    ("calibrate", "refit the 'not in the corpus' decision on labelled training questions", _flags, cmd_calibrate)
]
