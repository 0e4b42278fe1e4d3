"""Datelines, mastheads and heading lines inside paragraphs: told apart from statements."""

from __future__ import annotations

import pytest

from assistant.text.patterns import is_masthead


@pytest.mark.parametrize(
    "line",
    [
        "Global Centre for the Responsibility to Protect – Joint Statement: Ministerial Roundtable – 23 September 2011",
        "New York — 27 September 2013 — Secretary-General's message to the Ministerial Meeting",
        "UN News Centre – Responsibility to protect principle must cover all who need it, Ban says – September 23, 2011",
        "Ministerial Roundtable Discussion on Responsibility to Protect: Responding to Imminent Threats of Mass Atrocities",
        "Author: Impunity Watch Archive",
    ],
)
def test_datelines_and_headings_are_mastheads(line: str) -> None:
    assert is_masthead(line)


@pytest.mark.parametrize(
    "sentence",
    [
        "On 22 July 2016, the Secretary-General issued his report to the General Assembly.",
        "In 2005, Heads of State and Government committed to protect populations from atrocity crimes.",
        "The World Summit — held in September 2005 — endorsed the principle.",
        "Let us do our utmost to ensure that this umbrella of protection covers all who need it.”",
        "What more could we have done?",
    ],
)
def test_statements_are_not(sentence: str) -> None:
    assert not is_masthead(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Sexual and gender-based violence, including in conflict, also continues to be prevalent.⁵",
        "resolution 2165 (2014)",
        "Yes, we can",
        "the international community must act together",
    ],
)
def test_unpunctuated_statements_and_footnote_marks_are_not_mastheads(sentence: str) -> None:
    assert not is_masthead(sentence)
