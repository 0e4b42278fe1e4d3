"""Extractive summaries of one document: its key sentences in document order, at most one per part, each cited.

A document's parts are its sections (to the second level: "IV. A vision … › A. Effective …"), or, for a
document without headings, runs of consecutive paragraphs. From each part the sentence closest to what the
part says as a whole (the centroid of its sentence vectors, with the document's own as a tie-breaker) is
quoted. Asked for recommendations, only sentences that recommend ("should", "must", "I urge", ...) are
candidates, and only the parts dense in them (at least ``FOCUS_SHARE`` of the densest part's share) are used:
a report's introduction and context sections are then left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.answer.extractive import Candidate, cite
from assistant.interpret.summaries import SummaryAsk
from assistant.models import Answer, Citation, DocumentMeta, Filters, Hit, Passage, Preferences, QuotedSentence
from assistant.retrieve.filtering import allowed_rows
from assistant.retrieve.search import Searcher
from assistant.text.instructions import overlaps, passage_instructions

PARTS_WITHOUT_HEADINGS = 6  # a document without sections is read as this many runs of paragraphs
MAX_SENTENCES = 10
MAX_CHOICES = 12  # documents listed when asking which one is meant
MIN_WORDS, MAX_WORDS = 6, 80
FOCUS_SHARE = 0.4
RECOMMENDING_RE = re.compile(
    r"\b(?:should|must|need to|needs to|urge|urges|call on|calls on|calling on|encourage|encourages|recommend\w*|propose|"
    r"I ask|invite|it is (?:essential|vital|critical|imperative)|let us|will need to|ought to)\b",
    re.I,
)


@dataclass(frozen=True)
class Summary:
    """The chosen sentences, in document order, with their citations."""

    text: str
    citations: tuple[Citation, ...]
    sentences: tuple[QuotedSentence, ...]
    parts: int  # parts the document was read as
    skipped_parts: int  # parts left out for the focus


def documents_meant(documents: list[DocumentMeta], filters: Filters, preferences: Preferences) -> list[DocumentMeta]:
    """The documents a summary question can mean, newest first.

    Those its filters allow, narrowed by the years and types it mentions in passing ("the message") when some
    document has them.
    """
    allowed = [m for m in documents if filters.allows(m)]
    years, types = preferences.years, preferences.doc_types
    preferred = [
        m
        for m in allowed
        if (years or types) and (not years or (m.date or "")[:4] in years) and (not types or m.doc_type in types)
    ]
    return sorted(preferred or allowed, key=lambda m: (m.date or "", m.doc_id), reverse=True)


def summarize(searcher: Searcher, meta: DocumentMeta, focus: str = "") -> Summary:
    """An extractive summary of ``meta``'s document (``focus``: "recommendations" or "")."""
    store = searcher.store
    allowed = allowed_rows(store, Filters(doc_ids=(meta.doc_id,)))
    rows = [] if allowed is None else [int(r) for r in allowed]
    passages = {r: store.passage(r) for r in rows}
    rows = sorted((r for r in rows if passages[r].kind == "paragraph"), key=lambda r: passages[r].order)
    known = searcher.sentences.of(rows)
    sentences: list[tuple[int, int, int, np.ndarray]] = []  # (row, start, end, vector)
    for row in rows:
        spans, vecs = known[row]
        withheld = passage_instructions(passages[row])
        for (s, e), vec in zip(spans, vecs, strict=True):
            text = passages[row].text[s:e]
            words = len(text.split())
            if MIN_WORDS <= words <= MAX_WORDS and not overlaps(s, e, withheld):
                sentences.append((row, s, e, vec))
    parts = _parts(rows, passages)
    part_of = {row: i for i, part in enumerate(parts) for row in part}
    grouped: dict[int, list[tuple[int, int, int, np.ndarray]]] = {}
    for item in sentences:
        grouped.setdefault(part_of[item[0]], []).append(item)
    skipped = 0
    if focus == "recommendations":
        shares = {i: _recommending_share(items, passages) for i, items in grouped.items()}
        top = max(shares.values(), default=0.0)
        keep = {i for i, share in shares.items() if top > 0 and share >= FOCUS_SHARE * top}
        skipped = len(grouped) - len(keep)
        grouped = {
            i: [it for it in items if RECOMMENDING_RE.search(passages[it[0]].text[it[1] : it[2]])]
            for i, items in grouped.items()
            if i in keep
        }
    doc_centroid = _unit(np.mean([it[3] for it in sentences], axis=0)) if sentences else None
    chosen: list[tuple[int, int, int]] = []
    for i in sorted(grouped):
        items = grouped[i]
        if not items:
            continue
        vecs = np.stack([it[3] for it in items])
        score = vecs @ _unit(vecs.mean(axis=0))
        if doc_centroid is not None:
            score = score + 0.5 * (vecs @ doc_centroid)
        best = items[int(np.argmax(score))]
        chosen.append((best[0], best[1], best[2]))
    if len(chosen) > MAX_SENTENCES:  # many parts: an even spread of them
        picks = np.linspace(0, len(chosen) - 1, MAX_SENTENCES).round().astype(int)
        chosen = [chosen[i] for i in sorted(set(picks.tolist()))]
    return _compose(chosen, passages, store.meta, len(parts), skipped)


def _parts(rows: list[int], passages: dict[int, Passage]) -> list[list[int]]:
    """Sections to the second level when the document has headings, else runs of consecutive paragraphs."""
    if any(passages[r].section for r in rows):
        parts: dict[str, list[int]] = {}
        for r in rows:
            key = " › ".join((passages[r].section or "").split(" › ")[:2])
            parts.setdefault(key, []).append(r)
        return list(parts.values())
    size = max(1, -(-len(rows) // PARTS_WITHOUT_HEADINGS))
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _recommending_share(items: list[tuple[int, int, int, np.ndarray]], passages: dict[int, Passage]) -> float:
    if not items:
        return 0.0
    hits = sum(1 for row, s, e, _ in items if RECOMMENDING_RE.search(passages[row].text[s:e]))
    return hits / len(items)


def _unit(vec: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vec))
    return vec / norm if norm else vec


def _compose(
    chosen: list[tuple[int, int, int]],
    passages: dict[int, Passage],
    meta_of: Callable[[int], DocumentMeta],
    parts: int,
    skipped: int,
) -> Summary:
    position = {row: i for i, row in enumerate(dict.fromkeys(row for row, _, _ in chosen))}  # each passage once
    context = [Hit(passages[row], meta_of(row), 0.0, {}) for row in position]
    quoted = [Candidate(position[row], s, e, passages[row].text[s:e], 0.0) for row, s, e in chosen]
    text, citations, records = cite(quoted, context)
    return Summary(text, tuple(citations), tuple(records), parts, skipped)


def summary_answer(said: Answer, ask: SummaryAsk, searcher: Searcher, documents: list[DocumentMeta]) -> Answer:
    """``said`` made into a summary of the one document meant, or a question back listing the candidates."""
    if len(documents) != 1:
        shown = (
            documents[:MAX_CHOICES]
            if documents
            else sorted(searcher.store.documents, key=lambda m: m.date or "", reverse=True)[:MAX_CHOICES]
        )
        lines = [f"- {m.date or 'undated'} — {m.title} ({m.doc_type})" for m in shown]
        if documents:
            head = f"{len(documents)} documents match; which one should I summarize? Name it by year, type, title or symbol:"
        else:
            head = "No indexed document matches that description; which one should I summarize? For example:"
        more = [f"… and {len(documents) - len(shown)} more."] if len(documents) > len(shown) else []
        text = "\n".join([head, *lines, *more])
        return replace(said, text=text, abstained=False, kind="clarify", choices=tuple(shown), evidence_score=None)
    meta = documents[0]
    summary = summarize(searcher, meta, ask.focus)
    if not summary.sentences:
        return replace(said, notices=(f"{meta.title} has no sentence to quote for this summary.",), kind="abstention")
    what = "recommendations" if ask.focus else "main points"
    notes = [f"Summary of “{meta.title}” ({meta.date or 'undated'}): its {what}, one sentence per part, in document order."]
    if summary.skipped_parts:
        notes.append(f"{summary.skipped_parts} of {summary.parts} parts hold few recommendations and were left out.")
    reading = said.reading
    if reading is not None:
        reading = replace(reading, notes=(*reading.notes, *notes))
    extra: dict[str, Any] = {}
    if said.mode == "generative":
        extra = {"requested_mode": "generative", "fallback": "summaries are exact quotes", "mode": "extractive"}
    return replace(
        said,
        text=summary.text,
        abstained=False,
        citations=summary.citations,
        hits=tuple(c.hit for c in summary.citations),
        kind="summary",
        sentences=summary.sentences,
        reading=reading,
        evidence_score=None,
        **extra,
    )
