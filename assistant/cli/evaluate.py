"""``python -m assistant eval``: QA sets, BEIR benchmarks, sweeps, comparisons and the regression gate.

eval QA_FILE [--out DIR] [--set key=v1,v2 ...] [--gate eval/thresholds.json] [ask's flags]
eval --beir DIR [--split test] [--set retriever=...] [--out DIR]
eval compare DIR_A DIR_B        (also: eval-compare DIR_A DIR_B)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.common import Command, add_retrieval_flags, filters_from, settings_from
from assistant.errors import UsageError
from assistant.evaluate.configs import SWEEP_KEYS, RunConfig
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.index.store import IndexStore


def _eval_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", nargs="*", metavar="QA_FILE", help="a QA file (.jsonl or .csv), or: compare DIR_A DIR_B")
    add_retrieval_flags(p)
    p.add_argument("--out", type=Path, help="write results.jsonl, summary.json, report.md and plots here")
    p.add_argument(
        "--set",
        dest="sweep",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="sweep a setting (retriever, reranker, k, threshold); repeat for a grid, e.g. --set retriever=dense,hybrid --set k=3,5",
    )
    p.add_argument(
        "--beir", type=Path, metavar="DIR", help="retrieval-only benchmark in BEIR's format (corpus.jsonl, queries.jsonl, qrels/)"
    )
    p.add_argument("--split", default="test", help="BEIR qrels split (default test)")
    p.add_argument("--gate", type=Path, metavar="THRESHOLDS", help="fail (exit 1) if a metric crosses a bound in this file")
    p.add_argument("--validate", action="store_true", help="only check the QA file against the index; run nothing")
    p.add_argument("--seed", type=int, default=0, help="random seed, recorded in summary.json (default 0)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--config", dest="configs", action="append", default=[], help="compare: configuration of A then B")
    p.add_argument("--json", action="store_true", help="compare: print JSON")


def cmd_eval(args: argparse.Namespace) -> int:
    """Evaluate a QA set or a BEIR benchmark, or compare two runs."""
    if args.target[:1] == ["compare"]:
        if len(args.target) != 3:
            raise UsageError("usage: python -m assistant eval compare DIR_A DIR_B")
        return _compare(Path(args.target[1]), Path(args.target[2]), args)
    if args.beir:
        if args.target:
            raise UsageError("give either a QA file or --beir DIR, not both")
        return _beir(args)
    if len(args.target) != 1:
        raise UsageError("usage: python -m assistant eval QA_FILE [--out DIR] (or --beir DIR, or compare DIR_A DIR_B)")
    return _qa(Path(args.target[0]), args)


FILTER_FLAGS = (
    ("date_from", "--from"),
    ("date_to", "--to"),
    ("doc_types", "--type"),
    ("secretaries_general", "--sg"),
    ("speakers", "--speaker"),
    ("doc_ids", "--doc"),
    ("corpora", "--corpus"),
    ("countries", "--country"),
)


def reproduce_argv(
    args: argparse.Namespace,
    target: list[str],
    configs: list[RunConfig],
    *,
    index: Path | None,
    keys: tuple[str, ...] = SWEEP_KEYS,
) -> list[str]:
    """The arguments that rerun exactly this evaluation: index, every swept value and the seed spelled out.

    Values that came from ``ASSISTANT_*`` variables or defaults are written as flags, so the command
    does not depend on the environment it is run in.
    """
    argv = ["eval", *target] + (["--index", str(index)] if index else [])
    for key in keys:
        values = list(dict.fromkeys(str(getattr(c, key)) for c in configs))
        argv += ["--set", f"{key}={','.join(values)}"]
    for attr, flag in FILTER_FLAGS:
        value = getattr(args, attr, None)
        for v in value if isinstance(value, list) else [value] if value else []:
            argv += [flag, str(v)]
    if getattr(args, "no_infer", False):
        argv.append("--no-infer")
    if getattr(args, "split", "test") != "test" and target[:1] == ["--beir"]:
        argv += ["--split", args.split]
    return [*argv, "--seed", str(args.seed)]


def _qa(path: Path, args: argparse.Namespace) -> int:
    from assistant.evaluate.configs import base_config, sweep
    from assistant.evaluate.evidence import QuoteLocator
    from assistant.evaluate.qa_sets import load_qa_set, require_evidence

    settings = settings_from(args)
    qa = load_qa_set(path)  # the file first: its problems are reported even without an index
    for warning in qa.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    configs = sweep(args.sweep, base_config(settings))
    store = _open_index(settings, build_if_missing=args.index is None, progress=not args.quiet)
    locator = QuoteLocator.from_store(store)
    require_evidence(qa, locator)
    if args.validate:
        print(
            f"{path}: {len(qa.items)} questions ({qa.answerable} answerable), every evidence quote found in {settings.index_dir}."
        )
        return 0

    from assistant.evaluate.report import comparison_table, cost_table, write_outputs
    from assistant.evaluate.run import evaluate_qa
    from assistant.pipeline import Assistant

    run = evaluate_qa(
        qa,
        settings,
        configs,
        assistant=Assistant(settings, store),
        locator=locator,
        filters=filters_from(args),
        infer_filters=not args.no_infer,
        seed=args.seed,
        progress=not args.quiet,
        argv=reproduce_argv(args, [str(path)], configs, index=settings.index_dir),
    )
    written = write_outputs(run, args.out) if args.out else []  # before printing: a closed stdout loses no results
    print(comparison_table(run.runs))
    print()
    print(cost_table(run.runs))
    if written:
        print(f"\nWrote {', '.join(p.name for p in written)} to {args.out}")
    if args.gate:
        from assistant.evaluate.gate import check

        check(run.runs[0].metrics, args.gate)
        print(f"Regression gate {args.gate}: every metric within bounds.")
    return 0


def _open_index(settings: Settings, *, build_if_missing: bool, progress: bool) -> IndexStore:
    """The index to evaluate; the default one is built from the corpus first if there is none (a fresh clone)."""
    from assistant.errors import IndexMissingError
    from assistant.index.store import IndexStore

    try:
        return IndexStore(settings.index_dir)
    except IndexMissingError:
        if not build_if_missing or not settings.corpus_dir.is_dir():
            raise
    from assistant.index.builder import ingest

    print(f"No index in {settings.index_dir} yet: building it from {settings.corpus_dir} first.", file=sys.stderr)
    report = ingest(settings, progress=progress)
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    return IndexStore(settings.index_dir)


def _beir(args: argparse.Namespace) -> int:
    from assistant.evaluate.beir import evaluate_beir, load_beir
    from assistant.evaluate.configs import base_config, sweep
    from assistant.evaluate.report import beir_table, write_beir_outputs

    settings = settings_from(args)
    if any(s.partition("=")[0].strip() in ("k", "threshold", "mode") for s in args.sweep):
        raise UsageError("--beir ranks 100 documents and answers nothing: sweep only retriever and reranker")
    configs = sweep(args.sweep, base_config(settings))
    beir = load_beir(args.beir, args.split)
    for note in beir.ignored:
        print(f"note: {note}", file=sys.stderr)
    argv = reproduce_argv(args, ["--beir", str(args.beir)], configs, index=None, keys=("retriever", "reranker"))
    runs, provenance = evaluate_beir(beir, settings, configs, seed=args.seed, progress=not args.quiet, argv=argv)
    written = write_beir_outputs(runs, provenance, beir, args.out) if args.out else []
    print(beir_table(runs))
    if written:
        print(f"\nWrote {', '.join(p.name for p in written)} to {args.out}")
    if args.gate:
        from assistant.evaluate.gate import check

        check(runs[0].metrics, args.gate)
    return 0


def _compare(a: Path, b: Path, args: argparse.Namespace) -> int:
    from assistant.evaluate.compare import compare_runs, render, to_dict

    if len(args.configs) > 2:
        raise UsageError("--config is given at most twice: the configuration of A, then of B")
    config_a = args.configs[0] if args.configs else None
    config_b = args.configs[1] if len(args.configs) > 1 else config_a
    result = compare_runs(a, b, config_a=config_a, config_b=config_b)
    print(json.dumps(to_dict(result), indent=2, ensure_ascii=False) if args.json else render(result))
    return 0


def _compare_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("a", type=Path, help="first evaluation output folder (the baseline)")
    p.add_argument("b", type=Path, help="second evaluation output folder")
    p.add_argument(
        "--config", dest="configs", action="append", default=[], help="configuration of A, then of B (default: each run's first)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def cmd_compare(args: argparse.Namespace) -> int:
    """Per-question wins and regressions of run B against run A."""
    return _compare(args.a, args.b, args)


COMMANDS: list[Command] = [
    ("eval", "evaluate on a QA set or BEIR benchmark; `eval compare A B` compares two runs", _eval_flags, cmd_eval),
    ("eval-compare", "list per-question wins and regressions between two eval --out folders", _compare_flags, cmd_compare),
]
