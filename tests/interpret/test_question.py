"""Reading questions: filters, preferences, follow-ups and chit-chat (no model needed)."""

from __future__ import annotations

import pytest

from assistant.errors import UsageError
from assistant.interpret.question import expand_query, interpret, is_chitchat
from assistant.models import DocumentMeta, Filters

VETO = [
    {"role": "user", "content": "What did the Secretary-General propose about the veto?"},
    {"role": "assistant", "content": "…"},
]


def test_year_and_type_become_a_hard_filter() -> None:
    reading = interpret("According to the 2013 message, on what does prevention fundamentally rest?")
    assert reading.filters == Filters(date_from="2013", date_to="2013", doc_types=("message",))
    assert reading.describe() == ["Filter from the question: dated 2013; type message."]


def test_in_a_year_is_a_preference_not_a_filter() -> None:
    reading = interpret("In 2017, what did the Secretary-General say about the three pillars?")
    assert reading.filters.is_empty() and reading.preferences.years == ("2017",)
    assert interpret("How many resolutions has it informed since 2005?").preferences.years == ()


def test_people_become_filters_and_leave_the_search_text() -> None:
    reading = interpret("What did Ban Ki-moon pledge to do?")
    assert reading.filters.secretaries_general == ("Ban Ki-moon",)
    assert "Ban" not in reading.query and "pledge" in reading.query
    assert interpret("What did Guterres say about refugees?").filters.secretaries_general == ("António Guterres",)


def test_latest_report() -> None:
    reading = interpret("What did his last report say about Syria?")
    assert reading.latest and reading.filters.doc_types == ("report",)


def test_follow_up_carries_the_subject() -> None:
    reading = interpret("Which group proposed it first?", VETO)
    assert reading.follow_up and reading.standalone == "Which group proposed it first (regarding the veto)?"


def test_follow_up_with_only_a_new_year_reuses_the_question() -> None:
    history = [{"role": "user", "content": "What did the Secretary-General say about refugees?"}]
    reading = interpret("And in 2017?", history)
    assert reading.standalone == "What did the Secretary-General say about refugees in 2017?"
    assert reading.preferences.years == ("2017",)


def test_follow_up_keeps_earlier_filters() -> None:
    history = [{"role": "user", "content": "What did the 2016 report say about the veto?"}]
    reading = interpret("Who proposed it?", history)
    assert reading.filters.doc_types == ("report",) and reading.filters.date_from == "2016"


def test_a_new_topic_is_not_a_follow_up() -> None:
    reading = interpret("How do violent extremists use social media according to the report?", VETO)
    assert not reading.follow_up


@pytest.mark.parametrize("text", ["hi", "Hello!", "thanks", "Thank you very much.", "who are you?", "good morning"])
def test_chitchat(text: str) -> None:
    assert is_chitchat(text) and interpret(text).chitchat


def test_questions_are_not_chitchat() -> None:
    assert not is_chitchat("hello, what did the report say about Syria?")


def test_who_wrote_asks_for_the_author() -> None:
    assert expand_query("Who wrote the article?").endswith("author written by")


def test_filters_allow_and_describe() -> None:
    meta = DocumentMeta(doc_id="d", source="d.txt", date="2016-07-22", doc_type="report", secretary_general="Ban Ki-moon")
    assert Filters(date_from="2016", date_to="2016").allows(meta)
    assert not Filters(date_from="2016-08").allows(meta)
    assert Filters(doc_types=("Report",), secretaries_general=("ban ki-moon",)).allows(meta)
    assert not Filters(doc_types=("message",)).allows(meta)
    assert Filters(date_from="2015-01-01", date_to="2016-12-31", doc_types=("report",)).describe() == (
        "dated 2015-01-01 to 2016-12-31; type report"
    )
    assert Filters.from_dict(Filters(doc_types=("report",)).to_dict()) == Filters(doc_types=("report",))


@pytest.mark.parametrize(
    ("kwargs", "message"), [({"date_from": "July"}, "not a date"), ({"date_from": "2017", "date_to": "2016"}, "empty")]
)
def test_bad_filters(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Filters(**kwargs)


def test_unknown_filter_name() -> None:
    with pytest.raises(UsageError, match="known:"):
        Filters.from_dict({"colour": "blue"})


def test_a_long_conversation_is_read_once_per_turn() -> None:
    """Each earlier question is read once (the last one, in the light of those before it), not 2^n times."""
    import time

    history = []
    for i in range(30):
        history += [{"role": "user", "content": f"And in {1990 + i}?"}, {"role": "assistant", "content": "…"}]
    history[0] = {"role": "user", "content": "What did the Secretary-General say about the veto in 2016?"}
    started = time.perf_counter()
    reading = interpret("And in 2017?", history)
    assert time.perf_counter() - started < 2.0  # 2^30 readings would take hours
    assert "veto" in reading.standalone and "2017" in reading.standalone
