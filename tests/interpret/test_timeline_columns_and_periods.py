"""Who speaks and when, in the ways the thirty-third and thirty-fourth timeline parts asked (read after their run)."""

from __future__ import annotations

import pytest

from assistant.interpret.countries import CountryNames
from assistant.interpret.periods import read_period
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
    }
)


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("list the years 2001 to 2012 in which its speech addressed this", (2001, 2012, "2001–2012")),
        ("libya's conflict and transition, 2011 to 2020 - general debate years for each", (2011, 2020, "2011–2020")),
        ("Angola's statements on UNITA, 1993 through 2002, please", (1993, 2002, "1993–2002")),
        ("from 1975 until Zimbabwe's independence in 1980, which speeches", (1975, 1980, "1975–1980")),
    ],
)
def test_a_bare_year_to_year_is_a_period_where_it_stands_as_one(question: str, period: tuple) -> None:
    assert read_period(question) == period


def test_a_bare_year_to_year_inside_a_phrase_opens_no_period() -> None:
    assert read_period("What were Malta's 2015 to 2030 targets for renewables?")[0] is None


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
