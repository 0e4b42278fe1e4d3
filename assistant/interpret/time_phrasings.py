"""How a question asks about time: the phrasings that make it a first mention, a change, a comparison.

Each pattern is a way people ask ("when did X first raise …", "how has its position changed", "compare what
X and Y said"); `assistant.interpret.timeline` reads a question with them.
"""

from __future__ import annotations

import re

# Verbs of speaking about something, as verbs only ("talked", not "peace talks"; "named", not "Namibia"; "appealed",
# not "the flash appeal"): what a first mention is about ("first discussed", "start mentioning"), unlike "first
# established", "first test a weapon" or "first host the Olympics", which ask when an event happened.
# "did it comment on them", "to comment on" (not "a comment on", "the General Comment on"): a verb only after a subject
COMMENT_ON = r"(?:(?<=\bdid\s)|(?<=\bdoes\s)|(?<=\bto\s)|(?<=\bit\s)|(?<=\bthey\s))comments?(?=\s+(?:on|upon)\b)"
SPEAKING = (
    r"(?:mention(?:s|ed|ing)?|rais(?:e|es|ed|ing)|discuss(?:es|ed|ing)?|cit(?:e|es|ed|ing)|nam(?:e|es|ed|ing)|"
    r"refer(?:s|red|ring)?|warn(?:s|ed|ing)?|spoke|spoken|speak(?:s|ing)?|talk(?:ed|ing)?|address(?:es|ed|ing)?|"
    r"not(?:e|es|ed|ing)|highlight(?:s|ed|ing)?|recall(?:s|ed|ing)?|call(?:ed|ing)?|urg(?:e|es|ed|ing)|"
    r"propos(?:e|es|ed|ing)|express(?:es|ed|ing)?|voic(?:e|es|ed|ing)|denounc(?:e|es|ed|ing)|condemn(?:s|ed|ing)?|"
    r"welcom(?:e|es|ed|ing)|acknowledg(?:e|es|ed|ing)|describ(?:e|es|ed|ing)|say(?:s|ing)?|said|told|tell(?:s|ing)?|"
    r"announc(?:e|es|ed|ing)|link(?:s|ed|ing)?|connect(?:s|ed|ing)?|complain(?:s|ed|ing)?|"
    r"critici[sz](?:e|es|ed|ing)|appeal(?:ed|ing)|plead(?:s|ed|ing)?|deplor(?:e|es|ed|ing)|lament(?:ed|ing)|"
    r"advocat(?:e|es|ed|ing)|champion(?:ed|ing)|(?:brought|bring|bringing)\s+(?:(?:it|this|that|them)\s+)?up|"
    # "did it comment on them", "where Malta put it forward" (not "a comment", "put forward troops")
    r"comment(?:ed|ing)(?=\s+(?:on|upon)\b)|" + COMMENT_ON + r"|put(?:s|ting)?\s+(?:it|this|that|them)\s+forward)(?![\w-])"
)
COMPARE_RE = re.compile(
    r"\bcompare[ds]?\b|\bcomparison\b|\bvs\.?(?=\s)|\bversus\b|\beach\s+(?:of\s+(?:them|the\s+two)\s+)?(?:present|presented|"
    r"put|frame|framed)\b|"
    # "how did Albania and Nicaragua each treat the Cyprus question" (not "did Kenya and Uganda each handle a million
    # refugees")
    r"\bhow\s+(?:did|do|does|has|have|had)\s+[^?]*?\beach\s+(?:of\s+(?:them|the\s+two)\s+)?(?:treat|treated|handle|"
    r"handled|approach|approached|cover|covered|view|viewed)\b|\beach\s+(?:of\s+(?:them|the\s+two)\s+)?" + SPEAKING + r"|"
    r"\b(?:differ|differed|difference|differences)\b",
    re.I,
)
# "which year did they initially bring it up", "when was it originally raised": only with raising verbs, and only in a
# question about when ("What was the UN originally called?", "the initially proposed budget" are not)
ORIGINALLY_RE = re.compile(
    r"\b(?:initially|originally)\s+(?:mention(?:ed)?|rais(?:e|ed)|refer(?:red)?|discuss(?:ed)?|talk(?:ed)?|spoke|speak|"
    r"address(?:ed)?|(?:brought|bring)\s+(?:(?:it|this|that|them)\s+)?up)(?![\w-])",
    re.I,
)
WHEN_ASKED_RE = re.compile(r"\bwhen\b|\b(?:which|what)\s+year\b|\bhow\s+far\s+back\b", re.I)
FIRST_RE = re.compile(
    r"\bfirst\s+(?:mention|mentioned|raise|raised|bring|brought|speak|spoke|talk|talked|address|addressed|lay|laid|"
    r"warn|warned|announce|announced|give|gave|come|came|connect|connected|refer|referred|call|called|cite|cited|say|said|"
    r"propose|proposed|put|tell|told|express|expressed|voice|voiced|appear|appeared|start|started|begin|began|"
    r"present|presented|describe|described|champion|championed|advocate|advocated|promote|promoted|denounce|"
    r"denounced|condemn|condemned|invoke|invoked|welcome|welcomed)\b|"
    # "when did Haiti first ask for …" (not "when it was first asked to host …", "when first asked about Gaza")
    r"(?<!\bwas\s)(?<!\bwere\s)(?<!\bwhen\s)(?<!\bbeen\s)(?<!\bis\s)\bfirst\s+ask(?:ed)?\b|"
    # "when did the Sudan first protest in the General Assembly": a protest made there (not "the first protest")
    r"(?<!\bthe\s)(?<!\ba\s)\bfirst\s+(?:protest(?:ed)?|object(?:ed)?)\b(?=[^?]*\b(?:General\s+Assembly|Assembly|UN|"
    r"United\s+Nations|general\s+debate)\b)|"
    r"\bfirst\s+(?:appear|show)s?\b|"
    # "when did it first take up that treaty" (not "first take up arms")
    r"\bfirst\s+(?:take|took|taken)\s+up\b(?!\s+(?:(?:its|the|his|her|their|a)\s+)?(?:arms|seat|office|post|presidency|"
    r"chair|chairmanship|duties|position|role|membership|residence)\b)|"
    # "first reference by mauritania to …", "first general debate mention of it by Brunei"
    r"\bfirst\s+(?:[\w-]+\s+){0,3}?(?:reference|mention|allusion)s?\s+(?:of\s+(?:it|them|this|that)\s+)?(?:by|from)\b|"
    # "when was X first discussed": a question about when, with "first" and a verb of speaking
    r"\bwhen\s+(?:was|were|did|do|does|has|have|had)\b[^?]*\bfirst\s+" + SPEAKING + r"|"
    r"\b(?:start|started|begin|began|begun)\s+(?:to\s+)?(?:mention|rais|talk|speak|refer|discuss|cit|address|warn|champion|"
    r"present|describ|call|urg|denounc|advocat|promot|press|push)\w*|"
    r"\bever\s+(?:raise|mention|speak|talk|address|refer|recall|discuss|cite)|"
    r"\bsince\s+when\b[^?]*\b" + SPEAKING + r"|"
    # "the earliest mention / speech / reference"
    r"\bearliest\s+(?:[\w-]+\s+){0,3}?(?:mention|reference|speech|statement|address)s?\b",
    re.I,
)
# "which was the earliest", "how far back does that go", "what year did it begin", "which year is the first": first
# mentions only beside a verb of speaking or a word for statements ("What year did the Decade of Action begin?" is not)
FIRST_IF_SAID_RE = re.compile(
    r"\bwhich\s+(?:one\s+)?(?:was|is)\s+the\s+earliest\b|\bhow\s+far\s+back\b|\bstarting\s+when\b|"
    # "the first General Debate statement in which …", "from which year did its speeches talk about …"
    # (without "the" only where a sentence opens: "What did Brazil propose in its first speech in which Lula spoke?" is
    # about one speech)
    r"(?:\bthe\s+|^\s*|(?<=[.?!:;–—-]\s))first\s+(?:[\w-]+\s+){0,3}?(?:statement|speech|address)\s+"
    # ... or "first general debate speech raising (to mention) …"
    r"(?:(?:in\s+which|where|that)\s+(?:[\w-]+\s+){0,5}?|to\s+|(?=\w+ing\b))"
    + SPEAKING
    + r"|\bfrom\s+(?:which|what)\s+(?:[\w-]+\s+){0,3}?(?:year|speech|statement|address|session)\b[^?]*?\b"
    + SPEAKING
    + r"|"
    # "when did X start to …" (an event's start, "When did the Syrian war begin?", is not: a verb of speaking must follow)
    r"\bwhen\s+did\s+.*\b(?:start|begin|began)\b|"
    r"\b(?:what|which)\s+year\b[^?]*\b(?:begin|began|start|started|first)\b|\bearliest\s+year\b|"
    # "first year it appears", "the first time and any later times" (not "for the first time", "the first year of")
    r"(?<!\bfor\sthe\s)\bfirst\s+(?:year|time)\b(?!\s+(?:of|at|as|since)\b)(?!\s+in\b(?!\s+which\b))|"
    # "first general debate year it was named" (not "the first general debate year Brunei took part in")
    r"\bfirst\s+general\s+debate\s+year\s+(?:it|this|that|they)\s+(?:was|were|is|are)\b",
    re.I,
)
# "In which years did Laos talk about …", "in which of its general debate speeches does it talk about …", "years in
# which …": a timeline
# beside a verb of speaking or a word for statements ("In which years did prevention avert atrocities?" asks when
# events happened)
WHICH_YEARS_RE = re.compile(
    # ("which of its General Assembly general debate speeches": the setting's words may stand between)
    r"\b(?:which|what)\s+(?:of\s+(?:its|their|his|her)\s+(?:(?:UN|UNGA|General|Assembly)\s+){0,2})?(?:[\w-]+\s+){0,2}?"
    r"(?:years|statements|speeches|addresses|sessions)\b|"
    # "since 2006 - years in which bolivia's statement talked about …", "- years it came up"
    # (where a clause opens: "what did Mexico say about the years it sat on the Council?" is not)
    # ("Give me the years, 1958-1973, in which …": a period may stand between)
    r"(?:^|[-–—:;,]\s*|\b(?:list|give|name|show|tell)\s+(?:me\s+)?(?:the\s+)?)years(?:\s*,\s*[\w\s–-]{4,25},)?\s+"
    r"(?:in\s+which|when|it|they)\b|"
    # "years Libya's general debate speech referred to it"
    r"(?:^|[-–—:;,]\s*|\b(?:list|give|name|show|tell)\s+(?:me\s+)?(?:the\s+)?)years\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?[\w-]+(?:'s|’s)\s+"
    r"(?:[\w-]+\s+){0,3}?(?:statements?|speech(?:es)?|address(?:es)?)\b",
    re.I,
)
# "first year it appears", "the first time and any later times": first mentions when the question also speaks of
# saying something or of later mentions (not "the first year of the mission")
SAYING_RE = re.compile(
    r"\b" + SPEAKING + r"|\b(?:appear\w*|come\s+up|came\s+up|speech(?:es)?|statements?|remarks|references?|mentions?)\b", re.I
)
# The verb after "first" in the forms only the speaking verbs make a first mention: not the topic ("first name the Sahel")
FIRST_VERB_RE = re.compile(r"\bfirst\s+((?:name|note|cite|highlight|recall|link)[sd]?)\b", re.I)
LATEST_MENTION_RE = re.compile(
    r"\b(?:last|latest|most\s+recent(?:ly)?)\s+(?:time|mention|mentioned|raised|spoke|talked|addressed|referred)\b", re.I
)
# "used its general debate speech to promote …": a statement asked about, and words that leave the topic
SPEECH_USED_TO = r"\b(?:use|used|uses|using)\s+(?:its|their|his|her)\s+(?:[\w-]+\s+){0,4}?(?:statement|speech|address)\s+to\b"
# "How has X's position on Y changed": a change in what is said (a position, a view, the way it is talked about),
# not "How did the pandemic change the world?"
STANCE = r"(?:position|positions|view|views|stance|line|emphasis|approach|tone|language|rhetoric|attitude|thinking|policy|framing|talk\w*|spoke|speak\w*|sa(?:y|id)|describ\w*|refer\w*|rais\w*|mention\w*)"
CHANGE_RE = re.compile(
    r"\bhow\b[^?]*?\b"
    + STANCE
    + r"\b[^?]*?(?<!climate\s)(?<!regime\s)\b(?:chang(?:e|ed)|evolv(?:e|ed)|develop(?:ed)?|shift(?:ed)?)\b|"
    # "how did its message change", "how did its complaints about them develop": what an owner said, changing
    r"\bhow\s+(?:has|have|did)\s+(?:its|his|her|their|[\w-]+(?:'s|’s))\s+"
    r"(?:messages?|complaints?|criticisms?|concerns?|appeals?|demands?|calls?)\b[^?]*?\b"
    r"(?:chang(?:e|ed)|evolv(?:e|ed)|develop(?:ed)?|shift(?:ed)?)\b|"
    r"\b(?:evolution\s+of|(?:show|describe|trace|explain)\s+(?:the|its|their)\s+evolution|over\s+(?:the\s+)?(?:years|decades|time)|through\s+the\s+(?:years|decades)|"
    r"across\s+(?:the\s+)?(?:years|decades)|year\s+by\s+year|each\s+year|every\s+year|trace|"
    r"(?:kept|keep|continued|continue)\s+(?:to\s+)?rais\w*|timeline|history\s+of|"
    r"list\s+the\s+years)\b",
    re.I,
)
# "What has Haiti said about X at the UN over the years": a speaker and said/talked with a period or plural statements
STATEMENTS_RE = re.compile(
    r"\b(?:statements|speeches|addresses|remarks|messages|texts|reports)\b|\bwhich\s+of\b|"
    # "list, for the period 1988-2007, each general debate statement of Myanmar dealing with …"
    r"\b(?:each|every)\s+(?:(?:UN|UNGA|GA)\s+)?(?:general\s+debate\s+)?(?:statement|speech|address)\b|" + SPEECH_USED_TO + r"|"
    # "since 2013, how often has Mongolia used its general debate speech to promote …"
    r"\bwhat\s+(?:has|have)\b.*\b(?:said|told|stated|argued|called\s+for)\b|\bwhat\s+did\b.*\b(?:say|tell|state|argue)\b|\bhow\s+(?:has|have|did)\b.*\b(?:talk|talked|spoke|speak|describ\w*|present\w*|address\w*|rais\w*|report\w*|spoken|"
    r"refer|referred|referring|mention|mentioned)\b|"
    r"\bhow\s+(?:was|were|is|are)\b.*\b(?:referred|described|mentioned|discussed|presented|raised|addressed)\b|"
    r"\bwalk\s+me\s+through\b",
    re.I,
)

# "How did Grenada press for …", "how has Mexico been pushing for …": a verb of advocacy right after the speaker
# (`stance_of`); "How did the economy respond …" is no timeline
STANCE_VERBS = (
    r"press(?:ed|ing)?|push(?:ed|ing)?|champion(?:ed|ing)?|advocat(?:e|ed|ing)|promot(?:e|ed|ing)|defend(?:ed|ing)?|"
    r"lobb(?:y|ied|ying)|campaign(?:ed|ing)?|argu(?:e|ed|ing)|urg(?:e|ed|ing)|call(?:ed|ing)?\s+for|"
    r"fight(?:ing)?\s+for|fought\s+for|advanc(?:e|ed|ing)|pursu(?:e|ed|ing)"
)
# a reply ("how did Oman answer (respond to, react to) …"), only after the speaker's own name: "How did the Security
# Council respond to Rwanda" is not Rwanda speaking
REPLY_VERBS = r"answer(?:ed|ing)?|respond(?:ed|ing)?\s+to|react(?:ed|ing)?\s+to|repl(?:y|ied|ying)\s+to"


def stance_of(question: str, speakers: list[str]) -> re.Match[str] | None:
    """Where ``question`` asks how a speaker (as written) pressed for something ("how did Grenada press …").

    The verb is group 1 of the match.
    """
    names = "|".join(re.escape(s) for s in speakers if s)
    if not names:
        return None
    said = re.search(
        rf"\bhow\s+(?:has|have|did)\s+(?:the\s+)?(?:{names}|it)\s+(?:been\s+)?({STANCE_VERBS}|{REPLY_VERBS})\b", question, re.I
    )
    # or the speaker's acronym ("the DPRK"), with a verb of advocacy
    return said or re.search(rf"\b[Hh]ow\s+(?:has|have|did)\s+(?:the\s+)?[A-Z]{{2,6}}\s+(?:been\s+)?({STANCE_VERBS})\b", question)


# what a timeline asks for, in some words: years, a first or a latest time, every (each, all) statement, a list
ASKS_FOR_YEARS_RE = re.compile(
    r"\b(?:years?|when|first|earliest|latest|last|later|since|every|each|all|list|timeline|how\s+often|over\s+time)\b",
    re.I,
)
# a verb of saying itself (not "statements" or "speeches", which name where, not that something was said)
SPEAKING_VERB_RE = re.compile(rf"\b{SPEAKING}|\b(?:come|came|comes)\s+up\b|\brefer(?:ence)?s?\b|\bmentions?\b", re.I)
# "up to 2002" (`periods.ENDS_RE`) with statements in the plural is a period that only ends
PLURAL_STATEMENTS_RE = re.compile(r"\b(?:statements|speeches|addresses)\b", re.I)
# The years asked for in words none of the phrasings above takes: "… and later years", "any later mentions",
# "every year it came back" (with a speaker and a word of saying: `read_timeline`'s last resort)
# (after a joining word or a mark, not as the object of "about": "what did Canada say about later years of the mission")
LATER_YEARS_RE = re.compile(
    r"(?:^|[-–—:;,?]\s*|\b(?:and|also|any|plus|or)\s+)(?:(?:all|every|each|the|any)\s+)?(?:later|subsequent|following)\s+"
    r"(?:years|ones|speeches|statements|addresses|mentions|references)\b(?!\s+(?:of|being|by)\b)|"
    r"(?:^|[-–—:;,?]\s*|\b(?:and|also|plus|or)\s+)(?:all|every|each|any)\s+(?:later\s+)?(?:years|year\s+(?:it|they|since))\b"
    r"(?!\s+(?:of|being)\b)",
    re.I,
)
EARLIEST_RE = re.compile(
    r"\bthe\s+earliest\b|\bearliest\s+(?:one|year|mention|speech|statement|reference)|"
    r"\bfirst\s+(?:one|time|year|mention|speech|statement|reference)s?\b",
    re.I,
)
# A quantity asked for ("how often") that also asks for the years: "How often in the 1960s did Belarus denounce it?
# List each year."
LIST_YEARS_RE = re.compile(r"\b(?:list|name|give)\s+(?:(?:each|every)\s+year|the\s+years)\b|\byear\s+by\s+year\b", re.I)
