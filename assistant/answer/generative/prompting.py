"""Prompts for the generator: templates from ``assistant/prompts/``, passages as numbered data.

Passages are quoted data, never instructions: the template says so, the
passages sit between markers the model is told about, and any sentence of a
passage that reads like an instruction to an AI (marked at ingest, or found
now by `assistant.text.instructions`) is replaced by a note before the model
sees it (the verifier also refuses it as support).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from importlib import resources

from assistant.answer.citations import locator, long_date
from assistant.answer.extractive import NOT_IN_CORPUS
from assistant.answer.generative.generators import Message
from assistant.models import Hit, Span
from assistant.text.instructions import instruction_spans, overlaps
from assistant.text.lexical import index_terms, key_terms
from assistant.text.sentences import split_sentences

# (question, sentences) -> one score per sentence, higher is closer.
SentenceScorer = Callable[[str, Sequence[str]], Sequence[float]]
GAP = " … "  # between excerpts of one passage that are not adjacent

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


def passage_block(n: int, hit: Hit, text: str | None = None) -> str:
    """One numbered passage with its title, date and paragraph: ``text`` (an excerpt), or the whole paragraph."""
    m, p = hit.meta, hit.passage
    title = " ".join((m.title or m.source).split())
    body = text if text is not None else neutralised(p.text, p.instructions)
    return template("passage").format(n=n, title=title, date=long_date(m.date), locator=locator(p), text=body).strip()


def lexical_scores(question: str, sentences: Sequence[str]) -> list[float]:
    """Share of the question's content words (stemmed) each sentence holds."""
    wanted = key_terms(question)
    if not wanted:
        return [0.0] * len(sentences)
    return [sum(t in set(index_terms(s)) for t in wanted) / len(wanted) for s in sentences]


def excerpt(
    question: str,
    hit: Hit,
    *,
    keep: Iterable[tuple[int, int]] = (),
    best: int = 1,
    neighbours: int = 1,
    scorer: SentenceScorer | None = None,
) -> str:
    """The sentences of ``hit`` that may answer ``question``, with their neighbours, as the model reads them.

    Chosen: the ``best`` sentences by ``scorer`` (question words by default) and those
    overlapping ``keep`` (the extractive answer's sentences, as offsets in the passage
    text); each with ``neighbours`` sentences either side. Gaps read " … ";
    instruction-like sentences are withheld as in `neutralised`.
    """
    text = hit.passage.text
    spans = split_sentences(text) or [(0, len(text))]
    blocked = instruction_spans(text, hit.passage.instructions)
    usable = [i for i, (s, e) in enumerate(spans) if not overlaps(s, e, blocked)]
    chosen = {i for i, (s, e) in enumerate(spans) if overlaps(s, e, keep)}
    if usable and best > 0:
        scores = (scorer or lexical_scores)(question, [text[spans[i][0] : spans[i][1]] for i in usable])
        ranked = sorted(range(len(usable)), key=lambda j: -scores[j])
        chosen |= {usable[j] for j in ranked[:best]}
    shown = sorted({j for i in chosen for j in range(i - neighbours, i + neighbours + 1) if 0 <= j < len(spans)})
    if not shown:
        return neutralised(text, hit.passage.instructions)
    parts: list[str] = []
    for j in shown:
        if parts and j - 1 not in shown:
            parts.append(GAP.strip())
        s, e = spans[j]
        parts.append(WITHHELD if overlaps(s, e, blocked) else MARKER_RE.sub(" ", text[s:e]))
    body = " ".join(parts)
    return f"{'… ' if shown[0] > 0 else ''}{body}{' …' if shown[-1] < len(spans) - 1 else ''}"


def answer_messages(question: str, hits: Sequence[Hit], texts: Sequence[str] | None = None) -> list[Message]:
    """The chat messages asking for a cited answer to ``question`` from ``hits`` (numbered from 1).

    ``texts``, one per hit, are the excerpts the model reads (see `excerpt`); without them it reads whole paragraphs.
    """
    bodies: Sequence[str | None] = texts if texts is not None else [None] * len(hits)
    passages = "\n\n".join(passage_block(i, h, t) for i, (h, t) in enumerate(zip(hits, bodies, strict=True), start=1))
    system = template("answer_system").format(refusal=NOT_IN_CORPUS).strip()
    user = template("answer_user").format(passages=passages, question=MARKER_RE.sub(" ", question)).strip()
    return [("system", system), ("user", user)]


def judge_messages(passage: str, sentence: str) -> list[Message]:
    """The chat messages asking whether ``passage`` supports ``sentence`` (passage first, so its prefix is reused)."""
    system = template("judge_system").strip()
    user = template("judge_user").format(passage=neutralised(passage), sentence=sentence).strip()
    return [("system", system), ("user", user)]
