"""The country that speaks in a question becomes a filter (General Debate statements)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import settings_for, write_speech

from assistant.answer.records import answer_record
from assistant.index.builder import ingest
from assistant.ingest.ungdc.speeches import iter_ungdc
from assistant.interpret.countries import CountryNames
from assistant.interpret.question import interpret
from assistant.models import DocumentMeta, Filters
from assistant.pipeline import Assistant


def meta(code: str, name: str) -> DocumentMeta:
    return DocumentMeta(
        doc_id=f"ungdc/{code}",
        source="",
        title="",
        doc_type="General Debate statement",
        extra={"country_code": code, "country": name},
    )


NAMES = CountryNames.from_documents(
    [
        meta("BRA", "Brazil"),
        meta("RUS", "Union of Soviet Socialist Republics"),
        meta("RUS", "Russian Federation"),
        meta("GIN", "Guinea"),
        meta("PNG", "Papua New Guinea"),
        meta("IRN", "Iran (Islamic Republic of)"),
        meta("USA", "United States of America"),
        meta("GHA", "Ghana"),
        meta("PAK", "Pakistan"),
        DocumentMeta(doc_id="seed/report", source="", title="", doc_type="report"),
    ]
)


@pytest.mark.parametrize(
    ("question", "codes"),
    [
        ("What did Brazil say about the responsibility to protect in 2005?", ["BRA"]),
        ("Brazil said what about reform?", ["BRA"]),
        ("What term did Ghana's leader use in 1960 for sham self-rule?", ["GHA"]),
        ("According to the United States, what matters most?", ["USA"]),
        ("What did Russia say in 1960?", ["RUS"]),  # a short form covers the Soviet Union's statements too
        ("What did Papua New Guinea say about climate change?", ["PNG"]),  # the longest name wins over Guinea
        ("How did Iran describe the sanctions?", ["IRN"]),  # without "(Islamic Republic of)"
        ("What fraction of Pakistan was flooded, according to its address?", ["PAK"]),
        ("What did the Secretary-General say about Brazil?", []),  # a topic, not a speaker
        ("Which countries has Brazil's deforestation affected?", []),
        ("What did Canada say in 1956?", []),  # no statements of Canada in this index
        ("What did us say?", []),  # short forms are matched case-sensitively
        # typed in lower case but for an acronym: "US" is still the United States, "UN" and "I" are no capitals
        ("what did the US say about iran in 2003", ["USA"]),
        ("how did the US talk about iran over the years", ["USA"]),
        ("I need the years brazil raised deforestation at the UN", ["BRA"]),
        # an ordinary question opening with a country before "on" is about it, not by it
        ("Pakistan on the verge of famine: what did OCHA say in 2018?", []),
        ("What did the Secretary-General say about Brazil's government?", []),  # he speaks, not Brazil
        ("In his 2017 address, what did Guterres say about Ghana's president?", []),
        ("How many refugees does Pakistan host?", []),  # a country's state, not its statement
        ("Why did US forces leave?", []),
        ("Did Iran have a programme?", []),
        ("What did Papua New Guinea say about Guinea?", ["PNG"]),  # each mention is judged where it stands
        ("What did Brazil, Ghana and Pakistan say about debt?", ["BRA", "GHA", "PAK"]),  # the whole list speaks
        ("What did Brazil and the United States say?", ["BRA", "USA"]),
        ("How did Ghana's General Debate statements describe debt?", ["GHA"]),  # plural speaking nouns
        ("trace how Brazil talked about the Amazon", ["BRA"]),
        ("what did brazil say about reform?", ["BRA"]),  # a question typed in lower case names countries so
        ("what did the usa say about debt in 1990", ["USA"]),
        ("what did us say?", []),  # ... but "us" stays the pronoun
        ("What did brazil say about reform?", ["BRA"]),  # in a question with capitals too, a name that is no common word
        ("What did Brazil say about guinea fowl exports?", ["BRA"]),  # ... but "guinea" there is a bird
    ],
)
def test_the_speaking_country(question: str, codes: list[str]) -> None:
    assert [m.code for m in NAMES.speakers(question)] == codes


def test_a_speaking_country_and_its_year_become_filters() -> None:
    reading = interpret("How many people did Brazil say were represented, in its 2005 statement?", countries=NAMES)
    assert reading.filters == Filters(date_from="2005", date_to="2005", countries=("BRA",))  # no type "statement"
    assert "Filter from the question: dated 2005; country BRA." in reading.describe()
    assert {"brazil", "2005"} <= set(reading.filter_terms)  # not asked of the passage's own words
    assert interpret("What did Brazil say about 1964 in 2005?", countries=NAMES).filters.date_from == "2005"
    topic_year = interpret("What did Brazil say about the 1992 Rio summit?", countries=NAMES)
    assert topic_year.filters == Filters(countries=("BRA",)) and topic_year.preferences.years == ("1992",)
    assert interpret("What did Brazil say in 2005?").filters.is_empty()  # an index without countries: no filter
    delegation = interpret("What did Brazil's 1998 delegation say about the euro?", countries=NAMES)
    assert delegation.filters == Filters(date_from="1998", date_to="1998", countries=("BRA",))  # the year of its speech


def test_a_follow_up_keeps_the_country_with_its_new_year() -> None:
    history = [{"role": "user", "content": "What did Brazil say about the responsibility to protect in 2005?"}]
    reading = interpret("And in 2009?", history, countries=NAMES)
    assert reading.filters == Filters(date_from="2009", date_to="2009", countries=("BRA",))
    topic = interpret("What did they say about Ghana?", history, countries=NAMES)
    assert topic.filters == Filters(date_from="2005", date_to="2005", countries=("BRA",))  # still Brazil's 2005 statement
    other = interpret("What did Guterres say about it?", history, countries=NAMES)
    assert other.filters == Filters(secretaries_general=("António Guterres",))  # no longer Brazil's


R2P = "the responsibility to protect populations from genocide, war crimes, ethnic cleansing and crimes against humanity"


def test_a_question_about_a_countrys_statement_is_answered_from_that_statement(tmp_path: Path) -> None:
    root = tmp_path / "ungdc"
    write_speech(root, "BRA", 60, 2005, f"Brazil welcomes {R2P}, but it must never become a pretext for intervention.\n")
    write_speech(root, "BRA", 64, 2009, f"Brazil believes {R2P} should be implemented through prevention and dialogue.\n")
    write_speech(root, "ARG", 60, 2005, f"Argentina supports {R2P} as a collective commitment of the Assembly.\n")
    write_speech(root, "SWE", 60, 2005, "Sweden calls for stronger action on climate change and for the reform of the Council.\n")
    settings = settings_for(tmp_path / "index")
    ingest(settings, list(iter_ungdc(root)), progress=False, corpus_name="ungdc")
    assistant = Assistant(settings)
    question = "What did Brazil say about the responsibility to protect in 2005?"
    answer = assistant.ask(question, abstain_threshold=0.0)
    assert answer.citations and {c.hit.meta.doc_id for c in answer.citations} == {"ungdc/BRA_60_2005"}
    assert "pretext" in answer.text
    assert any("country BRA" in note for note in answer_record(answer)["interpretation"])
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]
    again = assistant.ask("And in 2009?", history=history, abstain_threshold=0.0)
    assert {c.hit.meta.doc_id for c in again.citations} == {"ungdc/BRA_64_2009"}


@pytest.mark.parametrize(
    ("question", "codes"),
    [
        ("In 1972, what did the Ghanaian representative say about the sea-bed?", ["GHA"]),
        ("What did the Brazilian delegation tell the Assembly about the Amazon?", ["BRA"]),
        ("According to the 1975 speech by Pakistan, what was said about Kashmir?", ["PAK"]),
        ("What did the Soviet delegate say about disarmament in 1961?", ["RUS"]),
        ("What did Brazil say about Ghanaian cocoa exports?", ["BRA"]),  # the adjective is the topic here
        ("What did the Secretary-General say about the Brazilian delegation?", []),
        ("What did the Mexican representative say?", []),  # no Mexican statement indexed
    ],
)
def test_a_country_named_by_its_people_as_the_speaker(question: str, codes: list[str]) -> None:
    assert [m.code for m in NAMES.speakers(question)] == codes


@pytest.mark.parametrize(
    "question",
    [
        "What did countries say about the Pakistani government?",
        "Which countries condemned the Ghanaian government?",
        "How did the General Assembly react to the Brazilian president's visit?",
    ],
)
def test_a_people_adjective_that_is_the_topic_is_no_speaker(question: str) -> None:
    assert NAMES.speakers(question) == []


def test_a_people_adjective_as_the_speaker_in_any_case() -> None:
    assert [m.code for m in NAMES.speakers("what did the ghanaian representative say in 1972?")] == ["GHA"]
    assert [m.code for m in NAMES.speakers("The Pakistani delegate said what about Kashmir?")] == ["PAK"]


def test_a_long_name_in_brackets_is_also_a_name_in_its_usual_order() -> None:
    assert [m.code for m in NAMES.speakers("What did the Islamic Republic of Iran say about sanctions?")] == ["IRN"]
    assert [m.name for m in NAMES.named("When did the Islamic Republic of Iran first mention Afghanistan?")] == [
        "Islamic Republic of Iran"
    ]
