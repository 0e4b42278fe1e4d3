"""Reading questions about time and whole documents: kinds, periods, speakers side by side, topics."""

from __future__ import annotations

import pytest

from assistant.interpret.countries import CountryNames
from assistant.interpret.periods import read_period
from assistant.interpret.summaries import read_summary
from assistant.interpret.timeline import read_timeline, topic_of
from assistant.models import DocumentMeta

COUNTRIES = CountryNames(
    {
        "France": "FRA",
        "Mexico": "MEX",
        "Brazil": "BRA",
        "Japan": "JPN",
        "North Korea": "PRK",
        "United Kingdom": "GBR",
        "Ireland": "IRL",
        "South Africa": "ZAF",
        "Micronesia": "FSM",
    }
)


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("How has it changed between 1990 and 2010?", (1990, 2010, "1990–2010")),
        ("What did they say from 2015 to 2020?", (2015, 2020, "2015–2020")),
        ("in its first ten years at the UN (1992-2001)", (1992, 2001, "1992–2001")),
        ("How has the position on the veto evolved since 2013?", (2013, None, "since 2013")),
        ("What did it say in the 1970s?", (1970, 1979, "1970–1979")),
        ("in the early 1980s", (1980, 1983, "1980–1983")),
        ("from the mid-1980s up to 2013", (1984, 2013, "1984–2013")),
        ("and how did it pursue the claim up to 1993?", (None, 1993, "up to 1993")),
        ("over the years", (None, None, "")),
        ("From 1984 to the end of the decade, in which years did it invoke the case?", (1984, 1989, "1984–1989")),
        ("Going back to 1972, in which speeches did it mention the earthquake?", (1972, None, "since 1972")),
        ("As far back as 1985, which years?", (1985, None, "since 1985")),
    ],
)
def test_the_period_is_read_from_the_question(question: str, period: tuple[int | None, int | None, str]) -> None:
    assert read_period(question) == period


def test_a_change_question_is_a_timeline_with_its_period_and_topic() -> None:
    ask = read_timeline("How has the Secretary-General's position on the veto evolved since 2013?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline"
    assert (ask.first_year, ask.last_year) == (2013, None)
    assert ask.topic == "veto"  # neither the speaker nor the words that only say "over time"
    assert [c.label for c in ask.columns] == [""]  # the Secretary-General: no country column


def test_first_mention_and_its_open_start() -> None:
    ask = read_timeline(
        "When did Japan first bring up North Korea's abductions, and how did it talk about them up to 2012?", COUNTRIES
    )
    assert ask is not None and ask.kind == "first_mention"
    assert (ask.first_year, ask.last_year) == (None, 2012)
    assert [c.filters.countries for c in ask.columns] == [("JPN",)]  # North Korea is the topic, not a speaker
    assert "abductions" in ask.topic and "Japan" not in ask.topic
    decade = read_timeline(
        "When did Brazil first warn about the Amazon, and how did it keep raising it through the 1990s?", COUNTRIES
    )
    assert decade is not None and (decade.first_year, decade.last_year) == (None, 1999)  # the first mention may be earlier


def test_a_period_over_the_years_in_other_words() -> None:
    walk = read_timeline("could you walk me through what Mexico told the General Assembly about migrants, 1990-2010", COUNTRIES)
    assert walk is not None and walk.kind == "timeline" and walk.topic == "migrants"
    assert (walk.first_year, walk.last_year) == (1990, 2010)
    later = read_timeline("How was the Amazon described in later Brazil speeches (2000 to 2010)", COUNTRIES)
    assert later is not None and later.kind == "timeline" and (later.first_year, later.last_year) == (2000, 2010)


def test_the_general_assembly_is_the_setting_or_the_topic() -> None:
    setting = read_timeline(
        "How did Brazil warn the General Assembly about the Amazon in its General Assembly speeches since 1990?", COUNTRIES
    )
    assert setting is not None and setting.topic == "Amazon"
    topic = read_timeline("What has the Secretary-General said about the General Assembly over the years?", COUNTRIES)
    assert topic is not None and topic.topic == "General Assembly"
    role = read_timeline("How has France described the role of the General Assembly over the years?", COUNTRIES)
    assert role is not None and role.topic == "role General Assembly"


def test_a_first_in_a_question_about_one_statement_is_no_first_mention() -> None:
    assert read_timeline("When, in its 2004 speech, did Brazil's president first visit the UN?", COUNTRIES) is None
    assert (
        read_timeline("In what year, according to Brazil's 1954 address, was the first conference first held?", COUNTRIES) is None
    )
    assert read_timeline("How far back does the flag go, as France told the Assembly in 1964?", COUNTRIES) is None


def test_a_decade_in_words_and_the_assembly_as_the_setting() -> None:
    ask = read_timeline(
        "How did Mexico's position on debt evolve in its statements to the Assembly over the eighties?", COUNTRIES
    )
    assert ask is not None and (ask.first_year, ask.last_year) == (1980, 1989) and ask.topic == "debt"
    late = read_timeline("How did France's view of the Sahel change in the late nineties?", COUNTRIES)
    assert late is not None and (late.first_year, late.last_year) == (1997, 1999)


def test_the_speaker_inside_a_longer_place_name_stays_in_the_topic() -> None:
    ask = read_timeline("Trace how Ireland reported on the Northern Ireland peace process since 1998.", COUNTRIES)
    assert ask is not None and [c.filters.countries for c in ask.columns] == [("IRL",)]
    assert ask.topic == "Northern Ireland peace process"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("When was the veto first discussed by France, and what did it say later?", "veto"),
        ("Has Japan ever cited the Kyoto Protocol, and when was that first done?", "Kyoto Protocol"),
        ("In which year did Brazil start mentioning the Amazon?", "Amazon"),
        ("When was early warning first brought up in the Secretary-General's statements?", "early warning"),
        ("Since when has Mexico talked about migrants at the General Assembly?", "migrants"),
        ("When do France's speeches first name the Sahel?", "Sahel"),
        ("Brazil and the Amazon fund - how far back does that go in its UN speeches?", "Amazon fund"),
        ("First year Japan raised whaling in the General Debate? Please cover everything up to 2010.", "whaling"),
        ("I need the year France first spoke about the Sahel in its GA statements, plus any later references.", "Sahel"),
        ("the veto in France's statements: first time it appears, and later mentions?", "veto"),
        ("Mexico and drug trafficking in its speeches: what year did it begin?", "drug trafficking"),
        ("Hurricane Gilbert: which year did Mexico initially bring it up at the UN?", "Hurricane Gilbert"),
        ("When was the Kyoto Protocol originally raised by Japan?", "Kyoto Protocol"),
        ("How far back do France's references to the Sahel go?", "Sahel"),
        (
            "I'm preparing a note on Japan and whaling. When did Japan first mention it, and its record of references since?",
            "whaling",
        ),
        ("japan osaka expo 2025 first mentioned in ga when", "osaka expo"),
        ("When did Japan first complain at the UN about whaling bans?", "whaling bans"),
        ("Which was the first statement in which Brazil talked about the Amazon fund?", "Amazon fund"),
        ("From which year did France's speeches talk about the Sahel, and until when?", "Sahel"),
        ("When did Mexico first bring the 1985 earthquake up at the UN?", "earthquake"),  # the year of an event
        ("The summit was held in Rio in 1992. From which year did Brazil's speeches talk about it?", "summit held Rio"),
        ("human rights up front: when was it first mentioned?", "human rights up front"),
        ("Which was the first statement in which Brazil called for an Amazon fund?", "Amazon fund"),  # how it was said
        ("When did France start denouncing the arms trade?", "arms trade"),
        ("When did France first raise early warning?", "early warning"),
        ("When did Mexico first bring the drug-trafficking problem before the General Assembly?", "drug trafficking problem"),
        # how it was said or how often, not what: the words leave the topic
        ("When did Japan first raise whaling, and how often did it mention it again?", "whaling"),
        ("When did Brazil first put forward the idea of an Amazon fund?", "Amazon fund"),
        ("When did France first announce it wanted a seat on the Human Rights Council?", "seat Human Rights Council"),
        ("For a briefing on the Sahel: when did France first raise it?", "Sahel"),
        # after the eleventh part: "the first year in which", "first protest", "at what session"
        ("What is the first year in which Japan told the Assembly about whaling bans?", "whaling bans"),
        ("When did Brazil first protest against deforestation quotas at the UN?", "against deforestation quotas"),
        ("At what session did France first bring up the Sahel?", "Sahel"),
    ],
)
def test_first_mentions_in_other_words(question: str, topic: str) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.kind == "first_mention"
    assert ask.topic == topic


def test_which_years_a_speaker_raised_something_is_a_timeline() -> None:
    ask = read_timeline("In which years between 2011 and 2020 did Mexico talk about least developed countries?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline"
    assert (ask.first_year, ask.last_year) == (2011, 2020)
    assert ask.topic == "least developed countries"  # "developed" stays in the topic after "least"


def test_a_comparison_has_one_column_per_speaker() -> None:
    ask = read_timeline("Compare what France and Mexico said about the veto.", COUNTRIES)
    assert ask is not None and ask.kind == "compare"
    assert [(c.label, c.filters.countries) for c in ask.columns] == [("France", ("FRA",)), ("Mexico", ("MEX",))]
    assert ask.topic == "veto"
    people = read_timeline("Compare how Ban Ki-moon and António Guterres described the Security Council's role.", COUNTRIES)
    assert people is not None and [c.filters.secretaries_general for c in people.columns] == [
        ("Ban Ki-moon",),
        ("António Guterres",),
    ]


@pytest.mark.parametrize(
    "question",
    [
        "What did Brazil say about the Amazon in 2005?",
        "Which two countries led a joint initiative on restraint in the use of the veto?",
        "What is the responsibility to protect?",
        "Summarize the 2016 report",
        "What did the first hundred days of the new administration achieve?",
        "When was the first peacekeeping mission deployed?",
        "What was the first year in office of the new Secretary-General?",
        "What happened in the first year of the session?",
        # "protest" and "object" as nouns, or a protest not made at the UN
        "When was the first object placed in orbit?",
        "When was the first protest against apartheid at the UN?",
        "When did the students first protest in Soweto?",
        "When did people first protest against nuclear testing?",
        "When was the UN first established?",
        "When was the Paris Agreement first signed?",
        "When was Japan first elected to the Security Council?",
        "When did France first test a nuclear weapon?",
        "When did Brazil first host the Olympics?",
        "Since when has Malta been a member of the UN?",
        "When was the first United Nations conference on the environment held?",
        "Since when, according to its 2015 speech, has Mexico welcomed refugees?",
        "Addressing the session for the first time, what did Brazil's president say?",
        "What is on the record of the 2013 meeting?",
        "In which years did coordinated prevention avert atrocities in Guinea and Kenya?",
        "What happened in the first year of the Vietnam war?",
        "What did the Secretary-General say in his first year in office?",
        "What year did the Decade of Action begin?",
        "In what year did the Secretary-General begin his second term?",
        "Which was the earliest of the three conferences on small island States?",
        "How far back does the drought in the Sahel go?",
        "Walk me through the Secretary-General's proposals for Security Council reform.",
        "How did the report describe the 2018 to 2021 strategic plan?",
        # nouns are not verbs of speaking: appeals, protests, talks, Namibia, cities
        "What year did the flash appeal for Yemen start?",
        "How far back do the protests in Iran go?",
        "Since when have farmers protested in India?",
        "In which years were peace talks held in Geneva on Syria?",
        "In which years did Namibia hold elections?",
        "In which years did cities host the World Urban Forum?",
        "Which years did Nepal not attend the General Debate?",
        # "originally" with a name or a proposal, not a raising verb in a question about when
        "What was the UN originally called?",
        "What was the initially proposed budget for the mission?",
        "When was the Sustainable Development Goals agenda originally announced?",
        # an event's start
        "When did the 2014 Ebola outbreak start?",
        "When did the Syrian civil war begin?",
        # a year that dates one statement, in the part that asks
        "Did Japan ever mention climate change in 2019?",
        "Did France ever speak about Mali during 2013?",
        "Has France ever raised the Sahel at the 2015 General Debate?",
        "When did the Secretary-General first mention cyber threats in the 2016 report?",
        "In the 2019 session, when did Japan first raise plastic pollution?",
        "What was the first statement that the new Secretary-General made?",
        "From which year do we have General Debate statements?",
    ],
)
def test_an_ordinary_question_is_not_a_timeline(question: str) -> None:
    assert read_timeline(question, COUNTRIES) is None


def test_summary_questions_and_their_focus() -> None:
    recommendations = read_summary("Summarize the 2016 report's recommendations")
    assert recommendations is not None and recommendations.focus == "recommendations"
    main = read_summary("What are the main points of the 2015 message?")
    assert main is not None and main.focus == ""
    assert read_summary("Which country raised the veto?") is None


@pytest.mark.parametrize(
    "question",
    [
        "How many Security Council resolutions has the protection of populations from atrocity crimes informed since 2005?",
        "What has happened to the Special Adviser's office since 2013?",
    ],
)
def test_a_fact_since_a_year_is_not_a_timeline(question: str) -> None:
    assert read_timeline(question, COUNTRIES) is None


def test_what_a_country_has_said_since_a_year_is_a_timeline() -> None:
    ask = read_timeline("What has Brazil said about the Amazon in the General Debate since 1990?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (1990, None)
    assert [c.filters.countries for c in ask.columns] == [("BRA",)] and ask.topic == "Amazon"


def test_a_country_spoken_about_is_the_topic_not_the_speaker() -> None:
    question = read_timeline("Trace how the question of Mexico was raised from 1970 to 2000.", COUNTRIES)
    assert question is not None and [c.label for c in question.columns] == [""] and question.topic == "question Mexico"
    war = read_timeline("How did the war in Japan come up in the speeches through the 1940s?", COUNTRIES)
    assert war is not None and [c.label for c in war.columns] == [""]
    alone = read_timeline("When did Brazil first mention the Amazon?", COUNTRIES)  # named alone and speaking
    assert alone is not None and [c.label for c in alone.columns] == ["Brazil"]


def test_its_speeches_are_those_of_the_country_the_question_opens_with() -> None:
    ask = read_timeline("Mexico took France to court in 1984. In which years did its speeches invoke the case?", COUNTRIES)
    assert ask is not None and [c.label for c in ask.columns] == ["Mexico"]


def test_the_tone_of_a_timeline_and_taking_a_dispute_to_the_assembly_leave_the_topic() -> None:
    ask = read_timeline("How did Mexico's tone on the drug war shift over the 1990s?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.topic == "drug war"
    ask = read_timeline(
        "Over the years, in which speeches did Ireland take its fishing dispute with the United Kingdom to the Assembly?",
        COUNTRIES,
    )
    assert ask is not None and ask.topic == "fishing dispute United Kingdom"
    assert [c.filters.countries for c in ask.columns] == [("IRL",)]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Since 1990, in which statements has Brazil promoted ethanol as a fuel?", "ethanol fuel"),
        (
            "When did Japan first raise the enemy State clauses, and ask for their deletion again later?",
            "enemy State clauses deletion",
        ),
        ("How has France long pressed for Council reform over the years?", "Council reform"),
        ("When did Mexico first put its world energy plan forward?", "world energy plan"),
        ("In which speeches did Brazil speak out against protectionism since 1990?", "against protectionism"),
        ("In which speeches has Brazil spoken out against protectionism since 1990?", "against protectionism"),
        ("How did Japan's line on Kashmir develop in its UNGA statements in the 1990s?", "Kashmir"),
        # "such", "back" and "starting": the asker's, never in the evidence of the read parts that held them (5-6 times)
        ("When did Japan first raise such negotiations under UN auspices?", "negotiations under auspices"),
        ("Which speeches of Mexico mention the earthquake, and which statements refer back to it?", "earthquake"),
        ("In which speeches did Brazil mention the Amazon Fund, starting with the first?", "Amazon Fund"),
    ],
)
def test_the_askers_verbs_of_advocacy_leave_the_topic(question: str, topic: str) -> None:
    """Words the read parts' topics held and their gold evidence never did: "promoted", "asked", "has long", "UNGA"."""
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.topic == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How has Brazil spoken about the promotion of human rights over the years?", "promotion human rights"),
        ("Since 1990, in which statements has France, which has long-range missiles, spoken of them?", "long range missiles"),
        ("How has Brazil spoken about Russian-backed separatists over the years?", "Russian backed separatists"),
        ("How did Japan speak about the backed-up shipments over the years?", "backed up shipments"),
        ("How has Mexico spoken about pressing needs over the years?", "pressing needs"),
        ("How has France spoken about revitalizing the UNGA over the years?", "revitalizing UNGA"),
        ("When did Mexico first put a forward-looking agenda on trade?", "put forward looking agenda trade"),
        ("How has France spoken about its back-to-work programmes over the years?", "back work programmes"),
    ],
)
def test_a_noun_a_joined_word_or_an_object_of_advocacy_stays_in_the_topic(question: str, topic: str) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.topic == topic


def test_words_that_leave_a_topic_stay_inside_a_name() -> None:
    ask = read_timeline("How has France's position on hostage-taking changed since 1990?", COUNTRIES)
    assert ask is not None and ask.topic == "hostage taking"
    ask = read_timeline("When did France first raise hostage taking?", COUNTRIES)
    assert ask is not None and ask.topic == "hostage taking"
    ask = read_timeline("When did France first raise the genocide that took place in Rwanda?", COUNTRIES)
    assert ask is not None and ask.topic == "genocide took place Rwanda"
    ask = read_timeline("When did Brazil first speak of freedom from want?", COUNTRIES)
    assert ask is not None and ask.topic == "freedom want"  # "wanted" leaves a topic, "want" does not


def test_a_lower_case_question_with_an_acronym_still_names_its_speaker() -> None:
    ask = read_timeline("how did mexico talk about drug trafficking at the UN during the 1990s", COUNTRIES)
    assert ask is not None and ask.kind == "timeline"
    assert [c.filters.countries for c in ask.columns] == [("MEX",)]
    assert (ask.topic, ask.first_year, ask.last_year) == ("drug trafficking", 1990, 1999)


def test_countries_opening_a_question_before_on_are_its_speakers() -> None:
    ask = read_timeline(
        "France and Mexico on the war in Brazil, 1990-2000: what did each of them say, and in which years?", COUNTRIES
    )
    assert ask is not None and ask.kind == "compare"
    assert [c.filters.countries for c in ask.columns] == [("FRA",), ("MEX",)]
    assert ask.topic == "war Brazil"
    ask = read_timeline("Japan and North Korea on the abductions, 2002 to 2010: how did each side present them?", COUNTRIES)
    assert ask is not None and (ask.first_year, ask.last_year) == (2002, 2010)
    assert [c.filters.countries for c in ask.columns] == [("JPN",), ("PRK",)]  # side by side
    assert ask.topic == "abductions"
    assert read_timeline("What did each side say in the talks between France and Mexico?", COUNTRIES) is None


def test_possessive_speakers_side_by_side_and_a_country_they_speak_of() -> None:
    ask = read_timeline("Compare France's and Mexico's statements on Brazil's debt in the second half of the 1980s.", COUNTRIES)
    assert ask is not None and ask.kind == "compare"
    assert [c.filters.countries for c in ask.columns] == [("FRA",), ("MEX",)]
    assert (ask.topic, ask.first_year, ask.last_year) == ("Brazil debt", 1985, 1989)
    assert read_period("in the first half of the 1990s") == (1990, 1994, "1990–1994")


def test_how_a_message_changed_and_the_evolution_shown_are_timelines() -> None:
    ask = read_timeline(
        "Between 2003 and 2012, what did Mexico say about Brazil's debt, and how did its message change?", COUNTRIES
    )
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (2003, 2012)
    assert [c.filters.countries for c in ask.columns] == [("MEX",)]
    ask = read_timeline("What did France say about the Sahel during the nineties? Show the evolution.", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.topic == "Sahel" and (ask.first_year, ask.last_year) == (1990, 1999)


def test_a_statement_word_ending_a_name_stays_in_the_topic() -> None:
    ask = read_timeline("In what year did Japan start referring to the Hiroshima Message in its speeches?", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "Hiroshima Message"
    ask = read_timeline("When did France first cite the Brundtland Report in its statements?", COUNTRIES)
    assert ask is not None and ask.topic == "Brundtland Report"
    # not after a possessive, a generic word or a word that only says which one
    assert topic_of("When was the Secretary-General's Message on World AIDS Day first cited?", []) == "World AIDS Day"
    assert topic_of("When did they first cite the UN Report on drug trafficking?", []) == "drug trafficking"
    assert topic_of("When did they first cite the Annual Report on drug trafficking?", []) == "Annual drug trafficking"
    ask = read_timeline("When did Japan first mention whaling in its statements?", COUNTRIES)
    assert ask is not None and ask.topic == "whaling"


def test_a_message_changes_only_as_its_owners_and_climate_change_keeps_its_change() -> None:
    assert read_timeline("How did the message of the Charter change the world?", COUNTRIES) is None
    ask = read_timeline("How has Japan's position on climate change changed since 1990?", COUNTRIES)
    assert ask is not None and ask.topic == "climate change" and ask.first_year == 1990
    ask = read_timeline("From 1984 to the end of that decade, how did Mexico talk about the debt crisis?", COUNTRIES)
    assert ask is not None and ask.topic == "debt crisis" and (ask.first_year, ask.last_year) == (1984, 1989)


def test_what_a_speaker_said_over_a_period_of_years_is_a_timeline() -> None:
    ask = read_timeline("What did Mexico say in the General Debate between 2000 and 2013 about migrants?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (2000, 2013)
    assert ask.topic == "migrants"
    assert read_timeline("What did Mexico say about migrants in 2013?", COUNTRIES) is None  # one statement


def test_a_sentence_of_context_before_the_question_is_not_the_topic() -> None:
    ask = read_timeline("Japan is an island nation. When did Japan first raise whaling in its speeches?", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "whaling"
    # ... unless the question points back to it, or names only what the context named more fully
    ask = read_timeline("Mexico hosted the Cancun summit in 1981. When did it first raise that summit at the UN?", COUNTRIES)
    assert ask is not None and ask.topic == "hosted Cancun summit summit"
    ask = read_timeline("I'm writing on France and the Sahel Alliance. When did France first mention the Alliance?", COUNTRIES)
    assert ask is not None and ask.topic == "Sahel Alliance Alliance"


def test_readings_the_tenth_part_showed() -> None:
    # a lower-case question has sentences too, and "the earliest year" with a verb of speaking is a first mention
    ask = read_timeline(
        "japan set up a whaling commission back in 1992. what is the earliest year its speech mentions whaling bans?", COUNTRIES
    )
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "whaling bans"
    # "how did its complaints … develop": an owner's complaints over a period; "its" is the country named first
    ask = read_timeline(
        "mexico tariffs imposed by france - how did its complaints about them develop between 2004 and 2013", COUNTRIES
    )
    assert ask is not None and ask.kind == "timeline" and [c.filters.countries for c in ask.columns] == [("MEX",)]
    # "development" is a topic word; "list", "give", "outline", "i.e." and "every" are not
    ask = read_timeline("What did France say about official development assistance from 1995 through 2005?", COUNTRIES)
    assert ask is not None and ask.topic == "official development assistance"
    ask = read_timeline("When did Japan first raise whaling bans? Please list each year and give every later one.", COUNTRIES)
    assert ask is not None and ask.topic == "whaling bans"


def test_readings_the_eleventh_part_showed() -> None:
    # "the river" after a sentence naming it: the river the context names
    ask = read_timeline(
        "The Seine flows through France's capital. At what session did France first bring up the river?", COUNTRIES
    )
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "Seine river"
    # a country the question speaks of stays in the topic, the speaker does not
    ask = read_timeline(
        "When did Mexico first protest in the Assembly against the United Kingdom's embargo? In which later years?", COUNTRIES
    )
    assert ask is not None and ask.kind == "first_mention" and [c.filters.countries for c in ask.columns] == [("MEX",)]
    assert "United Kingdom" in ask.topic
    # the name is the context's subject only: not the asker's own context, nor the speaker
    ask = read_timeline("I work at Oxfam. When did France first mention the ocean?", COUNTRIES)
    assert ask is not None and ask.topic == "ocean"
    ask = read_timeline(
        "The Thames flows through the United Kingdom. When did the United Kingdom first bring up the river?", COUNTRIES
    )
    assert ask is not None and ask.topic == "Thames river"
    # only the verb after "first" leaves the topic: protests spoken of stay
    ask = read_timeline("When did France first mention student protests?", COUNTRIES)
    assert ask is not None and ask.topic == "student protests"


def test_readings_the_twelfth_part_showed() -> None:
    # "from which speech did X start championing", "first present itself as"
    ask = read_timeline("From which general debate speech did Brazil start championing the Amazon fund?", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "Amazon fund"
    ask = read_timeline(
        "In which statement did Japan first present itself as a whaling nation, and which repeated it?", COUNTRIES
    )
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "whaling nation"
    # "until that switch" dates the period; it does not point back to the context for the topic
    ask = read_timeline(
        "France left NATO's command in 1966. What did France say about Germany in its statements from 1960 until that switch?",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "timeline" and "NATO" not in ask.topic and ask.first_year == 1960
    # a country as the whole topic is a topic of its own, though the context names it too
    ask = read_timeline(
        "Brazil sent troops to Haiti in 2004. How did its position on Mexico evolve in its statements from 2002 to 2007?",
        COUNTRIES,
    )
    assert ask is not None and ask.topic == "Mexico" and [c.label for c in ask.columns] == ["Brazil"]
    # "how did each of them raise …" compares the countries the context names
    ask = read_timeline(
        "France and Japan both host large fleets. During the 2010s, how did each of them raise fishing quotas?", COUNTRIES
    )
    assert ask is not None and ask.kind == "compare" and [c.label for c in ask.columns] == ["France", "Japan"]


def test_readings_the_thirteenth_part_showed() -> None:
    # a year opens the period and a part of a decade closes it
    assert read_period("How did Mali describe the drought, from 1973 to the mid-1980s?")[:2] == (1973, 1986)
    # a period that only ends, with statements in the plural, is a timeline; a target year is not a period
    ask = read_timeline("Up to 2002, how did Japan's statements address North Korea's nuclear programme?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (None, 2002)
    assert read_timeline("What did Brazil's statement promise to achieve by 2030?", COUNTRIES) is None
    # a phrase the context holds whole is the topic; "too" and "side by side" are not
    ask = read_timeline("Japan made 'green growth' a strategy. In what year did Japan first present green growth?", COUNTRIES)
    assert ask is not None and ask.topic == "green growth"
    ask = read_timeline("when did france first bring up the belt and road initiative? list the later years too", COUNTRIES)
    assert ask is not None and ask.topic == "belt road initiative"


def test_readings_the_fourteenth_part_showed() -> None:
    # a country's name of several words, typed in lower case among capitals, is the speaker ("has … been calling")
    ask = read_timeline("since when has south africa been calling at the UN for an end to the US embargo on Cuba?", COUNTRIES)
    assert ask is not None and [c.label for c in ask.columns] == ["south africa"] and ask.topic == "end US embargo Cuba"
    # "it", pointing back to a phrase the context quotes, is that phrase, when the asking sentence names no topic
    for context in ("Japan called its aid policy 'human security'.", 'Japan called its aid policy "human security."'):
        ask = read_timeline(f"{context} From 1998 to 2008, how did Japan's statements promote it?", COUNTRIES)
        assert ask is not None and ask.kind == "timeline" and ask.topic == "human security"
    ask = read_timeline(
        'Brazil calls it "a silent tsunami". How did Brazil talk about food prices from 2006 to 2008, and what caused it?',
        COUNTRIES,
    )
    assert ask is not None and ask.topic == "food prices caused"
    # "how did X press (push, lobby …) for …" over a period of years is a timeline; "press for", "up to now" are not the
    # topic; "freedom of the press" keeps its press
    ask = read_timeline("In the 1980s and 1990s, how did Mexico press for debt relief?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.topic == "debt relief" and ask.first_year == 1980
    ask = read_timeline("How has Mexico been pushing for debt relief since 1982?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.topic == "debt relief"
    ask = read_timeline("How has France talked about freedom of the press in Africa since 1995?", COUNTRIES)
    assert ask is not None and ask.topic == "freedom press Africa"
    ask = read_timeline(
        "Trace the Brazil Amazon Fund in Brazil's speeches, from when it was first announced up to now.", COUNTRIES
    )
    assert ask is not None and ask.topic == "Amazon Fund"
    # a speaker's long name, as the index lists it, leaves the topic whole
    names = CountryNames(
        {"Micronesia (Federated States of)": "FSM", "Micronesia": "FSM", "Federated States of Micronesia": "FSM"}
    )
    ask = read_timeline(
        "Micronesia proposed a ban. When did the Federated States of Micronesia first speak about coral bleaching?", names
    )
    assert ask is not None and [c.filters.countries for c in ask.columns] == [("FSM",)] and ask.topic == "coral bleaching"


def test_readings_the_fifteenth_part_showed() -> None:
    # a verb of advocacy right after the speaker, in a question typed in lower case, and out of the topic
    ask = read_timeline("how did japan push the whaling moratorium review, 2010-2020?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.topic == "whaling moratorium review"
    # ... or after another name the speaker goes by
    ask = read_timeline("North Korea wants a treaty. In the 1990s, how did the DPRK argue for a peace treaty?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (1990, 1999)
    # a period from one dated event to another, and one that starts at an event and ends at a year
    ask = read_timeline(
        "From the Rio Summit in 1992 to the Paris conference in 2015, what did Brazil say about forests?", COUNTRIES
    )
    assert ask is not None and (ask.first_year, ask.last_year) == (1992, 2015) and ask.topic == "forests"
    ask = read_timeline("from independence up to 1995 - how did ireland raise partition in the general debate?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (None, 1995)
    assert ask.topic == "partition"


def test_readings_the_sixteenth_part_showed() -> None:
    # a verb of advocacy in the past ("has … pressed"), a reply ("how did X answer …"), a month beside a year
    ask = read_timeline("since the march 2012 vote, how has mexico pressed its claim in the general debate?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.first_year == 2012 and ask.topic == "vote claim"
    ask = read_timeline("From 1975 to 1980, how did France answer Japan's whaling in the general debate?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.topic == "Japan whaling"
    # "the rest of that decade" after a year of context; "dealt with" is how, not what
    ask = read_timeline(
        "In 1981 Japan proposed a fishing zone. Through the rest of that decade, how did Japan advance the idea?", COUNTRIES
    )
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (1981, 1989)
    ask = read_timeline("How have the statements of Ireland dealt with the peace process, over the years?", COUNTRIES)
    assert ask is not None and ask.topic == "peace process"
    ask = read_timeline("When did Brazil first mention the Amazon Cooperation Treaty? List the later years as well.", COUNTRIES)
    assert ask is not None and ask.topic == "Amazon Cooperation Treaty"


def test_readings_the_seventeenth_part_showed() -> None:
    # "first reference by X to …" is a first mention; "timeline of" is not the topic
    ask = read_timeline("first reference by mexico to the tlatelolco treaty in its speeches? later years too.", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "tlatelolco treaty"
    # "them", after a sentence of context, with one word of its own: the context says what "them" is
    ask = read_timeline(
        "japan took in boat people from viet nam. timeline of what japan said about resettling them in the 1980s", COUNTRIES
    )
    assert ask is not None and ask.kind == "timeline" and ask.topic == "took boat people viet nam resettling"
    # two speakers who "refer to" something over a period dated by events are side by side
    ask = read_timeline(
        "How did France and Mexico refer to the Rio conference, from the preparations in 1990 up to the meeting of June 1997?",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "compare" and (ask.first_year, ask.last_year) == (1990, 1997)
    assert [c.label for c in ask.columns] == ["France", "Mexico"] and ask.topic == "Rio conference"


def test_readings_the_nineteenth_part_showed() -> None:
    # "in which (of its) general debate speeches did X …" lists statements: a timeline
    ask = read_timeline("In which general debate speeches did Mexico point to its migrants, from its first speech on?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and [c.label for c in ask.columns] == ["Mexico"]
    assert ask.topic == "point migrants"
    ask = read_timeline("japan took in boat people. in which of its speeches does it talk about the boat people?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and ask.topic == "boat people"
    # "first general debate mention of it by X": a first mention, "it" the context's topic
    ask = read_timeline(
        "France hosted the COP21 talks. First general debate mention of it by France, and any later ones?", COUNTRIES
    )
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "hosted COP21"
    # a speaker's name of several words leaves the topic whole, not only its first word
    brunei = CountryNames({"Brunei": "BRN", "Brunei Darussalam": "BRN"})
    ask = read_timeline("When did Brunei Darussalam first mention the South China Sea?", brunei)
    assert ask is not None and [c.label for c in ask.columns] == ["Brunei Darussalam"] and ask.topic == "South China Sea"
    ask = read_timeline("Brunei has a plan, Wawasan 2035. First general debate mention of it by Brunei Darussalam?", brunei)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "plan Wawasan"


def test_readings_the_twentieth_part_showed() -> None:
    # "after" an event of a year: that year's debate may come after it; "after 2001" alone opens in 2002
    ask = read_timeline("After the 1973 coup in Chile, how did Mexico respond in its speeches up to 1978?", COUNTRIES)
    assert ask is not None and (ask.first_year, ask.last_year) == (1973, 1978)
    ask = read_timeline("How did Mexico talk about terrorism in its speeches after 2001?", COUNTRIES)
    assert ask is not None and ask.first_year == 2002
    # the asking sentence's period, not a context sentence's
    ask = read_timeline(
        "In 1996-1997 mutinies shook Mexico City. How did Mexico speak of them in its speeches between 1996 and 2000?",
        COUNTRIES,
    )
    assert ask is not None and (ask.first_year, ask.last_year) == (1996, 2000)
    # a first mention searches before the dates of the context: they date an event, not the search
    ask = read_timeline(
        "Brazil sat on the Security Council for 2010-2011. When did Brazil first speak of its bid for a Council seat?",
        COUNTRIES,
    )
    assert ask is not None and ask.kind == "first_mention" and (ask.first_year, ask.last_year) == (None, None)
    # first mentions without "the", and "the first general debate year it was named"
    ask = read_timeline("first general debate statement in which japan spoke of its whaling, and the later ones?", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "whaling"
    ask = read_timeline("mexico and the drug cartels: first general debate year it was named, and the later ones", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "drug cartels"


def test_a_scene_dates_an_event_but_a_request_or_a_scope_dates_the_search() -> None:
    # a sentence that scopes the search keeps its period, even before a first mention
    ask = read_timeline("I'm only interested in statements after 2000. When did France first mention cyber security?", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and (ask.first_year, ask.last_year) == (2001, None)
    ask = read_timeline("Find the first time Japan mentioned whaling after 1990. Quote the passage.", COUNTRIES)
    assert ask is not None and ask.kind == "first_mention" and ask.first_year == 1991
    # a request's verb and a closing sentence on the answer's form are not the topic ("find a solution" keeps "find")
    assert ask.topic == "whaling"
    ask = read_timeline("List when Mexico first spoke of how to find a solution for migrants. Include quotes.", COUNTRIES)
    assert ask is not None and ask.topic == "find solution migrants"
    # an abbreviation ends no sentence: the year is the question's
    saint = CountryNames({"St. Lucia": "LCA", "Saint Lucia": "LCA"})
    ask = read_timeline("Since 2000, when did St. Lucia first raise climate change?", saint)
    assert ask is not None and ask.first_year == 2000 and ask.topic == "climate change"
    # the scene opens the period, the question closes it
    ask = read_timeline("Since 2001, terrorism dominated the agenda. What did France say about it before 2010?", COUNTRIES)
    assert ask is not None and ask.kind == "timeline" and (ask.first_year, ask.last_year) == (2001, 2009)
    # "after" a year said in other words still opens the year after
    for question in (
        "After the year 2000, what did Mexico say about migration?",
        "How did Japan talk about trade after the end of 2000?",
    ):
        ask = read_timeline(question, COUNTRIES)
        assert ask is not None and ask.first_year == 2001, question
    # a year of one statement in the question, a period only in the scene: about that statement, no timeline
    assert (
        read_timeline(
            "Since 2015 the SDGs have guided policy. In its 2019 speech, when did Japan first mention SDG 14?", COUNTRIES
        )
        is None
    )


@pytest.mark.parametrize(
    "question",
    [
        "What did Brazil propose in its first speech in which Lula spoke?",  # one speech's content
        "What was the main topic of Japan's first speech where it spoke as a UN member?",
        "What was the first general debate year in which Japan spoke?",  # when it first took part
        "What was Mexico's first general debate year and what did it say?",
    ],
)
def test_one_first_speech_or_a_first_year_of_speaking_is_no_first_mention(question: str) -> None:
    assert read_timeline(question, COUNTRIES) is None


@pytest.mark.parametrize(
    "question",
    [
        "In which statement did the Secretary-General mention the veto?",  # one statement: an ordinary question
        "In which years did prevention avert atrocities?",  # when events happened, nothing said
        "Which sessions of the Assembly were held outside New York?",
    ],
)
def test_which_statement_or_which_years_alone_is_no_timeline(question: str) -> None:
    assert read_timeline(question, COUNTRIES) is None


def test_a_reply_a_month_and_the_rest_of_a_decade_read_only_where_they_date_or_speak() -> None:
    # a reply counts only after the speaker's own name: a body replying to a country is not that country speaking
    ask = read_timeline("How did Ireland reply to the United Kingdom between 1998 and 2002?", COUNTRIES)
    assert ask is not None and [c.label for c in ask.columns] == ["Ireland"] and ask.topic == "United Kingdom"
    assert read_timeline("How did the Security Council respond to Mexico between 1994 and 1996?", COUNTRIES) is None
    assert read_timeline("How did Mexico respond to it between 2008 and 2010?", COUNTRIES) is None
    # a month dating an event stays; "the deal with" is a noun
    ask = read_timeline("What did France say about the September 11, 2001 attacks in its statements since 2001?", COUNTRIES)
    assert ask is not None and ask.topic == "September 11 attacks" and ask.first_year == 2001
    ask = read_timeline("What did France say about the nuclear deal with Japan since 2015?", COUNTRIES)
    assert ask is not None and ask.topic == "nuclear deal Japan"
    # "the rest of the decade" in what was said is no period; an open period stays open
    assert read_timeline("What did Mexico say in 1990 about its goals for the rest of the decade?", COUNTRIES) is None
    ask = read_timeline("What has Brazil said about debt since 1985, looking ahead over the rest of the decade?", COUNTRIES)
    assert ask is not None and (ask.first_year, ask.last_year) == (1985, None)


@pytest.mark.parametrize(
    "question",
    [
        "How did the economy respond between 1990 and 2000?",
        "How did oil prices push inflation from 2000 to 2008?",
        "How did the UN's approach to peacekeeping differ between 1990 and 2000?",
        "How did the promotion of women in the Secretariat progress from 1990 to 2010?",
    ],
)
def test_how_something_fared_over_years_is_no_timeline(question: str) -> None:
    assert read_timeline(question, COUNTRIES) is None


@pytest.mark.parametrize(
    "question",
    [
        "Has Brazil been pushing back deforestation?",
        "Has Japan been pressing ahead with whaling?",
        "Has France been affected by drought?",
    ],
)
def test_a_country_doing_something_is_not_its_speaker(question: str) -> None:
    assert COUNTRIES.speakers(question) == []


# Former names, lower-case names among capitals, and a speaker named only in a sentence of context
FORMER = CountryNames.from_documents(
    [
        DocumentMeta(doc_id=f"ungdc/{code}", source="", extra={"country_code": code, "country": name})
        for code, name in [
            ("BLR", "Byelorussian Soviet Socialist Republic"),
            ("BLR", "Belarus"),
            ("RUS", "Union of Soviet Socialist Republics"),
            ("AUT", "Austria"),
            ("BOL", "Bolivia"),
            ("CHN", "China"),
            ("MLT", "Malta"),
            ("MUS", "Mauritius"),
            ("FRA", "France"),
            ("HTI", "Haiti"),
            ("ATG", "Antigua and Barbuda"),
            ("AGO", "Angola"),
            ("MOZ", "Mozambique"),
            ("GUY", "Guyana"),
            ("PRT", "Portugal"),
        ]
    ]
)


@pytest.mark.parametrize(
    ("question", "kind", "columns"),
    [
        # "X SSR" for "X Soviet Socialist Republic"; "Byelorussia" as staff write it
        ("Austria and the Byelorussian SSR on the events in Hungary: which speeches of each dealt with them?", "compare",
         [("AUT",), ("BLR",)]),
        ("When did Byelorussia first take up the treaty on the non-use of force?", "first_mention", [("BLR",)]),
        # a one-word name in lower case in a question with capitals, unless it is a common word
        ("bolivia - when did its speech first mention Mother Earth (Pachamama)?", "first_mention", [("BOL",)]),
        ("When did Austria first mention china exports to Europe?", "first_mention", [("AUT",)]),
        # the speaker of a sentence of context is not a column when the asking sentence names its own
        ("In 1976 the Soviet Union proposed a world treaty on the non-use of force. When did the Byelorussian SSR first "
         "mention that treaty?", "first_mention", [("BLR",)]),
        # ... but both stay when the asking sentence names both
        ("The Soviet Union proposed it in 1976. When did the Soviet Union and the Byelorussian SSR each first mention "
         "the treaty?", "first_mention", [("RUS",), ("BLR",)]),
        # "years in which", and "how often … list each year"
        ("since 2006 - years in which bolivia's general debate statement talked about the coca leaf?", "timeline",
         [("BOL",)]),
        ("How often in the 1960s did the Byelorussian SSR denounce West German revanchism? List each year.", "timeline",
         [("BLR",)]),
        # more ways to ask for a first mention, and "mention by X" names the speaker
        ("When did Haiti first ask for a multinational security support mission?", "first_mention", [("HTI",)]),
        ("malta and ageing: first general debate speech raising the question of the elderly, and later years",
         "first_mention", [("MLT",)]),
        ("Earliest reference by Mauritius, in a general debate statement, to the AGOA? Also any later references.",
         "first_mention", [("MUS",)]),
        # "years it came up"; a country in an aside in brackets is neither a speaker nor in the way of the one named
        ("since 2010: mauritius and its claim to tromelin (co-management with france etc.) - years it came up?",
         "timeline", [("MUS",)]),
        ("Guyana vs Portugal, 1966-1975: which speeches of each dealt with Portugal's African territories (Angola, "
         "Mozambique)?", "compare", [("GUY",), ("PRT",)]),
        # ... but a bracket that only names the country says whose it is
        ("Hurricane Luis (Antigua and Barbuda): which year did they initially bring it up in the General Debate?",
         "first_mention", [("ATG",)]),
    ],
)  # fmt: skip
def test_former_and_lower_case_names_and_context_speakers(question: str, kind: str, columns: list[tuple[str]]) -> None:
    ask = read_timeline(question, FORMER)
    assert ask is not None and ask.kind == kind
    assert [c.filters.countries for c in ask.columns] == columns


def test_how_often_alone_stays_a_quantity_and_general_debates_leave_the_topic() -> None:
    assert read_timeline("How often did the Byelorussian SSR denounce revanchism in the 1960s?", FORMER) is None
    ask = read_timeline("Which years did Austria raise Rhodesia in the general debates of 1965-1969?", FORMER)
    assert ask is not None and ask.topic == "Rhodesia"
    ask = read_timeline("When did Austria first take up the question of Rhodesia?", FORMER)
    assert ask is not None and ask.kind == "first_mention" and ask.topic == "question Rhodesia"
    ask = read_timeline("Austria and Haiti on the New International Economic Order: which speeches of each took it up?", FORMER)
    assert ask is not None and ask.topic == "New International Economic Order"
    assert read_timeline("In recent years it has called for reform: what did Haiti say?", FORMER) is None


@pytest.mark.parametrize(
    ("question", "kind", "columns"),
    [
        ("bolivia - first general debate speech to mention the coca leaf? and later years", "first_mention", [("BOL",)]),
        ("Skhirat agreement - years Bolivia's general debate speech referred to it, 2015-2024?", "timeline", [("BOL",)]),
        # countries heading the question before a period and a colon speak side by side
        ("Austria and Haiti, 1999-2006: which of their general debate speeches spoke of the African Union?", "compare",
         [("AUT",), ("HTI",)]),
    ],
)  # fmt: skip
def test_more_ways_to_ask_for_years_and_to_head_a_comparison(question: str, kind: str, columns: list[tuple[str]]) -> None:
    ask = read_timeline(question, FORMER)
    assert ask is not None and ask.kind == kind
    assert [c.filters.countries for c in ask.columns] == columns


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("bolivia - the coca leaf in its general debate speech: the earliest one, and all later years?", "first_mention"),
        ("Austria's statements on the Danube: every year it came back to the river", "timeline"),
        ("Haiti and MINUSTAH in the general debate - later mentions?", "timeline"),
    ],
)
def test_a_speaker_a_word_of_saying_and_later_years_make_a_timeline(question: str, kind: str) -> None:
    ask = read_timeline(question, FORMER)
    assert ask is not None and ask.kind == kind and len(ask.columns) == 1 and ask.columns[0].label


@pytest.mark.parametrize(
    "question",
    [
        "Which years did Bolivia host the summit?",  # an event, no word of saying
        "What did Haiti say in its 2010 statement about later years of reconstruction?",  # one statement
    ],
)
def test_later_years_alone_do_not_make_a_timeline(question: str) -> None:
    assert read_timeline(question, FORMER) is None


def _every_country() -> CountryNames:
    from assistant.ingest.ungdc.countries import load_countries

    table = load_countries()
    names = [*table["names"].items(), *((c, n) for c, spans in table["former_names"].items() for _, _, n in spans)]
    return CountryNames.from_documents(
        [DocumentMeta(doc_id=code, source="", extra={"country_code": code, "country": name}) for code, name in names]
    )


EVERY_COUNTRY = _every_country()


@pytest.mark.parametrize(
    ("question", "columns"),
    [
        # "mention … by X" makes X the speaker only as a noun's agent ("the earliest reference by Mauritius")
        ("Which years did Cyprus mention the occupation by Turkey?", [("CYP",)]),
        # countries heading a question before a colon speak only when no other does and the question asks of them
        ("Russia and Ukraine: which years did China's speeches mention the conflict?", [("CHN",)]),
        # a lower-case one-word name among capitals is no speaker for being the only country named
        ("When was ceylon tea first mentioned in the General Debate?", [()]),
        # a sentence ending in an abbreviation is not a sentence of context
        ("Which years did Greece and Turkey mention Cyprus, incl. Turkey's 1974 statement?", [("GRC",), ("TUR",)]),
        # a country named only in brackets still speaks
        ("When did the host of COP27 (Egypt, that is) first mention loss and damage?", [("EGY",)]),
    ],
)
def test_who_speaks_after_the_review(question: str, columns: list[tuple[str, ...]]) -> None:
    ask = read_timeline(question, EVERY_COUNTRY)
    assert ask is not None and [c.filters.countries for c in ask.columns] == columns


def test_the_label_is_the_first_named_form_only_when_it_is_part_of_the_speaking_name() -> None:
    ask = read_timeline("The Soviet Union's collapse: which years did Russia's speeches mention it?", EVERY_COUNTRY)
    assert ask is not None and [c.label for c in ask.columns] == ["Russia"] and "Russia" not in ask.topic
    ask = read_timeline(
        "Brunei's plan is Wawasan Brunei 2035. First general debate mention of it by Brunei Darussalam?", EVERY_COUNTRY
    )
    assert ask is not None and [c.label for c in ask.columns] == ["Brunei"]


@pytest.mark.parametrize(
    "question",
    [
        "What did Mexico say about the years it sat on the Security Council?",
        "What did Canada say about later years of the mission?",
        "What did France say about the first Gulf war and the following years?",
        "What did Tuvalu say about the following years being critical for climate action?",
        "When did Fiji first take up its seat on the Human Rights Council?",
        "What did Brazil say when it was first asked to host the Olympics?",
        "How often did Ghana's statements mention Ebola in the years when it spread? Give the year it peaked.",
    ],
)
def test_ordinary_questions_the_review_tried_stay_ordinary(question: str) -> None:
    assert read_timeline(question, EVERY_COUNTRY) is None


def test_a_mention_of_an_act_by_a_country_does_not_make_it_a_speaker_of_an_ordinary_question() -> None:
    from assistant.interpret.question import read_question

    assert read_question("Any mention of shelling by Russia in Ukraine's 2022 speech?", EVERY_COUNTRY).filters.countries == (
        "UKR",
    )


def test_common_words_and_asides_and_arms_are_no_countries_or_mentions() -> None:
    assert [m.code for m in FORMER.named("What did Austria say about china exports?")] == ["AUT"]
    aside = "Guyana vs Portugal: which speeches of each dealt with (Angola, Mozambique)?"
    assert [m.code for m in FORMER.named(aside, asides=False)] == ["GUY", "PRT"]
    assert [m.code for m in FORMER.named(aside)] == ["GUY", "PRT", "AGO", "MOZ"]
    assert read_timeline("When did Haiti first take up arms against the gangs?", FORMER) is None


@pytest.mark.parametrize(
    ("question", "kind", "columns"),
    [
        # a pronoun for the topic is no "each of them": the headline countries are the topic
        ("Israel and Palestine: which years did speeches mention their peace talks?", "timeline", [()]),
        # "no." ends a sentence of context
        ("Kenya asked for a vote and France said no. Which years did Ethiopia and Kenya mention Somalia?", "compare",
         [("ETH",), ("KEN",)]),
        ("When was the first mention of Palestine by Jordan?", "first_mention", [("JOR",)]),
        ("When did India first ask about a permanent seat?", "first_mention", [("IND",)]),
        ("Show the years when Brazil mentioned the Amazon.", "timeline", [("BRA",)]),
    ],
)  # fmt: skip
def test_after_the_second_review(question: str, kind: str, columns: list[tuple[str, ...]]) -> None:
    ask = read_timeline(question, EVERY_COUNTRY)
    assert ask is not None and ask.kind == kind and [c.filters.countries for c in ask.columns] == columns


@pytest.mark.parametrize(
    ("question", "label", "code", "topic"),
    [
        ("which afghan general debate speeches talk about opium? list every year", "Afghanistan", "AFG", "opium"),
        ("Which Maltese general debate statements mention the sea-bed since 1967?", "Malta", "MLT", "sea bed"),
        ("Which Brazilian speeches talk about the Amazon?", "Brazil", "BRA", "Amazon"),
        (
            "Between 1958 and 1968, which Cambodian GA statements refer to the temple dispute?",
            "Cambodia",
            "KHM",
            "temple dispute",
        ),
    ],
)
def test_a_speaker_named_by_its_peoples_adjective_before_its_statements(question: str, label: str, code: str, topic: str) -> None:
    names = CountryNames({"Afghanistan": "AFG", "Malta": "MLT", "Brazil": "BRA", "Cambodia": "KHM", "Thailand": "THA"})
    ask = read_timeline(question, names)
    assert ask is not None
    assert [(c.label, c.filters.countries) for c in ask.columns] == [(label, (code,))]  # the country's name, as a column
    assert ask.topic == topic  # the adjective leaves the topic with the speaker


def test_a_peoples_adjective_that_is_no_speaker_stays_in_the_topic() -> None:
    names = CountryNames({"Cambodia": "KHM", "Thailand": "THA"})
    ask = read_timeline("How did Thailand's speeches since 1980 describe the Cambodian refugees?", names)
    assert ask is not None and [c.label for c in ask.columns] == ["Thailand"]
    assert "Cambodian refugees" in ask.topic


@pytest.mark.parametrize(
    ("question", "period"),
    [
        # an aside in brackets dates an event; the period is the one the question gives outside it
        (
            "Since 2011, in which statements has Yemen referred to its National Dialogue Conference (held 2013-2014)?",
            (2011, None),
        ),
        ("its seat (2010-2011, then 2022-2023): from its 2009 candidacy, in which statements did it speak of it?", (2009, None)),
        # a bracket of years only refines the period; alone, it is the period
        ("In the early 1980s (1981-1984), how did Guyana address the border?", (1981, 1984)),
        ("in the 1990s general debates (1992-1999)", (1992, 1999)),
        ("in the 1990s and 2000s (up to 2012)", (1990, 2012)),
    ],
)
def test_a_period_in_a_bracketed_aside_gives_way_to_the_one_outside(question: str, period: tuple[int | None, int | None]) -> None:
    assert read_period(question)[:2] == period


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("First year Brazil mentioned the Amazon Fund in the general debate? Later years too pls.", "Amazon Fund"),
        ("brazil amazon fund - earliest general debate reference, plus all later ones?", "amazon fund"),
        ("amazon fund - first UNGA general debate mention by brazil, and any later ones?", "amazon fund"),
        ("Which general debate speeches of Brazil since 2010 mention REDD plus?", "REDD plus"),  # a name keeps its "plus"
    ],
)
def test_chat_words_and_the_setting_leave_the_topic(question: str, topic: str) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.topic == topic


@pytest.mark.parametrize(
    ("question", "alternatives"),
    [
        (
            "When did Brazil first speak of the rights of Mother Earth (Pachamama)? Later years too.",
            ("Pachamama",),
        ),
        (
            "When did Brazil first raise putting the leaders on trial (the court that became the Extraordinary Chambers)?",
            ("Extraordinary Chambers",),
        ),
        ("Which general debate speeches of Brazil since 2006 mention its action plan (MAP)?", ()),  # "map" is a word
        ("Which speeches of Brazil from 2009 to 2014 spoke of the crisis (SADC mediation, road map, elections)?", ()),
        ("Which speeches of Brazil from 1995 to 2000 spoke of the hurricane (South Africa)?", ()),  # a country
        ("Since 1990, which general debate speeches of Brazil mention the summit (held 1992)?", ()),  # a date
    ],
)
def test_a_bracket_that_gives_another_name_is_searched_beside_the_topic(question: str, alternatives: tuple[str, ...]) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.alternatives == alternatives


def test_a_speaker_named_by_its_peoples_adjective_anywhere_leaves_the_topic() -> None:
    names = CountryNames({"Yemen": "YEM", "Saudi Arabia": "SAU"})
    ask = read_timeline("Since 2018, in which years has the Yemeni government cited the Stockholm Agreement?", names)
    assert ask is not None and [c.label for c in ask.columns] == ["Yemen"]
    assert "Yemeni" not in ask.topic and "Stockholm Agreement" in ask.topic


@pytest.mark.parametrize(
    "question",
    [
        "How did Arab delegations respond to Israeli statements on the settlements?",
        "Did any country quote Chinese statements on Taiwan?",
        "How many French speeches were delivered in 1990?",
        "What did the Turkish Cypriot statements say about a federal solution?",
    ],
)
def test_a_peoples_adjective_before_statements_it_does_not_head_is_no_speaker(question: str) -> None:
    names = CountryNames({"Israel": "ISR", "China": "CHN", "France": "FRA", "Turkey": "TUR", "Cyprus": "CYP"})
    assert names.speakers(question) == []


@pytest.mark.parametrize(
    ("question", "alternatives"),
    [
        ("Which speeches of Brazil since 2000 mention the International Criminal Court (the Court)?", ()),  # points back
        ("Which speeches of Brazil since 2000 mention gender equality (UN Women)?", ()),  # one common word left
        ("Which speeches of Brazil since 2012 mention the peace agreement (with the FARC)?", ()),  # a relation
        ("Which speeches of Brazil since 2015 mention the nuclear deal (JCPOA)?", ("JCPOA",)),
        ("Since when has Brazil brought up the 'Delivering as One' reform (One UN)?", ()),  # generic words only
        ("Which speeches of Brazil mention the Outer Space Treaty (the 1967 treaty)?", ()),
        ("Which speeches of Brazil mention it (Aaaa) (Bbbb) (Cccc) (Dddd) (Eeee)?", ("Aaaa", "Bbbb", "Cccc")),  # at most 3
    ],
)
def test_a_bracket_that_is_no_other_name_is_not_searched(question: str, alternatives: tuple[str, ...]) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.alternatives == alternatives


@pytest.mark.parametrize(
    ("question", "period"),
    [
        ("How has Kuwait referred to its liberation since 1991 (please cover 1991-2000 only)?", (1991, 2000)),
        ("How did Peru talk about El Niño after 1997 (statements from 1998 to 2010 only)?", (1998, 2010)),
    ],
)
def test_a_bracket_that_says_how_to_read_the_period_narrows_it(question: str, period: tuple[int, int]) -> None:
    assert read_period(question)[:2] == period


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # the speaker's own name leaves a quoted name (every statement it made holds it); other words stay
        (
            "In which general debate speeches did Mexico mention the 'Friends of Mexico' donor group?",
            "Friends of donor group",
        ),
        # a generic word inside a quoted name stays too ("as", "one")
        ("Since when has France brought up the 'Delivering as One' reform?", "Delivering as One reform"),
        ("How has Brazil spoken of the “Group of Friends” over the years?", "Group of Friends"),
    ],
)
def test_a_quoted_name_stays_whole_in_the_topic(question: str, topic: str) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.topic == topic


def test_a_country_inside_a_quoted_name_is_no_speaker() -> None:
    names = CountryNames({"Yemen": "YEM", "France": "FRA"})
    ask = read_timeline("Which general debate speeches since 2010 mention the 'Friends of Yemen' group?", names)
    assert ask is not None and [c.label for c in ask.columns] == [""] and ask.topic == "Friends of Yemen group"
    ask = read_timeline("Yemen and the 'Friends of Yemen' group: in which general debate speeches did Yemen mention it?", names)
    assert ask is not None and [c.label for c in ask.columns] == ["Yemen"]


@pytest.mark.parametrize(
    ("question", "kind", "topic", "period"),
    [
        (
            "France has long argued for a European army. In which of its General Assembly general debate speeches "
            "does this proposal appear?",
            "timeline",
            "European army",
            "",
        ),
        (
            "Since 2013, how often has Mexico used its UN general debate speech to promote the Mesoamerica project? "
            "Years only is fine.",
            "timeline",
            "Mesoamerica project",
            "since 2013",
        ),
        (
            "Climate finance: how do Brazil and France compare in their general debate addresses from 2015 on? "
            "I'd like the years, country by country.",
            "compare",
            "Climate finance",
            "since 2015",
        ),
        (
            "Mexico and Brazil on COVID-19 vaccines, 2020 to 2022: which of their general debate speeches touch on it? "
            "Break it down per country.",
            "compare",
            "COVID 19 vaccines",
            "2020–2022",
        ),
    ],
)
def test_ways_of_asking_and_layout_words_the_thirty_first_part_showed(question: str, kind: str, topic: str, period: str) -> None:
    """Ways of asking the thirty-first part held that no phrasing read, and words of layout left in its topics."""
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and (ask.kind, ask.topic, ask.period_text) == (kind, topic, period)


@pytest.mark.parametrize(
    "question",
    [
        "What has Germany said about bringing emissions back to 1990 levels?",
        "What has India said about the Kashmir dispute, which goes back to 1947?",
        "What did Mexico say when it came back to the earthquake in 1986?",
        "How has Jordan spoken about a withdrawal back to the 1967 borders?",
    ],
)
def test_back_to_a_year_inside_a_clause_is_no_period(question: str) -> None:
    """Only "Going back to 1972, …" or "as far back as 1985" opening a clause starts a period."""
    assert read_period(question) == (None, None, "")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("How has Mexico spoken about fine particulate matter since 2000?", "fine particulate matter"),
        ("How has Brazil spoken about emissions per country since 2009?", "emissions per country"),
        ("How has France spoken of one entry point for aid since 2007?", "entry point aid"),
        ("How has Brazil spoken about back pay for peacekeepers since 2000?", "back pay peacekeepers"),
        ("Since 1990, which speeches of Mexico mention efforts to locate missing persons?", "efforts locate missing persons"),
        ("Since 2000, how has Japan spoken about efforts to break down trade barriers?", "efforts break down trade barriers"),
        ("How has France spoken of a starting point for recovery since 2010?", "starting point recovery"),
    ],
)
def test_layout_words_used_as_content_stay_in_the_topic(question: str, topic: str) -> None:
    ask = read_timeline(question, COUNTRIES)
    assert ask is not None and ask.topic == topic


def test_a_quoted_speaker_is_a_speaker_and_a_stray_apostrophe_no_name() -> None:
    ask = read_timeline('Compare how "France" and "Mexico" spoke about the veto since 2000.', COUNTRIES)
    assert ask is not None and [c.label for c in ask.columns] == ["France", "Mexico"] and ask.topic == "veto"
    # "'nineties, how has the Philippines'" is no quoted name: the asking words leave the topic
    names = CountryNames({"Philippines": "PHL", "Japan": "JPN"})
    ask = read_timeline("Since the 'nineties, how has Japan's position on the South China Sea changed?", names)
    assert ask is not None and ask.topic == "South China Sea" and [c.label for c in ask.columns] == ["Japan"]
    # another speaker's name inside a quoted name stays: Japan on "the 'Friends of Yemen'"
    names = CountryNames({"Yemen": "YEM", "Japan": "JPN"})
    ask = read_timeline("Compare how Yemen and Japan spoke of the 'Friends of Yemen' since 2010.", names)
    assert ask is not None and ask.topic == "Friends of Yemen"
