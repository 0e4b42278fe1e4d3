"""Recognise the country that speaks in a question ("What did Brazil say ... in 2005?").

The names come from the index itself: every document with a ``country_code`` in its
metadata (the General Debate corpus) contributes its country's name, including
former names ("Union of Soviet Socialist Republics", "Ceylon"), plus the short
forms staff write ("Russia", "the United States", "Syria"). A name only counts as
the speaker when the question presents it so ("did Brazil", "Brazil said",
"Ghana's leader", "according to Malta", "its 2019 statement" with one country
named); "What did the Secretary-General say about Syria?" names no speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.models import DocumentMeta

# Short forms written in questions -> ISO code (used only when the index has documents of that code).
SHORT_FORMS = {
    "United States": "USA",
    "US": "USA",
    "U.S.": "USA",
    "USA": "USA",
    "Russia": "RUS",
    "Soviet Union": "RUS",
    "USSR": "RUS",
    "United Kingdom": "GBR",
    "UK": "GBR",
    "Britain": "GBR",
    "Great Britain": "GBR",
    "Syria": "SYR",
    "South Korea": "KOR",
    "North Korea": "PRK",
    "Laos": "LAO",
    "Moldova": "MDA",
    "Tanzania": "TZA",
    "Vietnam": "VNM",
    "Macedonia": "MKD",
    "Micronesia": "FSM",
    "People's Republic of China": "CHN",
    "Kingdom of Saudi Arabia": "SAU",
    "DR Congo": "COD",
    "DRC": "COD",
    "Brunei": "BRN",
    "East Timor": "TLS",
    "Vatican": "VAT",
    "UAE": "ARE",
    "EU": "EU",
    # former names as staff write them (the corpus's own are "Byelorussian Soviet Socialist Republic",
    # "Federal Republic of Germany"; "X SSR" is derived from "X Soviet Socialist Republic")
    "Byelorussia": "BLR",
    "Belorussia": "BLR",
    "West Germany": "DEU",
    "East Germany": "DDR",
}
# One-word names that are also common words in lower case ("chad", "turkey", "china"): a country only as capitalised,
# unless the whole question is in lower case
COMMON_WORD_NAMES = frozenset(
    {"us", "chad", "turkey", "jordan", "china", "guinea", "georgia", "panama", "niger", "india", "chile"}
)
SPEAKING_NOUNS = (
    r"statement|speech|address|delegation|representative|delegate|leader|president|prime minister|minister|"
    r"foreign minister|chancellor|king|queen|government|head of state|head of government|account|remarks"
)
# "the Maltese representative", "the Japanese delegation": a country named by its people's adjective, as the speaker
DEMONYMS = {
    "Afghan": "Afghanistan", "Albanian": "Albania", "Algerian": "Algeria", "Argentine": "Argentina",
    "Argentinian": "Argentina", "Australian": "Australia", "Austrian": "Austria", "Bangladeshi": "Bangladesh",
    "Belarusian": "Belarus", "Belgian": "Belgium", "Belizean": "Belize", "Bolivian": "Bolivia", "Brazilian": "Brazil",
    "British": "United Kingdom", "Bulgarian": "Bulgaria", "Burmese": "Myanmar", "Cambodian": "Cambodia",
    "Cameroonian": "Cameroon", "Canadian": "Canada", "Chilean": "Chile", "Chinese": "China", "Colombian": "Colombia",
    "Cuban": "Cuba", "Cypriot": "Cyprus", "Czech": "Czechia", "Danish": "Denmark", "Dutch": "Netherlands",
    "Ecuadorian": "Ecuador", "Egyptian": "Egypt", "Ethiopian": "Ethiopia", "Fijian": "Fiji", "Filipino": "Philippines",
    "Finnish": "Finland", "French": "France", "German": "Germany", "Ghanaian": "Ghana", "Greek": "Greece",
    "Guatemalan": "Guatemala", "Guyanese": "Guyana", "Haitian": "Haiti", "Hungarian": "Hungary", "Icelandic": "Iceland",
    "Indian": "India", "Indonesian": "Indonesia", "Iranian": "Iran", "Iraqi": "Iraq", "Irish": "Ireland",
    "Israeli": "Israel", "Italian": "Italy", "Jamaican": "Jamaica", "Japanese": "Japan", "Jordanian": "Jordan",
    "Kazakh": "Kazakhstan", "Kazakhstani": "Kazakhstan", "Kenyan": "Kenya", "Lebanese": "Lebanon", "Libyan": "Libya",
    "Maldivian": "Maldives", "Maltese": "Malta", "Marshallese": "Marshall Islands", "Mauritian": "Mauritius",
    "Mexican": "Mexico", "Mongolian": "Mongolia", "Moroccan": "Morocco", "Nepalese": "Nepal", "Nepali": "Nepal",
    "Nicaraguan": "Nicaragua", "Nigerian": "Nigeria", "Norwegian": "Norway", "Pakistani": "Pakistan",
    "Palestinian": "Palestine", "Panamanian": "Panama", "Paraguayan": "Paraguay", "Peruvian": "Peru",
    "Philippine": "Philippines", "Polish": "Poland", "Portuguese": "Portugal", "Romanian": "Romania",
    "Russian": "Russia", "Rwandan": "Rwanda", "Saudi": "Saudi Arabia", "Senegalese": "Senegal", "Serbian": "Serbia",
    "Singaporean": "Singapore", "Somali": "Somalia", "Soviet": "Soviet Union", "Spanish": "Spain",
    "Sri Lankan": "Sri Lanka", "Sudanese": "Sudan", "Swedish": "Sweden", "Swiss": "Switzerland", "Syrian": "Syria",
    "Thai": "Thailand", "Tunisian": "Tunisia", "Turkish": "Turkey", "Tuvaluan": "Tuvalu", "Ugandan": "Uganda",
    "Ukrainian": "Ukraine", "Uruguayan": "Uruguay", "Venezuelan": "Venezuela", "Vietnamese": "Viet Nam",
    "Yemeni": "Yemen", "Zambian": "Zambia", "Zimbabwean": "Zimbabwe",
    # (not "American", "Congolese", "Dominican", "Guinean", "Korean": more than one State, or a continent's)
    "Andorran": "Andorra", "Angolan": "Angola", "Armenian": "Armenia", "Azerbaijani": "Azerbaijan",
    "Bahamian": "Bahamas", "Bahraini": "Bahrain", "Barbadian": "Barbados", "Basotho": "Lesotho", "Beninese": "Benin",
    "Bhutanese": "Bhutan", "Bosnian": "Bosnia and Herzegovina", "Bruneian": "Brunei Darussalam",
    "Burkinabe": "Burkina Faso", "Burundian": "Burundi", "Cabo Verdean": "Cabo Verde", "Cape Verdean": "Cabo Verde",
    "Chadian": "Chad", "Comorian": "Comoros", "Costa Rican": "Costa Rica", "Croatian": "Croatia",
    "Czechoslovak": "Czechoslovakia", "Djiboutian": "Djibouti", "Emirati": "United Arab Emirates",
    "Eritrean": "Eritrea", "Estonian": "Estonia", "Gabonese": "Gabon", "Gambian": "Gambia", "Grenadian": "Grenada",
    "Honduran": "Honduras", "Ivorian": "Côte d'Ivoire", "Kuwaiti": "Kuwait", "Kyrgyz": "Kyrgyzstan", "Lao": "Laos",
    "Laotian": "Laos", "Latvian": "Latvia", "Liberian": "Liberia", "Lithuanian": "Lithuania", "Malagasy": "Madagascar",
    "Malawian": "Malawi", "Malaysian": "Malaysia", "Malian": "Mali", "Mauritanian": "Mauritania",
    "Micronesian": "Micronesia", "Moldovan": "Moldova", "Monegasque": "Monaco", "Montenegrin": "Montenegro",
    "Mozambican": "Mozambique", "Namibian": "Namibia", "Nauruan": "Nauru", "Nigerien": "Niger", "Omani": "Oman",
    "Palauan": "Palau", "Papua New Guinean": "Papua New Guinea", "Qatari": "Qatar", "Rwandese": "Rwanda",
    "Salvadoran": "El Salvador", "Salvadorean": "El Salvador", "Samoan": "Samoa", "Sammarinese": "San Marino",
    "Seychellois": "Seychelles", "Sierra Leonean": "Sierra Leone", "Slovak": "Slovakia", "Slovenian": "Slovenia",
    "Surinamese": "Suriname", "Swazi": "Eswatini", "Tajik": "Tajikistan", "Tanzanian": "Tanzania", "Timorese": "Timor-Leste",
    "Togolese": "Togo", "Tongan": "Tonga", "Trinidadian": "Trinidad and Tobago", "Turkmen": "Turkmenistan",
    "Uzbek": "Uzbekistan", "Vanuatuan": "Vanuatu", "Yugoslav": "Yugoslavia",
}  # fmt: skip
SPEAKING_VERBS = (
    r"say|says|said|tell|tells|told|state|states|stated|argue|argues|argued|declare|declares|declared|call|calls|called|"
    r"urge|urges|urged|propose|proposes|proposed|promise|promises|promised|pledge|pledges|pledged|warn|warns|warned|"
    r"describe|describes|described|talk|talks|talked|speak|speaks|spoke|raise|raises|raised|mention|mentions|mentioned|"
    r"address|addresses|addressed|refer|refers|referred|discuss|discusses|discussed"
)
_DEMONYM = "|".join(sorted(DEMONYMS, key=len, reverse=True))
DEMONYM_SPELLING = {d.casefold(): d for d in DEMONYMS}  # as typed, in any case -> the key of DEMONYMS
# only as the subject: "did the Maltese representative ...", "according to the ...", "the ... delegate said"
# or before its statements: "which Cambodian general debate statements ...", "afghan GA speeches"
DEMONYM_STATEMENTS = (
    rf"\b({_DEMONYM})(?=\s+(?:(?:UN\s+|UNGA\s+|GA\s+)?general\s+debate\s+|UNGA\s+|GA\s+)?"
    r"(?:statements?|speech(?:es)?|address(?:es)?)\b)"
)
DEMONYM_SPEAKER_RE = re.compile(
    # ("by the" only before a word for what was said or who said it: "the crackdown by the Bahraini government" is no speech)
    rf"(?:\b(?:did|does|do|has|have|had|would|will)\s+the\s+|\baccording\s+to\s+the\s+|"
    rf"\bby\s+the\s+(?=(?:{_DEMONYM})\s+(?:statement|speech|address|remarks|delegation|representative|delegate)s?\b))({_DEMONYM})\s+"
    rf"(?:{SPEAKING_NOUNS})\b|\bthe\s+({_DEMONYM})\s+(?:{SPEAKING_NOUNS})\s+(?:{SPEAKING_VERBS})\b|{DEMONYM_STATEMENTS}",
    re.I,
)
# After "did/has <country>", words that make the country a topic, not a speaker ("Did Iraq have ...", "did US forces")
# (only verbs of saying: "has Pakistan been pushing back militants" is about Pakistan, not what it said)
SPEAKING_ING = (
    r"saying|telling|stating|arguing|declaring|calling(?!\s+(?:off|back|in|up|out)\b)|urging|pledging|warning|talking|speaking|"
    r"mentioning|referring|demanding|denouncing|condemning|complaining|advocating|insisting"
)
NOT_SPEAKING_AFTER = (
    r"have|has|had|be|been|being|exist|own|possess|host|hosts|get|become|face|suffer|lose|need|"
    r"forces|troops|army|military|government|authorities|officials|people|citizens|economy|refugees"
)
# The Secretary-General is the speaker: a country named in the question is then a topic
SECRETARY_GENERAL_RE = re.compile(r"\bSecretar(?:y|ies)[- ]General\b|\bSG\b|\bBan Ki-?moon\b|\bGuterres\b|\bAnnan\b", re.I)
# "Senegal's and Tanzania's", "the speeches of Guyana and of Mauritius"
# ("Bangladesh vs Portugal, 1980-1989, on …")
LIST_GLUE_RE = re.compile(r"^(?:'s|’s)?(?:\s*,\s*(?:and\s+)?|\s+(?:and|vs\.?|versus)\s+)(?:of\s+)?(?:the\s+)?$", re.I)
# A list of countries opening the question (or a sentence of it) before "on": "Malaysia and Norway on the war in …"
# (or after "compare": "compare malta and portugal on libya's conflict")
OPENING_RE = re.compile(r"(?:^|[.:;?!]\s+)\s*(?:(?:compare|comparing|contrast)\s+)?(?:the\s+)?$", re.I)
# (a period may stand between: "Bangladesh vs Portugal, 1980-1989, on the Soviet troops in Afghanistan")
ON_TOPIC_RE = re.compile(
    r"^(?:'s|’s)?(?:\s*,\s*(?:(?:from|since|between|in)\s+)?(?:the\s+)?\d[\w\s–-]{0,20},)?\s+(?:on|about|regarding|concerning)\b",
    re.I,
)
# ... or before a colon, after at most a period ("Libya and South Africa, 1999-2006: which of their speeches …")
EACH_OF_THEM_RE = re.compile(r"\beach\b|\bboth\b|\btheir\s+(?:[\w-]+\s+){0,2}?(?:statements|speeches|addresses)\b", re.I)
HEADLINE_COLON_RE = re.compile(r"^\s*(?:,\s*(?:(?:from|since|between|in)\s+)?(?:the\s+)?[\d][\w\s–-]{0,20})?:")
# All-capital words (UN, GA, MONUSCO) and "I" do not make a question typed in lower case one with capitals
ACRONYM_RE = re.compile(r"\b(?:[A-Z]{2,}s?|I)\b")
# a bracket with more than a name: an aside ("(co-management with france)", "(Angola, Mozambique)"); "Hurricane Luis
# (Antigua and Barbuda)" names whose
ASIDE_RE = re.compile(r"\((?=[^()]*[,;]|[^()]*\s(?!and\s)[a-z])[^()]*\)")
ITS_STATEMENT_RE = re.compile(r"\bits\s+(?:[\w-]+\s+){0,3}?(?:statement|speech|address)\b", re.I)


def in_lower_case(question: str) -> bool:
    """Whether ``question`` is typed all in lower case (all-capital words such as "UN" aside)."""
    letters = ACRONYM_RE.sub("", question)
    return letters == letters.lower() and any(c.isalpha() for c in letters)


@dataclass(frozen=True)
class Mention:
    """A country named as the speaker of a question."""

    code: str  # ISO code, the value of the country filter
    name: str  # as written in the question


class CountryNames:
    """The countries an index holds statements of, and how questions name them."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names  # name as written -> ISO code
        # a question typed all in lower case ("uae expo first mentioned when") names countries in lower case too;
        # not "us", the pronoun
        self._folded = {n.casefold(): c for n, c in names.items() if n.casefold() != "us"}
        self._folded.update({n: c for n, c in names.items() if n.isupper()})  # "US", "UK" as typed, among lower case
        # a name of several words is a country's in any case ("since when has south africa …" among capitals), and so
        # is a one-word name that is no common word ("bolivia - when did its speech first invoke Mother Earth?")
        self._mixed = {
            **{n.casefold(): c for n, c in names.items() if " " in n or n.casefold() not in COMMON_WORD_NAMES},
            **names,
        }
        self._name_re: re.Pattern[str] | None = _names_pattern(self._mixed)
        self._lower_re: re.Pattern[str] | None = _names_pattern(self._folded)

    @classmethod
    def from_documents(cls, documents: Iterable[DocumentMeta]) -> CountryNames:
        """The names of every country with documents in the index, with their short forms."""
        names: dict[str, str] = {}
        for meta in documents:
            code, name = meta.extra.get("country_code"), meta.extra.get("country")
            if not code or not name:
                continue
            names[str(name)] = str(code)
            plain = re.sub(r"\s*\(.*?\)\s*", " ", str(name)).strip()  # "Iran (Islamic Republic of)" -> "Iran"
            names.setdefault(plain, str(code))
            long_form = re.fullmatch(r"(.+?)\s*\((.+ of)\)", str(name))  # -> "Islamic Republic of Iran" too
            if long_form:
                names.setdefault(f"{long_form.group(2)} {long_form.group(1)}", str(code))
            soviet = re.fullmatch(r"(.+) Soviet Socialist Republic", str(name))  # -> "Byelorussian SSR" too
            if soviet:
                names.setdefault(f"{soviet.group(1)} SSR", str(code))
        codes = set(names.values())
        for short, code in SHORT_FORMS.items():
            if code in codes:
                names.setdefault(short, code)
        return cls(names)

    def by_demonym(self, question: str) -> list[Mention]:
        """Countries named by their people's adjective as the speaker ("the Maltese representative said")."""
        out: dict[str, Mention] = {}
        for start, end, country in speaking_demonyms(question):
            code = self.names.get(country)
            if code:
                out.setdefault(code, Mention(code, question[start:end]))
        return list(out.values())

    def _matcher(self, question: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        """The names pattern for ``question`` and the table its matches are looked up in."""
        if in_lower_case(question):
            return self._lower_re, self._folded
        return self._name_re, self._mixed

    def named(self, question: str, asides: bool = True) -> list[Mention]:
        """Every country ``question`` names, speaking or not, in order (one mention per country).

        ``asides``: also those named only in an aside in brackets.
        """
        pattern, table = self._matcher(question)
        if pattern is None:
            return []
        out: dict[str, Mention] = {}
        found = list(pattern.finditer(question))
        for m in found if asides else _outside_asides(question, found):
            out.setdefault(table[m.group(1)], Mention(table[m.group(1)], m.group(1)))
        return list(out.values())

    def speakers(self, question: str, headline: bool = False) -> list[Mention]:
        """The countries ``question`` presents as speaking (usually none or one).

        ``headline``: countries opening the question before "on" speak too ("Malaysia and Norway on the war in
        Bosnia …"): a timeline's way of naming its columns; in an ordinary question they are what it is about
        ("Yemen on the verge of famine: what did OCHA say?").
        """
        pattern, table = self._matcher(question)
        if pattern is None or SECRETARY_GENERAL_RE.search(question):
            return []
        # a name in brackets is an example or an aside, not a speaker ("Portugal's territories (Angola, Mozambique)")
        named = [
            (m.start(1), m.end(1), Mention(table[m.group(1)], m.group(1)))
            for m in _outside_asides(question, list(pattern.finditer(question)))
        ]
        speaking = {i for i, (start, _, mention) in enumerate(named) if _speaks(question, mention.name, start)}
        if not named or not any(i in speaking for i in range(len(named))):
            demonyms = self.by_demonym(question)
            if demonyms:
                return demonyms
        if not speaking and len({m.code for _, _, m in named}) == 1 and ITS_STATEMENT_RE.search(question):
            speaking = {0}  # "What fraction of Pakistan ..., according to its address?"
        # "France, Germany and Italy say": mentions joined only by commas and "and" speak together
        groups: list[list[int]] = []
        for i in range(len(named)):
            if groups and LIST_GLUE_RE.match(question[named[i - 1][1] : named[i][0]]):
                groups[-1].append(i)
            else:
                groups.append([i])
        opening = headline and groups and OPENING_RE.search(question[: named[groups[0][0]][0]])
        after = question[named[groups[0][-1]][1] :] if opening else ""
        # (before a colon only when no other country speaks and the question then asks of them: "each", "their")
        side_by_side = HEADLINE_COLON_RE.match(after) and not speaking and EACH_OF_THEM_RE.search(after)
        if opening and (ON_TOPIC_RE.match(after) or side_by_side):
            speaking.update(groups[0])  # "Malaysia and Norway on the war in Bosnia", "Libya and South Africa, 1999-2006:"
        out: dict[str, Mention] = {}
        for group in groups:
            if speaking.intersection(group):
                for i in group:
                    out.setdefault(named[i][2].code, named[i][2])
        return list(out.values())


# Before "<adjective> statements", the words that make the adjective the speaker's ("which afghan general debate
# speeches", "the earliest Ecuadorian GA speech", "did a Somali general debate statement"), not an object's
# ("respond to Israeli statements", "quote Chinese statements", "how many French speeches")
HEADING_WORDS = frozenset("which what whose every each all list any later earliest first latest last".split())
AFTER_ARTICLE = frozenset("which what did does do has have had when year in list was were is are".split())


def demonym_country(word: str) -> str | None:
    """The country a people's adjective names, in any case ("cambodian" -> "Cambodia"), or None."""
    demonym = DEMONYM_SPELLING.get(word.casefold())
    return DEMONYMS[demonym] if demonym else None


def speaking_demonyms(question: str, heading_only: bool = True) -> list[tuple[int, int, str]]:
    """Each people's adjective worded as a speaker (`DEMONYM_SPEAKER_RE`): its span and its country's name.

    ``heading_only``: before its statements, only where it heads them ("which afghan general debate speeches"), not
    "respond to Israeli statements" or "how many French speeches".
    """
    out = []
    for m in DEMONYM_SPEAKER_RE.finditer(question):
        group = next(g for g in (1, 2, 3) if m.group(g))
        if group == 3 and heading_only and not _heads_its_statements(question[: m.start(3)]):
            continue
        out.append((m.start(group), m.end(group), DEMONYMS[DEMONYM_SPELLING[m.group(group).casefold()]]))
    return out


def _heads_its_statements(before: str) -> bool:
    """Whether the words ``before`` a people's adjective and its statements make it the statements' speaker."""
    words = re.findall(r"[\w'’-]+|[.?!:;(—–]", before.lower())
    if not words or words[-1] in ".?!:;(—–" or words[-1] in HEADING_WORDS:
        return True
    if words[-1] in ("the", "a", "an"):
        return len(words) == 1 or words[-2] in ".?!:;(—–" or words[-2] in AFTER_ARTICLE or words[-2] in HEADING_WORDS
    return False


def _outside_asides(question: str, found: list[re.Match[str]]) -> list[re.Match[str]]:
    """The names outside bracketed asides, when any is; else all of them ("the host of COP27 (Egypt, that is)")."""
    asides = [m.span() for m in ASIDE_RE.finditer(question)]
    outside = [m for m in found if not any(start < m.start(1) < end for start, end in asides)]
    return outside or found


def _names_pattern(names: dict[str, str]) -> re.Pattern[str] | None:
    """One pattern for every name, longest first; None without names."""
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:the\s+)?({alternatives})(?![\w-])")


def _speaks(question: str, name: str, start: int) -> bool:
    """Whether the mention of ``name`` at ``start`` is worded as the speaker."""
    n = rf"(?:the\s+)?{re.escape(name)}(?![\w-])"
    # what a first mention is of: a name, or any words in a question typed in lower case
    named_object = r"(?:[\w'’-]+\s+){1,4}?" if in_lower_case(question) else r"(?:(?-i:[A-Z])[\w'’-]*\s+){1,4}?"
    patterns = (
        # "What did Brazil say" (not "has Brazil's ...", "did Iraq have ...", "did US forces ...")
        rf"\b(?:did|does|do|has|had|have|would|will|could)\s+{n}(?!'s|’s)(?=\s+(?!(?:{NOT_SPEAKING_AFTER})\b)[a-z])",
        rf"(?<![\w-]){re.escape(name)}(?:'s|’s)\s+(?:[\w-]+\s+){{0,4}}?(?:{SPEAKING_NOUNS})(?:e?s)?\b",  # "Ghana's leader"
        rf"\b(?:has|have|had)\s+{n}\s+been\s+(?:{SPEAKING_ING})\b",  # "since when has South Africa been calling"
        rf"\baccording\s+to\s+{n}",  # "According to Malta in 1967"
        # "the earliest reference by Mauritius", "first general debate mention by the Holy See" (not "any mention of
        # shelling by Russia", "did Cyprus mention the occupation by Turkey")
        rf"\b(?:earliest|first|latest|last|any|the|a)\s+(?:[\w-]+\s+){{0,3}}?(?:reference|mention|allusion)s?\s+"
        rf"(?:(?:made|given)\s+)?by\s+{n}",
        # "the first mention of Palestine by Jordan" (a name between: not "a reference to occupation by Iraq")
        rf"\b(?:earliest|first|latest|last)\s+(?:[\w-]+\s+){{0,3}}?(?:reference|mention|allusion)s?\s+(?:of|to)\s+"
        rf"{named_object}by\s+{n}",
        rf"\b(?:{SPEAKING_NOUNS})\s+(?:(?:delivered|given|made)\s+)?(?:by|of|from)\s+{n}",  # "the 1975 speech by Mauritius"
        # "which general debate speeches of Guyana" (not "the governments of India and Pakistan": what they did)
        rf"\b(?:statements|speeches|addresses)\s+(?:(?:delivered|given|made)\s+)?(?:by|of|from)\s+{n}",
        rf"(?<![\w-]){re.escape(name)}\s+(?:{SPEAKING_VERBS})\b",  # "Brazil said"
        # "which UK general debate speeches dealt with …", "which US speeches mention Cuba": the name heading statements
        # that say something ("which Palestine statements did the United States criticise" is the object's)
        rf"\b(?i:which|what|every|each|any)\s+{n}\s+(?:(?i:UN|UNGA|GA)\s+)?(?i:general\s+debate\s+)?"
        rf"(?i:statements?|speech(?:es)?|address(?:es)?)\s+(?i:{SPEAKING_VERBS}|mentions?|dealt|deals?|touch(?:es|ed)?|"
        r"took|takes?|brought|brings?|invoked?|invokes)\b",
    )
    flags = re.I if len(name) > 3 else 0
    for pattern in patterns:
        for m in re.finditer(pattern, question, flags):
            if m.start() <= start < m.end():
                return True
    return False
