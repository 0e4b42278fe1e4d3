"""Who speaks in a timeline question: its columns, one per speaker (`assistant.interpret.timeline`).

Secretaries-General by name, else the countries the question presents as speaking
(`assistant.interpret.countries`): named as the speaker, heading the question, or the only country named; never
one speaking only in a sentence of context when the asking sentence names its own, nor one that is the topic
("the question of Palestine").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.interpret.countries import SECRETARY_GENERAL_RE, CountryNames, Mention, demonym_country, in_lower_case
from assistant.interpret.question import PEOPLE
from assistant.interpret.question_sentences import asking_start, sentences_of
from assistant.interpret.topic_words import without_quoted_names
from assistant.models import Filters


@dataclass(frozen=True)
class Column:
    """One speaker of a timeline: its label and the filter that selects its statements."""

    label: str  # "" for a single timeline over every speaker
    filters: Filters = field(default_factory=Filters)


def columns_of(question: str, countries: CountryNames | None, compare: bool) -> list[Column]:
    """The speakers named: Secretaries-General by name, else countries (all named ones when comparing).

    A country inside a quoted name ("the 'Friends of Yemen' group") is no speaker.
    """
    question = without_quoted_names(question, lambda words: countries is not None and is_country_name(words, countries))
    people = [name for name, pattern in PEOPLE.items() if pattern.search(question)]
    if people:
        return [Column(name, Filters(secretaries_general=(name,))) for name in people]
    if countries is None or SECRETARY_GENERAL_RE.search(question):
        return []
    speaking = _asking_speakers(question, countries, countries.speakers(question, headline=True))
    named = countries.named(question, asides=False)  # not "(co-management with france)"
    if not in_lower_case(question):
        # a one-word name in lower case among capitals is a speaker when worded so, or opening the question
        # ("mongolia - first speech to mention …"), not by being the only country named ("ceylon tea")
        named = [m for m in named if not (m.name.islower() and " " not in m.name) or _opens(question, m.name)]
    if (compare and len(speaking) < 2) or (not speaking and len(named) == 1 and not _only_the_topic(question, named[0].name)):
        speaking = named
    elif not compare and not speaking and len(named) > 1 and ITS_SPEECHES_RE.search(question):
        # "Lesotho is surrounded by South Africa. When did its speeches …": "its" is the country the question opens with
        speaking = named[:1]
    # a column is labelled as the question first names its country when that is a short form of the speaking name
    # ("Brunei's plan … mentioned by Brunei Darussalam": "Brunei", the name the topic then leaves out)
    first_named = {m.code: m.name for m in reversed(countries.named(question))}
    return [
        Column(_label(first_named.get(m.code, _country(m.name)), _country(m.name)), Filters(countries=(m.code,)))
        for m in speaking
    ]


def is_country_name(words: str, countries: CountryNames) -> bool:
    """Whether ``words`` are exactly one country's name ("France", "Côte d'Ivoire", a topic "Iraq")."""
    named = countries.named(words)
    return len(named) == 1 and named[0].name.casefold() == words.strip().casefold()


def _country(name: str) -> str:
    """The country's name for a speaker named by its people's adjective ("Cambodian" -> "Cambodia"), else ``name``."""
    return demonym_country(name) or name


def _label(first: str, speaking: str) -> str:
    """The column's label: the first-named form when it is a part of the speaking one, else the speaking one."""
    return first if first.lower() in speaking.lower() else speaking


def _opens(question: str, name: str) -> bool:
    """Whether ``question`` opens with the country ``name`` ("mongolia - first speech to mention …")."""
    return re.match(rf"\W*(?:the\s+)?{re.escape(name)}(?![\w-])", question, re.I) is not None


def _asking_speakers(question: str, countries: CountryNames, speaking: list[Mention]) -> list[Mention]:
    """The speakers of the sentence that asks, when it names some: one speaking only in a sentence of context is none.

    "In 1976 the Soviet Union proposed … When did the Byelorussian SSR first take up that treaty?": the Byelorussian SSR.
    """
    sentences = sentences_of(question)
    start = asking_start(sentences)
    if len(speaking) < 2 or start == 0:
        return speaking
    asking = {m.code for m in countries.speakers(" ".join(sentences[start:]), headline=True)}
    return [m for m in speaking if m.code in asking] if asking else speaking


# "its speeches", "its General Debate statements": the statements of a country the question named before
ITS_SPEECHES_RE = re.compile(
    r"\bits\s+(?:[\w-]+\s+){0,4}?(?:statements?|speech(?:es)?|address(?:es)?|remarks|messages?|complaints?|position|stance)\b",
    re.I,
)


# A country named as what is spoken about, not who speaks: "the question of Palestine", "the war in Viet Nam"
TOPIC_BEFORE_COUNTRY = (
    r"(?:question|situation|war|conflict|crisis|occupation|invasion|independence|people|peoples|partition)\s+(?:of|in|on)"
)


def _only_the_topic(question: str, name: str) -> bool:
    """Whether the country ``name``, the only one the question names, is the topic rather than the speaker."""
    return re.search(rf"\b{TOPIC_BEFORE_COUNTRY}\s+(?:the\s+)?{re.escape(name)}(?![\w-])", question, re.I) is not None
