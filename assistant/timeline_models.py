"""The parts of a timeline answer: its dated entries and its per-year counts (carried by `assistant.models.Answer`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineEntry:
    """One dated statement that addresses a timeline question's topic: its best sentence, quoted and cited."""

    year: int
    date: str | None
    doc_id: str
    title: str
    speaker: str | None
    citation: int  # the answer's citation number
    quote: str  # the verbatim sentence
    confidence: float  # the abstention decision's confidence for this statement (at least the threshold)
    column: str = ""  # the speaker or country the entry belongs to in a comparison ("" for a single timeline)
    first: bool = False  # the first mention (of its column)
    latest: bool = False  # the latest mention (of its column)


@dataclass(frozen=True)
class YearCount:
    """How many statements of one year address the topic, against how many statements that year has."""

    year: int
    addressing: int
    statements: int
    column: str = ""
