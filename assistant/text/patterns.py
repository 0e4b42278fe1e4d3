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
