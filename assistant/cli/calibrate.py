"""``calibrate`` and ``calibrate-timeline``: refit the "not in the corpus" and the timeline entry decisions.

    python -m assistant calibrate eval/trust/seed_train.jsonl \
        eval/trust/ungdc_a_train.jsonl@data/index-sample eval/trust/ungdc_b_train.jsonl@data/index-sample

A file may name its index after ``@``; others use ``--index`` (default: the
settings'). The model is written to ``--out`` (default: the packaged
``assistant/answer/abstention.json``, the decision every answer uses), with the files and command it came
from; a model written elsewhere is used with ``ASSISTANT_ABSTAIN_MODEL``.

    python -m assistant calibrate-timeline eval/timeline/seed_train.jsonl \
        eval/timeline/ungdc_train.jsonl@data/index-timeline

writes ``assistant/answer/timeline-entry.json``, the decision every timeline uses (or ``--out``, then used with
``ASSISTANT_TIMELINE_MODEL``), the same way; the full command it was fitted with is in the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.common import Command, add_index_flag, settings_from
from assistant.errors import UsageError

if TYPE_CHECKING:
    from assistant.evaluate.qa_sets import QASet
    from assistant.pipeline import Assistant

PACKAGED = Path(__file__).resolve().parent.parent / "answer" / "abstention.json"
PACKAGED_ENTRIES = Path(__file__).resolve().parent.parent / "answer" / "timeline-entry.json"
PACKAGED_INTENT = Path(__file__).resolve().parent.parent / "interpret" / "timeline-intent.json"  # read by load_intent


def _training_files(args: argparse.Namespace) -> Iterator[tuple[str, Path, QASet, Assistant]]:
    """Each ``FILE[@INDEX]`` of the command: its path, its index, its questions and an assistant over that index."""
    from assistant.evaluate.qa_sets import load_qa_set
    from assistant.pipeline import Assistant

    settings = settings_from(args)
    for spec in args.files:
        path, _, index = spec.partition("@")
        index_dir = Path(index) if index else settings.index_dir
        yield path, index_dir, load_qa_set(Path(path)), Assistant(settings.with_overrides(index_dir=index_dir))


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

    if not 0 <= args.max_refused < 1:
        raise UsageError(f"--max-refused {args.max_refused} must be at least 0 and below 1")
    examples, indexes = [], []
    for path, index_dir, qa, assistant in _training_files(args):
        indexes.append(str(index_dir))
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


def _timeline_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files", nargs="+", metavar="TRAIN.jsonl[@INDEX]", help="labelled timeline questions (never a held-out part not yet run)"
    )
    add_index_flag(p)
    p.add_argument("--out", type=Path, default=PACKAGED_ENTRIES, help="where to write the model (default: the packaged one)")
    p.add_argument("--recall", type=float, default=0.8, help="question-level timeline recall the threshold must keep")
    p.add_argument("--precision", type=float, default=0.9, help="question-level timeline precision the threshold must keep")


def cmd_calibrate_timeline(args: argparse.Namespace) -> int:
    """Score every training timeline question's statements, fit, choose the threshold, write the model."""
    from dataclasses import replace

    from assistant.evaluate.timeline_calibrate import collect, fit, provenance

    for name in ("recall", "precision"):
        if not 0 < getattr(args, name) <= 1:
            raise UsageError(f"--{name} {getattr(args, name)} must be above 0 and at most 1")
    paths = [f.partition("@")[0] for f in args.files]
    if len(set(paths)) < len(paths):
        raise UsageError("a file is named twice: each training file is one group of the out-of-fold folds")
    if not args.out.parent.is_dir():
        raise UsageError(f"--out {args.out}: the folder {args.out.parent} does not exist")
    questions, indexes = [], []
    for path, index_dir, qa, assistant in _training_files(args):
        indexes.append(str(index_dir))
        found = collect(qa, assistant, path)
        print(f"{path}: {len(found)} timeline questions over {index_dir}", file=sys.stderr)
        questions += found
    if not questions:
        raise UsageError("none of these files has a timeline question (a record with a `timeline` gold field)")
    model, training = fit(questions, recall=args.recall, precision=args.precision)
    if not training["target_met"]:
        print(
            f"warning: no threshold keeps recall >= {args.recall} and precision >= {args.precision} out of fold; "
            f"{model.threshold} balances the two",
            file=sys.stderr,
        )
    argv = [*args.files, "--recall", str(args.recall), "--precision", str(args.precision)]
    model = replace(model, fitted={**provenance(paths, indexes, argv, args.recall, args.precision), "training": training})
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(json.dumps({"threshold": model.threshold, "training": training}, indent=2))
    print(f"Wrote {args.out}")
    return 0


def _intent_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files",
        nargs="+",
        metavar="QA.jsonl",
        help="labelled questions, timeline and ordinary (never a held-out part not yet run)",
    )
    p.add_argument("--out", type=Path, default=PACKAGED_INTENT, help="where to write the model (default: the packaged one)")
    p.add_argument(
        "--max-ordinary",
        type=float,
        default=0.01,
        help="share of ordinary questions the threshold may read as asking for years, out of fold",
    )


def cmd_calibrate_intent(args: argparse.Namespace) -> int:
    """Label every question, fit the learned reading, choose its threshold out of fold, write the model."""
    from assistant.evaluate.intent_calibrate import collect, fit

    if not 0 <= args.max_ordinary < 1:
        raise UsageError(f"--max-ordinary {args.max_ordinary} must be at least 0 and below 1")
    if len({Path(f).resolve() for f in args.files}) < len(args.files):
        raise UsageError("a file is named twice: each file is one group of the out-of-fold folds")
    if args.out.is_dir() or not args.out.parent.is_dir():
        raise UsageError(f"--out {args.out}: give a file in a folder that exists")
    examples = [e for f in args.files for e in collect(Path(f))]
    argv = [*args.files, "--max-ordinary", str(args.max_ordinary)]
    model = fit(examples, args.max_ordinary, args.files, argv)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(json.dumps({"threshold": model.threshold, "fitted": model.fitted}, indent=2))
    print(f"Wrote {args.out}")
    return 0


COMMANDS: list[Command] = [
    ("calibrate", "refit the 'not in the corpus' decision on labelled training questions", _flags, cmd_calibrate),
    (
        "calibrate-timeline",
        "refit the timeline entry decision on labelled timeline questions",
        _timeline_flags,
        cmd_calibrate_timeline,
    ),
    (
        "calibrate-intent",
        "refit the learned reading of questions that ask for years",
        _intent_flags,
        cmd_calibrate_intent,
    ),
]
