"""What every command shares: settings and filters from flags, and the command record."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.models import Filters
from assistant.settings import Settings, load_settings

# (name, help, add its flags, run it -> exit code)
Command = tuple[str, str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by the flags given; `UsageError` for a ``--k`` out of its range."""
    settings = load_settings(
        index_dir=getattr(args, "index", None),
        corpus_dir=getattr(args, "corpus_dir", None),
        k=getattr(args, "k", None),
        retriever=getattr(args, "retriever", None),
        reranker=getattr(args, "reranker", None),
        abstain_threshold=getattr(args, "threshold", None),
        mode=getattr(args, "mode", None),
    )
    if getattr(args, "k", None) is not None:
        from assistant.interpret.validation import validate_k

        validate_k(args.k, settings.max_k)  # now, not after the index and the model are loaded
    return settings


def default(name: str) -> Any:
    """A setting's default, for help texts that cannot drift from `Settings`."""
    return Settings.model_fields[name].default


def add_index_flag(parser: argparse.ArgumentParser) -> None:
    """``--index DIR``."""
    parser.add_argument("--index", type=Path, help="index folder (default: index/ or $ASSISTANT_INDEX_DIR)")


def add_retrieval_flags(parser: argparse.ArgumentParser) -> None:
    """Flags shared by ``ask`` and ``eval``: index, k, retriever, reranker, threshold, filters."""
    add_index_flag(parser)
    parser.add_argument(
        "--k",
        type=int,
        help=f"number of passages to retrieve, from 1 to max_k = {default('max_k')} ($ASSISTANT_MAX_K); default {default('k')}",
    )
    parser.add_argument("--retriever", choices=["dense", "bm25", "hybrid"], help="first-stage retriever (default hybrid)")
    parser.add_argument("--reranker", help="evidence | cross-encoder | none (default evidence)")
    parser.add_argument("--threshold", type=float, help="abstain when the evidence score is below this")
    parser.add_argument("--mode", choices=["extractive", "generative"], help="answer mode (default extractive)")
    parser.add_argument(
        "--from", dest="date_from", metavar="DATE", help="only documents dated on or after this calendar date (YYYY[-MM[-DD]])"
    )
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="only documents dated on or before (YYYY[-MM[-DD]])")
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
