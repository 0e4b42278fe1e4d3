"""The command line: ``python -m assistant {ingest,add,remove,ask,info,...}``.

Each command is a function taking parsed arguments and returning an exit
code; `AssistantError` becomes a one-line message and its exit code, never a
traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.errors import AssistantError, UsageError
from assistant.filters import Filters
from assistant.settings import Settings, load_settings

if TYPE_CHECKING:
    from assistant.ingest import IngestReport


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by the flags given."""
    return load_settings(
        index_dir=getattr(args, "index", None),
        corpus_dir=getattr(args, "corpus_dir", None),
        k=getattr(args, "k", None),
        retriever=getattr(args, "retriever", None),
        reranker=getattr(args, "reranker", None),
        abstain_threshold=getattr(args, "threshold", None),
        mode=getattr(args, "mode", None),
    )


def add_index_flag(parser: argparse.ArgumentParser) -> None:
    """``--index DIR``."""
    parser.add_argument("--index", type=Path, help="index folder (default: index/ or $ASSISTANT_INDEX_DIR)")


def add_retrieval_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared by ``ask`` and ``eval``: index, k, retriever, reranker, threshold, filters."""
    add_index_flag(parser)
    parser.add_argument("--k", type=int, help="number of passages to retrieve (default 5)")
    parser.add_argument("--retriever", choices=["dense", "bm25", "hybrid"], help="first-stage retriever (default hybrid)")
    parser.add_argument("--reranker", help="evidence | cross-encoder | none (default evidence)")
    parser.add_argument("--threshold", type=float, help="abstain when the evidence score is below this")
    parser.add_argument("--mode", choices=["extractive", "generative"], help="answer mode (default extractive)")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="only documents dated on or after (YYYY[-MM[-DD]])")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="only documents dated on or before")
    parser.add_argument(
        "--type",
        dest="doc_types",
        action="append",
        default=[],
        help="document type (repeatable): report, message, remarks, article, ...",
    )
    parser.add_argument(
        "--sg", dest="secretaries_general", action="append", default=[], help="Secretary-General in office, e.g. 'Ban Ki-moon'"
    )
    parser.add_argument("--speaker", dest="speakers", action="append", default=[], help="who delivered it (substring)")
    parser.add_argument("--doc", dest="doc_ids", action="append", default=[], help="document id or file name")
    parser.add_argument("--corpus", dest="corpora", action="append", default=[], help="corpus name (seed, ungdc)")
    parser.add_argument("--country", dest="countries", action="append", default=[], help="country code or name")
    parser.add_argument("--no-infer", action="store_true", help="do not read dates, types or people from the question")


def filters_from(args: argparse.Namespace) -> Filters:
    """The explicit filters given on the command line."""
    return Filters(
        date_from=args.date_from,
        date_to=args.date_to,
        doc_types=tuple(args.doc_types),
        secretaries_general=tuple(args.secretaries_general),
        speakers=tuple(args.speakers),
        doc_ids=tuple(args.doc_ids),
        corpora=tuple(args.corpora),
        countries=tuple(args.countries),
    )


# ingest ----------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    """Build or update the index."""
    from assistant.corpora import is_named, load_corpus
    from assistant.ingest import ingest

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
    if report.rebuilt_reason and not report.dense_reindexed:
        print(f"Rebuilt from scratch: {report.rebuilt_reason}.")
    if report.up_to_date:
        print(f"Index is up to date: {report.documents} documents, {report.passages} passages ({settings.index_dir}).")
        return 0
    if report.dense_reindexed:
        print(
            f"Re-indexed the stored vectors of {report.passages} passages as {report.dense_reindexed} in "
            f"{report.seconds:.1f} s ({report.rebuilt_reason}; nothing embedded, every other file shared with the "
            f"previous build) -> {settings.index_dir}"
        )
        return 0
    changes = _changes(report, "changed")
    print(
        f"Indexed {report.documents} documents, {report.passages} passages in {report.seconds:.1f} s "
        f"({changes or 'forced rebuild'}; {report.embedded} texts embedded, {report.reused} reused"
        f"{f', {report.recovered} vectors from an interrupted build' if report.recovered else ''}) -> {settings.index_dir}"
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Add or replace documents in the live index without rebuilding it."""
    from assistant.corpora import document_from_file
    from assistant.patch import update_index

    settings = settings_from(args)
    docs = [document_from_file(path, settings) for path in args.paths]
    report = update_index(settings, add=docs, progress=not args.quiet)
    return _print_update(report, settings)


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove documents from the live index without rebuilding it."""
    from assistant.patch import update_index

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


# ask -------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question."""
    from assistant.pipeline import shared_assistant

    settings = settings_from(args)
    history = _read_history(args.history) if args.history else None
    assistant = shared_assistant(settings)
    answer = assistant.ask(args.question, history=history, filters=filters_from(args), infer_filters=not args.no_infer)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    from assistant.citations import format_answer

    print(format_answer(answer))
    return 0


def _read_history(path: Path) -> list[dict[str, str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"--history {path}: cannot read a JSON list of {{role, content}} turns ({exc})") from exc
    if not isinstance(data, list) or not all(isinstance(t, dict) and "role" in t and "content" in t for t in data):
        raise UsageError(f'--history {path}: expected a JSON list of {{"role": ..., "content": ...}} objects')
    return data


# info ------------------------------------------------------------------------


def cmd_info(args: argparse.Namespace) -> int:
    """Describe what is indexed."""
    from assistant.store import IndexStore

    settings = settings_from(args)
    store = IndexStore(settings.index_dir)
    m = store.manifest
    counts = store.passage_counts()
    if args.json:
        info = {
            "index": str(store.path),
            "manifest": m.__dict__,
            "size_bytes": store.size_bytes(),
            "documents": [{**d.to_dict(), "passages": counts[d.doc_id]} for d in store.documents],
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


# registry --------------------------------------------------------------------

Command = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def _ingest_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corpus",
        help="corpus folder (default corpus/), or a name: seed, ungdc, ungdc-sample; names joined by commas build one index",
    )
    add_index_flag(p)
    p.add_argument("--limit", type=int, help="ungdc: only the first N speeches (with ungdc-sample: the sample size)")
    p.add_argument("--sample-seed", type=int, default=0, help="ungdc-sample: the seed of the reproducible sample")
    p.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _add_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", type=Path, help="files to add (a document with the same id is replaced)")
    add_index_flag(p)
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def _remove_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("doc_ids", nargs="+", metavar="DOC_ID", help="document ids, as `info` lists them")
    add_index_flag(p)


def _ask_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("question", help="the question, in quotes")
    add_retrieval_flags(p)
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object (schema: docs/json-schema.md)")
    p.add_argument("--history", type=Path, help="JSON file with earlier turns [{role, content}, ...] for a follow-up")


def _info_flags(p: argparse.ArgumentParser) -> None:
    add_index_flag(p)
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.add_argument("--all", action="store_true", help="list every document")


COMMANDS: list[Command] = [
    ("ingest", "build or update the index from the corpus", _ingest_flags, cmd_ingest),
    ("add", "add or replace documents in the index in seconds, without a rebuild", _add_flags, cmd_add),
    ("remove", "remove documents from the index in seconds, without a rebuild", _remove_flags, cmd_remove),
    ("ask", "answer a question with cited paragraphs", _ask_flags, cmd_ask),
    ("info", "show what is indexed", _info_flags, cmd_info),
]


def _extra_commands() -> list[Command]:
    """Commands contributed by other modules (evaluation, feedback, ...), when present."""
    found: list[Command] = []
    for module_name in ("assistant.evaluate.cli", "assistant.feedback"):
        try:
            module = __import__(module_name, fromlist=["COMMANDS"])
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        found.extend(getattr(module, "COMMANDS", []))
    return found


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Cited answers from the Secretary-General's statements."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text, add_flags, run in COMMANDS + _extra_commands():
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_flags(p)
        p.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
