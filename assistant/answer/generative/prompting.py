"""Prompts for the generator: templates from ``assistant/prompts/``, passages as numbered data.

Passages are quoted data, never instructions: the template says so, the
passages sit between markers the model is told about, and any sentence of a
passage that reads like an instruction to an AI (marked at ingest, or found
now by `assistant.text.instructions`) is replaced by a note before the model
sees it (the verifier also refuses it as support).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from assistant.answer.citations import locator, long_date
from assistant.answer.extractive import NOT_IN_CORPUS
from assistant.answer.generative.generators import Message
from assistant.models import Hit, Span
from assistant.text.instructions import instruction_spans

WITHHELD = "[an instruction-like sentence in the document was withheld]"
# The markers the model might copy into an answer, or a document might forge.
MARKER_RE = re.compile(r"<<<\s*PASSAGES|PASSAGES\s*>>>|<\|[a-z_]+\|>", re.IGNORECASE)


@cache
def template(name: str) -> str:
    """The text of ``assistant/prompts/<name>.txt``."""
    return (resources.files("assistant") / "prompts" / f"{name}.txt").read_text(encoding="utf-8")


def neutralised(text: str, marked: Iterable[Span] = ()) -> str:
    """Passage text as the model sees it: instruction-like sentences (and the ``marked`` ones) withheld, prompt markers removed."""
    spans = instruction_spans(text, marked)
    for s, e in reversed(spans):
        text = text[:s] + WITHHELD + text[e:]
    return MARKER_RE.sub(" ", text)


def passage_block(n: int, hit: Hit) -> str:
    """One numbered passage with its title, date and paragraph."""
    m, p = hit.meta, hit.passage
    title = " ".join((m.title or m.source).split())
    return (
        template("passage")
        .format(n=n, title=title, date=long_date(m.date), locator=locator(p), text=neutralised(p.text, p.instructions))
        .strip()
    )


def answer_messages(question: str, hits: list[Hit]) -> list[Message]:
    """The chat messages asking for a cited answer to ``question`` from ``hits`` (numbered from 1)."""
    passages = "\n\n".join(passage_block(i, h) for i, h in enumerate(hits, start=1))
    system = template("answer_system").format(refusal=NOT_IN_CORPUS).strip()
    user = template("answer_user").format(passages=passages, question=MARKER_RE.sub(" ", question)).strip()
    return [("system", system), ("user", user)]


def judge_messages(passage: str, sentence: str) -> list[Message]:
    """The chat messages asking whether ``passage`` supports ``sentence`` (passage first, so its prefix is reused)."""
    system = template("judge_system").strip()
    user = template("judge_user").format(passage=neutralised(passage), sentence=sentence).strip()
    return [("system", system), ("user", user)]
