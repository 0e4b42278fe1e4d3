"""The period a question asks about: "between 1990 and 2010", "since 2013", "in the 1970s", "the late eighties".

`read_period` gives the first and last year and how the question said them; the patterns are shared with the
timeline reader, which takes the period out of a timeline's topic.
"""

from __future__ import annotations

import re

from assistant.interpret.question import YEAR

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DECADE_RE = re.compile(
    r"\b(?:the\s+)?(?:(early|mid|late|(?:first|second|latter)\s+half\s+of\s+the)[- ])?"
    r"(?:(19[4-9]0|20[0-2]0)'?s|(forties|fifties|sixties|seventies|eighties|nineties))\b",
    re.I,
)
DECADE_WORDS = {"forties": 1940, "fifties": 1950, "sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}
# ("for the period 1988-2007": the words that only say "a period" go with it)
_THE_PERIOD = r"(?:\b(?:for|in|during|over|across)\s+the\s+period\s+(?:of\s+)?)?"
RANGE_RE = re.compile(
    rf"{_THE_PERIOD}\b(?:between|from)\s+(?:the\s+)?(?:[\w-]+\s+){{0,6}}?({YEAR})(?:\s+[\w-]+){{0,3}}?\s+(?:and|to|until|till|through|up\s+to|-|–)\s+({YEAR})\b|"
    rf"{_THE_PERIOD}\b({YEAR})\s*[-–]\s*({YEAR})\b|\(\s*({YEAR})\s+(?:to|through|until)\s+({YEAR})\s*\)|"
    rf"\b({YEAR})\s+(?:to|through|until)\s+({YEAR})(?:\s*[?.!]?\s*$|\s*:)|"
    # "list the years 2001 to 2012 in which …", "in the period 1990 to 1995" (not "the Khmer Rouge years 1975 to 1979",
    # "the Sendai Framework 2015 to 2030"), and "…, 2011 to 2020 - general debate years for each" between a mark and a
    # dash (not "the Pinochet years, 1973 to 1990, in its 1990 speech")
    rf"\b(?:(?:list|give|name|show|tell)\s+(?:me\s+)?(?:the\s+)?|(?:in|during|over|for|across)\s+the\s+)(?:years|period)\s+"
    rf"({YEAR})\s+(?:to|through|until)\s+({YEAR})\b|(?:^|[,:;]\s*)({YEAR})\s+(?:to|through|until)\s+({YEAR})(?=\s+[-–—]\s)|"
    # from a year to a dated event: "from 1975 until Zimbabwe's independence in 1980" (the event's words stay: they
    # may be the topic, "from 1990 to the end of the war in 1991")
    rf"\bfrom\s+({YEAR})\s+(?:to|until|till|through|up\s+to)\s+(?=(?:[\w'’-]+\s+){{1,5}}?in\s+({YEAR})\b)|"
    # from one dated event to another: "from the International Year of Freshwater in 2003 to the … in 2013"
    rf"\bfrom\s+(?:[\w'’-]+\s+){{1,8}}?(?:in|of)\s+(?:{MONTH}\s+)?({YEAR})\s+(?:to|until|till|through|up\s+to)\s+"
    rf"(?:[\w'’-]+\s+){{1,8}}?(?:in|of)\s+(?:{MONTH}\s+)?({YEAR})\b|"
    # ... or to an event named by its year: "from the unilateral declaration of independence in 1965 to the 1979 negotiations"
    rf"\bfrom\s+(?:[\w'’-]+\s+){{1,8}}?(?:in|of)\s+(?:{MONTH}\s+)?({YEAR})\s+(?:to|until|till|through|up\s+to)\s+the\s+"
    rf"({YEAR})(?=\s+[a-z])",
    re.I,
)
# (not across a word that ends a period: "from independence up to 2001" only ends)
SINCE_RE = re.compile(
    rf"\b(?:since|after|from)\s+(?:the\s+)?(?:(?!(?:to|until|till|through|up)\b)[\w-]+\s+){{0,3}}?({YEAR})\b", re.I
)
# "Going back to 1972, in which speeches …", "as far back as 1985": the asker's start, opening a clause, the year
# right after it; not "emissions back to 1990 levels", "a dispute that goes back to 1947", "came back to it in 1986"
BACK_TO_RE = re.compile(
    rf"(?:^|[,;:.?!(–—-]\s*)(?:(?:going|go)\s+)?(?:back\s+to|(?:as\s+)?far\s+back\s+as|back\s+as\s+far\s+as)\s+(?:the\s+year\s+)?"
    rf"({YEAR})\b(?!\s+(?:levels?|borders?|lines?|figures?|prices?|rates?|standards?))",
    re.I,
)


def period_start(text: str) -> re.Match[str] | None:
    """Where ``text`` opens a period at a year ("since 1990", "after the 1973 coup", "Going back to 1972,"): group 1."""
    return SINCE_RE.search(text) or BACK_TO_RE.search(text)


DECADE_END_RE = re.compile(r"\b(?:to|until|till|through|up\s+to)\s+the\s+end\s+of\s+(?:the|that)\s+decade\b", re.I)
# "In 1981 Zhivkov proposed … Through the rest of that decade, how did …": from the year the context gives
REST_OF_THAT_DECADE_RE = re.compile(r"(?:^|[.?!:;]\s+)(?:through|over|during)\s+the\s+rest\s+of\s+that\s+decade\b", re.I)
CLOSING = r"until|till|through|up\s+to|up\s+until"  # words that end a period at a year
UNTIL_RE = re.compile(rf"\b(?:{CLOSING}|(?<!\bback\s)to|before|by)\s+({YEAR})\b", re.I)  # "going back to 1972" opens one
# a period that only ends ("up to 2002"); "to", "before" and "by" end one only beside a start ("by 2030" is a target)
ENDS_RE = re.compile(rf"\b(?:{CLOSING})\s+{YEAR}\b", re.I)


# "after 2001", "after the year 2000", "after the end of 1997", "after late 2013", "after December 1994": a year, so
# the period opens the next year (the general debate sits in September); "after the 1973 coup" dates an event
AFTER_A_YEAR_RE = re.compile(rf"after\s+(?:the\s+(?:year|end\s+of)\s+|late\s+|(?:october|november|december)\s+)?{YEAR}", re.I)


# a bracketed aside: "(held 2013-2014)" dates an event, not the period asked about when the rest gives one; a
# bracket that only gives years refines the period ("in the early 1980s (1981-1984)")
BRACKETS_RE = re.compile(r"\(([^()]*)\)")
# ... and a bracket that says how to read the period narrows it too ("(please cover 1991-2000 only)")
PERIOD_INSTRUCTION_RE = re.compile(r"\b(?:only|cover|covering|focus|limit|restrict|statements?|speeches|period)\b", re.I)
PERIOD_ONLY_RE = re.compile(
    r"(?:\b(?:1[89]|20)\d\ds?\b|\b(?:up\s+to|until|till|since|from|to|through|and|or|in|the)\b|[\W_])*", re.I
)


def read_period(question: str) -> tuple[int | None, int | None, str]:
    """The first and last year a question asks about, and how it was said ("" when it names none).

    A period outside brackets wins: "Since 2011, … its National Dialogue Conference (held 2013-2014)" asks since
    2011; "in its first ten years at the UN (1992-2001)" gives it only in brackets.
    """
    outside = BRACKETS_RE.sub(
        lambda m: m.group(0) if PERIOD_ONLY_RE.fullmatch(m.group(1)) or PERIOD_INSTRUCTION_RE.search(m.group(1)) else " ",
        question,
    )
    if outside != question:
        lo, hi, text = _read_period(outside)
        if lo is not None or hi is not None:
            return lo, hi, text
    return _read_period(question)


def _read_period(question: str) -> tuple[int | None, int | None, str]:
    m = RANGE_RE.search(question)
    if m:
        a, b = next((m.group(i), m.group(i + 1)) for i in range(1, m.re.groups, 2) if m.group(i))
        first, last = sorted((int(a), int(b)))
        return first, last, f"{first}–{last}"
    decades = list(DECADE_RE.finditer(question))
    lo: int | None = None
    hi: int | None = None
    if decades:
        spans = [_decade(d.group(1), int(d.group(2)) if d.group(2) else DECADE_WORDS[d.group(3).lower()]) for d in decades]
        lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
        before = question[: decades[0].start()] if len(decades) == 1 else ""
        if re.search(r"\b(?:since|from|after)\s+(?:the\s+)?$", before, re.I):
            hi = None  # "from the mid-1980s": an open end, unless a later year closes it
        elif re.search(r"\b(?:to|until|till|through|up\s+to)\s+(?:the\s+)?$", before, re.I) and SINCE_RE.search(before):
            lo = None  # "from 1973 to the mid-1980s": the year opens the period, the decade closes it
    since = period_start(question)
    if since and (lo is None or not decades):
        # "after 2001" opens in 2002; "after the 1973 coup", "after the disputed August 2020 election" date an event,
        # and that year's debate may come after it
        lo = int(since.group(1)) + (1 if AFTER_A_YEAR_RE.fullmatch(since.group(0)) else 0)
    until = [u for u in UNTIL_RE.finditer(question) if not since or u.start() > since.start() or u.group(1) != since.group(1)]
    if until:
        u = until[-1]
        hi = int(u.group(1)) - (1 if u.group(0).lower().startswith("before") else 0)
        if lo is not None and hi < lo:
            lo, hi = hi, lo
    elif lo is not None and hi is None and DECADE_END_RE.search(question):
        hi = lo // 10 * 10 + 9  # "from 1984 to the end of the decade": up to 1989
    elif lo is None and hi is None and REST_OF_THAT_DECADE_RE.search(question):
        years = {int(y) for y in re.findall(rf"\b{YEAR}\b", question)}
        if len(years) == 1:
            lo = years.pop()
            hi = lo // 10 * 10 + 9
    if lo is None and hi is None:
        return None, None, ""
    text = f"{lo or ''}–{hi or ''}" if lo and hi else (f"since {lo}" if lo else f"up to {hi}")
    return lo, hi, text


def _decade(part: str | None, start: int) -> tuple[int, int]:
    if not part:
        return start, start + 9
    half = part.split()[0].lower()  # "the second half of the 1980s": 1985-1989
    if half in ("first", "second", "latter"):
        return (start, start + 4) if half == "first" else (start + 5, start + 9)
    return {"early": (start, start + 3), "mid": (start + 4, start + 6), "late": (start + 7, start + 9)}[part.lower()]
