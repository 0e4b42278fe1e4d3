"""Read a question: chit-chat, follow-ups, and the dates, types and people it names.

Everything inferred here is reported back to the user (and in ``ask --json``)
so that it can be undone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.interpret.countries import CountryNames
from assistant.models import Filters, Preferences
from assistant.text.lexical import key_terms

YEAR = r"(?:19[4-9]\d|20\d{2})"
DOC_TYPES = {
    "report": "report",
    "reports": "report",
    "message": "message",
    "messages": "message",
    "remarks": "remarks",
    "article": "article",
    "articles": "article",
    "statement": "statement",
    "statements": "statement",
    "address": "address",
}
TYPE_WORDS = "|".join(DOC_TYPES)
SPEECH_TYPES = ("statement", "address")  # words for a speech; with a speaking country, its General Debate statement
YEAR_TYPE_RE = re.compile(rf"\b({YEAR})\s+({TYPE_WORDS})\b", re.I)
IN_YEAR_RE = re.compile(rf"\b(?:in|during|of)\s+({YEAR})\b", re.I)
BETWEEN_RE = re.compile(rf"\b(?:between|from)\s+({YEAR})\s+(?:and|to|until|-|–)\s+({YEAR})\b", re.I)
LATEST_RE = re.compile(rf"\b(?:his|her|the)\s+(?:latest|last|most recent|newest)\s+({TYPE_WORDS})?", re.I)
TYPE_RE = re.compile(rf"\b(?:the|his|her|this|that)\s+({TYPE_WORDS})\b", re.I)
PEOPLE = {
    "Ban Ki-moon": re.compile(r"\bBan Ki-?moon\b|\bBan\b(?= (?:said|say|says|pledged|noted|stressed))", re.I),
    "António Guterres": re.compile(r"\b(?:Ant[oó]nio )?Guterres\b", re.I),
    "Kofi Annan": re.compile(r"\b(?:Kofi )?Annan\b", re.I),
}
CHITCHAT_RE = re.compile(
    r"^\W*(hi|hello|hey|hiya|good (morning|afternoon|evening)|thanks|thank you( very much)?|many thanks|cheers|ok(ay)?|"
    r"bye|goodbye|see you|how are you( doing)?|who are you|what are you|what can you do|help)\W*$",
    re.I,
)
FOLLOW_UP_START_RE = re.compile(r"^\s*(and|what about|how about|and what about|also|but)\b", re.I)
PRONOUN_RE = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|she|him|his|her|there|the same)\b", re.I)
SUBJECT_RE = re.compile(r"\b(?:about|on|regarding|concerning|for)\s+(.+?)\s*[?.!]*$", re.I)


# Questions about a document rather than its content, and the metadata words that answer them.
METADATA_QUESTIONS = ((re.compile(r"\bwho (?:wrote|authored|is the author of|was the author of)\b", re.I), "author written by"),)


def expand_query(question: str) -> str:
    """The search query: the question plus metadata words it asks about ("who wrote" -> "author")."""
    extra = [words for pattern, words in METADATA_QUESTIONS if pattern.search(question)]
    return " ".join([question, *extra])


@dataclass(frozen=True)
class Interpretation:
    """What the assistant understood from a question (and the conversation before it)."""

    question: str
    standalone: str  # the question rewritten to stand alone (same as `question` unless a follow-up)
    search_text: str = ""  # what retrieval searches: the standalone question without the names used as filters
    filters: Filters = field(default_factory=Filters)
    preferences: Preferences = field(default_factory=Preferences)
    latest: bool = False  # "his last report": only the newest matching document
    filter_terms: tuple[str, ...] = ()  # stemmed words used up as filters, not content
    chitchat: bool = False
    follow_up: bool = False
    notes: tuple[str, ...] = ()

    @property
    def query(self) -> str:
        """The text to search with."""
        return self.search_text or self.standalone

    def describe(self) -> list[str]:
        """Human-readable notes on what was inferred."""
        notes = list(self.notes)
        if not self.filters.is_empty():
            notes.append(f"Filter from the question: {self.filters.describe()}.")
        if self.latest:
            notes.append("Only the most recent matching document.")
        pref = self.preferences.describe()
        if pref:
            notes.append(f"Ranking {pref}.")
        return notes


def is_chitchat(question: str) -> bool:
    """Greetings, thanks and questions about the assistant itself."""
    return bool(CHITCHAT_RE.match(question.strip()))


def read_question(question: str, countries: CountryNames | None = None) -> Interpretation:
    """Infer filters and preferences from one stand-alone question (``countries``: the speakers the index knows)."""
    years: list[str] = []
    types: list[str] = []
    hard_types: list[str] = []
    date_from = date_to = None
    used: list[str] = []
    m = YEAR_TYPE_RE.search(question)
    if m:
        date_from = date_to = m.group(1)
        hard_types.append(DOC_TYPES[m.group(2).lower()])
        used += [m.group(1), m.group(2)]
    between = BETWEEN_RE.search(question)
    if between and not m:
        lo, hi = sorted((between.group(1), between.group(2)))
        date_from, date_to = lo, hi
        used += [lo, hi]
    for y in IN_YEAR_RE.findall(question):
        if y != date_from:
            years.append(y)
    latest = LATEST_RE.search(question)
    if latest and latest.group(1):
        hard_types.append(DOC_TYPES[latest.group(1).lower()])
        used.append(latest.group(1))
    for t in TYPE_RE.findall(question):
        kind = DOC_TYPES[t.lower()]
        if kind not in hard_types:
            types.append(kind)
    speakers = countries.speakers(question) if countries else []
    if speakers:
        # a country's General Debate statement: the year names the session, the type words add nothing
        year = _session_year(question)
        if year and not (date_from and date_from != date_to):
            date_from = date_to = year
            used.append(year)
        unmarked = [y for y in re.findall(rf"\b{YEAR}\b", question) if y not in (date_from, date_to)]
        years = list(dict.fromkeys([y for y in years if y != year] + unmarked))  # topics: preferred, not required
        used += [m.name for m in speakers]
        hard_types = [t for t in hard_types if t not in SPEECH_TYPES]
    people = [name for name, pattern in PEOPLE.items() if pattern.search(question)]
    search_text = question
    for name in people:
        used += name.split()
        search_text = PEOPLE[name].sub(" ", search_text)  # the filter does that work; the name would only pull in mentions
    search_text = re.sub(r"\s{2,}", " ", search_text).strip()
    filters = Filters(
        date_from=date_from,
        date_to=date_to,
        doc_types=tuple(dict.fromkeys(hard_types)),
        secretaries_general=tuple(people),
        countries=tuple(dict.fromkeys(m.code for m in speakers)),
    )
    return Interpretation(
        question=question,
        standalone=question,
        search_text=search_text,
        filters=filters,
        preferences=Preferences(tuple(dict.fromkeys(years)), tuple(dict.fromkeys(types))),
        latest=bool(latest),
        filter_terms=tuple(key_terms(" ".join(used))),
    )


SESSION_YEAR_RE = re.compile(
    rf"\b(?:in|during)\s+({YEAR})\b|\b({YEAR})(?:\s+[\w-]+){{0,3}}?\s+(?:statement|speech|address|account|remarks|session|"
    r"delegation|delegate|representative|debate)\b",
    re.I,
)


def _session_year(question: str) -> str | None:
    """The one year a question marks as the statement's ("in 2005", "its 1974 statement"), if exactly one.

    An unmarked year ("about the 1992 Rio summit") is a topic: it stays a ranking preference.
    """
    marked = list(dict.fromkeys(a or b for a, b in SESSION_YEAR_RE.findall(question)))
    return marked[0] if len(marked) == 1 else None


def _is_follow_up(question: str) -> bool:
    if FOLLOW_UP_START_RE.match(question):
        return True
    content = [t for t in key_terms(question) if not re.fullmatch(r"\d+", t)]
    return bool(PRONOUN_RE.search(question)) and len(content) <= 4


def _subject(question: str) -> str:
    m = SUBJECT_RE.search(question)
    if m:
        return m.group(1)
    return " ".join(
        w
        for w in re.findall(r"[\w'-]+", question)
        if w.lower()
        not in {"what", "who", "which", "when", "did", "does", "do", "how", "why", "where", "the", "a", "an", "say", "said"}
    )


def _strip_time(question: str) -> str:
    text = YEAR_TYPE_RE.sub(lambda m: m.group(2), question)
    text = IN_YEAR_RE.sub("", text)
    return re.sub(r"\s+([?.!,])", r"\1", re.sub(r"\s{2,}", " ", text)).strip()


def interpret(
    question: str,
    history: list[dict[str, str]] | None = None,
    *,
    infer_filters: bool = True,
    countries: CountryNames | None = None,
) -> Interpretation:
    """Interpret ``question`` in the light of the earlier user turns of ``history``."""
    question = question.strip()
    if is_chitchat(question):
        return Interpretation(question, question, chitchat=True)
    previous: Interpretation | None = None
    # only the last earlier question counts, read in the light of the turns before it: one reading per turn, not 2^n
    asked = [
        t for t in history or [] if t.get("role") == "user" and t.get("content", "").strip() and not is_chitchat(t["content"])
    ]
    if asked:
        last = asked[-1]
        previous = interpret(last["content"], _before(history or [], last), infer_filters=infer_filters, countries=countries)
    current = read_question(question, countries) if infer_filters else Interpretation(question, question)
    if previous is None or not _is_follow_up(question):
        return current
    own_content = [t for t in key_terms(_strip_time(question)) if t not in current.filter_terms]
    follow_up_words = {"and", "about", "also", "but", "what", "how"}
    if len([t for t in own_content if t not in follow_up_words]) == 0:
        # "And in 2017?": the previous question, with this turn's time and people
        standalone = f"{_strip_time(previous.standalone).rstrip('?.! ')} {question.strip().split(' ', 1)[-1] if FOLLOW_UP_START_RE.match(question) else question}"
        standalone = re.sub(r"\s+", " ", standalone).strip()
        if not standalone.endswith("?"):
            standalone = standalone.rstrip(".!") + "?"
    else:
        standalone = f"{question.rstrip('?.! ')} (regarding {_subject(previous.standalone).rstrip('?.! ')})?"
    filters = current.filters if not current.filters.is_empty() else previous.filters
    if infer_filters and previous.filters.countries and not current.filters.countries:
        if current.filters.secretaries_general:
            filters = current.filters  # the Secretary-General speaks now, not the country
        else:
            # "And in 2010?" after "What did Brazil say ... in 2005?": the same country, this turn's year
            restated = read_question(standalone, countries).filters
            filters = restated if restated.countries else previous.filters
    search_text = standalone
    for name in (*filters.secretaries_general,):
        if name in PEOPLE:
            search_text = re.sub(r"\s{2,}", " ", PEOPLE[name].sub(" ", search_text)).strip()
    preferences = current.preferences if (current.preferences.years or current.preferences.doc_types) else previous.preferences
    return Interpretation(
        question=question,
        standalone=standalone,
        search_text=search_text,
        filters=filters,
        preferences=preferences,
        latest=current.latest or (previous.latest and current.filters.is_empty()),
        filter_terms=tuple(dict.fromkeys(current.filter_terms + previous.filter_terms)),
        follow_up=True,
        notes=(f"Follow-up read as: “{standalone}”",),
    )


def _before(history: list[dict[str, str]], turn: dict[str, str]) -> list[dict[str, str]]:
    return history[: history.index(turn)]
