"""Read questions about time: timelines, first mentions, comparisons.

"How has the Secretary-General's position on the veto evolved since 2013?", "When did Malta first raise
the sea-bed?", "Compare what France and Mexico said about the veto" become a `TimelineAsk` (the kind, the
period, the speakers side by side and the topic to search); its period is read by `assistant.interpret.periods`.
A request to summarise one document is read by `assistant.interpret.summaries`. Anything else is an ordinary
question (None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.interpret.countries import CountryNames, speaking_demonyms
from assistant.interpret.periods import BACK_TO_RE, DECADE_END_RE, DECADE_RE, ENDS_RE, MONTH, RANGE_RE, period_start
from assistant.interpret.question import PEOPLE, YEAR
from assistant.interpret.question_sentences import asked_period, asking_start, sentences_of, without_answer_form
from assistant.interpret.summaries import SUMMARY_RE
from assistant.interpret.time_phrasings import (
    ASKS_FOR_YEARS_RE,
    CHANGE_RE,
    COMPARE_RE,
    EARLIEST_RE,
    FIRST_IF_SAID_RE,
    FIRST_RE,
    FIRST_VERB_RE,
    LATER_YEARS_RE,
    LATEST_MENTION_RE,
    LIST_YEARS_RE,
    ORIGINALLY_RE,
    PLURAL_STATEMENTS_RE,
    SAYING_RE,
    SPEAKING,
    SPEAKING_VERB_RE,
    STATEMENTS_RE,
    WHEN_ASKED_RE,
    WHICH_YEARS_RE,
    stance_of,
)
from assistant.interpret.timeline_columns import Column, columns_of, is_country_name
from assistant.interpret.timeline_intent import IntentModel, load_intent
from assistant.interpret.topic_words import CHAT_PHRASES_RE, GENERIC_WORDS, KEEP, PURPOSE, SETTING_RE, with_names_kept
from assistant.models import Filters
from assistant.text.lexical import key_terms

# A year that dates a statement ("in its 2004 speech", "the statement of 2015"): the question is about that one
# statement. A year of an event or a name ("the 1992 killings", "Expo 2020", "held in Bonn in 2017") is not.
STATEMENT_WORDS = r"(?:speech|statement|address|remarks|message|report|session|debate|delegation)"
STATEMENT_YEAR_RE = re.compile(
    rf"\b(?:in|during)\s+(?:the\s+)?{YEAR}\b|\b{YEAR}\s+(?:[\w-]+\s+){{0,2}}?{STATEMENT_WORDS}\b|"
    rf"\b{STATEMENT_WORDS}\s+(?:of|in|from|at)\s+(?:the\s+)?{YEAR}\b",
    re.I,
)
CLAUSE_RE = re.compile(r"(?<=[.:;!?])\s+")
# "that summit", "this case", "the same proposal": the asking sentence points back to a sentence of context
POINTS_BACK_RE = re.compile(
    r"(?<!\buntil\s)(?<!\btill\s)(?<!\bbefore\s)(?<!\bafter\s)(?<!\bsince\s)"
    r"\b(?:that|this|these|those|such|the\s+same)\s+(?!year|years|decade|decades|period|time|times|date|one\b)[a-z]",
    re.I,
)
# A verb of speaking in its -ed or -ing form, with "for" after a call: what the topic was said with, not the topic
# ("called for a world solidarity fund", "denouncing the homelands"); not "early warning"
SAID_FORM_RE = re.compile(r"(?<!\bearly\s)\b(?=\w+(?:ed|ing)\b)" + SPEAKING + r"(?:\s+for\b)?|\bcalls?\s+for\b", re.I)


def _dates_one_statement(question: str) -> bool:
    """Whether the part of ``question`` that asks about time names the year of one statement.

    "Did Kenya ever mention it in 2019?", "in its 2004 speech, when did … first …" do. A year in a sentence of context ("The conference was held in Bonn in 2017. From which year did Fiji …") or of an
    event ("the 1992 killings") does not make the question one about a single statement.
    """
    for clause in CLAUSE_RE.split(question):
        asks = any(r.search(clause) for r in (FIRST_RE, FIRST_IF_SAID_RE, ORIGINALLY_RE, CHANGE_RE, WHICH_YEARS_RE))
        if asks and STATEMENT_YEAR_RE.search(clause):
            return True
    return False


@dataclass(frozen=True)
class TimelineAsk:
    """A question about how something was said over time."""

    kind: str  # "timeline", "first_mention", "latest_mention" or "compare"
    topic: str  # what to search each statement for
    first_year: int | None = None  # the period asked about (None: open)
    last_year: int | None = None
    columns: tuple[Column, ...] = (Column(""),)
    period_text: str = ""  # the period as read, for the notes ("2011-2017", "since 2013")
    # other names the question's brackets give the topic, each searched beside it: "Mother Earth (Pachamama)" ->
    # "Pachamama" (a statement may use only one of the names)
    alternatives: tuple[str, ...] = ()

    @property
    def period(self) -> Filters:
        """The period as a date filter."""
        return Filters(
            date_from=str(self.first_year) if self.first_year else None,
            date_to=str(self.last_year) if self.last_year else None,
        )


# a quantity asked for ("How many resolutions … since 2005?") is an ordinary question, unless it lists the years
QUANTITY_RE = re.compile(r"^\W*(?:how\s+(?:many|much|often|long)|what\s+(?:number|share|percentage|proportion))\b", re.I)


def read_timeline(question: str, countries: CountryNames | None = None, intent: IntentModel | None = None) -> TimelineAsk | None:
    """The timeline ``question`` asks for, or None for an ordinary question (a quantity asked "since 2005" is one).

    ``intent`` reads the ways of asking the phrasings miss (default: the packaged model).
    """
    if QUANTITY_RE.match(question) and not LIST_YEARS_RE.search(question):
        return None
    compare = bool(COMPARE_RE.search(question))
    learned: str | None = None
    lo, hi, period_text, scene_only = asked_period(question)
    # a single year and no period: the question is about one statement ("in its 2001 speech, since when …"), even
    # when a sentence of context gives one ("Since 2015 the SDGs … In its 2019 speech, when did Japan first …")
    lone_year = (scene_only is not None or (lo is None and hi is None)) and _dates_one_statement(question)
    said = SAYING_RE.search(question) is not None
    said_first = FIRST_IF_SAID_RE.search(question) is not None and said
    originally = ORIGINALLY_RE.search(question) is not None and WHEN_ASKED_RE.search(question) is not None
    first = not lone_year and (FIRST_RE.search(question) is not None or said_first or originally)
    verb = FIRST_VERB_RE.search(question) if first else None
    if verb is not None:  # "first name", "first note": how it was said, not what
        question = question[: verb.start(1)] + question[verb.end(1) :]
        said = SAYING_RE.search(question) is not None  # the verb taken out may have been the only one
    latest = bool(LATEST_MENTION_RE.search(question))
    changing = bool(CHANGE_RE.search(question)) or (WHICH_YEARS_RE.search(question) is not None and said)
    columns = columns_of(question, countries, compare)
    stance = stance_of(question, [c.label for c in columns])
    if stance is not None:  # "how did Grenada press for …": how it was said, not what
        question = question[: stance.start(1)] + question[stance.end(1) :]
    if compare and len(columns) >= 2:
        kind = "compare"
    elif first:
        kind = "first_mention"
    elif latest:
        kind = "latest_mention"
    elif (
        changing
        or (lo is not None and (hi is None or hi > lo) and (STATEMENTS_RE.search(question) or stance is not None))
        # "up to 2002" with statements in the plural, or with a speaker saying or pressing for something
        or (
            lo is None
            and hi is not None
            and ENDS_RE.search(question)
            and (PLURAL_STATEMENTS_RE.search(question) or STATEMENTS_RE.search(question) or stance is not None)
        )
    ):
        kind = "timeline"
    elif columns and said and _asks_later_years(question) and not STATEMENT_YEAR_RE.search(question):
        # a speaker, a word of saying and "… and later years", "every year since": years asked for in words the
        # phrasings above miss
        kind = "first_mention" if EARLIEST_RE.search(question) else "timeline"
    elif said and (learned := _learned_kind(question, columns, lone_year, intent or load_intent())) is not None:
        kind = learned  # a way of asking none of the phrasings knows, read by the learned model
    else:
        return None
    if kind == "timeline" and len(columns) >= 2:
        kind = "compare"  # "How did Saint Kitts and Nevis and Cabo Verde refer to …": side by side
    asking = question
    if kind in ("first_mention", "latest_mention") and scene_only is not None:
        # "… sat on the Council for 2023-2024. When did it first speak of its bid?": the scene dates an event; the
        # first (latest) mention may come before (after) it
        lo, hi, period_text, asking = None, None, "", scene_only
    if kind == "first_mention" and lo is not None and not (RANGE_RE.search(asking) or period_start(asking)):
        lo = None  # "when did X first ..., and through the 1990s?": the first mention may come before the decade
        period_text = f"up to {hi}" if hi else ""
    asked = without_answer_form(question)
    topic = _topic(asked, columns, countries)
    purpose = PURPOSE_RE.match(asked)
    if purpose is not None and not re.search(r"\b[A-Z]", purpose.group(1)) and re.search(r"\b[A-Z]", asked[purpose.end() :]):
        # "For a briefing on arms control diplomacy: when did the UK first call for an arms trade treaty?": a purpose
        # in common words is no topic when what follows has one of its own; one that names something ("For a paper on
        # migration through the Darién Gap: …") may be the topic itself
        rest = asked[purpose.end() :]
        own = _topic(rest, columns, countries)
        if own != rest and key_terms(own):
            topic = own
    if (stance is not None or kind == "first_mention") and topic == question:
        return None  # "How did Kenya respond to it between 2008 and 2010?": nothing to search for
    if learned and (topic == question or not key_terms(topic)):
        return None  # "from which year do we have general debate statements?": nothing to search for
    alternatives = _alternatives(asked, columns, countries, topic)
    return TimelineAsk(kind, topic, lo, hi, tuple(columns) or (Column(""),), period_text, alternatives)


# The asker's purpose, opening the question before a colon: "For a briefing on arms control diplomacy:"
PURPOSE_RE = re.compile(r"\s*" + PURPOSE + r"\s+([^:?]{1,80}):\s*", re.I)


# a bracket that names the topic in other words: "(Pachamama)", "(later the Stabilisation and Association
# Agreement)", "(the court that became the Extraordinary Chambers)": a few words ending in a name, no list
GLOSS_RE = re.compile(r"\(([^(),;]{2,80})\)")
NAME_GLOSS_RE = re.compile(
    r"(?:[a-z][\w'’.-]*\s+){0,5}?((?:[A-Z][\w'’.-]*)(?:\s+(?:of|the|and|for|on|in|to|de|del|la|[A-Z][\w'’.-]*)){0,5})"
)


def _alternatives(question: str, columns: list[Column], countries: CountryNames | None, topic: str) -> tuple[str, ...]:
    """The other names the question's brackets give its topic ("Pachamama", "Extraordinary Chambers").

    Not a bracket of examples ("(SADC mediation, road map, elections)"), a country ("(Antigua and Barbuda)"), a
    relation ("(with the FARC)"), a word that points back ("(the Court)"), or an acronym as short as a word ("(MAP)":
    every road map would be the Madagascar Action Plan); at most `MAX_ALTERNATIVES`. Nor the topic without
    its brackets: on the twenty-eighth part that wider wording took in every statement that said "Khmer Rouge" for
    a question about their trial (docs/decisions.md).
    """
    in_topic = set(key_terms(topic))
    out: list[str] = []
    for m in GLOSS_RE.finditer(question):
        text = m.group(1).strip()
        gloss = NAME_GLOSS_RE.fullmatch(text)
        if gloss is None or RELATION_RE.match(text) or (countries is not None and countries.named(gloss.group(1))):
            continue
        alternative = topic_of(gloss.group(1), columns)
        terms = key_terms(alternative)
        if not GENERIC_WORDS.sub(" ", alternative).strip():
            continue  # nothing but generic words ("(One UN)"): every statement would match
        # one word only as the whole bracket, a name of its own ("(Pachamama)", "(CICIG)"): not "(the Court)",
        # "(UN Women)", nor an acronym as short as a word ("(MAP)")
        one_word = len(terms) == 1 and (alternative != text or len(text) <= 3)
        if alternative != topic and terms and set(terms) < in_topic and not one_word:
            out.append(alternative)
    return tuple(dict.fromkeys(out))[:MAX_ALTERNATIVES]


# a bracket that relates the topic to something rather than naming it: "(with the FARC)", "(by Thailand)"
RELATION_RE = re.compile(r"(?:with|by|in|of|for|from|at|on|between|against|after|before|during|under|to)\b", re.I)
MAX_ALTERNATIVES = 3  # at most so many searches beside the topic's own


def _learned_kind(question: str, columns: list[Column], lone_year: bool, model: IntentModel) -> str | None:
    """The learned model's reading (`assistant.interpret.timeline_intent`) of a question no phrasing read.

    Only for a question with words asking for years and a verb of saying, that names a speaker or statements, dates
    no single statement and asks for no summary: "cambodia + mekong cooperation - list every general debate speech
    that mentions it", not "what did Chile say in its 2009 speech", "when did Fiji first take up its seat" (an event,
    no saying) nor "who delivered Kenya's general debate speeches?".
    """
    if lone_year or STATEMENT_YEAR_RE.search(question) or SUMMARY_RE.search(question):
        return None
    if not ASKS_FOR_YEARS_RE.search(question) or not SPEAKING_VERB_RE.search(question):
        return None  # "who delivered Kenya's general debate speeches?", "did Kenya mention climate finance?"
    if not any(c.label for c in columns) and not PLURAL_STATEMENTS_RE.search(question):
        return None
    return model.kind(question)


def _asks_later_years(question: str) -> bool:
    """Whether ``question`` asks for later years (`LATER_YEARS_RE`), not about them.

    "What did France say about the Gulf war and the following years?" asks about them: "about" in the same clause.
    """
    later = LATER_YEARS_RE.search(question)
    return later is not None and not re.search(r"\b(?:about|on|regarding|concerning)\b[^?.:;–—-]*$", question[: later.start()])


# "take its fishing disputes … to the Assembly": the verb that brings it there, not the topic ("hostage taking" stays)
TAKE_TO_RE = re.compile(
    r"\b(?:take|takes|took|taken|taking)\b(?=[^?]*?\bto\s+the\s+(?:UN\b|United\s+Nations|(?:General\s+)?Assembly))", re.I
)

# Words that make a country's name part of another place's: Northern Ireland, South Sudan, Papua New Guinea.
PLACE_PREFIX = "".join(rf"(?<!\b{w} )" for w in ("Northern", "Southern", "North", "South", "East", "West", "New"))


def _topic(question: str, columns: list[Column], countries: CountryNames | None = None) -> str:
    """The topic of the sentences that ask, without the sentences of context before them.

    "Lesotho is surrounded by South Africa. When did its speeches start denouncing …" searches what the second
    sentence names, unless it points back to the context ("When did it first raise that summit?") or names only
    what the context named more fully ("… the Indian Ocean Commission. When did the Comoros first mention the
    Commission?").
    """
    codes = {code for column in columns for code in column.filters.countries}
    # the speakers' names of several words ("the Federated States of Micronesia", "Iran (Islamic Republic of)",
    # "Brunei Darussalam")
    aliases = tuple(n for n, code in countries.names.items() if code in codes and " " in n) if countries else ()
    sentences = sentences_of(question)
    start = asking_start(sentences)
    if start == 0 or POINTS_BACK_RE.search(" ".join(sentences[start:])):
        return topic_of(question, columns, aliases)
    asking, context = " ".join(sentences[start:]), " ".join(sentences[:start])
    quoted = QUOTED_RE.search(context)
    asked = topic_of(asking, columns, aliases)  # the asking sentence itself when none of its words is a topic word
    if quoted and POINTED_OBJECT_RE.search(asking) and (asked == asking or not STANCE_WORDS.sub(" ", asked).strip()):
        # "… made 'dialogue among civilizations' his signature idea. How did Iran's statements promote it?"
        return topic_of(quoted.group(1) or quoted.group(2), columns)
    topic = asked
    if POINTED_OBJECT_RE.search(asking) and len(topic.split()) == 1 and topic != asking:
        # "guinea took in refugees from the wars in liberia …. timeline of what guinea said about hosting them"
        return f"{topic_of(context, columns, aliases)} {topic}"
    # a phrase the context holds whole ("green growth") is a topic of its own; one word of a longer name is not
    whole = " " in topic and topic.lower() in context.lower()
    own = topic != asking and (whole or not set(key_terms(topic)) <= set(key_terms(context)))
    if not own and not (countries is not None and is_country_name(topic, countries)):
        # no topic of its own, or only a word of a name the context gives more fully; a country is a whole name
        return topic_of(question, columns, aliases)
    subject = CONTEXT_SUBJECT_RE.match(context)
    if topic.lower() in KIND_NOUNS and re.search(rf"\b(?:the|that|this)\s+{re.escape(topic)}\b", asking) and subject:
        # "The Danube forms its border. When did Romania first bring up the river?": the river the context is about
        name = subject.group(1)
        labels = [c.label.lower() for c in columns if c.label]
        if name.split()[0] not in NOT_NAMES and not any(label in name.lower() for label in labels):
            return f"{name} {topic}"
    return topic


# A phrase the context puts in quotation marks, and "it" or "them" as the object the asking sentence points back with
QUOTED_RE = re.compile(r"[\"“]([A-Za-z][^\"”]{2,79})[\"”]|(?<![\w])[‘']([A-Za-z][^'’]{2,79})['’](?![\w])")
# ... and what is left of an asking sentence with no topic of its own ("During his presidency, how did … promote it?")
STANCE_WORDS = re.compile(
    r"\b(?:promot\w*|press\w*|push\w*|champion\w*|advocat\w*|defend\w*|pursu\w*|present\w*|support\w*|"
    r"presidency|tenure|term|mandate|it|them)\b",
    re.I,
)
POINTED_OBJECT_RE = re.compile(r"\b(?:it|them)\b(?=\s*(?:[?.,;:]|$|\s+(?:in|at|over|during|since|from|between|and|up)\b))", re.I)
# Nouns for a named thing that a question may point back to with "the river", "that treaty"
KIND_NOUNS = frozenset(
    "river rivers sea lake ocean island islands canal strait gulf bay mountain mountains reserve park treaty accord "
    "agreement convention initiative plan programme dam region territory".split()
)
# The capitalised name a context sentence opens with, as its subject ("The Danube forms …", "Lake Chad is shrinking")
CONTEXT_SUBJECT_RE = re.compile(r"\s*(?:The\s+)?([A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)\s+(?!of\b)[a-z]")
NOT_NAMES = frozenset("I We My Our It Its This That These Those He She They Their Your You In On At For As".split())


def _without_speaking_demonyms(text: str, labels: set[str]) -> str:
    """``text`` without the people's adjectives that name a column's speaker (`countries.speaking_demonyms`)."""
    for start, end, country in reversed(speaking_demonyms(text, heading_only=False)):
        if country.casefold() in labels:
            text = text[:start] + " " + text[end:]
    return text


def topic_of(question: str, columns: list[Column] | tuple[Column, ...], aliases: tuple[str, ...] = ()) -> str:
    """The question's topic words: without the speakers, the period and the words that only say "over time".

    ``aliases``: the speakers' other names ("the Federated States of Micronesia" where the column is "Micronesia").
    """
    labels = {c.label.casefold() for c in columns if c.label}
    # "the Amman Message" and "the 'Delivering as One' reform" are names, whatever their words; a lone speaker's own
    # name leaves them (every statement it made holds it), another speaker's stays ("Japan on the 'Friends of Yemen'")
    own = frozenset(re.findall(r"\w+", next(iter(labels)))) if len(labels) == 1 else frozenset()
    text = with_names_kept(BACK_TO_RE.sub(" ", question), own, frozenset(labels))
    for alias in sorted(aliases, key=len, reverse=True):
        name = re.escape(alias).replace("'", "['’]")
        text = re.sub(rf"(?<![\w-])(?:the\s+)?{name}(?:'s|’s)?(?![\w-])", " ", text, flags=re.I)
    # a speaker named by its people's adjective: "which Cambodian general debate statements", "the Yemeni government
    # cited" (the adjective, not the words around it)
    text = _without_speaking_demonyms(text, labels)
    for column in columns:
        if column.label:
            # not inside a longer place name: "Ireland" leaves "the Northern Ireland peace process" whole
            text = re.sub(rf"{PLACE_PREFIX}(?<![\w-]){re.escape(column.label)}(?:'s|’s)?(?![\w-])", " ", text, flags=re.I)
    for name in PEOPLE:
        text = PEOPLE[name].sub(" ", text)
    text = RANGE_RE.sub(" ", text)
    text = DECADE_END_RE.sub(" ", DECADE_RE.sub(" ", text))
    # a month that dates a period's start or end ("since the september 2011 application"), not an event ("the June 1967 war")
    text = re.sub(
        rf"\b((?:since|from|after|until|till|through|to|up\s+to)\s+(?:the\s+)?){MONTH}\s+(?={YEAR}\b)", r"\1", text, flags=re.I
    )
    text = re.sub(rf"\b{YEAR}\b", " ", text)
    text = re.sub(r"\b(?:R2P|RtoP)\b", "responsibility to protect", text)
    text = re.sub(r"(?<=\w)(?:'s|’s|'|’)(?!\w)", " ", text)  # possessives ("Philippines'", "the SG's"), closing quotes
    # "bring Khojaly up": the particle goes with the verb ("human rights up front" keeps its "up")
    text = re.sub(r"\b(bring|brought|bringing)((?:\s+[\w'’-]+){1,3}?)\s+up\b", r"\1\2", text, flags=re.I)
    text = re.sub(
        r"\b(?:put|puts|putting)((?:\s+[\w'’-]+){1,4}?)\s+forward(?![\w-])", r"\1", text, flags=re.I
    )  # "put this plan forward"
    text = re.sub(r"\b(has|have|had)(\s+)long(?![\w-])", r"\1\2", text, flags=re.I)  # "has long promoted" ("long-range" stays)
    text = SAID_FORM_RE.sub(" ", text)  # "called for", "denouncing": how it was said, not what
    words = GENERIC_WORDS.sub(" ", CHAT_PHRASES_RE.sub(" ", SETTING_RE.sub(" ", TAKE_TO_RE.sub(" ", text)))).replace(KEEP, "")
    # a dash or slash alone is punctuation, and so is a quotation mark opening a word ("'Friends of Yemen'")
    words = re.sub(r"[^\w'’/-]+|(?<![\w])[-/'‘’]+|[-/]+(?![\w])", " ", words)
    # "Iran-Iraq war" as its parts: a statement on "the Iraq-Iran war" or "the war between Iraq and Iran" holds them
    words = re.sub(r"(?<=\w)-(?=\w)", " ", words)
    topic = re.sub(r"\s{2,}", " ", words).strip()
    return topic or question
