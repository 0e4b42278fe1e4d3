"""HTML for the chat: answers with citation markers, citation cards, the document viewer and the corpus table.

Every value that comes from a document, a question or an answer goes through
`esc` (``html.escape``), so the browser receives it as text, never as markup;
nothing here relies on Markdown rendering. Interactive elements carry
``data-action`` attributes that ``static/chat.js`` turns into events.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from assistant.answer.citations import long_date
from assistant.errors import AssistantError
from assistant.models import DocumentMeta, Filters, Passage
from assistant.ui.conversation import Segment, Turn, answer_segments, truncate

MODE_LABELS = {"extractive": "Exact quotes", "generative": "Generated"}

EMPTY_CHAT = (
    '<div class="sa-empty">'
    "<p><strong>Ask about the Secretary-General's statements.</strong></p>"
    "<p>Every answer is built from the paragraphs it cites: each marker such as <span class='sa-marker-demo'>[1]</span> "
    "links to a card with the document, the paragraph and the sentence used. When the statements do not answer a "
    "question, the assistant says so and shows the nearest passages instead.</p>"
    "</div>"
)

# Thumb icons as inline SVG: emoji fonts are missing on many office machines.
_THUMB = (
    '<svg class="sa-icon" aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="18" height="18"{flip}>'
    '<path fill="currentColor" d="M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6'
    'C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z"/></svg>'
)
THUMB_UP = _THUMB.format(flip="")
THUMB_DOWN = _THUMB.format(flip=' style="transform: rotate(180deg)"')

VIEWER_EMPTY = (
    '<div class="sa-viewer-empty"><p>Select a citation card, or a document on the Corpus tab, '
    "to read the whole statement here.</p></div>"
)


def esc(value: object) -> str:
    """Text made safe for HTML content and attribute values; None becomes ""."""
    return "" if value is None else html.escape(str(value), quote=True)


def data_attrs(**values: object) -> str:
    """``data-*`` attributes, escaped (underscores in names become dashes)."""
    return "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in values.items() if v is not None)


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
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
        out.append(esc(text[pos:start]))
        out.append(f"<mark>{esc(text[start:end])}</mark>")
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


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


def _meta_list(pairs: Sequence[tuple[str, object]], cls: str = "sa-meta") -> str:
    items = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in pairs if v not in (None, ""))
    return f'<dl class="{cls}">{items}</dl>'


def _button(
    label_html: str, action: str, *, cls: str = "", pressed: bool | None = None, aria_label: str = "", **data: object
) -> str:
    """A button; ``label_html`` is markup, so callers escape any text in it."""
    extra = f' aria-pressed="{"true" if pressed else "false"}"' if pressed is not None else ""
    extra += f' aria-label="{esc(aria_label)}"' if aria_label else ""
    return f'<button type="button" class="sa-btn {cls}"{data_attrs(action=action, **data)}{extra}>{label_html}</button>'


# answers ---------------------------------------------------------------------


def render_conversation(turns: Sequence[Turn]) -> str:
    """The whole conversation (or the empty-chat help)."""
    body = "".join(render_turn(t, i) for i, t in enumerate(turns, 1)) if turns else EMPTY_CHAT
    busy = "true" if turns and turns[-1].state in {"pending", "streaming"} else "false"
    return f'<div class="sa-log" role="log" aria-live="polite" aria-busy="{busy}" aria-label="Conversation">{body}</div>'


def render_turn(turn: Turn, index: int) -> str:
    """One question and its answer, cards and feedback buttons."""
    parts = [
        f'<article class="sa-turn" id="turn-{index}"{data_attrs(turn=turn.turn_id, state=turn.state)} '
        f'aria-label="Question {index} and answer">',
        f'<div class="sa-msg sa-user"><h3 class="sa-who">You asked</h3><p class="sa-question">{esc(turn.question)}</p></div>',
        '<div class="sa-msg sa-bot"><h3 class="sa-who">Assistant</h3>',
    ]
    if turn.state == "error":
        parts.append(f'<p class="sa-error" role="alert"><strong>Could not answer.</strong> {esc(turn.error)}</p>')
    elif turn.record is None and turn.draft:
        parts.append(
            '<p class="sa-status" role="status"><span class="sa-spinner" aria-hidden="true"></span>'
            "Writing a draft; every sentence will be checked against the cited passages before it is shown as the answer.</p>"
            f'<div class="sa-draft" aria-hidden="true">{esc(turn.draft)}</div>'
        )
    elif turn.record is None:
        parts.append(
            '<p class="sa-status" role="status"><span class="sa-spinner" aria-hidden="true"></span>Searching the statements…</p>'
        )
    else:
        parts.append(_render_answer(turn, index))
    parts.append("</div></article>")
    return "".join(parts)


def _render_answer(turn: Turn, index: int) -> str:
    record = turn.record or {}
    out = [_reading(turn, record)]
    if record.get("kind") == "chitchat":
        out.append(f'<p class="sa-answer">{esc(record.get("answer"))}</p>')
        return "".join(out)
    if record.get("abstained"):
        out.append(_render_abstention(turn, record, index))
    else:
        segments = answer_segments(record)
        streaming = turn.shown_words is not None
        shown = truncate(segments, turn.shown_words or 0) if streaming else segments
        cursor = '<span class="sa-cursor" aria-hidden="true">▍</span>' if streaming else ""
        out.append(
            f'<div class="sa-answer" data-mode="{esc(record.get("mode", ""))}">{_answer_html(shown, record, index)}{cursor}</div>'
        )
        if not streaming:
            out.append(_render_cards(turn, record, index))
    if turn.state == "done":
        out.append(_render_feedback(turn))
    return "".join(out)


def _reading(turn: Turn, record: dict[str, Any]) -> str:
    """How the question was read: the standalone query, filters and notes."""
    items = []
    standalone = record.get("standalone_question")
    if standalone and " ".join(standalone.split()) != " ".join(turn.question.split()):
        items.append(f'<li class="sa-readas">Searched for: <q>{esc(standalone)}</q></li>')
    for note in record.get("interpretation", []):
        if not str(note).startswith("Follow-up read as"):
            items.append(f"<li>{esc(note)}</li>")
    applied = record.get("filters") or {}
    if applied:
        try:
            described = Filters.from_dict(applied).describe()
        except AssistantError:
            described = ", ".join(f"{k}={v}" for k, v in applied.items())
        items.append(f'<li class="sa-filters">Filters applied: {esc(described)}</li>')
    mode = record.get("mode")
    if mode and record.get("kind") != "chitchat":
        items.append(f'<li class="sa-mode">Answer mode: {esc(MODE_LABELS.get(mode, mode))}</li>')
    return f'<ul class="sa-reading" aria-label="How the question was read">{"".join(items)}</ul>' if items else ""


def _answer_html(segments: list[Segment], record: dict[str, Any], index: int) -> str:
    refs = {int(c["n"]): str(c.get("reference", "")) for c in record.get("citations", [])}
    out = []
    for seg in segments:
        cls = "sa-sentence" if seg.supported else "sa-sentence sa-unsupported"
        note = ' <span class="sa-unsupported-note">(not supported by the cited passages)</span>' if not seg.supported else ""
        markers = "".join(
            f'<a class="sa-marker" href="#t{index}-c{n}"{data_attrs(action="goto", target=f"t{index}-c{n}")} '
            f'aria-label="Source {n}: {esc(refs.get(n, ""))}">[{n}]</a>'
            for n in seg.citations
        )
        out.append(f'<span class="{cls}">{esc(seg.text)}{note}</span>{markers} ')
    return "".join(out).rstrip()


def _card_meta(c: dict[str, Any]) -> str:
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
    return _meta_list(pairs)


def _render_cards(turn: Turn, record: dict[str, Any], index: int) -> str:
    cards = [render_card(c, record, index, turn.turn_id, int(c["n"]) in turn.wrong) for c in record.get("citations", [])]
    if not cards:
        return ""
    return f'<section class="sa-cards" aria-label="Sources of answer {index}"><h4 class="sa-sr-only">Sources</h4>{"".join(cards)}</section>'


def render_card(c: dict[str, Any], record: dict[str, Any], index: int, turn_id: str, flagged: bool) -> str:
    """A citation card: document, paragraph, the paragraph text with the sentence used highlighted, actions."""
    n = int(c["n"])
    card_id = f"t{index}-c{n}"
    text = str(c.get("text", ""))
    spans = quote_spans(text, c, record)
    quote = c.get("quote") or " … ".join(text[s:e] for s, e in spans)
    reference = str(c.get("reference", ""))
    open_data: dict[str, Any] = {"doc": c.get("doc_id"), "passage": c.get("passage_id"), "turn": turn_id, "n": n}
    actions = [
        _button("Copy reference", "copy", copy=reference, aria_label=f"Copy reference {reference}"),
        _button("Copy quote", "copy", copy=quote, aria_label=f"Copy quote of source {n}"),
        _button("Read in document", "open", aria_label=f"Read in document: source {n}, {paragraph_name(c).lower()}", **open_data),
        _button(
            "Wrong citation",
            "flag",
            cls="sa-flag",
            pressed=flagged,
            aria_label=f"Wrong citation: source {n}",
            turn=turn_id,
            n=n,
        ),
    ]
    return (
        f'<article class="sa-card{" sa-flagged" if flagged else ""}" id="{card_id}" tabindex="-1" '
        f'aria-labelledby="{card_id}-title"{data_attrs(card="1", **open_data)}>'
        f'<header class="sa-card-head"><span class="sa-num" aria-hidden="true">{n}</span>'
        f'<h4 class="sa-card-title" id="{card_id}-title"><span class="sa-sr-only">Source {n}: </span>{esc(c.get("title") or c.get("source"))}</h4></header>'
        f"{_card_meta(c)}"
        f'<blockquote class="sa-passage" cite="{esc(c.get("source"))}">{highlight(text, spans)}</blockquote>'
        f'<p class="sa-ref"><span class="sa-ref-label">Reference</span> <cite>{esc(reference)}</cite></p>'
        f'<div class="sa-card-actions">{"".join(actions)}</div>'
        f"{'<p class=sa-flag-note>You flagged this citation as wrong.</p>' if flagged else ''}"
        "</article>"
    )


def _render_abstention(turn: Turn, record: dict[str, Any], index: int) -> str:
    notices = "".join(f"<p>{esc(n)}</p>" for n in record.get("notices", []))
    out = [
        '<div class="sa-abstain" role="note">',
        f'<p class="sa-answer"><strong>No answer found.</strong> {esc(record.get("answer"))}</p>{notices}',
        "<p>Nothing below is an answer: these are only the closest passages found, for you to judge.</p>",
        "</div>",
    ]
    passages = record.get("passages", [])
    if passages:
        cards = "".join(render_nearest(p, index, k) for k, p in enumerate(passages, 1))
        out.append(
            f'<section class="sa-cards sa-nearest" aria-labelledby="t{index}-near"><h4 id="t{index}-near">Nearest passages</h4>{cards}</section>'
        )
    return "".join(out)


def render_nearest(p: dict[str, Any], index: int, k: int) -> str:
    """A nearest-passage card for an abstention: no highlight, not a citation."""
    card_id = f"t{index}-p{k}"
    reference = str(p.get("reference", ""))
    open_data: dict[str, Any] = {"doc": p.get("doc_id"), "passage": p.get("passage_id")}
    return (
        f'<article class="sa-card sa-near" id="{card_id}" tabindex="-1" aria-labelledby="{card_id}-title"{data_attrs(card="1", **open_data)}>'
        f'<header class="sa-card-head"><h5 class="sa-card-title" id="{card_id}-title">{esc(p.get("title") or p.get("source"))}</h5></header>'
        f"{_card_meta(p)}"
        f'<blockquote class="sa-passage">{esc(p.get("text"))}</blockquote>'
        f'<p class="sa-ref"><span class="sa-ref-label">Reference</span> <cite>{esc(reference)}</cite></p>'
        f'<div class="sa-card-actions">{_button("Copy reference", "copy", copy=reference, aria_label=f"Copy reference {reference}")}'
        f"{_button('Read in document', 'open', aria_label=f'Read in document: {paragraph_name(p).lower()}', **open_data)}</div>"
        "</article>"
    )


def _render_feedback(turn: Turn) -> str:
    rating = turn.rating
    thanks = ""
    if rating:
        thanks = f'<span class="sa-thanks" role="status">Thank you: recorded as {"helpful" if rating == "up" else "not helpful"}.</span>'
    reason = f'<p class="sa-reason">Your reason: {esc(turn.reason)}</p>' if turn.reason else ""
    return (
        '<div class="sa-feedback" role="group" aria-label="Feedback on this answer"><span>Was this answer right?</span>'
        + _button(f"{THUMB_UP} Yes", "rate", cls="sa-rate", pressed=rating == "up", value="up", turn=turn.turn_id)
        + _button(
            f"{THUMB_DOWN} No",
            "rate",
            cls="sa-rate",
            pressed=rating == "down",
            value="down",
            turn=turn.turn_id,
        )
        + f"{thanks}</div>{reason}"
    )


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


def render_document(
    meta: DocumentMeta, passages: Sequence[Passage], target: str | None = None, spans: Iterable[tuple[int, int]] = ()
) -> str:
    """The whole statement with its metadata; the ``target`` passage is marked and its ``spans`` highlighted."""
    spans = list(spans)
    body, section = [], None
    for p in passages:
        if p.section and p.section != section and p.kind != "footnote":
            body.append(f'<h4 class="sa-doc-section">{esc(p.section)}</h4>')
            section = p.section
        is_target = p.passage_id == target
        text = highlight(p.text, spans) if is_target else esc(p.text)
        cls = f"sa-vp sa-{esc(p.kind)}" + (" sa-target" if is_target else "")
        current = ' aria-current="true" tabindex="-1"' if is_target else ""
        label = esc(p.label if p.kind != "title" else "")
        body.append(
            f'<div class="{cls}" id="vp-{p.order}"{data_attrs(passage=p.passage_id)}{current}>'
            f'<span class="sa-plabel" aria-label="{esc(paragraph_name(p))}">{label}</span><p>{text}</p></div>'
        )
    where = ""
    if target:
        found = next((p for p in passages if p.passage_id == target), None)
        if found is not None:
            where = f'<p class="sa-viewer-where">Showing {esc(paragraph_name(found).lower())}, highlighted below.</p>'
    return (
        f'<section class="sa-viewer" aria-labelledby="viewer-title"{data_attrs(doc=meta.doc_id)}>'
        f'<header class="sa-viewer-head"><h3 id="viewer-title" class="sa-viewer-title">{esc(meta.title or meta.source)}</h3>'
        f"{_meta_list(document_meta_pairs(meta, len(passages)))}{where}</header>"
        f'<div class="sa-doc-body">{"".join(body)}</div></section>'
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
    rows = []
    for d in shown:
        title = _button(esc(d.title or d.source), "open", cls="sa-linklike", aria_label=d.title or d.source, doc=d.doc_id)
        cells = [
            title,
            esc(d.doc_type),
            f'<span class="sa-nowrap">{esc(d.date or "undated")}</span>',
            esc(d.place),
            esc(d.secretary_general),
            esc(d.symbol),
            f'<span class="sa-num-cell">{counts.get(d.doc_id, 0)}</span>',
            f"<code>{esc(d.source)}</code>",
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    heads = ["Title", "Type", "Date", "Place", "Secretary-General", "Symbol", "Passages", "File"]
    n_docs = len(documents) if total is None else total
    n_passages = sum(counts.values())
    caption = f"{n_docs:,} documents, {n_passages:,} passages indexed."
    if needle:
        caption += f" {matched:,} match “{esc(query.strip())}”."
    if matched > len(shown):
        caption += f" Showing the newest {len(shown):,}; refine the search to see others."
    return (
        '<div class="sa-corpus-wrap" tabindex="0" role="region" aria-label="Indexed documents">'
        f'<table class="sa-corpus"><caption>{caption}</caption><thead><tr>'
        + "".join(f'<th scope="col">{h}</th>' for h in heads)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_notice(message: str, *, kind: str = "info") -> str:
    """A short status line (``info`` or ``error``)."""
    role = "alert" if kind == "error" else "status"
    return f'<p class="sa-notice sa-{esc(kind)}" role="{role}">{esc(message)}</p>'
