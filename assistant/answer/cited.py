"""One parser for answers with citation markers: which passage numbers each sentence cites.

The generative answerer checks a model's draft with it, and the evaluation
reads published answers with it, so both see the same sentences.
"""

from __future__ import annotations

import re

from assistant.text.sentences import split_sentences

# "[1]", "[1, 2]", "[1][2]", "[Passage 1]", "[1 and 3]" -> canonical "[1][2]" markers.
_CITE_RE = re.compile(r"\[\s*(?:passages?\s*)?(\d+(?:\s*(?:,|;|and|&)\s*(?:passages?\s*)?\d+)*)\s*\]", re.IGNORECASE)
_MARKERS_RE = re.compile(r"((?:\s*\[\d+\])+)")
_MARKER_LIST_RE = re.compile(r"(\[\d+\])\s*[,;]?\s*(?=\[\d+\])")  # "[1], [2]" -> "[1][2]"
_BEFORE_STOP_RE = re.compile(r"\s*((?:\[\d+\])+)\s*([.!?;:])")
# Markers inside a sentence, followed by a comma or a lower-case word: "France [1] and Mexico [2] led it."
_INNER_MARKERS_RE = re.compile(r"(?<![\s.!?;:…])\s*((?:\[\d+\])+)(?=\s*,|\s+[a-z])")


def cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Split a draft into sentences and the passage numbers each cites (markers belong to the sentence they end or sit in)."""
    text = _CITE_RE.sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), text)
    text = _MARKER_LIST_RE.sub(r"\1", text)
    text = _BEFORE_STOP_RE.sub(r"\2 \1", text)  # "claim [1]." -> "claim. [1]"
    text = _inner_markers_to_the_end(text)
    out: list[tuple[str, list[int]]] = []
    pieces = _MARKERS_RE.split(text)
    for i in range(0, len(pieces), 2):
        chunk = pieces[i].strip()
        parts = [chunk[s:e] for s, e in split_sentences(chunk)] if chunk else []
        numbers = [int(n) for n in re.findall(r"\d+", pieces[i + 1])] if i + 1 < len(pieces) else []
        parts = [p for p in parts if p.strip(" .;,")]
        if not parts:
            if numbers and out:
                out[-1][1].extend(numbers)
            continue
        out.extend((p, []) for p in parts[:-1])
        out.append((parts[-1], numbers))
    return [(s.strip(), list(dict.fromkeys(ns))) for s, ns in out]


def _inner_markers_to_the_end(text: str) -> str:
    """Move markers from inside a sentence to its end, so they cite for the whole of it.

    "A [1], B [1] and C [2]." is one claim citing [1][2], not three fragments
    ("A", "B", "C") that each pass the check because the name occurs in a passage.
    Right to left, so the markers keep their order.
    """
    for _ in range(len(text)):
        inner = list(_INNER_MARKERS_RE.finditer(text))
        if not inner:
            break
        m = inner[-1]
        rest = text[m.end() :]
        spans = split_sentences(rest)
        end = spans[0][1] if spans else len(rest)
        text = f"{text[: m.start()]}{rest[:end]} {m.group(1)}{rest[end:]}"
    return text
