"""The sentences of a question: those that set the scene, the part that asks, and those that only say how to answer.

"In 1996-1997 army mutinies shook Bangui. How did it speak of them between 1996 and 2000? Quote the passages."
sets the scene, asks about 1996-2000, and asks for quotes: the period is the asking part's, and the topic leaves
the closing request out.
"""

from __future__ import annotations

import re

from assistant.interpret.periods import read_period

# (a question typed in lower case has sentences too: "… back in 1992. what is the earliest …"; not "i.e. the")
# (also after a quotation: "… 'human security'. From 1998 …", "… "human security." From 1998 …")
# (not after "St.", "Mr.", "Dr.", "Rep.", "etc.": "Since 2000, when did St. Lucia first …" is one sentence; nor after
# "incl.", "approx.", a title or a month: "… mention Cyprus, incl. Turkey's 1974 statement?")
ABBREVIATIONS = (
    "incl", "approx", "esp", "cf", "ca", "viz", "e.g", "i.e", "amb", "gen", "gov", "sen", "pres", "para",
    "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
)  # fmt: skip
SENTENCE_END_RE = re.compile(
    r"(?<!\bSt\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bMrs\.)(?<!\bRep\.)(?<!\bDem\.)(?<!\betc\.)(?<!\bvs\.)"
    + "".join(rf"(?<!\b(?i:{re.escape(a)})\.)" for a in ABBREVIATIONS)
    + r"(?:(?<=\w\w[.!])|(?<=\w['’\"”][.!])|(?<=\w[.!]['’\"”]))\s+(?=[A-Za-z])"
)
# A sentence that sets the scene only: no question, no request, no word that scopes the search ("only statements
# after 2000", "Find the first time …", "Focus on 1990-2010")
SCOPING_RE = re.compile(
    r"\?|\b(?:only|limit\w*|focus\w*|consider\w*|restrict\w*|look(?:ing)?\s+at|search\w*|find|list|show|give|trace|"
    r"quote|include|when|which|what|how|statements?|speech(?:es)?|addresses)\b",
    re.I,
)


def sentences_of(question: str) -> list[str]:
    """The sentences of ``question`` (`SENTENCE_END_RE`)."""
    return SENTENCE_END_RE.split(question.strip())


def asking_start(sentences: list[str]) -> int:
    """Where the sentences that ask begin: the first with a question mark (else the last sentence)."""
    return next((i for i, sentence in enumerate(sentences) if "?" in sentence), len(sentences) - 1)


# A closing sentence about the answer's form, not its topic: "Quote the passage.", "Include quotes.", "Please cite
# the paragraphs."
ANSWER_FORM_RE = re.compile(
    r"(?:please\s+)?(?:quote|include|cite|give|show|list|add)\s+(?:me\s+)?(?:the\s+|its\s+|their\s+|all\s+)?"
    r"(?:quotes?|quotations?|passages?|paragraphs?|sources?|citations?|years?|dates?|references?)\s*[.!]?",
    re.I,
)


def without_answer_form(question: str) -> str:
    """``question`` without closing sentences about the answer's form (at least one sentence stays)."""
    sentences = sentences_of(question)
    while len(sentences) > 1 and ANSWER_FORM_RE.fullmatch(sentences[-1].strip()):
        sentences.pop()
    return " ".join(sentences)


def asked_period(question: str) -> tuple[int | None, int | None, str, str | None]:
    """The period the asking part gives; else the one a sentence of context gives ("… in 2008. Since then, …").

    The asking part opens at the first sentence that asks, requests or scopes (`SCOPING_RE`); the sentences before
    it only set the scene. "In 1996-1997 army mutinies shook Bangui. How did it speak of them between 1996 and
    2000?" asks about 1996-2000; "Since 2001, terrorism dominated. How did France talk about it up to 2010?" about
    2001-2010. Also the asking part when the period is the scene's only (None otherwise).
    """
    sentences = sentences_of(question)
    start = next((i for i, sentence in enumerate(sentences) if SCOPING_RE.search(sentence)), 0)
    if start == 0:
        return (*read_period(question), None)
    asking = " ".join(sentences[start:])
    lo, hi, text = read_period(asking)
    whole = read_period(question)
    if lo is None and hi is not None and whole[0] is not None and whole[0] <= hi:
        return whole[0], hi, f"{whole[0]}–{hi}", None  # the scene opens the period, the question closes it
    if lo is not None or hi is not None:
        return lo, hi, text, None
    return (*whole, asking)
