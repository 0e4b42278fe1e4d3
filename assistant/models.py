"""Plain data passed between pipeline stages.

Every stage speaks in these frozen dataclasses; framework objects (LangChain
documents, Gradio components) never leave the module that builds them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """A character range ``[start, end)`` in a document's decoded source text."""

    start: int
    end: int


@dataclass(frozen=True)
class DocumentMeta:
    """What is known about one statement: derived from its text, then the sidecar file."""

    doc_id: str
    source: str
    title: str = ""
    date: str | None = None  # ISO 8601 (YYYY-MM-DD); for an article, the date of the statement it reports on
    place: str | None = None
    doc_type: str = "statement"
    speaker: str | None = None  # who delivered it
    secretary_general: str | None = None  # the Secretary-General in office on `date`
    symbol: str | None = None  # UN document symbol, e.g. "A/70/999–S/2016/620"
    author: str | None = None  # for articles: who wrote it
    reports_on: str | None = None  # for articles: the statement the article reports on
    corpus: str = "seed"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class Passage:
    """One citable unit: a paragraph the author wrote, or a footnote.

    ``text`` is cleaned for display (link residue and emphasis removed);
    ``spans`` locate the raw pieces in the source file (a paragraph broken by a
    page break has several), so a quote can always be traced back.
    """

    passage_id: str
    doc_id: str
    order: int  # position of the passage in its document, from 0
    label: str  # "49" for a numbered paragraph, "footnote 4", or the paragraph order "3"
    kind: str  # "paragraph" or "footnote"
    text: str
    section: str | None
    spans: tuple[Span, ...]

    @property
    def start(self) -> int:
        """Offset of the first character of the passage in the source text."""
        return self.spans[0].start

    @property
    def end(self) -> int:
        """Offset just past the last character of the passage in the source text."""
        return self.spans[-1].end


@dataclass(frozen=True)
class ParsedDocument:
    """A document split into passages, with its metadata and content hash."""

    meta: DocumentMeta
    passages: tuple[Passage, ...]
    content_hash: str


@dataclass(frozen=True)
class Hit:
    """A retrieved passage with its document and the retrieval score."""

    passage: Passage
    meta: DocumentMeta
    score: float
    scores: dict[str, float] = field(default_factory=dict)  # per-signal scores (dense, bm25, rerank, ...)


@dataclass(frozen=True)
class Citation:
    """A numbered reference from an answer to exactly one passage."""

    n: int
    hit: Hit
    quote: str | None = None  # the sentence(s) of the passage the answer used

    def to_dict(self) -> dict[str, Any]:
        """Return the documented ``ask --json`` citation record."""
        return {"n": self.n, **hit_record(self.hit), "quote": self.quote}


@dataclass(frozen=True)
class Answer:
    """What the assistant says about one question."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the documented ``ask --json`` object."""
        record: dict[str, Any] = {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [hit_record(h) for h in self.hits],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "notices": list(self.notices),
        }
        record.update(self.extra)
        return record


def hit_record(hit: Hit) -> dict[str, Any]:
    """Flatten a hit into the passage fields of the ``ask --json`` schema."""
    p, m = hit.passage, hit.meta
    return {
        "passage_id": p.passage_id,
        "doc_id": m.doc_id,
        "title": m.title,
        "date": m.date,
        "doc_type": m.doc_type,
        "speaker": m.speaker,
        "secretary_general": m.secretary_general,
        "symbol": m.symbol,
        "place": m.place,
        "paragraph": p.label,
        "kind": p.kind,
        "section": p.section,
        "text": p.text,
        "source": m.source,
        "start": p.start,
        "end": p.end,
        "reference": _reference(hit),
        "score": round(hit.score, 4),
        "scores": {k: round(v, 4) for k, v in hit.scores.items()},
    }


def _reference(hit: Hit) -> str:
    from assistant.citations import hit_reference

    return hit_reference(hit)
