"""Deciding "not in the corpus": one confidence score from several kinds of evidence.

Confidence is the mean of the best passage's evidence score (best window,
best sentence, key-term coverage of the passage) and the best answer
sentence's score (its similarity and its own key-term coverage), lowered when
the question asks for a kind of answer ("how many …") the best sentence
cannot give. The threshold that turns it into a decision is a setting,
chosen on the calibration data described in docs/evaluation.md.
"""

from __future__ import annotations

import re

from assistant.answer.extractive import Candidate
from assistant.retrieve.rerank import Evidence

MISSING_TYPE_FACTOR = 0.8
_QUANTITY_QUESTION_RE = re.compile(r"^\s*(?:and\s+)?how (?:many|much)\b", re.I)
_YEAR_QUESTION_RE = re.compile(r"^\s*(?:and\s+)?(?:in )?what year\b|^\s*when\b", re.I)
_NUMBER_RE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundreds?|thousands?|millions?|billions?)\b", re.I
)
_DATE_RE = re.compile(r"\b(?:1[89]|20)\d{2}\b")


def answer_type_present(question: str, sentence: str) -> bool:
    """Whether ``sentence`` holds the kind of answer the question asks for (a number, a year), if it asks for one."""
    if _QUANTITY_QUESTION_RE.match(question):
        return bool(_NUMBER_RE.search(sentence))
    if _YEAR_QUESTION_RE.match(question):
        return bool(_DATE_RE.search(sentence))
    return True


def confidence(question: str, top: Evidence, best: Candidate | None) -> float:
    """How sure the evidence makes us that the corpus answers ``question`` (about 0 to 1)."""
    if best is None:
        return top.score / 2
    score = (top.score + best.score) / 2
    if not answer_type_present(question, best.text):
        score *= MISSING_TYPE_FACTOR
    return score
