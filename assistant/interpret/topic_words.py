"""Words of a timeline question that are not its topic: the asking, the setting, the chat.

`assistant.interpret.timeline.topic_of` removes them; what is left is searched in every statement. A name keeps its
words whatever they are (`with_names_kept`): "the Amman Message", "the 'Delivering as One' reform".
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.interpret.time_phrasings import COMMENT_ON, SPEECH_USED_TO

# the asker's purpose: "for a briefing on", "for my paper about", "For a study of"
PURPOSE = (
    r"for\s+(?:a|an|my|our)\s+(?:background\s+)?(?:brief|briefing|note|memo|paper|study|report|thesis|article|"
    r"presentation|review)\s+(?:on|about|of)\b"
)

# words that say "timeline" or name the setting rather than the topic: searched for, they pull in every statement
GENERIC_WORDS = re.compile(
    r"\b(?:up\s+to|up\s+until|un\s+chief|general\s+debates?|united\s+nations|secretary-general|secretary\s+general|bring\s+up|brought\s+up|"
    r"each\s+one|each\s+side|did\s+later\s+ones|how|has|have|had|did|does|do|what|when|which|who|where|why|is|was|were|the|a|an|of|in|on|at|to|for|and|or|if|so|"
    r"position|positions|view|views|stance|line|emphasis|approach|said|say|says|saying|talk(?:ed|s)?|spoke|speak|spoken|"
    r"describ(?:e|ed|es)|present(?:ed|s)?|address(?:ed|es)?|rais(?:e|ed|es|ing)|bring|brought|come\s+up|came\s+up|mention(?:ed|s)?|"
    r"report(?:ed|s)?|tell|told|each|both|compare[ds]?|comparison|vs|versus|(?<!climate\s)(?<!regime\s)change[ds]?|changing|evolv(?:e|ed|es)|evolution|"
    r"(?<!least\s)develop(?:ed)?|shift(?:ed)?|over|years?|decades?|time|times|first|later|latest|last|again|afterwards|ever|"
    r"since|between|from|until|till|through|across|trace|track|follow(?:ed)?|return(?:ed|s)?|come\s+back|came\s+back|pursue[ds]?|kept|keep|continued|"
    r"statements?|speeches|speech|address|addresses|remarks|messages?|texts?|general\s+debate|united\s+nations|"
    r"un|at|its|his|her|their|it|he|she|they|them|this|that|these|those|secretary-general|secretary\s+general|sg|un\s+chief|"
    r"early(?!\s+warning)|mid|late|start(?:ed)?|starting(?=\s+(?:with|from|in|at|year)\b)|such|begin|began|come|came|welcoming|ones|about|with|by|as|into|any|some|something|"
    r"actually|else|one|own|before|after|following|during|then|there|been|be|if|whether|where|ever|most\s+recently|recently|"
    r"refer(?:s|red|ring)?|discuss(?:es|ed|ing)?|recall(?:s|ed|ing)?|cit(?:e|ed|es|ing)|done|afterward|subsequent|"
    r"statement|later\s+ones|secretaries-general|secretaries\s+general|mentioning|talking|speaking|raising|"
    r"describing|addressing|referring|"
    # how people ask in a chat box: "please", "I need", "could you cover", "how far back", "earliest", "walk me through"
    r"please|kindly|pls|plz|thanks|thank\s+you|thx|could\s+you|would\s+you|can\s+you|you|me|my|i\s+need|i\s+want|"
    r"(?:we|i)\s+(?:require|need|want|would\s+like)|give|list|outline|show|together(?=\s+with\b)|dealing(?=\s+with\b)|"
    r"i\.e\.?|e\.g\.?|every|all|plus(?=\s+(?:all|every|any|each|the|its|later)\b)|"
    r"cover\s+everything|everything|anything|plus\s+any|also|ga|any\s+later\s+references|later\s+references|"
    r"earliest|how\s+far\s+back(?:\s+does\s+(?:that|it|this)\s+go)?|walk\s+me\s+through|summari[sz]e|starting\s+when|"
    r"(?:(?<=\bwhat\s)|(?<=\bwhich\s))sessions?|(?<=\bfirst\s)(?:protest(?:ed)?|object(?:ed)?)|itself|themselves|too|side\s+by\s+side|"
    r"repeat(?:ed|s)?|now|including|timeline|dealt|deals?(?=\s+with\s+(?:it|them|this|that|these|those)\s*(?:[?.!]|$))|"
    + COMMENT_ON
    + r"|"
    # "did each country take it up", "how did Albania and Nicaragua each treat …": who and how, not what
    r"(?<=\beach\s)(?:country|nation|speaker|delegation|treat|treated|handle|handled|approach|approached|cover|covered|view|viewed)|(?:take|takes|took|taken|taking)\s+(?:(?:it|them|this|that)\s+)?up(?!\s+arms\b)|(?:(?<=\bdid\s)|(?<=\bdoes\s)|(?<=\bto\s))deal(?=\s+with\b)|rest(?=\s+of\s+that\s+decade\b)|(?<!\bthe\s)(?:press|pressed|pressing|push|pushed|pushing)(?=\s+(?:at|for)\b)|"
    r"identify|find(?=\s+(?:the|when|out|me|which|what|every|all)\b)|initially|originally|references?|go|goes|bringing\s+up|history\s+of|complain(?:ed|s|ing)?|appears?|appeared|instances?|onwards?|so\s+far|till\s+now|each|year\s+by\s+year|"
    # how it was said or how often, not what: "its tone", "how often", "put forward the idea", "announce", "take it to"
    # ("freedom from want" and "hostage-taking" keep theirs)
    r"tone|often|idea|ideas|proposal|proposals|put\s+forward|announc(?:e|ed|es|ing)|wanted|wants|invok(?:e|ed|es|ing)|"
    # the asker's verbs of advocacy and request, and "has long" (the read parts' topics held them, their evidence never)
    # (not inside a joined word: "Russian-backed separatists", "the backed-up shipments")
    r"(?<![\w-])(?:promot(?:e|ed|es|ing)|ask(?:s|ed|ing)?|backed|argu(?:e|ed|es|ing))(?![\w-])|"
    # who speaks, over the whole corpus: "what countries say about", "speakers raised", "how often", "the way"
    r"speakers|delegations|how\s+often|the\s+way|(?:countries|(?:member\s+)?states|nations)(?=\s+(?:say|said|first|raise|raised|mention|mentioned|"
    r"talk|talked|speak|spoke|describe|described|refer|referred)\b))\b",
    re.I,
)


# Where statements were made, not what they are about: "at the General Assembly", "to the UN General Assembly"
# ("what has he said about the General Assembly" keeps it as the topic)
SETTING_RE = re.compile(
    r"\b(?:at|to|in|before|from|during|tells?|told|warn(?:s|ed)?|address(?:es|ed)?|inform(?:s|ed)?|remind(?:s|ed)?)\s+"
    r"(?:the\s+|its\s+|his\s+|her\s+|their\s+)?(?:UN\s+|United\s+Nations\s+)?General\s+Assembly(?:'s|’s)?\b|"
    r"\b(?:to|at|before|in|tells?|told|inform(?:s|ed)?|remind(?:s|ed)?|address(?:es|ed)?)\s+the\s+Assembly\b|"
    r"\b(?:UN\s+)?General\s+Assembly\s+(?:speech|statement|debate|session|address|meeting|hall|podium|rostrum)\w*|"
    # "its UNGA general debate speeches" ("revitalizing the UNGA" keeps it)
    r"\bUNGA(?=\s+general\s+debate\b|\s+(?:speech|statement|debate|session|address|remarks)\w*)|"
    # "its General Assembly general debate speeches"
    r"\b(?:UN\s+)?General\s+Assembly(?=\s+general\s+debate\b)",
    re.I,
)


# Phrases of a chat request, removed whole before single words are: "how far back does that go", "any later references"
CHAT_PHRASES_RE = re.compile(
    r"\bhow\s+far\s+back(?:\s+does\s+(?:that|it|this)\s+go)?\b|\b(?:plus\s+)?any\s+later\s+(?:references|mentions)\b|"
    # the asker's context: "I'm putting together a brief on", "its record of references since then"
    r"\bI(?:'m|’m|\s+am)\s+(?:putting\s+together|preparing|writing|drafting|working\s+on|doing)\s+(?:a\s+|an\s+|some\s+)?"
    r"(?:(?:background\s+)?(?:brief|briefing|note|memo|paper|piece|research)\s+)?(?:on|about|for)\b|"
    # "I'm looking into Malta's idea of …", "I am researching …"
    r"\bI(?:'m|’m|\s+am)\s+(?:looking\s+(?:into|at)|researching|studying)\b|"
    r"\b(?:its|their|the)\s+record\s+of\s+(?:references|mentions)\b|\bother\s+(?:years|times|occasions)\b|"
    r"\b" + PURPOSE + r"|"
    r"\bas\s+well\b|\bplease\s+(?:cover|focus\s+on|limit\s+(?:it\s+)?to)\b|\bonly\b(?=\s*\))|"
    # a period that starts at independence and ends at a year ("from independence up to 2001")
    r"\bfrom\s+(?:its\s+|their\s+)?independence(?=\s+(?:up\s+to|until|till|to|through)\b)|"
    r"\b(?:bring|brought|bringing)\s+(?:it|this|that|them)\s+up\b|\b(?:speak|speaks|spoke|spoken|speaking)\s+(?:up|out)\b|"
    # how the answer should be laid out: "I'd like the years, country by country", "break it down per country",
    # "one entry per year please", "years only is fine"
    # (only as layout: "emissions per country since 2009", "efforts to break down trade barriers", "fine particulate
    # matter" and "one entry point" keep their words)
    r"\bI(?:'d|’d|\s+would)\s+like\b|\bcountry\s+by\s+country\b|\bbreak\s+(?:it|this|them|that)\s+down\b|"
    r"\bbroken\s+down\s+(?=(?:per|by)\s)|\b(?:per|by|for\s+each)\s+(?:country|year|speaker)(?=\s*(?:[.?!,;:)]|please\b|$))|"
    r"\bone\s+(?:entry|line)\s+(?:per|a|for\s+each)\s+(?:year|speech|statement|country)\b|"
    r"\b(?:[\w-]+\s+)?only\s+is\s+fine\b|\bis\s+fine(?=\s*[.!]?\s*$)|"
    # where to look and what for: "going back through its speeches", "trace that back", "Locate the opening reference",
    # "statements that refer back to it", "Going back to 1972," (`periods.BACK_TO_RE`)
    r"\b(?:going|go|goes)\s+back\s+through\b|\btrace\s+(?:that|it|this)\s+back\b|(?:^|(?<=[.?!:;]\s))locate\b|"
    r"\brefer(?:s|red|ring)?\s+back\b|\bback\s+to\s+(?:it|them|this|that)\b|"
    + SPEECH_USED_TO
    + r"|\b(?:pick|picks|picked|picking)\s+(?:it|this|that|them)\s+up\b|\b(?:brings|touch|touches|touched|touching)\s+(?:up|on)\b",
    re.I,
)


# A word for a statement that ends a capitalised name ("the Amman Message", "the Brundtland Report") stays in the topic
# (not after a possessive, a generic word or a word that only says which one: "the SG's Message", "the UN Report",
# "the Annual Report")
NAMED_DOCUMENT_RE = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][\w-]*)(\s+)(Message|Report|Statement|Address|Declaration)\b")
NOT_A_NAME = frozenset({"annual", "final", "special", "joint", "opening", "closing", "keynote", "president"})
KEEP = "KEEPWORDX"  # glued to such a word so the generic words leave it; removed after


def _keep_named_documents(text: str) -> str:
    """``text`` with a named document's statement word glued to ``KEEP`` ("the Amman Message"): `NAMED_DOCUMENT_RE`."""

    def keep(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.lower() in NOT_A_NAME or GENERIC_WORDS.fullmatch(name) or text[m.end(1) : m.end(1) + 2] in ("'s", "’s"):
            return m.group(0)
        return m.group(1) + m.group(2) + m.group(3) + KEEP

    return NAMED_DOCUMENT_RE.sub(keep, text)


# A name the asker puts in quotation marks ("the 'Friends of Yemen' donor group", "'Delivering as One'"): a few words,
# no question of its own, no comma inside single quotes ("Since the 'nineties, how has the Philippines' position …"
# is no name)
QUOTED_NAME_RE = re.compile(r"[\"“](\w[^\"”?]{1,60})[\"”]|(?<![\w])[‘'](\w[^'’?,;:]{1,60})['’](?![\w])")
MAX_NAME_WORDS = 6
# ... and not a quoted period or speaker ("\"Brazil deforestation since 2000\" - which speeches?")
PERIOD_WORDS_RE = re.compile(r"\b(?:since|between|until|till|from|(?:1[89]|20)\d\ds)\b", re.I)


def quoted_names(text: str) -> list[re.Match[str]]:
    """The quoted names of ``text`` (`QUOTED_NAME_RE`): at most `MAX_NAME_WORDS` words, no period."""
    return [
        m
        for m in QUOTED_NAME_RE.finditer(text)
        if len((inner := m.group(m.lastindex or 1)).split()) <= MAX_NAME_WORDS and not PERIOD_WORDS_RE.search(inner)
    ]


def _keep_quoted_names(text: str, speakers: frozenset[str] = frozenset(), labels: frozenset[str] = frozenset()) -> str:
    """``text`` with every word of a quoted name glued to ``KEEP``, so a generic word does not leave it.

    Not a word of ``speakers`` (the only column's name, its words folded): the speaker's own name is in every
    statement it made, so "the 'Friends of Yemen' group" asked of Yemen alone searches its other words. Nor a quoted
    speaker's name of ``labels`` (folded): "Compare how 'France' and 'Mexico' …" names speakers, not a topic.
    """

    def glued(w: re.Match[str]) -> str:
        return w.group(0) if w.group(0).casefold() in speakers else w.group(0) + KEEP

    for m in reversed(quoted_names(text)):
        if m.group(m.lastindex or 1).strip().casefold() not in labels:
            text = text[: m.start()] + re.sub(r"\w+", glued, m.group(0)) + text[m.end() :]
    return text


def without_quoted_names(text: str, is_speaker: Callable[[str], bool]) -> str:
    """``text`` with each quoted name (`quoted_names`) replaced by one neutral word, unless it is a speaker's name.

    ``is_speaker`` says whether the quoted words are only a speaker's name ("Compare how 'France' and 'Mexico' …"). A country inside a quoted name ("the 'Friends of Yemen' group") names the group, not a speaker. The neutral word
    is all capitals, which the reading of countries in lower-case questions leaves alone.
    """
    for m in reversed(quoted_names(text)):
        if not is_speaker(m.group(m.lastindex or 1)):
            text = text[: m.start()] + "QUOTEDNAME" + text[m.end() :]
    return text


def with_names_kept(text: str, speakers: frozenset[str] = frozenset(), labels: frozenset[str] = frozenset()) -> str:
    """``text`` with the words of its named documents and quoted names glued to ``KEEP`` (removed after the cleaning).

    ``speakers``: the words of the only column's name, folded, which leave a quoted name too; ``labels``: the columns'
    names, folded, which are no quoted name when quoted alone (`_keep_quoted_names`).
    """
    return _keep_named_documents(_keep_quoted_names(text, speakers, labels))
