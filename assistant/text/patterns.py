"""Regular expressions shared by more than one text reader (the folder corpus and the General Debate corpus)."""

from __future__ import annotations

import re

# A line or paragraph that ends a sentence: closing punctuation, then any closing quotes, brackets or markup.
SENTENCE_END_RE = re.compile(r"[.!?:;…][\"”’'»)\]*]*$")

# An article's byline ("By Polly Johnson"): up to four capitalised words after "By". Two variants, kept apart
# because they match differently at the edges:
# BYLINE_AT_WORD_END_RE: no group; the name must end at a word boundary, so "By A." alone is no byline
# (paragraphs.py: is this block a byline?).
BYLINE_AT_WORD_END_RE = re.compile(r"^By [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}\b")
# BYLINE_NAME_RE: the name in group 1, trailing punctuation included ("By A." gives "A.") (metadata.py: who wrote it).
BYLINE_NAME_RE = re.compile(r"^By ([A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3})")

# A dateline or masthead line inside a paragraph ("Joint Statement: … – 23 September 2011",
# "New York — 27 September 2013 — Secretary-General's message to …"), quoted only when a question asks
# for a date, place or occasion.
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
FULL_DATE_RE = re.compile(rf"\b(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})\b")
DASHED_DATE_RE = re.compile(rf"[—–-]\s*(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})\s*(?:[—–-]|$)")


HEADING_MAX_WORDS = 25
FOOTNOTE_MARK_RE = re.compile(r"(?<=\S)[\d⁰¹²³⁴⁵⁶⁷⁸⁹*†]+$")
LABEL_LINE_RE = re.compile(r"^[A-Z][\w-]*(?:\s[\w-]+)?:\s")


def is_masthead(sentence: str) -> bool:
    """Whether ``sentence`` is a dateline, masthead, heading or reference line rather than a statement.

    That is: a full date set between dashes, or a short line (at most ``HEADING_MAX_WORDS`` words) that does
    not end as a sentence does (a footnote mark aside) and has a heading's shape: most words capitalised
    ("Ministerial Roundtable Discussion on …") or a label ("Author: …").
    """
    text = sentence.strip()
    if FULL_DATE_RE.search(text) and DASHED_DATE_RE.search(text):
        return True
    text = FOOTNOTE_MARK_RE.sub("", text)  # "… prevalent.⁵": a statement with its footnote mark
    words = text.split()
    if SENTENCE_END_RE.search(text) or not words or len(words) > HEADING_MAX_WORDS:
        return False
    # a heading's shape: most words capitalised ("Ministerial Roundtable Discussion on …"), or a "Label: value" line
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised * 2 >= len(words) or bool(LABEL_LINE_RE.match(text))
