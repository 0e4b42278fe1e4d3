"""Who speaks and when, in the ways the thirty-third and thirty-fourth timeline parts asked (read after their run)."""

from __future__ import annotations

import pytest

from assistant.interpret.countries import CountryNames
from assistant.interpret.periods import read_period
from assistant.interpret.question import interpret
from assistant.interpret.timeline import read_timeline

COUNTRIES = CountryNames(
    {
        "Malta": "MLT",
        "Portugal": "PRT",
        "Libya": "LBY",
        "Bangladesh": "BGD",
        "Afghanistan": "AFG",
        "Guyana": "GUY",
        "Mauritius": "MUS",
        "Albania": "ALB",
        "Nicaragua": "NIC",
        "Madagascar": "MDG",
        "United Kingdom": "GBR",
        "UK": "GBR",
        "Kenya": "KEN",
        "Uganda": "UGA",
        "India": "IND",
        "Pakistan": "PAK",
        "Bahrain": "BHR",
        "Palestine": "PSE",
        "United States": "USA",
        "Colombia": "COL",
        "Egypt": "EGY",
        "Cambodia": "KHM",
    }
)


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("list the years 2001 to 2012 in which its speech addressed this", (2001, 2012, "2001–2012")),
        ("libya's conflict and transition, 2011 to 2020 - general debate years for each", (2011, 2020, "2011–2020")),
        ("In the period 1990 to 1995, how did it talk about debt?", (1990, 1995, "1990–1995")),
        ("from 1975 until Zimbabwe's independence in 1980, which speeches", (1975, 1980, "1975–1980")),
    ],
)
def test_a_bare_year_to_year_is_a_period_where_it_stands_as_one(question: str, period: tuple) -> None:
    assert read_period(question) == period


@pytest.mark.parametrize(
    "question",
    [
        "What were Malta's 2015 to 2030 targets for renewables?",
        "What did Chile say about the Pinochet years, 1973 to 1990, in its 1990 speech?",
        "When did Kenya first mention the Sendai Framework 2015 to 2030; was it before 2015?",
    ],
)
def test_a_bare_year_to_year_inside_a_phrase_opens_no_period(question: str) -> None:
    assert read_period(question)[0] is None


def test_years_named_in_a_question_about_one_speech_make_no_timeline() -> None:
    assert read_timeline("What did Cambodia say about the Khmer Rouge years 1975 to 1979 in 1998?", COUNTRIES) is None


def test_the_event_that_closes_a_period_stays_in_the_topic() -> None:
    ask = read_timeline("How did Egypt's statements talk about the war, from 1990 to the end of the war in 1991?", COUNTRIES)
    assert ask is not None and (ask.first_year, ask.last_year) == (1990, 1991)
    assert "end" in ask.topic.split()


@pytest.mark.parametrize(
    ("question", "columns", "in_topic"),
    [
        (
            "compare malta and portugal on libya's conflict and transition, 2011 to 2020 - general debate years for each",
            ["malta", "portugal"],
            "libya",
        ),
        (
            "Bangladesh vs Portugal, 1980-1989, on the Soviet troops in Afghanistan: list each country's general debate "
            "speeches that bring the matter up.",
            ["Bangladesh", "Portugal"],
            "Afghanistan",
        ),
    ],
)
def test_the_countries_compared_are_the_columns_and_a_country_they_speak_on_is_the_topic(
    question: str, columns: list[str], in_topic: str
) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.kind == "compare"
    assert [c.label for c in ask.columns] == columns
    assert in_topic in ask.topic.split()
    assert "country" not in ask.topic.split()  # "each country's": who, not what


def test_speeches_of_one_country_and_of_another_are_two_columns() -> None:
    ask = read_timeline(
        "For a paper on Rhodesia: from 1975 until Zimbabwe's independence in 1980, which general debate speeches of "
        "Guyana and of Mauritius took up the Rhodesian question? Years per country, please.",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "compare"
    assert [c.label for c in ask.columns] == ["Guyana", "Mauritius"]
    assert (ask.first_year, ask.last_year) == (1975, 1980)
    assert "Guyana" not in ask.topic and "Rhodesian" in ask.topic


def test_how_each_treated_a_question_is_a_comparison() -> None:
    ask = read_timeline(
        "How did Albania and Nicaragua each treat the Cyprus question in the general debate between 1974 and 1979? "
        "I need the years for both.",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "compare"
    assert ask.topic == "Cyprus question"
    assert [c.label for c in ask.columns] == ["Albania", "Nicaragua"]


def test_commenting_on_something_is_saying_it() -> None:
    ask = read_timeline(
        "Mauritius on the political crises in neighbouring Madagascar, 2000-2015: in which years of the general debate "
        "did it comment on them?",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "timeline"
    assert [c.label for c in ask.columns] == ["Mauritius"]
    assert ask.topic == "political crises neighbouring Madagascar"
    # a comment as a thing said, not a verb with "on", makes no timeline
    assert read_timeline("What comment did Malta make on the 2004 report?", COUNTRIES) is None


def test_the_askers_research_and_putting_it_forward_are_no_topic() -> None:
    ask = read_timeline(
        "I'm looking into Malta's idea of a universal declaration of human responsibilities. Could you find the first "
        "General Assembly address where Malta put it forward, and any later ones that come back to it?",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "first_mention"
    assert ask.topic == "universal declaration human responsibilities"


def test_a_name_or_adjective_heading_its_speeches_is_the_speaker() -> None:
    uk = read_timeline(
        "Vietnamese boat people, 1979 to 1991 - which UK general debate speeches dealt with the exodus from Viet Nam?",
        COUNTRIES,
    )
    assert uk is not None and [c.label for c in uk.columns] == ["UK"] and "UK" not in uk.topic
    malagasy = read_timeline("Cyclones - which Malagasy general debate speeches from 2000 to 2020 talk about them?", COUNTRIES)
    assert malagasy is not None and [c.label for c in malagasy.columns] == ["Madagascar"]
    assert "Malagasy" not in malagasy.topic


def test_speeches_that_deal_with_it_leave_the_verb() -> None:
    ask = read_timeline(
        "Afghanistan on opium poppy and the drug trade: which of its general debate speeches between 2002 and 2011 deal with it?",
        COUNTRIES,
    )
    assert ask is not None and ask.topic == "opium poppy drug trade"


@pytest.mark.parametrize(
    ("question", "countries"),
    [
        # what governments or leaders did is about them, not said by them
        ("Which countries urged the governments of India and Pakistan to show restraint in 1998?", ()),
        ("Which countries condemned the crackdown by the Bahraini government in 2011?", ()),
        # another country's statements are the object
        ("Which Palestine statements did the United States criticise in 2012?", ("USA",)),
        ("Which UK speeches mention Palestine?", ("GBR",)),
    ],
)
def test_only_the_country_that_speaks_filters_an_ordinary_question(question: str, countries: tuple[str, ...]) -> None:
    assert interpret(question, countries=COUNTRIES).filters.countries == countries


def test_each_handling_something_is_no_comparison() -> None:
    assert read_timeline("Did Kenya and Uganda each handle over a million refugees in 2017?", COUNTRIES) is None


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("How did Colombia talk about the peace deal with them since 2016?", "deal"),
        ("How has Kenya talked about the General Comment on the right to water since 2002?", "Comment"),
    ],
)
def test_a_deal_or_a_comment_as_a_thing_stays_in_the_topic(question: str, kept: str) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and kept in ask.topic.split()


def test_each_statement_listed_over_a_period_is_a_timeline() -> None:
    ask = read_timeline(
        "Kindly list, for the period 1988-2007, each general debate statement of Cambodia dealing with its campaign "
        "against narcotic drugs.",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "timeline"
    assert [c.label for c in ask.columns] == ["Cambodia"] and (ask.first_year, ask.last_year) == (1988, 2007)
    assert ask.topic == "campaign against narcotic drugs"  # not "Kindly", "the period", "dealing"


def test_a_formal_request_and_a_study_are_no_topic() -> None:
    formal = read_timeline(
        "We require the first general debate statement in which Guyana referred to its candidacy for the Security "
        "Council, together with all subsequent statements that do so.",
        COUNTRIES,
    )
    assert formal is not None and formal.kind == "first_mention"
    assert formal.topic == "candidacy Security Council"
    study = read_timeline(
        "For a study of regional bodies: in which of Kenya's general debate statements from 1993 to 2006 does IGAD come up?",
        COUNTRIES,
    )
    assert study is not None and "study" not in study.topic.split()


def test_first_championing_is_a_first_mention() -> None:
    ask = read_timeline(
        "Can you tell me when Kenya first championed the middle-income countries as a group in the general debate, "
        "and which of its later speeches did so again?",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "first_mention"


def test_the_years_asked_for_may_have_the_period_between() -> None:
    ask = read_timeline(
        "Give me the years, 1958-1973, in which the United States' General Assembly speech dealt with Berlin.", COUNTRIES
    )
    assert ask is not None and ask.kind == "timeline"
    assert [c.label for c in ask.columns] == ["United States"] and (ask.first_year, ask.last_year) == (1958, 1973)
    assert ask.topic == "Berlin"


def test_a_period_may_end_at_an_event_named_by_its_year() -> None:
    assert read_period("from the unilateral declaration of independence in 1965 to the 1979 negotiations: list")[:2] == (
        1965,
        1979,
    )


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # a purpose in common words is no topic when the question names one of its own
        (
            "For a briefing on arms control diplomacy: in which year did the UK first call for an arms trade treaty in "
            "its general debate speech?",
            "arms trade treaty",
        ),
        # a purpose that names something may be the topic itself
        (
            "For a paper on migration through the Darién Gap: since 2010, which of Colombia's speeches mention the "
            "flows of migrants crossing its territory?",
            "migration Darién Gap flows migrants crossing territory",
        ),
    ],
)
def test_the_askers_purpose_before_a_colon(question: str, topic: str) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.topic == topic
