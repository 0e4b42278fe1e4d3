"""The UN General Debate Corpus (UNGDC) as a second named corpus.

The archive ``ungdc.tar.xz`` holds one plain-text file per speech,
``ungdc/TXT/Session NN - YYYY/ISO3_NN_YYYY.txt``, and ``ungdc/Speakers_by_session.xlsx``
(speakers' names and posts). :func:`extract_ungdc` unpacks it once into a git-ignored
folder; :func:`iter_ungdc` yields one :class:`ParsedDocument` per speech together with
the decoded text its passage spans point into.

The texts come from PDF transcripts in several layouts: one paragraph per line (most
years before 1991 and after 2015), lines hard-wrapped at the column width (1969, 1982,
1992-2014, part of 2024), with or without blank lines, indents, page numbers and running
headers. :func:`split_paragraphs` rejoins the lines into the paragraphs the speaker
wrote; docs/ungdc.md explains the rules and the measured result.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import re
import shutil
import statistics
import tarfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from assistant.errors import DocumentError
from assistant.ingest.metadata import secretary_general_on
from assistant.ingest.paragraphs import clean_text
from assistant.models import DocumentMeta, ParsedDocument, Passage, Span

CORPUS = "ungdc"
PARSER_VERSION = "1"  # bump when reconstruction or metadata changes, so ingest re-parses every speech
DOC_TYPE = "General Debate statement"
SPEAKERS_FILE = "Speakers_by_session.xlsx"
BENCH_SAMPLE_SPEECHES = 1460  # a seeded sample of this many speeches holds about 50,000 paragraphs
CONVENTIONAL_DAY = "09-15"  # the corpus gives the year only; mid-September opens the General Debate season
PARIS_SESSIONS = {3, 6}  # the Assembly met at the Palais de Chaillot in 1948 and 1951-52
_MARKER = ".extracted"  # written last into an extracted folder: names the archive it came from

SPEECH_RE = re.compile(r"^([A-Z]{2,3})_(\d{1,2})_(\d{4})\.txt$")
_WS = " \t\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"
_LINE_RE = re.compile(r"([^\r\n\f]*)(\r\n|[\r\n\f]|$)")
_SENTENCE_END_RE = re.compile(r"[.!?:;…][\"”’'»)\]*]*$")
_ABBREVIATION_END_RE = re.compile(
    r"(?:^|[\s(])(?:Mr|Mrs|Ms|Mme|Messrs|Dr|Prof|St|Sto|No|Nos|Art|Arts|para|paras|pp?|vol|cf|viz|vs|"
    r"e\.g|i\.e|H\.E|H\.M|Sr|Jr|Gen|Col|Capt|Lt|Sen|Amb|Hon|Rev)\.$"
)
_RECORD_NUMBER_RE = re.compile(r"^(\d{1,3})\.[ \t]+(?=[^\s\d.])")  # "147. Mr. President", "44.\tI would"
_LIST_ITEM_RE = re.compile(r"^(?:[•●▪◦·\-–—*]\s+|\(?[a-z]\)\s+|\(?[ivx]{1,4}\)\s+)")
_LONE_NUMBER_RE = re.compile(r"^\d{1,3}\.$")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+\S")
_LINE_END_WORD_RE = re.compile(r"(?<![A-Za-z-])([A-Za-z]+)-$")  # a whole word before the hyphen
_SENTENCE_GAP_RE = re.compile(r"(?<=[.!?])([\"”’')\]]*)\s+(?=[\"“‘(]?[A-Z])")
_FIRST_LETTER_RE = re.compile(r"[^\W_]")
_MARKUP_RE = re.compile(r"[\[*_#\u00a0\u200b]")  # what clean_text removes besides white space
_RULE_RE = re.compile(r"^(?:[-–—_=*]\s*){3,}$")
_FURNITURE_RE = re.compile(
    r"""^(?:
      \d{1,4}                                                # a page number
    | \d{2}-\d{5}(?:\s+\d{1,4}(?:/\d{1,4})?)?                # "08-53135 30", "15-29431 31/51": job number, page
    | \d{1,4}(?:/\d{1,4})?\s+\d{2}-\d{5}                     # "17 08-51570", "30/51 15-29431"
    | (?:\d{2}/\d{2}/\d{4}\s+)?A/(?:\d{1,2}/)?PV\.\d+(?:\s+\d{2}/\d{2}/\d{4})?  # "29/09/2015 A/70/PV.16"
    | [A-Z][a-z]+(?:-[a-z]+)?\ session\s*[-–]?\s*\d{1,2}\ [A-Z][a-z]+\ [l1]9\d\d(?:\s+\d{1,3})?  # running head
    | General\ Assembly\s+\d{1,3}(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting
    | (?:\d{1,4}\s+)?General\ Assembly\s*[-–—]\s*[A-Z][a-z]+(?:-[a-z]+)?\ session(?:\s+\d{1,4})?  # "36 General ..."
    | \#{1,6}\s*Page\s+\d+.*                                 # "### Page 4:" in some 2024 files
    | Page\s+\d+\s*(?:\||of)\s*\d+                           # "Page 1|6"
    | \((?:spoke|continued)\ in\ [A-Za-z]+\)                 # interpretation note, not the speaker's words
    )$""",
    re.X,
)
_FUNCTION_WORDS = frozenset(
    "a an and as at be but by for from had has have his her in into is are its my not of on or our that the their "
    "this these those to was were which who whom whose will with we i your".split()
)
_PARTICLES = frozenset("al bin da das de del der di do dos du el ibn la le van von y".split())
_ROMAN_RE = re.compile(r"^[IVXL]+$")
_SHEET_COLUMNS = ("session", "iso", "country", "name", "post")  # header prefixes in the speakers sheet
_SHEET_CODE_ALIASES = {  # codes in the speakers sheet that differ from the file names
    "CZK": "CSK",
    "DKN": "DNK",
    "EC": "EU",
    "POR": "PRT",
    "PAR": "PRY",
    "PKR": "PRK",
    "YDYE": "YMD",
    "ZFA": "ZAF",
}

# Layout thresholds, measured on the corpus (docs/ungdc.md)
MIN_WRAPPED_CHARS = 25  # shorter unpunctuated lines are salutations and headings, not wrapped text
MAX_WRAP_WIDTH = 150  # wider "wrapped" lines are paragraphs split by a page break
MIN_WRAPPED_SHARE = 0.25  # share of long lines that must run on for the text to count as hard-wrapped
FULL_LINE_SLACK = 1.05  # a line ends its paragraph if the next word would have fitted within slack * width
PARAGRAPH_LINE_FACTOR = 1.3  # a line this much wider than the wrap width is a whole paragraph
MAX_PARAGRAPH_WORDS = 600  # longer "paragraphs" come from texts with no paragraph marks at all ...
CUT_PARAGRAPH_WORDS = 200  # ... and are cut at the first sentence end after this many words


@dataclass(frozen=True)
class Speech:
    """One speech file: where it is and what its name says."""

    path: Path
    source: str  # path inside the archive, e.g. "ungdc/TXT/Session 60 - 2005/BRA_60_2005.txt"
    code: str
    session: int
    year: int

    @property
    def doc_id(self) -> str:
        """The document id, e.g. ``ungdc/BRA_60_2005``."""
        return f"{CORPUS}/{self.path.stem}"


class _Line(NamedTuple):
    text: str  # the line without surrounding white space
    start: int
    end: int
    indented: bool
    blank_before: bool  # a blank line separates it from the previous kept line
    page_before: bool  # page furniture or a form feed lies between it and the previous kept line
    rule_before: bool  # a separator line ("---") lies between them
    closes: bool  # ends where a sentence ends
    first: str  # its first letter or digit ("" if none)


# ---------------------------------------------------------------- archive


def extract_ungdc(archive: Path, dest: Path) -> Path:
    """Unpack ``archive`` into ``dest`` (the folder holding ``TXT/``) once, atomically; return ``dest``.

    The archive is unpacked beside ``dest`` and renamed into place, so a reader never sees a
    half-extracted folder; a folder already extracted from the same archive is reused.
    """
    archive, dest = Path(archive), Path(dest)
    if not archive.is_file():
        raise DocumentError(
            f"UN General Debate Corpus archive not found at {archive}; put ungdc.tar.xz there "
            "(Harvard Dataverse doi:10.7910/DVN/0TJX8Y, CC0) or pass the path of your copy"
        )
    stat = archive.stat()
    identity = f"{archive.name} {stat.st_size} {stat.st_mtime_ns}"
    if _extracted_from(dest) == identity:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = dest.parent / f".{dest.name}.extracting-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        inner = next((p for p in (work / "ungdc", work) if (p / "TXT").is_dir()), None)
        if inner is None:
            raise DocumentError(f"{archive} has no ungdc/TXT folder; is it the UN General Debate Corpus?")
        (inner / _MARKER).write_text(identity + "\n", encoding="utf-8")
        old = dest.parent / f".{dest.name}.old-{os.getpid()}"
        if dest.exists():
            dest.rename(old)
        try:
            inner.rename(dest)
        except OSError:
            if _extracted_from(dest) != identity:  # not a concurrent extraction that finished first
                raise
        shutil.rmtree(old, ignore_errors=True)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DocumentError(f"could not extract {archive} into {dest}: {exc}; check the archive and free disk space") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def _extracted_from(folder: Path) -> str | None:
    try:
        return (folder / _MARKER).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _corpus_root(root: Path) -> Path:
    """Accept the extracted folder itself or a folder that contains ``ungdc/``."""
    root = Path(root)
    for candidate in (root, root / CORPUS):
        if (candidate / "TXT").is_dir():
            return candidate
    raise DocumentError(
        f"{root} holds no UN General Debate Corpus (no TXT folder); extract ungdc.tar.xz with extract_ungdc first"
    )


def speech_files(root: Path) -> list[Speech]:
    """List the speeches under ``root`` in a stable order (year, then country code)."""
    root = _corpus_root(root)
    speeches = []
    for path in (root / "TXT").glob("*/*.txt"):
        m = SPEECH_RE.match(path.name)
        if m:  # skips stray files such as ".DS_Store-to-UTF-8.txt"
            rel = path.relative_to(root).as_posix()
            speeches.append(Speech(path, f"{CORPUS}/{rel}", m.group(1), int(m.group(2)), int(m.group(3))))
    return sorted(speeches, key=lambda s: (s.year, s.code, s.session))


# ---------------------------------------------------------------- paragraphs


def split_paragraphs(text: str) -> list[tuple[str, tuple[Span, ...]]]:
    """Rejoin the lines of a speech into paragraphs: ``(clean text, spans in text)`` for each.

    A line break is a paragraph break when the line ends a sentence and either the text is
    laid out one paragraph per line, or a blank line, an indent, a paragraph number or a
    list marker follows, or the next word would have fitted on the line. Page furniture
    (page numbers, job numbers, running headers) is dropped and splits the spans.
    """
    lines = _scan_lines(text)
    if not lines:
        return []
    width = _wrap_width(lines)
    indented = sum(line.indented for line in lines) / len(lines)
    indent_signal = 0.02 <= indented <= 0.5  # a minority of indented lines marks paragraph starts
    groups: list[list[_Line]] = [[lines[0]]]
    last_number = _record_number(lines[0].text)
    for prev, line in itertools.pairwise(lines):
        number = _record_number(line.text)
        if _is_break(prev, line, width, indent_signal, number, last_number):
            groups.append([line])
            if number is not None:
                last_number = number
        else:
            groups[-1].append(line)
    groups = [part for group in groups for part in _cut_long(group)]
    numbered = sum(_record_number(g[0].text) is not None for g in groups) >= 3
    lowered: list[str] = []  # the text in lower case, made on first use
    paragraphs = []
    for group in groups:
        pieces = [group[0].text]
        spans = [[group[0].start, group[0].end]]
        if numbered and (m := _RECORD_NUMBER_RE.match(group[0].text)):
            pieces[0] = pieces[0][m.end() :]  # the record's paragraph number, not the speaker's words
            spans[0][0] += m.end()
        for a, b in itertools.pairwise(group):
            if a.text.endswith("-") and b.first.isalpha() and b.text[0] == b.first and a.text[-2:-1].isalpha():
                # a compound broken after its hyphen ("Secretary-" + "General") is joined without a space; the
                # hyphen itself goes only if the speech spells the word whole elsewhere ("inter-" + "national")
                word = _LINE_END_WORD_RE.search(a.text)
                if word and b.first.islower():
                    lowered = lowered or [text.lower()]
                    if _drop_hyphen(lowered[0], word.group(1).lower(), b.text):
                        pieces[-1] = pieces[-1][:-1]
                pieces[-1] += b.text
            else:
                pieces.append(b.text)
            if b.page_before:
                spans.append([b.start, b.end])
            else:
                spans[-1][1] = b.end
        joined = " ".join(pieces)
        cleaned = clean_text(joined) if _MARKUP_RE.search(joined) else " ".join(joined.split())  # same result, faster
        if any(ch.isalnum() for ch in cleaned):
            paragraphs.append((cleaned, tuple(Span(s, e) for s, e in spans)))
    return paragraphs


def _scan_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    blank = page = rule = False
    for m in _LINE_RE.finditer(text):
        raw, sep = m.group(1), m.group(2)
        if not raw and not sep:
            break  # the empty match at the end of the text
        left = raw.lstrip(_WS)
        stripped = left.rstrip(_WS)
        if not stripped:
            blank = blank or bool(lines)
        elif len(stripped) <= 60 and _FURNITURE_RE.match(stripped):
            page = True
        elif _LONE_NUMBER_RE.match(stripped) and (not lines or lines[-1].closes):
            pass  # "7." whose text follows further down
        elif stripped[0] in "-–—_=*" and _RULE_RE.match(stripped):
            rule = True
        else:
            start = m.start(1) + len(raw) - len(left)
            line = _Line(stripped, start, start + len(stripped), raw[0] in " \t", blank and not page, page, rule,
                         _ends_sentence(stripped), _first_letter(stripped))  # fmt: skip
            if len(stripped) < MAX_PARAGRAPH_WORDS * 5:
                lines.append(line)
            else:
                lines.extend(_split_long_line(line))
            blank = page = rule = False
        page = page or sep == "\f"
    return lines


def _line(text: str, start: int, model: _Line) -> _Line:
    return model._replace(text=text, start=start, end=start + len(text), closes=_ends_sentence(text), first=_first_letter(text))


def _split_long_line(line: _Line) -> list[_Line]:
    """Cut a line of more than MAX_PARAGRAPH_WORDS words at sentence ends (texts with no paragraph marks)."""
    text = line.text
    if len(text) < MAX_PARAGRAPH_WORDS * 5 or len(text.split()) <= MAX_PARAGRAPH_WORDS:
        return [line]
    cuts, lo = [], 0
    for m in _SENTENCE_GAP_RE.finditer(text):
        if len(text[lo : m.end(1)].split()) >= CUT_PARAGRAPH_WORDS and not _ABBREVIATION_END_RE.search(text[: m.start()]):
            cuts.append((lo, m.end(1)))
            lo = m.end()
    cuts.append((lo, len(text)))
    parts = [_line(text[a:b], line.start + a, line) for a, b in cuts]
    rest = (part._replace(indented=False, blank_before=False, page_before=False, rule_before=False) for part in parts[1:])
    return [parts[0], *rest]


def _cut_long(group: list[_Line]) -> list[list[_Line]]:
    """Cut a run of wrapped lines of more than MAX_PARAGRAPH_WORDS words after sentence-ending lines."""
    if sum(len(line.text) for line in group) < MAX_PARAGRAPH_WORDS * 5:
        return [group]
    if sum(len(line.text.split()) for line in group) <= MAX_PARAGRAPH_WORDS:
        return [group]
    parts: list[list[_Line]] = [[]]
    words = 0
    for line in group:
        parts[-1].append(line)
        words += len(line.text.split())
        if line.closes and words >= CUT_PARAGRAPH_WORDS:
            parts.append([])
            words = 0
    return [p for p in parts if p]


def _wrap_width(lines: list[_Line]) -> float | None:
    """The typical length of a hard-wrapped line, or None when the text is one paragraph per line."""
    long_lines = [line for line in lines[:-1] if len(line.text) >= MIN_WRAPPED_CHARS]
    run_on = sorted(len(line.text) for line in long_lines if not line.closes)
    if len(run_on) < 5 or len(run_on) < MIN_WRAPPED_SHARE * len(long_lines):
        return None
    width = statistics.median(run_on)
    near = sum(0.8 * width <= n <= 1.2 * width for n in run_on)
    if width > MAX_WRAP_WIDTH or near < 0.6 * len(run_on):
        return None  # scattered lengths: page breaks inside long paragraphs, not a column width
    return width


def _record_number(text: str) -> int | None:
    m = _RECORD_NUMBER_RE.match(text) if text[0].isdigit() else None
    return int(m.group(1)) if m else None


def _ends_sentence(text: str) -> bool:
    if not _SENTENCE_END_RE.search(text):
        return False
    return not (text.endswith(".") and _ABBREVIATION_END_RE.search(text))


def _first_letter(text: str) -> str:
    if text[0].isalnum():
        return text[0]
    m = _FIRST_LETTER_RE.search(text)
    return m.group(0) if m else ""


def _heading_like(text: str) -> bool:
    """A line that can stand alone without closing punctuation: "Mr. President", "Climate change", "IV. Haiti"."""
    text = text.rstrip("*_ ")
    if not text or len(text) > 90 or text[-1] in ",;:-–—(/&" or _first_letter(text).islower():
        return False
    words = text.split()
    if len(words) > 8 or words[-1].lower() in _FUNCTION_WORDS:
        return False
    titled = all(w[:1].isupper() or w.lower() in _FUNCTION_WORDS for w in words if w[:1].isalpha())
    return len(words) <= 3 or (titled and words[0].lower() not in _FUNCTION_WORDS) or text.isupper()


def _is_break(prev: _Line, line: _Line, width: float | None, indent_signal: bool, number: int | None, last: int | None) -> bool:
    if (
        line.rule_before
        or (line.text[0] == "#" and _MD_HEADING_RE.match(line.text))
        or (prev.text[0] == "#" and _MD_HEADING_RE.match(prev.text))
    ):
        return True
    closes = prev.closes
    if number is not None and (closes or (last is not None and number == last + 1)):
        return True
    if closes and _LIST_ITEM_RE.match(line.text):
        return True
    if line.first.islower():
        return False  # a sentence running on, across a line, blank line or page break
    if not closes:
        short = width is None or len(prev.text) < 0.6 * width
        return short and bool(line.first) and _heading_like(prev.text)
    if width is None or len(prev.text) > PARAGRAPH_LINE_FACTOR * width:
        return True  # one paragraph per line
    if line.blank_before or (indent_signal and line.indented):
        return True
    next_word = line.text.split(None, 1)[0]
    return len(prev.text) + 1 + len(next_word) <= FULL_LINE_SLACK * width


def _drop_hyphen(lowered: str, left: str, right_text: str) -> bool:
    """Whether "inter-" + "national" is one word broken at the line end: the speech spells it whole elsewhere."""
    right = re.match(r"[a-z]+", right_text)
    if not right:
        return False
    joined, hyphenated = left + right.group(0), f"{left}-{right.group(0)}"
    whole = re.search(rf"(?<![a-z-]){joined}(?![a-z])", lowered)
    return bool(whole) and not re.search(rf"(?<![a-z-]){re.escape(hyphenated)}(?![a-z])", lowered)


# ---------------------------------------------------------------- metadata


def load_speakers(xlsx: Path) -> dict[tuple[str, int], tuple[str | None, str | None]]:
    """Read ``Speakers_by_session.xlsx``: ``(country code, session) -> (speaker, post)``."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise DocumentError(f"{xlsx}: not a readable speakers workbook ({exc}); extract the archive again") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = [str(c or "").strip().lower() for c in next(rows, ())]
        columns = {key: next((i for i, h in enumerate(header) if h.startswith(key)), -1) for key in _SHEET_COLUMNS}
        if columns["session"] < 0 or columns["iso"] < 0:
            raise DocumentError(f"{xlsx}: no Session or ISO Code column; is it the corpus's speakers sheet?")
        found: dict[tuple[str, int], list[tuple[str | None, str | None]]] = {}
        for row in rows:
            cells = {key: row[i] if 0 <= i < len(row) else None for key, i in columns.items()}
            code, session = str(cells["iso"] or "").strip().upper(), cells["session"]
            if not code or not isinstance(session, int):
                continue
            code = _SHEET_CODE_ALIASES.get(code, code)
            if code == "ARE" and "united arab republic" in str(cells["country"] or "").lower():
                code = "EGY"  # the sheet files the United Arab Republic (Egypt, 1958-71) under ARE
            speaker, post = _tidy_name(cells["name"]), _tidy(cells["post"])
            entries = found.setdefault((code, session), [])
            if not any((speaker or "").lower() == (s or "").lower() for s, _ in entries):
                entries.append((speaker, post))  # two rows for one speech: two speakers shared it
    finally:
        book.close()
    return {
        key: ("; ".join(s for s, _ in entries if s) or None, next((p for _, p in entries if p), None))
        for key, entries in found.items()
    }


def _tidy(value: Any) -> str | None:
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return text or None


def _tidy_name(value: Any) -> str | None:
    """Collapse spaces and turn the records' capitalised surnames into name case ("Mr. CHAVEZ ORTIZ")."""
    text = (_tidy(value) or "").strip(",;: ")
    if not text:
        return None
    words = []
    for i, word in enumerate(text.split()):
        letters = re.sub(r"[^A-Za-z]", "", word)
        if len(letters) >= 2 and letters.isupper() and not _ROMAN_RE.match(word) and not re.search(r"[A-Z]\.[A-Z]", word):
            word = "-".join(part.capitalize() for part in word.lower().split("-"))
            word = re.sub(r"(['’])([a-z])", lambda m: m.group(1) + m.group(2).upper(), word)
            if i and word.lower() in _PARTICLES:
                word = word.lower()
        words.append(word)
    return " ".join(words)


def _countries() -> dict[str, Any]:
    data = resources.files("assistant").joinpath("data/ungdc_countries.json").read_text(encoding="utf-8")
    return json.loads(data)


def country_name(code: str, year: int, table: dict[str, Any] | None = None) -> str:
    """The English name of the State (or the EU) with ``code``, as the Assembly called it in ``year``."""
    table = table or _countries()
    for first, last, name in table["former_names"].get(code, []):
        if first <= year <= last:
            return str(name)
    return str(table["names"].get(code, code))


def _with_article(name: str) -> str:
    base = name.split(" (", maxsplit=1)[0]
    needs = re.search(r"\b(Republic|Kingdom|Union|States|Emirates|Federation|See|State)\b", base) or base in {
        "Bahamas",
        "Comoros",
        "Congo",
        "Gambia",
        "Maldives",
        "Marshall Islands",
        "Netherlands",
        "Niger",
        "Philippines",
        "Sudan",
    }
    return f"the {name}" if needs and not base.startswith("The ") else name


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def speech_meta(
    speech: Speech, speakers: dict[tuple[str, int], tuple[str | None, str | None]], countries: dict[str, Any]
) -> DocumentMeta:
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
        title=f"General Debate statement of {_with_article(country)}, {_ordinal(speech.session)} session ({speech.year})",
        date=iso_date,
        place="Paris" if speech.session in PARIS_SESSIONS else "New York",
        doc_type=DOC_TYPE,
        speaker=speaker,
        secretary_general=secretary_general_on(iso_date),
        corpus=CORPUS,
        extra=extra,
    )


# ---------------------------------------------------------------- documents


def read_speech(path: Path) -> str:
    """Decode one speech file (UTF-8; a leading byte-order mark is dropped)."""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc})") from exc


def parse_speech(speech: Speech, text: str, meta: DocumentMeta) -> ParsedDocument:
    """Split one decoded speech into paragraph passages."""
    passages = tuple(
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
    )
    record = json.dumps(asdict(meta), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{CORPUS}-{PARSER_VERSION}\0{text}\0{record}".encode()).hexdigest()
    return ParsedDocument(meta=meta, passages=passages, content_hash=digest)


def select_speeches(
    speeches: list[Speech], *, limit: int | None = None, sample_seed: int | None = None, years: range | None = None
) -> list[Speech]:
    """Filter by year, then take the first ``limit`` speeches or, with a seed, a reproducible random sample."""
    chosen = [s for s in speeches if years is None or s.year in years]
    if sample_seed is not None:
        k = min(BENCH_SAMPLE_SPEECHES if limit is None else limit, len(chosen))
        picked = set(random.Random(sample_seed).sample(range(len(chosen)), k))
        return [s for i, s in enumerate(chosen) if i in picked]
    return chosen if limit is None else chosen[:limit]


def iter_ungdc(
    root: Path, *, limit: int | None = None, sample_seed: int | None = None, years: range | None = None
) -> Iterator[tuple[ParsedDocument, str]]:
    """Yield ``(parsed speech, decoded text)`` for the speeches under ``root``, in year then country order.

    ``root`` is the extracted folder (or a folder holding ``ungdc/``). ``years`` keeps the
    speeches of those years; ``limit`` takes the first N; ``sample_seed`` takes instead a
    reproducible random sample of ``limit`` speeches (default ``BENCH_SAMPLE_SPEECHES``,
    about 50,000 paragraphs). Speeches with no text are skipped.
    """
    root = _corpus_root(root)
    xlsx = root / SPEAKERS_FILE
    speakers = load_speakers(xlsx) if xlsx.is_file() else {}
    countries = _countries()
    for speech in select_speeches(speech_files(root), limit=limit, sample_seed=sample_seed, years=years):
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
    xlsx = _corpus_root(root) / SPEAKERS_FILE if root is not None and root.exists() else None
    speakers = load_speakers(xlsx) if xlsx is not None and xlsx.is_file() else {}
    text = read_speech(path)
    doc = parse_speech(speech, text, speech_meta(speech, speakers, _countries()))
    if not doc.passages:
        raise DocumentError(f"{path}: no paragraphs found")
    return doc, text


# ---------------------------------------------------------------- measurement


def corpus_stats(root: Path, **selection: Any) -> dict[str, Any]:
    """Count speeches and paragraphs, naive splits (every line, blank-line blocks) beside the reconstruction."""
    counts = dict.fromkeys(("speeches", "with_speaker", "paragraphs", "open_paragraphs", "lines", "open_lines",
                            "blocks", "open_blocks"), 0)  # fmt: skip
    decades: dict[str, list[int]] = {}
    wall = cpu = 0.0
    speeches = iter_ungdc(root, **selection)
    while True:
        t0, c0 = time.perf_counter(), time.process_time()
        item = next(speeches, None)
        wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
        if item is None:
            break
        doc, text = item
        lines = [t for t in (x.strip(_WS) for x in re.split(r"\r\n|[\r\n\f]", text)) if t]
        blocks = [b.strip(_WS) for b in re.split(r"(?:\r\n|[\r\n\f])[ \t]*(?:\r\n|[\r\n\f])", text) if b.strip(_WS)]
        for name, items in (("paragraphs", [p.text for p in doc.passages]), ("lines", lines), ("blocks", blocks)):
            counts[name] += len(items)
            counts[f"open_{name}"] += sum(not _SENTENCE_END_RE.search(t) for t in items)
        counts["speeches"] += 1
        counts["with_speaker"] += doc.meta.speaker is not None
        decade = decades.setdefault(f"{doc.meta.extra['year'] // 10 * 10}s", [0, 0, 0])
        decade[0], decade[1], decade[2] = decade[0] + 1, decade[1] + len(doc.passages), decade[2] + len(lines)
    n = max(counts["speeches"], 1)
    return {
        "speeches": counts["speeches"],
        "speeches_with_speaker": counts["with_speaker"],
        "paragraphs": counts["paragraphs"],
        "paragraphs_per_speech": round(counts["paragraphs"] / n, 1),
        "unterminated_share": round(counts["open_paragraphs"] / max(counts["paragraphs"], 1), 3),
        "naive_lines": counts["lines"],
        "naive_lines_unterminated_share": round(counts["open_lines"] / max(counts["lines"], 1), 3),
        "naive_blocks": counts["blocks"],
        "naive_blocks_unterminated_share": round(counts["open_blocks"] / max(counts["blocks"], 1), 3),
        "parse_seconds_wall": round(wall, 1),
        "parse_seconds_cpu": round(cpu, 1),
        "per_decade": {
            d: {"speeches": s, "paragraphs": p, "per_speech": round(p / s, 1), "lines_per_speech": round(li / s, 1)}
            for d, (s, p, li) in sorted(decades.items())
        },
    }


def main(argv: list[str] | None = None) -> None:
    """``python -m assistant.ungdc [ARCHIVE] [DEST] [--sample SEED]``: extract if needed and print the counts."""
    import argparse

    from assistant.settings import PROJECT_ROOT, UNGDC_ARCHIVE

    parser = argparse.ArgumentParser(prog="python -m assistant.ungdc", description=main.__doc__)
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
