"""Speeches as documents: metadata, paragraph passages, the choice of speeches, and the iterator ingest uses."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError
from assistant.ingest.metadata import secretary_general_on
from assistant.ingest.ungdc import BENCH_SAMPLE_SPEECHES, CORPUS, DOC_TYPE, PARSER_VERSION
from assistant.ingest.ungdc.archive import SPEECH_RE, Speech, corpus_root, read_speech, speech_files
from assistant.ingest.ungdc.countries import country_name, load_countries, with_article
from assistant.ingest.ungdc.paragraphs import split_paragraphs
from assistant.ingest.ungdc.speakers import SPEAKERS_FILE, Speakers, load_speakers
from assistant.models import DocumentMeta, ParsedDocument, Passage
from assistant.text.instructions import mark_passages

CONVENTIONAL_DAY = "09-15"  # the corpus gives the year only; mid-September opens the General Debate season
PARIS_SESSIONS = {3, 6}  # the Assembly met at the Palais de Chaillot in 1948 and 1951-52


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def speech_meta(speech: Speech, speakers: Speakers, countries: dict[str, Any]) -> DocumentMeta:
    """Metadata of one speech from its file name and the speakers sheet."""
    country = country_name(speech.code, speech.year, countries)
    speaker, post = speakers.get((speech.code, speech.session), (None, None))
    iso_date = f"{speech.year}-{CONVENTIONAL_DAY}"
    extra: dict[str, Any] = {
        "country_code": speech.code,
        "country": country,
        "session": speech.session,
        "year": speech.year,
        "post": post,
        "date_precision": "year",  # the day is a convention: the corpus records the session year only
    }
    return DocumentMeta(
        doc_id=speech.doc_id,
        source=speech.source,
        title=f"General Debate statement of {with_article(country)}, {_ordinal(speech.session)} session ({speech.year})",
        date=iso_date,
        place="Paris" if speech.session in PARIS_SESSIONS else "New York",
        doc_type=DOC_TYPE,
        speaker=speaker,
        secretary_general=secretary_general_on(iso_date),
        corpus=CORPUS,
        extra=extra,
    )


def parse_speech(speech: Speech, text: str, meta: DocumentMeta) -> ParsedDocument:
    """Split one decoded speech into paragraph passages."""
    passages = mark_passages(
        [
            Passage(
                passage_id=f"{speech.doc_id}#p{n}",
                doc_id=speech.doc_id,
                order=n - 1,
                label=str(n),
                kind="paragraph",
                text=para,
                section=None,
                spans=spans,
            )
            for n, (para, spans) in enumerate(split_paragraphs(text), start=1)
        ]
    )
    record = json.dumps(asdict(meta), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{CORPUS}-{PARSER_VERSION}\0{text}\0{record}".encode()).hexdigest()
    return ParsedDocument(meta=meta, passages=passages, content_hash=digest)


def select_speeches(
    speeches: list[Speech],
    *,
    limit: int | None = None,
    sample_seed: int | None = None,
    years: range | None = None,
    names: frozenset[str] | None = None,
) -> list[Speech]:
    """Filter by year and file name, then take the first ``limit`` speeches or, with a seed, a random sample.

    ``names`` are file names without ``.txt`` (``BRA_60_2005``); the sample is reproducible for a seed.
    """
    chosen = [s for s in speeches if (years is None or s.year in years) and (names is None or s.path.stem in names)]
    if sample_seed is not None:
        k = min(BENCH_SAMPLE_SPEECHES if limit is None else limit, len(chosen))
        picked = set(random.Random(sample_seed).sample(range(len(chosen)), k))
        return [s for i, s in enumerate(chosen) if i in picked]
    return chosen if limit is None else chosen[:limit]


def iter_ungdc(
    root: Path,
    *,
    limit: int | None = None,
    sample_seed: int | None = None,
    years: range | None = None,
    names: frozenset[str] | None = None,
) -> Iterator[tuple[ParsedDocument, str]]:
    """Yield ``(parsed speech, decoded text)`` for the speeches under ``root``, in year then country order.

    ``root`` is the extracted folder (or a folder holding ``ungdc/``). ``years`` keeps the
    speeches of those years; ``limit`` takes the first N; ``sample_seed`` takes instead a
    reproducible random sample of ``limit`` speeches (default ``BENCH_SAMPLE_SPEECHES``,
    about 50,000 paragraphs). ``names`` keeps the speeches of those file names (``BRA_60_2005``).
    Speeches with no text are skipped.
    """
    root = corpus_root(root)
    xlsx = root / SPEAKERS_FILE
    speakers = load_speakers(xlsx) if xlsx.is_file() else {}
    countries = load_countries()
    for speech in select_speeches(speech_files(root), limit=limit, sample_seed=sample_seed, years=years, names=names):
        text = read_speech(speech.path)
        doc = parse_speech(speech, text, speech_meta(speech, speakers, countries))
        if doc.passages:
            yield doc, text


def read_speech_file(path: Path, root: Path | None = None) -> tuple[ParsedDocument, str]:
    """Parse one speech file named like the corpus's (``BRA_60_2005.txt``), wherever it is.

    ``root``, an extracted corpus, supplies the speakers sheet; without it the speaker is unknown.
    """
    m = SPEECH_RE.match(path.name)
    if m is None:
        raise DocumentError(f"{path}: not a General Debate file name (expected e.g. BRA_60_2005.txt)")
    year = int(m.group(3))
    session = int(m.group(2))
    speech = Speech(path, f"{CORPUS}/TXT/Session {session:02d} - {year}/{path.name}", m.group(1), session, year)
    xlsx = corpus_root(root) / SPEAKERS_FILE if root is not None and root.exists() else None
    speakers = load_speakers(xlsx) if xlsx is not None and xlsx.is_file() else {}
    text = read_speech(path)
    doc = parse_speech(speech, text, speech_meta(speech, speakers, load_countries()))
    if not doc.passages:
        raise DocumentError(f"{path}: no paragraphs found")
    return doc, text
