"""Content terms in order, and the share of a topic's adjacent term pairs a text holds adjacent."""

from __future__ import annotations

import pytest

from assistant.text.lexical import content_terms, key_terms, phrase_share


def test_content_terms_keep_order_and_repeats_key_terms_do_not() -> None:
    assert content_terms("The war crimes court for the civil war") == ["war", "crime", "court", "civil", "war"]
    assert key_terms("The war crimes court for the civil war") == ["war", "crime", "court", "civil"]


def test_a_named_topic_needs_its_words_side_by_side() -> None:
    topic = "the Amman Message"
    assert phrase_share(topic, ["In that context, the Amman message would emphasize tolerance."]) == 1.0
    # both words, never the pair: a summit in Amman and a message of salutation
    assert phrase_share(topic, ["The summit met at Amman.", "This is the message of Jordan."]) == 0.0
    assert phrase_share(topic, ["We convey a message from Amman."]) == 0.0


def test_stopwords_between_the_words_do_not_break_a_pair_and_a_share_is_partial() -> None:
    topic = "international information security"
    assert phrase_share(topic, ["threats to the security of information, international in scope"]) == 0.0
    assert phrase_share(topic, ["the security of information systems"]) == 0.0
    assert phrase_share(topic, ["questions of information security arise"]) == pytest.approx(0.5)
    assert phrase_share(topic, ["a discussion on international information security"]) == 1.0
    assert phrase_share(topic, ["information and security"]) == pytest.approx(0.5)  # "and" is a stopword


def test_a_one_word_topic_asks_only_for_the_word_and_an_empty_topic_for_nothing() -> None:
    assert phrase_share("apartheid", ["the end of apartheid"]) == 1.0
    assert phrase_share("apartheid", ["the end of colonialism"]) == 0.0
    assert phrase_share("the", ["the end"]) == 0.0
    assert phrase_share("Amman Message", []) == 0.0


def test_a_pair_never_spans_two_sentences() -> None:
    assert phrase_share("Law Sea", ["He spoke of international law. The sea around us is rising."]) == 0.0
    assert phrase_share("international information security", ["this information. Security in the region"]) == 0.0
    assert phrase_share("Law Sea", ["the law sea convention"]) == 1.0


def test_a_joined_word_counts_in_both_spellings() -> None:
    assert phrase_share("peacekeeping", ["our peace-keeping contingents"]) == 1.0
    assert phrase_share("peacekeeping operations", ["peace-keeping operations in Cyprus"]) == 1.0
    assert phrase_share("Iran Iraq war", ["the Iran-Iraq war must end"]) == 1.0
    assert phrase_share("cooperation", ["international co-operation"]) == 1.0


def test_a_topic_of_one_repeated_word_is_a_pair() -> None:
    # "the South-South" is read as "South South": one word alone does not hold it
    assert phrase_share("South South cooperation", ["the South needs trade"]) == 0.0
    assert phrase_share("South South cooperation", ["South-South cooperation grew"]) == 1.0
