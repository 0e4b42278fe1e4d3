"""HTML for the chat: answers with citation markers, citation cards, the document viewer and the corpus table.

The markup lives in Jinja2 templates (``assistant/ui/templates/*.html``), loaded
once by one environment with autoescaping on: every value that comes from a
document, a question or an answer is escaped by the template engine, so the
browser receives it as text, never as markup; nothing here relies on Markdown
rendering. The only markup built in Python is `highlight` (``<mark>`` around
escaped text, as `markupsafe.Markup`). This module turns turns, records and
documents into plain views (dicts) for the templates (`assistant.ui.timeline` those of
timeline answers). Interactive elements carry ``data-action`` attributes that
``static/actions.js`` turns into events.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from assistant.answer.citations import long_date
from assistant.errors import AssistantError
from assistant.models import DocumentMeta, Filters, Passage
from assistant.text.instructions import passage_instructions
from assistant.ui.conversation import Segment, Turn, answer_segments, truncate
from assistant.ui.timeline import timeline_view

MODE_LABELS = {"extractive": "Exact quotes", "generative": "Generated"}
PROVISIONAL = "Exact quotes — a generated answer is being written…"
REVEALED_KINDS = frozenset({"answer", "summary"})  # answers shown word by word as they stream in (not lists)


def _blank_none(value: object) -> object:
    """Print None as nothing (a missing place or date is an empty cell, not "None")."""
    return "" if value is None else value


_ENV = Environment(
    loader=PackageLoader("assistant.ui", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,  # a misspelt name in a template fails loudly instead of printing nothing
    finalize=_blank_none,
    trim_blocks=True,
    lstrip_blocks=True,
)
_CONVERSATION = _ENV.get_template("conversation.html")
_DOCUMENT = _ENV.get_template("document.html")
_CORPUS = _ENV.get_template("corpus.html")
_NOTICE = _ENV.get_template("notice.html")

VIEWER_EMPTY = _ENV.get_template("viewer_empty.html").render()


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> Markup:
    """``text`` escaped, with each span wrapped in ``<mark>`` (overlapping spans merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(len(text), end)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark>%s</mark>") % text[start:end])
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def quote_spans(passage_text: str, citation: dict[str, Any], record: dict[str, Any]) -> list[tuple[int, int]]:
    """Where the sentences an answer used sit in the cited passage's text."""
    n = citation.get("n")
    spans = []
    for s in record.get("sentences") or []:
        start, end = s.get("start"), s.get("end")
        located = isinstance(start, int) and isinstance(end, int) and passage_text[start:end] == s.get("text")
        if n in s.get("citations", []) and located:
            spans.append((start, end))
    if not spans and citation.get("quote"):
        for part in str(citation["quote"]).split(" … "):
            part = part.strip()
            found = passage_text.find(part) if part else -1
            if found >= 0:
                spans.append((found, found + len(part)))
    return spans


def paragraph_name(item: dict[str, Any] | Passage) -> str:
    """How people name a passage: "Paragraph 49", "Footnote 4" or "Title block"."""
    kind = item.get("kind") if isinstance(item, dict) else item.kind
    label = str(item.get("paragraph") if isinstance(item, dict) else item.label)
    if kind == "footnote":
        return label[:1].upper() + label[1:]
    if kind == "title":
        return "Title block"
    return f"Paragraph {label}"


# answers ---------------------------------------------------------------------


def render_conversation(turns: Sequence[Turn]) -> str:
    """The whole conversation (or the empty-chat help)."""
    views = [{"index": i, "turn": t, "answer": _answer_view(t, i)} for i, t in enumerate(turns, 1)]
    busy = bool(turns) and turns[-1].state in {"pending", "generating", "streaming"}
    return _CONVERSATION.render(turns=views, busy=busy)


def _answer_view(turn: Turn, index: int) -> dict[str, Any] | None:
    """What the template shows of a turn's answer; None while there is no record (or on an error).

    While a generated answer is written, the exact-quote answer (``turn.exact``) is shown, marked as such, with
    the model's draft beside it.
    """
    record = turn.record if turn.record is not None else turn.exact
    if record is None or turn.state == "error":
        return None
    generating = turn.state == "generating"
    reading = _reading(turn, record) | ({"mode": MODE_LABELS["extractive"]} if generating else {})
    view: dict[str, Any] = {
        "reading": reading,
        "text": record.get("answer"),
        "feedback": turn.state == "done",
        "note": turn.note,
        "generating": {"status": PROVISIONAL, "draft": turn.draft} if generating else None,
    }
    if record.get("kind") == "chitchat":
        return view | {"kind": "chitchat", "feedback": False}
    if record.get("abstained"):
        nearest = [_nearest_card(p, index, k) for k, p in enumerate(record.get("passages", []), 1)]
        return view | {"kind": "abstention", "notices": record.get("notices", []), "nearest": nearest}
    cards = [_citation_card(c, record, index, turn.turn_id, int(c["n"]) in turn.wrong) for c in record.get("citations", [])]
    if record.get("kind") == "timeline":
        return view | {"kind": "timeline", "timeline": timeline_view(record, index, turn.turn_id), "cards": cards}
    if record.get("kind") == "clarify":
        return view | {"kind": "clarify", "choices": [_choice(c) for c in record.get("choices") or []], "feedback": False}
    segments = answer_segments(record)
    streaming = turn.shown_words is not None
    shown = truncate(segments, turn.shown_words or 0) if streaming else segments
    return view | {
        "kind": "answer",
        "mode": record.get("mode", ""),
        "sentences": _sentences(shown, record, index),
        "streaming": streaming,
        "cards": [] if streaming else cards,  # cards appear once the whole answer shows
    }


def _choice(meta: dict[str, Any]) -> dict[str, Any]:
    """One document a clarify answer offers: its title (opening it in the viewer), date and type."""
    return {
        "doc_id": meta.get("doc_id"),
        "title": meta.get("title") or meta.get("doc_id"),
        "when": long_date(meta.get("date")) if meta.get("date") else "undated",
        "doc_type": meta.get("doc_type"),
        "speaker": meta.get("speaker"),
    }


def _reading(turn: Turn, record: dict[str, Any]) -> dict[str, Any]:
    """How the question was read: the standalone query (when it differs), notes, filters and the answer mode."""
    standalone = record.get("standalone_question")
    if not standalone or " ".join(standalone.split()) == " ".join(turn.question.split()):
        standalone = None
    notes = [note for note in record.get("interpretation", []) if not str(note).startswith("Follow-up read as")]
    applied = record.get("filters") or {}
    described = None
    if applied:
        try:
            described = Filters.from_dict(applied).describe()
        except AssistantError:
            described = ", ".join(f"{k}={v}" for k, v in applied.items())
    mode = record.get("mode")
    label = MODE_LABELS.get(mode, mode) if mode and record.get("kind") != "chitchat" else None
    return {"standalone": standalone, "notes": notes, "filters": described, "mode": label}


def _sentences(segments: list[Segment], record: dict[str, Any], index: int) -> list[dict[str, Any]]:
    """The answer's sentences with their citation markers (each links to its card)."""
    refs = {int(c["n"]): str(c.get("reference", "")) for c in record.get("citations", [])}
    return [
        {
            "text": seg.text,
            "supported": seg.supported,
            "markers": [{"n": n, "target": f"t{index}-c{n}", "reference": refs.get(n, "")} for n in seg.citations],
        }
        for seg in segments
    ]


def _card_meta(c: dict[str, Any]) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = [
        ("Type", c.get("doc_type")),
        ("Date", long_date(c.get("date"))),
        ("Place", c.get("place")),
        ("Secretary-General", c.get("secretary_general")),
    ]
    speaker = c.get("speaker")
    if speaker and speaker != c.get("secretary_general"):
        pairs.append(("Delivered by", speaker))
    pairs.append(("Paragraph", paragraph_name(c).removeprefix("Paragraph ")))
    pairs.append(("Section", c.get("section")))
    return pairs


def _citation_card(c: dict[str, Any], record: dict[str, Any], index: int, turn_id: str, flagged: bool) -> dict[str, Any]:
    """A citation card: document, paragraph, the paragraph text with the sentence used highlighted, actions."""
    n = int(c["n"])
    text = str(c.get("text", ""))
    spans = quote_spans(text, c, record)
    return {
        "id": f"t{index}-c{n}",
        "n": n,
        "title": c.get("title") or c.get("source"),
        "source": c.get("source"),
        "meta": _card_meta(c),
        "passage": highlight(text, spans),
        "reference": str(c.get("reference", "")),
        "quote": c.get("quote") or " … ".join(text[s:e] for s, e in spans),
        "paragraph": paragraph_name(c).lower(),
        "open": {"doc": c.get("doc_id"), "passage": c.get("passage_id"), "turn": turn_id, "n": n},
        "turn": turn_id,
        "flagged": flagged,
    }


def _nearest_card(p: dict[str, Any], index: int, k: int) -> dict[str, Any]:
    """A nearest-passage card for an abstention: no highlight, not a citation."""
    return {
        "id": f"t{index}-p{k}",
        "title": p.get("title") or p.get("source"),
        "meta": _card_meta(p),
        "passage": p.get("text"),
        "reference": str(p.get("reference", "")),
        "paragraph": paragraph_name(p).lower(),
        "open": {"doc": p.get("doc_id"), "passage": p.get("passage_id")},
    }


# document viewer -------------------------------------------------------------


def document_meta_pairs(meta: DocumentMeta, passages: int | None = None) -> list[tuple[str, object]]:
    """Label/value pairs describing a document."""
    pairs: list[tuple[str, object]] = [
        ("Type", meta.doc_type),
        ("Date", long_date(meta.date)),
        ("Place", meta.place),
        ("Symbol", meta.symbol),
        ("Secretary-General", meta.secretary_general),
    ]
    if meta.speaker and meta.speaker != meta.secretary_general:
        pairs.append(("Delivered by", meta.speaker))
    if meta.author:
        pairs.append(("Author", meta.author))
    if meta.reports_on:
        pairs.append(("Reports on", meta.reports_on))
    pairs.append(("Source file", meta.source))
    if passages is not None:
        pairs.append(("Passages", passages))
    return pairs


INSTRUCTION_LABEL = "instruction-like text, never used in answers"


def _pieces(text: str, marks: list[tuple[int, int]], instructions: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """``text`` cut at its instruction-like spans, each piece escaped with its ``marks`` highlighted."""
    runs: list[tuple[int, int]] = []
    for s, e in sorted(instructions):  # consecutive instruction sentences: one labelled run
        if runs and not text[runs[-1][1] : s].strip():
            runs[-1] = (runs[-1][0], max(runs[-1][1], e))
        else:
            runs.append((s, e))
    instructions = runs
    cuts = sorted({0, len(text), *(b for span in instructions for b in span)})
    out = []
    for a, b in itertools.pairwise(cuts):
        shifted = [(s - a, e - a) for s, e in marks if s < b and a < e]
        out.append({"text": highlight(text[a:b], shifted), "instruction": any(s <= a and b <= e for s, e in instructions)})
    return out


def render_document(
    meta: DocumentMeta, passages: Sequence[Passage], target: str | None = None, spans: Iterable[tuple[int, int]] = ()
) -> str:
    """The whole statement with its metadata; the ``target`` passage is marked and its ``spans`` highlighted.

    Instruction-like sentences (`assistant.text.instructions`) stay visible, labelled as never used in answers.
    """
    spans = list(spans)
    paragraphs, section = [], None
    for p in passages:
        heading = None
        if p.section and p.section != section and p.kind != "footnote":
            heading = section = p.section
        is_target = p.passage_id == target
        paragraphs.append(
            {
                "passage": p,
                "section": heading,
                "target": is_target,
                "pieces": _pieces(p.text, spans if is_target else [], passage_instructions(p)),
                "name": paragraph_name(p),
            }
        )
    found = next((p for p in passages if p.passage_id == target), None) if target else None
    return _DOCUMENT.render(
        doc_id=meta.doc_id,
        title=meta.title or meta.source,
        meta=document_meta_pairs(meta, len(passages)),
        where=paragraph_name(found).lower() if found is not None else None,
        paragraphs=paragraphs,
        instruction_label=INSTRUCTION_LABEL,
    )


# corpus ----------------------------------------------------------------------


def render_corpus(
    documents: Sequence[DocumentMeta], counts: dict[str, int], *, query: str = "", limit: int = 200, total: int | None = None
) -> str:
    """A table of the indexed documents with their metadata and passage counts."""
    needle = query.casefold().strip()
    shown = [
        d
        for d in documents
        if not needle
        or needle
        in " ".join(str(v) for v in (d.title, d.date, d.doc_type, d.place, d.symbol, d.secretary_general, d.source)).casefold()
    ]
    matched = len(shown)
    shown = sorted(shown, key=lambda d: (d.date or "", d.title), reverse=True)[:limit]
    n_docs = len(documents) if total is None else total
    caption = f"{n_docs:,} documents, {sum(counts.values()):,} passages indexed."
    if needle:
        caption += f" {matched:,} match “{query.strip()}”."
    if matched > len(shown):
        caption += f" Showing the newest {len(shown):,}; refine the search to see others."
    return _CORPUS.render(documents=shown, counts=counts, caption=caption)


def render_notice(message: str, *, kind: str = "info") -> str:
    """A short status line (``info`` or ``error``)."""
    return _NOTICE.render(message=message, kind=kind)
