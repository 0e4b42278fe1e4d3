"""Rejoin the lines of a General Debate speech into the paragraphs the speaker wrote.

The texts come from PDF transcripts in several layouts: one paragraph per line (most
years before 1991 and after 2015), lines hard-wrapped at the column width (1969, 1982,
1992-2014, part of 2024), with or without blank lines, indents, page numbers and running
headers. :func:`split_paragraphs` rejoins the lines into the paragraphs the speaker
wrote; docs/ungdc.md explains the rules and the measured result.
"""

from __future__ import annotations

import itertools
import re
import statistics
from typing import NamedTuple

from assistant.ingest.paragraphs import clean_text
from assistant.models import Span
from assistant.text.patterns import SENTENCE_END_RE

# White space that can surround a line's text (line breaks excluded): stripped from both ends of each line.
LINE_SPACE = " \t\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u3000\ufeff"
_LINE_RE = re.compile(r"([^\r\n\f]*)(\r\n|[\r\n\f]|$)")
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

# Layout thresholds, measured on the corpus (docs/ungdc.md)
MIN_WRAPPED_CHARS = 25  # shorter unpunctuated lines are salutations and headings, not wrapped text
MAX_WRAP_WIDTH = 150  # wider "wrapped" lines are paragraphs split by a page break
MIN_WRAPPED_SHARE = 0.25  # share of long lines that must run on for the text to count as hard-wrapped
FULL_LINE_SLACK = 1.05  # a line ends its paragraph if the next word would have fitted within slack * width
PARAGRAPH_LINE_FACTOR = 1.3  # a line this much wider than the wrap width is a whole paragraph
MAX_PARAGRAPH_WORDS = 600  # longer "paragraphs" come from texts with no paragraph marks at all ...
CUT_PARAGRAPH_WORDS = 200  # ... and are cut at the first sentence end after this many words


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
        left = raw.lstrip(LINE_SPACE)
        stripped = left.rstrip(LINE_SPACE)
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
    if not SENTENCE_END_RE.search(text):
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
