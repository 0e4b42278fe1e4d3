"""Requests to summarise one document.

"Summarize the 2016 report's recommendations", "the main points of the 2015 message": the question's filters
identify the document; `SummaryAsk` says what to summarise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOCUMENT_WORDS = r"(?:report|message|statement|speech|remarks|address|article|document|text|letter)"
# "Summarize …", "the main points of the 2015 message", "the 2016 report's recommendations": a summary of one
# document. "Outline", "overview" or "the proposals for …" alone ask about content, not for a summary.
SUMMARY_RE = re.compile(
    r"\b(?:summari[sz]e|summari[sz]ing|summary\s+of|sum\s+up|give\s+(?:me\s+)?the\s+gist)\b|"
    r"\b(?:main|key|central|principal|major)\s+(?:points?|messages?|recommendations?|takeaways?|themes?|ideas?)\s+"
    r"(?:of|in|from)\b[^?]*\b" + DOCUMENT_WORDS + r"\b|"
    r"\bwhat\s+(?:are|were)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}" + DOCUMENT_WORDS + r"(?:'s|’s)\s+(?:main\s+|key\s+)?"
    r"(?:recommendations|proposals|points)\b|"
    r"\bwhat\s+(?:are|were)\s+the\s+(?:main\s+|key\s+)?recommendations\s+(?:of|in)\s+[^?]*\b" + DOCUMENT_WORDS + r"\b",
    re.I,
)
RECOMMENDATIONS_RE = re.compile(
    r"\b(?:recommendations?|recommend\w*|proposals?|propose[sd]?|calls?\s+to\s+action|what\s+should)\b", re.I
)


@dataclass(frozen=True)
class SummaryAsk:
    """A request to summarise one document (the question's filters identify it)."""

    focus: str  # "recommendations" or "" (the main points)


def read_summary(question: str) -> SummaryAsk | None:
    """The summary ``question`` asks for, or None."""
    if not SUMMARY_RE.search(question):
        return None
    focus = "recommendations" if RECOMMENDATIONS_RE.search(question) else ""
    return SummaryAsk(focus)
