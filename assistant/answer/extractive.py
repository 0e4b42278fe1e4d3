"""The extractive answerer: verbatim sentences from the retrieved passages, each cited.

It never writes a word that is not in the sources: the answer is the chosen
sentences, in the order chosen, each followed by its citation marker. It never
quotes a sentence addressed to a model ("ignore previous instructions ...",
`assistant.text.instructions`), nor one that repeats what such a sentence asks to be answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.index.store import IndexStore
from assistant.models import Citation, Hit, QuotedSentence
from assistant.retrieve.rerank import SentenceVectors, TermStatistics
from assistant.text.instructions import overlaps, passage_instructions, planted_payloads, repeats_payload
from assistant.text.lexical import index_terms
from assistant.text.patterns import is_masthead

NOT_IN_CORPUS = "The corpus does not address this question."
WEIGHT_SIMILARITY = 0.6
WEIGHT_COVERAGE = 0.4
KEEP_RATIO = 0.85  # further sentences must score at least this share of the best one
NEIGHBOUR_PENALTY = 0.9  # sentences from a neighbouring paragraph count a little less
ELABORATION_RE = re.compile(r"^(These|They|This|Such|Those)\s+(include|includes|are|is|were|was|comprise)\b")
CONTINUES_RE = re.compile(
    r"^(Second|Third|Fourth|Fifth|Finally|Lastly|Moreover|Furthermore|In addition|Likewise|Similarly|These|This|Such)\b"
)


@dataclass(frozen=True)
class Candidate:
    """A sentence that could go into the answer."""

    hit_index: int  # index into the context list
    start: int
    end: int
    text: str
    score: float


def with_neighbours(store: IndexStore, hits: list[Hit], rows: list[int]) -> tuple[list[Hit], list[int]]:
    """The hits plus the paragraph before any hit that continues an argument ("Second, …").

    Neighbours give the answer context; they are cited only if a sentence of theirs is used.
    """
    context, context_rows = list(hits), list(rows)
    for hit, row in zip(hits, rows, strict=True):
        if hit.passage.kind == "paragraph" and CONTINUES_RE.match(hit.passage.text):
            before, _ = store.neighbours(row)
            if before is not None and before not in context_rows:
                context.append(Hit(store.passage(before), store.meta(before), 0.0, {"neighbour_of": float(row)}))
                context_rows.append(before)
    return context, context_rows


def candidate_sentences(
    sentences: SentenceVectors,
    terms: TermStatistics,
    wanted: list[str],
    query_vec: np.ndarray,
    context: list[Hit],
    rows: list[int],
) -> list[Candidate]:
    """Score every sentence of the context passages against the question (instruction-like ones are never candidates)."""
    out: list[Candidate] = []
    known = sentences.of(rows)
    planted = planted_payloads(h.passage for h in context)
    for i, (hit, row) in enumerate(zip(context, rows, strict=True)):
        spans, vecs = known[row]
        if not spans:
            continue
        sims = vecs @ query_vec
        factor = NEIGHBOUR_PENALTY if "neighbour_of" in hit.scores else 1.0
        withheld = passage_instructions(hit.passage)
        for (s, e), sim in zip(spans, sims, strict=True):
            text = hit.passage.text[s:e]
            if overlaps(s, e, withheld) or repeats_payload(text, planted):
                continue
            cov = terms.coverage(wanted, set(index_terms(text)))
            out.append(Candidate(i, s, e, text, factor * (WEIGHT_SIMILARITY * float(sim) + WEIGHT_COVERAGE * cov)))
    return sorted(out, key=lambda c: -c.score)


# Questions a title block (masthead) answers: its date, place, title, author, speaker or occasion.
METADATA_QUESTION_RE = re.compile(
    r"\b(?:when|what (?:date|day|year)|which (?:date|day|year)|where|what (?:place|city)|in which (?:city|place)"
    r"|title|headline|who (?:wrote|authored|delivered|gave|signed|spoke|addressed)|author|byline|occasion|on what event"
    r"|what (?:event|meeting|conference|day of)|(?:message|remarks|statement|speech|article) (?:to|for|on) (?:the )?(?:which|what))\b",
    re.IGNORECASE,
)
TYPE_MISSING_FACTOR = 0.8  # a sentence without the kind of answer asked for (a number, a year) ranks lower


def for_question(question: str, candidates: list[Candidate], context: list[Hit]) -> list[Candidate]:
    """The candidates fit to quote for ``question``, best first.

    A title block, or a dateline inside a paragraph, is quoted only when the question asks what a masthead says
    (a date, a place, a title, an author, an occasion); a sentence holding the
    kind of answer asked for (a number, a year) ranks above one that does not.
    """
    from assistant.answer.abstain import answer_type_present

    if not METADATA_QUESTION_RE.search(question):
        content = [c for c in candidates if context[c.hit_index].passage.kind != "title" and not is_masthead(c.text)]
        candidates = content or candidates
    # reordered, scores kept: the abstention decision reads the sentence's own score
    return sorted(candidates, key=lambda c: -c.score * (1.0 if answer_type_present(question, c.text) else TYPE_MISSING_FACTOR))


def compose(
    candidates: list[Candidate], context: list[Hit], max_sentences: int
) -> tuple[str, list[Citation], list[QuotedSentence]]:
    """Pick the best sentences and number their passages as citations."""
    if not candidates:
        return NOT_IN_CORPUS, [], []
    best = candidates[0].score
    chosen = [c for c in candidates if c.score >= KEEP_RATIO * best][:max_sentences]
    chosen = _with_elaborations(chosen, candidates, max_sentences)
    if len({context[c.hit_index].meta.date for c in chosen}) > 1:
        # sources from different years: the newer one first (both are dated in their citations)
        chosen.sort(key=lambda c: context[c.hit_index].meta.date or "", reverse=True)
    return cite(chosen, context)


def cite(chosen: list[Candidate], context: list[Hit]) -> tuple[str, list[Citation], list[QuotedSentence]]:
    """The ``chosen`` sentences, in that order, each followed by ``[n]``, their passages numbered as they first appear."""
    numbers: dict[int, int] = {}
    quotes: dict[int, list[str]] = {}
    parts: list[str] = []
    records: list[QuotedSentence] = []
    for c in chosen:
        n = numbers.setdefault(c.hit_index, len(numbers) + 1)
        quotes.setdefault(c.hit_index, []).append(c.text)
        parts.append(f"{c.text} [{n}]")
        records.append(QuotedSentence(c.text, (n,), c.start, c.end))
    citations = [Citation(n, context[i], " … ".join(quotes[i])) for i, n in numbers.items()]
    return " ".join(parts), citations, records


def _with_elaborations(chosen: list[Candidate], candidates: list[Candidate], limit: int) -> list[Candidate]:
    """Add the sentence that spells out a chosen one ("… peaceful tools." + "These include: …")."""
    out = list(chosen)
    for c in chosen:
        following = [o for o in candidates if o.hit_index == c.hit_index and o.start >= c.end]
        nxt = min(following, key=lambda o: o.start, default=None)
        if nxt and nxt not in out and ELABORATION_RE.match(nxt.text) and len(out) < limit + 1:
            out.insert(out.index(c) + 1, nxt)
    return out
