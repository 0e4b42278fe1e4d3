"""Commands that build and change the index: ``ingest``, ``add``, ``remove``, ``info``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.common import Command, add_index_flag, settings_from
from assistant.errors import DocumentError

if TYPE_CHECKING:
    from assistant.index.report import IngestReport
    from assistant.settings import Settings


# ingest ----------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    """Build or update the index."""
    from assistant.index.builder import ingest
    from assistant.ingest.corpora import is_named, load_corpus

    spec = args.corpus
    if spec and not is_named(spec):
        args.corpus_dir = Path(spec)
    settings = settings_from(args)
    if spec and is_named(spec) and spec != "seed":
        source = load_corpus(spec, settings, limit=args.limit, sample_seed=args.sample_seed)
        report = ingest(settings, source.documents, force=args.force, progress=not args.quiet, corpus_name=spec)
        report.problems = source.problems + report.problems
    else:
        report = ingest(settings, force=args.force, progress=not args.quiet)
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    _print_ingest(report, settings)
    if args.strict and report.problems:
        names = sorted({problem.split(": ", 1)[0] for problem in report.problems})
        raise DocumentError(
            f"--strict: {len(names)} file{'s were' if len(names) != 1 else ' was'} skipped ({', '.join(names)}); "
            "the index holds the rest. Fix or remove them (the reasons are above) and run ingest again"
        )
    return 0


def _print_ingest(report: IngestReport, settings: Settings) -> None:
    """What ``ingest`` did, in one line (two when it rebuilt from scratch)."""
    if report.rebuilt_reason and not report.dense_reindexed:
        print(f"Rebuilt from scratch: {report.rebuilt_reason}.")
    if report.up_to_date:
        print(f"Index is up to date: {report.documents} documents, {report.passages} passages ({settings.index_dir}).")
    elif report.dense_reindexed:
        print(
            f"Re-indexed the stored vectors of {report.passages} passages as {report.dense_reindexed} in "
            f"{report.seconds:.1f} s ({report.rebuilt_reason}; nothing embedded, every other file shared with the "
            f"previous build) -> {settings.index_dir}"
        )
    else:
        changes = _changes(report, "changed")
        print(
            f"Indexed {report.documents} documents, {report.passages} passages in {report.seconds:.1f} s "
            f"({changes or 'forced rebuild'}; {report.embedded} texts embedded, {report.reused} reused"
            f"{f', {report.recovered} vectors from an interrupted build' if report.recovered else ''}) -> {settings.index_dir}"
        )


def cmd_add(args: argparse.Namespace) -> int:
    """Add or replace documents in the live index without rebuilding it."""
    from assistant.index.patch import update_index
    from assistant.ingest.corpora import document_from_file

    settings = settings_from(args)
    docs = [document_from_file(path, settings) for path in args.paths]
    report = update_index(settings, add=docs, progress=not args.quiet)
    return _print_update(report, settings)


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove documents from the live index without rebuilding it."""
    from assistant.index.patch import update_index

    settings = settings_from(args)
    return _print_update(update_index(settings, remove=args.doc_ids), settings)


def _print_update(report: IngestReport, settings: Settings) -> int:
    if report.up_to_date:
        print(f"Nothing to do: the index already holds these versions ({settings.index_dir}).")
        return 0
    changes = _changes(report, "replaced")
    print(
        f"Updated in {report.seconds:.1f} s ({changes}; {report.embedded} texts embedded, {report.reused} reused): "
        f"{report.documents} documents, {report.passages} passages -> {settings.index_dir}"
    )
    return 0


def _changes(report: IngestReport, changed: str) -> str:
    """The changes of a report, e.g. "2 added, 1 changed" (``changed``: the word for new versions)."""
    kinds = (("added", report.added), (changed, report.changed), ("removed", report.removed))
    return ", ".join(f"{len(v)} {k}" for k, v in kinds if v)


# info ------------------------------------------------------------------------


def cmd_info(args: argparse.Namespace) -> int:
    """Describe what is indexed."""
    from assistant.index.store import IndexStore

    settings = settings_from(args)
    store = IndexStore(settings.index_dir)
    m = store.manifest
    counts = store.passage_counts()
    if args.json:
        info = {
            "index": str(store.path),
            "manifest": m.__dict__,
            "size_bytes": store.size_bytes(),
            "documents": [{**asdict(d), "passages": counts[d.doc_id]} for d in store.documents],
        }
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"Index:      {store.path}")
    print(f"Model:      {m.model_name} (weights {m.model_fingerprint}, {m.dimension} dimensions)")
    print(f"Contents:   {len(store.documents)} documents, {m.passages} passages, {m.windows} windows, {m.sentences} sentences")
    print(f"Dense:      {m.faiss_type}; size on disk {store.size_bytes() / 1e6:.1f} MB; built {m.built_at} ({m.build_seconds} s)")
    print()
    shown = store.documents if args.all or len(store.documents) <= 50 else store.documents[:50]
    for d in shown:
        print(f"  {d.date or '????-??-??'}  {d.doc_type:<10} {counts[d.doc_id]:>4} passages  {d.title[:70]}  [{d.source}]")
    if len(shown) < len(store.documents):
        print(f"  … and {len(store.documents) - len(shown)} more (--all to list them)")
    return 0


def _ingest_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corpus",
        help="corpus folder (default corpus/), or a name: seed, ungdc, ungdc-sample; names joined by commas build one index",
    )
    add_index_flag(p)
    p.add_argument("--limit", type=int, help="ungdc: only the first N speeches (with ungdc-sample: the sample size)")
    p.add_argument("--sample-seed", type=int, default=0, help="ungdc-sample: the seed of the reproducible sample")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 when any file was skipped (binary, not UTF-8, too large, unreadable), naming them; "
        "without it skipped files are reported and the exit is 0",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _add_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, help="files to add (a document with the same id is replaced)")
    add_index_flag(p)
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _remove_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="document ids, as `info` lists them")
    add_index_flag(p)


def _info_flags(p: argparse.ArgumentParser) -> None:
    add_index_flag(p)
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.add_argument("--all", action="store_true", help="list every document")


COMMANDS: list[Command] = [
    ("ingest", "build or update the index from the corpus", _ingest_flags, cmd_ingest),
    ("add", "add or replace documents in the index in seconds, without a rebuild", _add_flags, cmd_add),
    ("remove", "remove documents from the index in seconds, without a rebuild", _remove_flags, cmd_remove),
    ("info", "show what is indexed", _info_flags, cmd_info),
]
