"""Plain data passed between pipeline stages.

Every stage speaks in these frozen dataclasses; framework objects (LangChain
documents, Gradio components) never leave the module that builds them, and
JSON is written at the edges (`assistant.answer.records`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from assistant.errors import UsageError
from assistant.timeline_models import TimelineEntry, YearCount

ISO_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass(frozen=True)
class Span:
    """A character range ``[start, end)``: in a document's decoded source text, or in a passage's ``text``."""

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
    extra: dict[str, Any] = field(default_factory=dict)  # corpus-specific metadata (country, session, ...)


@dataclass(frozen=True)
class Passage:
    """One citable unit: a paragraph the author wrote, or a footnote.

    ``text`` is cleaned for display (link residue and emphasis removed);
    ``spans`` locate the raw pieces in the source file (a paragraph broken by a
    page break has several), so a quote can always be traced back.
    ``instructions`` are the ranges of ``text`` that read as instructions to a
    model (`assistant.text.instructions`), marked at ingest: shown, never used.
    """

    passage_id: str
    doc_id: str
    order: int  # position of the passage in its document, from 0
    label: str  # "49" for a numbered paragraph, "footnote 4", or the paragraph order "3"
    kind: str  # "paragraph" or "footnote"
    text: str
    section: str | None
    spans: tuple[Span, ...]
    instructions: tuple[Span, ...] = ()  # instruction-like sentences, offsets into ``text``

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


def _casefold_all(values: tuple[str, ...]) -> set[str]:
    return {v.casefold() for v in values}


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to documents whose metadata match; empty fields match everything."""

    date_from: str | None = None  # inclusive; "2015", "2015-06" or "2015-06-01"
    date_to: str | None = None  # inclusive
    doc_types: tuple[str, ...] = ()
    secretaries_general: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    corpora: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO codes or names (General Debate corpus)

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is None:
                continue
            label = name.replace("_", " ")
            if not isinstance(value, str) or not ISO_DATE_RE.fullmatch(value):
                raise UsageError(f"{label} {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
            try:
                date(*(int(part) for part in self._low(value).split("-")))
            except ValueError as exc:  # "2015-02-30" has the shape of a date, not a day of the calendar
                raise UsageError(f"{label} {value!r} is not a calendar date ({exc}); use YYYY, YYYY-MM or YYYY-MM-DD") from None
        if self.date_from and self.date_to and self._low(self.date_from) > self._high(self.date_to):
            raise UsageError(f"the date range {self.date_from} to {self.date_to} is empty; swap the dates")

    @staticmethod
    def _low(value: str) -> str:
        return value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value

    @staticmethod
    def _high(value: str) -> str:
        return value + "-12-31"[len(value) - 4 :] if len(value) < 10 else value

    def is_empty(self) -> bool:
        """Whether no filter is set."""
        return not any(getattr(self, f.name) for f in fields(self))

    def allows(self, meta: DocumentMeta) -> bool:
        """Whether a document's metadata pass every filter."""
        if self.date_from or self.date_to:
            if not meta.date:
                return False
            if self.date_from and meta.date < self._low(self.date_from):
                return False
            if self.date_to and meta.date > self._high(self.date_to):
                return False
        if self.doc_types and meta.doc_type.casefold() not in _casefold_all(self.doc_types):
            return False
        if self.secretaries_general and (meta.secretary_general or "").casefold() not in _casefold_all(self.secretaries_general):
            return False
        if self.speakers:
            speaker = (meta.speaker or "").casefold()
            if not any(s in speaker for s in _casefold_all(self.speakers)):
                return False
        if self.doc_ids and meta.doc_id not in self.doc_ids and meta.source not in self.doc_ids:
            return False
        if self.corpora and meta.corpus not in self.corpora:
            return False
        if self.countries:
            wanted = _casefold_all(self.countries)
            have = {str(meta.extra.get("country_code", "")).casefold(), str(meta.extra.get("country", "")).casefold()}
            if not wanted & have:
                return False
        return True

    def merged(self, other: Filters) -> Filters:
        """This filter with the fields ``other`` sets added (``other`` wins on dates)."""
        values: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, tuple):
                values[f.name] = tuple(dict.fromkeys(mine + theirs))
            else:
                values[f.name] = theirs or mine
        return replace(self, **values)

    def describe(self) -> str:
        """A short human description, e.g. "dated 2015-01-01 to 2016-12-31; type report"."""
        parts = []
        if self.date_from or self.date_to:
            lo, hi = self.date_from, self.date_to
            if (
                lo
                and hi
                and lo[:4] == hi[:4]
                and self._low(lo).endswith("01-01")
                and self._high(hi).endswith("12-31")
                and len(lo) == len(hi) == 4
            ):
                parts.append(f"dated {lo}")
            else:
                parts.append(f"dated {lo or '…'} to {hi or '…'}")
        labels = (
            ("doc_types", "type"),
            ("secretaries_general", "Secretary-General"),
            ("speakers", "speaker"),
            ("doc_ids", "document"),
            ("corpora", "corpus"),
            ("countries", "country"),
        )
        for name, label in labels:
            value = getattr(self, name)
            if value:
                parts.append(f"{label} {' or '.join(value)}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The filter as JSON-ready data (unset fields omitted)."""
        return {f.name: (list(v) if isinstance(v, tuple) else v) for f in fields(self) if (v := getattr(self, f.name))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        """Build from ``to_dict`` output; unknown keys are an error listing the known ones."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise UsageError(f"unknown filter {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)


@dataclass(frozen=True)
class Preferences:
    """Soft preferences read from a question: documents to favour, not to require."""

    years: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()

    def matches(self, date: str | None, doc_type: str) -> bool:
        """Whether a document matches any preference."""
        return bool((self.years and (date or "")[:4] in self.years) or (self.doc_types and doc_type in self.doc_types))

    def describe(self) -> str:
        """Human description, e.g. "preferring documents from 2017"."""
        parts = []
        if self.years:
            parts.append(f"documents from {' or '.join(self.years)}")
        if self.doc_types:
            parts.append(f"type {' or '.join(self.doc_types)}")
        return "preferring " + " and ".join(parts) if parts else ""


@dataclass(frozen=True)
class Reading:
    """What the answer states it read from the question: the question it answered and the filters it applied."""

    standalone: str  # the question rewritten to stand alone (a follow-up gains its subject)
    follow_up: bool = False
    filters: Filters = field(default_factory=Filters)  # applied: the caller's and the question's, merged
    preferences: Preferences = field(default_factory=Preferences)
    notes: tuple[str, ...] = ()  # human-readable: what was inferred, and how to undo it


@dataclass(frozen=True)
class QuotedSentence:
    """A sentence of an extractive answer: verbatim from the passage its citation names."""

    text: str
    citations: tuple[int, ...]
    start: int  # offsets of the sentence in the passage text
    end: int
    supported: bool = True


@dataclass(frozen=True)
class CheckedSentence:
    """A sentence of a generated answer and the outcome of its check against the passages it cites."""

    text: str  # without citation markers
    citations: tuple[int, ...]  # the answer's citation numbers
    passage_ids: tuple[str, ...]  # the passages they name
    supported: bool
    reason: str
    citation: str = "model"  # "model"; "added"; "corrected"; "quote" (the extractive answer's sentence, added verbatim)
    invalid_citations: tuple[int, ...] = ()  # numbers the model cited that it was not given
    overlap: float = 0.0
    similarity: float = 0.0


@dataclass(frozen=True)
class Generation:
    """How a generated answer was written: the model, what it read, how long it took."""

    generator: str
    model: str
    passages_read: int
    passage_ids: tuple[str, ...]  # what the model was given, in its numbering
    ttft_ms: float | None
    tokens: int
    tokens_per_s: float | None
    generate_ms: float
    samples: int
    chosen_sample: int
    draft: str
    refusal: bool
    judge_calls: int = 0
    judge_ms: float = 0.0
    fallback: str = ""  # why the exact answer stands in: "timeout", "error", "refusal", "unsupported"; "" when it does not
    retried: bool = False  # the model declined despite strong evidence and was asked again with the best passage only


@dataclass(frozen=True)
class Signals:
    """What the decision reads about one question's best evidence; every value is cheap to compute."""

    evidence: float  # the reranker's score of the top passage
    dense: float  # its best window's cosine
    sentence: float  # its best sentence's cosine
    coverage: float  # IDF-weighted share of the question's key terms in it
    best_sentence: float  # the best answer sentence's score (similarity and its own coverage)
    answer_type: float  # 1 when the best sentence holds the kind of answer asked for (a number, a year)
    dense_rank: float  # 1 / rank of the top passage in the dense ranking (0 when absent)
    bm25_rank: float  # 1 / rank in the BM25 ranking (0 when absent)
    agree: float  # 1 when both retrievers put the same passage first
    margin: float  # evidence of the top passage minus the second's
    filtered: float  # 1 when a filter restricted the search
    searched_share: float  # log10 of the share of passages the filters left (0 unfiltered)
    title: float  # 1 when the top passage is a title block (masthead)
    log_passages: float  # log10 of the corpus's passages
    question_terms: float  # key terms in the question
    relaxed: float = 0.0  # 1 when the year or type the question named matched no document (searched as a preference)
    unseen_terms: float = 0.0  # share of the question's key terms that no passage of the corpus uses
    rare_term_missing: float = 0.0  # 1 when the question's rarest key term (that the corpus has) is not in the top passage
    scope_contrast: float = 0.0  # the top passage's evidence minus the whole index's best (0 unfiltered)
    name_missing: float = 0.0  # share of the names the question gives ("Love Canal", "NATO") that no passage read holds

    def values(self, names: tuple[str, ...]) -> list[float]:
        """The values of ``names``, in that order."""
        return [float(getattr(self, n)) for n in names]


ANSWER_KINDS = ("answer", "abstention", "chitchat", "timeline", "summary", "clarify")


@dataclass(frozen=True)
class Answer:
    """What the assistant says about one question, with everything it rests on."""

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    kind: str = "answer"  # one of ANSWER_KINDS
    mode: str | None = None  # "extractive" or "generative": how the text was written (None for chit-chat)
    reading: Reading | None = None
    evidence_score: float | None = None  # the confidence the abstention decision read
    abstain_threshold: float | None = None
    sentences: tuple[QuotedSentence | CheckedSentence, ...] | None = None
    context: tuple[Hit, ...] | None = None  # neighbouring paragraphs the answer was read with
    generation: Generation | None = None
    dropped_sentences: tuple[CheckedSentence, ...] | None = None  # generated, unsupported, left out
    requested_mode: str | None = None  # set when the mode asked for fell back to another
    fallback: str | None = None  # why it fell back
    signals: Signals | None = None  # what the abstention decision read (assistant.answer.abstain)
    withheld: str | None = None  # the answer a refusal held back (its confidence was below the threshold): for evaluation
    timeline: tuple[TimelineEntry, ...] = ()  # kind "timeline": the dated entries, in date order (by column)
    counts: tuple[YearCount, ...] = ()  # kind "timeline": statements addressing the topic per year (by column)
    columns: tuple[str, ...] = ()  # kind "timeline": the speakers compared side by side ("" alone: one timeline)
    summary: str | None = None  # kind "timeline", generative mode: the checked paragraph on the change, above the entries
    choices: tuple[DocumentMeta, ...] = ()  # kind "clarify": the documents the question could mean
