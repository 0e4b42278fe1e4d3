"""Named corpora that ``ingest --corpus`` can build: the seed folder, the UN General Debate Corpus, or a path.

``--corpus`` takes a folder, a name, or names joined by commas ("seed,ungdc")
to build one index over several corpora (the ``corpus`` filter then picks one).
``ungdc-list:FILE`` is the General Debate speeches that FILE names, one file name
without ``.txt`` per line (``BRA_60_2005``; ``#`` starts a comment).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import UsageError
from assistant.ingest.folders import scan_corpus
from assistant.models import ParsedDocument
from assistant.settings import Settings

NAMES = ("seed", "ungdc", "ungdc-sample")
LIST_PREFIX = "ungdc-list:"


@dataclass
class CorpusSource:
    """Documents to index, and the files that could not be used."""

    name: str
    documents: list[tuple[ParsedDocument, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def is_named(spec: str) -> bool:
    """Whether ``spec`` names corpora rather than a folder."""
    return all(part.strip() in NAMES or part.strip().startswith(LIST_PREFIX) for part in spec.split(","))


def load_corpus(spec: str, settings: Settings, *, limit: int | None = None, sample_seed: int = 0) -> CorpusSource:
    """Parse the corpora named in ``spec`` ("seed", "ungdc", "ungdc-sample", or a comma list)."""
    if not is_named(spec):
        raise UsageError(f"unknown corpus {spec!r}; give a folder, {LIST_PREFIX}FILE or one of: {', '.join(NAMES)}")
    source = CorpusSource(name=spec)
    for name in (part.strip() for part in spec.split(",")):
        if name == "seed":
            scan = scan_corpus(settings.corpus_dir, settings.max_file_bytes)
            source.documents += [(d, scan.texts[d.meta.doc_id]) for d in scan.documents]
            source.problems += scan.problems
        elif name.startswith(LIST_PREFIX):
            names = speech_names(Path(name[len(LIST_PREFIX) :]))
            listed = list(_ungdc(settings, limit=limit, sample_seed=None, names=names))
            found = {d.meta.doc_id.rsplit("/", 1)[-1] for d, _ in listed}
            source.documents += listed
            source.problems += [f"{n}: listed in {name[len(LIST_PREFIX) :]}, not in the archive" for n in sorted(names - found)]
        else:
            seed = sample_seed if name == "ungdc-sample" else None
            source.documents += list(_ungdc(settings, limit=limit, sample_seed=seed))
    return source


def speech_names(path: Path) -> frozenset[str]:
    """The speech file names listed in ``path`` (one per line, ``#`` comments); `UsageError` if unreadable or empty."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the speech list {path}: {exc}") from None
    names = frozenset(n for n in (line.split("#", 1)[0].strip().removesuffix(".txt") for line in lines) if n)
    if not names:
        raise UsageError(f"the speech list {path} names no speech (one file name per line, e.g. BRA_60_2005)")
    return names


def _ungdc(
    settings: Settings, *, limit: int | None, sample_seed: int | None, names: frozenset[str] | None = None
) -> Iterator[tuple[ParsedDocument, str]]:
    from assistant.ingest.ungdc.archive import extract_ungdc
    from assistant.ingest.ungdc.speeches import iter_ungdc

    root = extract_ungdc(settings.ungdc_archive, settings.data_dir / "ungdc")
    return iter_ungdc(root, limit=limit, sample_seed=sample_seed, names=names)


def document_from_file(path: Path, settings: Settings) -> tuple[ParsedDocument, str]:
    """Parse one file for ``add``: a General Debate speech by its file name, else a corpus document.

    A file inside the corpus folder keeps the id ``ingest`` would give it (its path there without
    the suffix); a file elsewhere is identified by its name without the suffix.
    """
    from assistant.ingest.files import read_document
    from assistant.ingest.folders import parse_text
    from assistant.ingest.ungdc.archive import SPEECH_RE
    from assistant.ingest.ungdc.speeches import read_speech_file

    if not path.is_file():
        raise UsageError(f"{path} is not a file")
    if SPEECH_RE.match(path.name):
        return read_speech_file(path, settings.data_dir / "ungdc")
    corpus = settings.corpus_dir.resolve()
    resolved = path.resolve()
    rel = resolved.relative_to(corpus).as_posix() if resolved.is_relative_to(corpus) else path.name
    text = read_document(path, settings.max_file_bytes)
    return parse_text(rel.rsplit(".", 1)[0], rel, text), text
