"""Document metadata: derived from the text, then completed or overridden by a sidecar file.

The sidecar is ``metadata.json`` in the corpus folder, keyed by file name
(relative to the corpus folder); its values win over what the text says.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError
from assistant.ingest.paragraphs import DATE_ONLY_RE, MONTHS, Block, clean_text
from assistant.models import DocumentMeta
from assistant.text.patterns import BYLINE_NAME_RE

SIDECAR_NAME = "metadata.json"

# Terms of office (first day, last day); used to name the Secretary-General in office on a date.
SECRETARIES_GENERAL: tuple[tuple[str, str, str], ...] = (
    ("Trygve Lie", "1946-02-02", "1952-11-09"),
    ("Dag Hammarskjöld", "1953-04-10", "1961-09-18"),
    ("U Thant", "1961-11-03", "1971-12-31"),
    ("Kurt Waldheim", "1972-01-01", "1981-12-31"),
    ("Javier Pérez de Cuéllar", "1982-01-01", "1991-12-31"),
    ("Boutros Boutros-Ghali", "1992-01-01", "1996-12-31"),
    ("Kofi Annan", "1997-01-01", "2006-12-31"),
    ("Ban Ki-moon", "2007-01-01", "2016-12-31"),
    ("António Guterres", "2017-01-01", "9999-12-31"),
)

_MONTH_NUMBER = {m: i for i, m in enumerate(MONTHS.split("|"), start=1)}
DATE_RE = re.compile(rf"\b(\d{{1,2}}) ({MONTHS}),? (\d{{4}})\b|\b({MONTHS}) (\d{{1,2}}),? (\d{{4}})\b")
DELIVERED_BY_RE = re.compile(r"\[?\s*delivered by ((?:Mr|Ms|Mrs|Dr|H\.E)\.? [^,\]]+)(?:, ([^\]]+))?\]?", re.I)
BRACKET_NOTE_RE = re.compile(r"\s*\[[^\]]*\]\s*$")
PLACE_DATE_RE = re.compile(rf"\s*([A-Z][A-Za-z .'-]+), (\d{{1,2}} (?:{MONTHS}) \d{{4}})\s*$")
DATELINE_RE = re.compile(r"^([A-Z][A-Z .'-]{2,}), [A-Za-z ]+ [–—-] ")
SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "from"}


def parse_date(text: str) -> str | None:
    """Return the first date written in ``text`` ("22 July 2016", "July 22, 2016") as ISO 8601."""
    m = DATE_RE.search(text)
    if not m:
        return None
    if m.group(1):
        day, month, year = int(m.group(1)), _MONTH_NUMBER[m.group(2)], int(m.group(3))
    else:
        day, month, year = int(m.group(5)), _MONTH_NUMBER[m.group(4)], int(m.group(6))
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def secretary_general_on(iso_date: str | None) -> str | None:
    """Name the Secretary-General in office on ``iso_date`` (None between terms or when unknown)."""
    if not iso_date:
        return None
    for name, first, last in SECRETARIES_GENERAL:
        if first <= iso_date[:10] <= last:
            return name
    return None


def title_case(text: str) -> str:
    """Turn an all-capitals title into title case, keeping small words lower case."""
    if text != text.upper():
        return text
    words = text.lower().split()
    return " ".join(w if (i and w in SMALL_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _balanced_quotes(text: str) -> str:
    """Drop a closing quotation mark that has no opening one (a typo in some mastheads)."""
    if text.endswith("”") and "“" not in text:
        return text[:-1].rstrip()
    return text


def derive_metadata(doc_id: str, source: str, text: str, header: tuple[Block, ...], body: list[str]) -> DocumentMeta:
    """Derive metadata from a document's header blocks and the raw text of its first paragraphs."""
    header_lines = [clean_text(b.text) for b in header]
    doc_date = parse_date(" ".join(header_lines)) or parse_date(text)
    title, place, doc_type, speaker, speaker_role, author = "", None, "statement", None, None, None
    notes: list[str] = []
    if "Report of the Secretary-General" in header_lines:
        doc_type = "report"
        at = header_lines.index("Report of the Secretary-General")
        title = header_lines[at - 1] if at > 0 else ""
    for line in header_lines:
        delivered = DELIVERED_BY_RE.search(line)
        if delivered:
            speaker, speaker_role = delivered.group(1).strip(), (delivered.group(2) or "").strip() or None
        notes += [n.strip("[] ") for n in re.findall(r"\[[^\]]*\]", line) if "delivered by" not in n.lower()]
        candidate = BRACKET_NOTE_RE.sub("", line).strip()
        place_date = PLACE_DATE_RE.search(candidate)
        if place_date:
            place = place or place_date.group(1).strip()
            candidate = candidate[: place_date.start()].strip()
        if DATE_ONLY_RE.match(candidate) or not candidate.strip("-–—_ ") or candidate.upper() == "THE SECRETARY-GENERAL":
            continue
        if BYLINE_NAME_RE.match(candidate):
            continue
        if len(candidate.split()) <= 3 and not re.search(r"[\d:]", candidate):
            if doc_type != "report":
                place = place or candidate  # a place line such as "New York"
        elif not title:
            title = title_case(_balanced_quotes(candidate))
    for block in header:
        byline = BYLINE_NAME_RE.match(block.raw.split("\n")[0])
        if byline:
            author, doc_type = byline.group(1), "article"
    if body:
        for para in body[:3]:
            dateline = DATELINE_RE.match(para)
            if dateline and not place:
                place = dateline.group(1).title()
    lowered = title.lower()
    if doc_type == "statement":
        for word, kind in (
            ("message", "message"),
            ("remarks", "remarks"),
            ("report", "report"),
            ("address", "address"),
            ("statement", "statement"),
        ):
            if word in lowered:
                doc_type = kind
                break
    sg = secretary_general_on(doc_date)
    extra: dict[str, Any] = {}
    if speaker_role:
        extra["speaker_role"] = speaker_role
    if notes:
        extra["notes"] = notes
    return DocumentMeta(
        doc_id=doc_id,
        source=source,
        title=title or doc_id,
        date=doc_date,
        place=place,
        doc_type=doc_type,
        speaker=speaker or sg,
        secretary_general=sg,
        author=author,
        extra=extra,
    )


def load_sidecar(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """Read ``metadata.json`` from the corpus folder (empty when there is none)."""
    path = corpus_dir / SIDECAR_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{path}: not valid JSON ({exc}); fix it or remove it") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise DocumentError(f"{path}: expected an object mapping file names to metadata objects")
    return data


def apply_sidecar(meta: DocumentMeta, overrides: dict[str, Any]) -> DocumentMeta:
    """Return ``meta`` with the sidecar's values applied; unknown keys go to ``extra``."""
    known = set(DocumentMeta.__dataclass_fields__) - {"doc_id", "source", "extra"}
    fields = {k: v for k, v in overrides.items() if k in known}
    extra = {**meta.extra, **{k: v for k, v in overrides.items() if k not in known}}
    values = {**asdict(meta), **fields, "extra": extra}
    if "date" in fields and "secretary_general" not in fields:
        values["secretary_general"] = secretary_general_on(values["date"])
        if "speaker" not in fields and meta.speaker == meta.secretary_general:
            values["speaker"] = values["secretary_general"]
    return DocumentMeta(**values)
