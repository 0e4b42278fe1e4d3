"""Sentence splitting: spans that cover every word, and full stops that do not end a sentence."""

from __future__ import annotations

import pytest

from assistant.text.sentences import sentences, split_sentences


def test_spans_are_offsets_into_the_text() -> None:
    text = "The veto matters. France and Mexico led it."
    assert split_sentences(text) == [(0, 17), (18, 43)]
    assert sentences(text) == ["The veto matters.", "France and Mexico led it."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Ban spoke. He left.", ["Mr. Ban spoke.", "He left."]),
        ("See para. 46 of the report. It is clear.", ["See para. 46 of the report.", "It is clear."]),
        ("The U.N. Charter applies. It binds all.", ["The U.N. Charter applies.", "It binds all."]),
        ("J. F. Kennedy spoke. Then others did.", ["J. F. Kennedy spoke.", "Then others did."]),  # initials
        ("e.g. This. And i.e. That.", ["e.g. This.", "And i.e. That."]),
        ("Growth was 3.5 per cent. Next year it is 4.", ["Growth was 3.5 per cent.", "Next year it is 4."]),
    ],
)
def test_abbreviations_initials_and_decimals_do_not_end_a_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_question_marks_exclamations_ellipses_and_closing_quotes_end_one() -> None:
    assert sentences("Why? Because we must! “Act now,” he said. Done.") == [
        "Why?",
        "Because we must!",
        "“Act now,” he said.",
        "Done.",
    ]
    assert sentences("He said “stop.” Then he left.") == ["He said “stop.”", "Then he left."]  # the quote stays with its sentence
    assert sentences("A (see annex). B follows.") == ["A (see annex).", "B follows."]
    assert sentences("Wait... Then go.") == ["Wait...", "Then go."]


def test_a_new_sentence_starts_with_a_capital_or_a_digit() -> None:
    assert sentences("In 2015. 2016 was better.") == ["In 2015.", "2016 was better."]
    assert sentences("no capital after. the end.") == ["no capital after. the end."]


def test_the_last_sentence_needs_no_full_stop_and_trailing_space_is_left_out() -> None:
    assert split_sentences("Ends without stop") == [(0, 17)]
    text = "One. Two.   "
    assert split_sentences(text) == [(0, 4), (5, 9)]


def test_empty_and_blank_texts_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n ") == []
