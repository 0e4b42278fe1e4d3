"""Split a paragraph into sentences, with character offsets."""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "no",
    "nos",
    "para",
    "paras",
    "art",
    "arts",
    "vol",
    "p",
    "pp",
    "e.g",
    "i.e",
    "etc",
    "cf",
    "vs",
    "u.n",
    "u.s",
    "jr",
    "sr",
    "gen",
    "col",
    "h.e",
    "res",
    "doc",
    "rev",
    "add",
    "corr",
    "ibid",
    "op",
    "cit",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "inc",
    "ltd",
    "co",
    "dept",
    "distr",
}
_BOUNDARY_RE = re.compile(r"([.!?…]+)([\"”’'»)\]]*)(\s+)(?=[\"“‘'«(\[]?[A-Z0-9À-Þ])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences of ``text``, covering all its words."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY_RE.finditer(text):
        end = m.end(2)
        word = re.search(r"([\w.]+)$", text[start : m.start(1)] + ("." if m.group(1) == "." else ""))
        token = (word.group(1) if word else "").rstrip(".").lower()
        if m.group(1) == "." and (token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())):
            continue  # "Mr. Ban", "para. 46", initials
        if end > start and text[start:end].strip():
            spans.append((start, end))
        start = m.end(3)
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def sentences(text: str) -> list[str]:
    """Return the sentences of ``text``."""
    return [text[s:e] for s, e in split_sentences(text)]
