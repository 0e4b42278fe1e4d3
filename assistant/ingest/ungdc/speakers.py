"""The speakers sheet ``Speakers_by_session.xlsx``: who spoke for each country in each session, and as what."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError

SPEAKERS_FILE = "Speakers_by_session.xlsx"
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
_PARTICLES = frozenset("al bin da das de del der di do dos du el ibn la le van von y".split())
_ROMAN_RE = re.compile(r"^[IVXL]+$")

Speakers = dict[tuple[str, int], tuple[str | None, str | None]]  # (country code, session) -> (speaker, post)


def load_speakers(xlsx: Path) -> Speakers:
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
