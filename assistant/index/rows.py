"""What a build stores for each passage: its database record, embedding windows, sentences and lexical terms."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.embed.base import Embedder
from assistant.embed.windows import passage_windows
from assistant.models import DocumentMeta, ParsedDocument
from assistant.settings import Settings
from assistant.text.lexical import index_terms
from assistant.text.sentences import split_sentences


def bm25_text(m: DocumentMeta, passage_text: str, section: str | None) -> str:
    """What the lexical index sees of a passage: its text plus the document's identifying metadata.

    Metadata words let exact questions match: a symbol ("A/70/999"), a year, a type ("the report"),
    a speaker, an author ("written by"), the event an article reports on.
    """
    year = (m.date or "")[:4]
    parts = [passage_text, section or "", m.title, m.symbol or "", year, m.doc_type, m.speaker or "", m.place or ""]
    if m.author:
        parts.append(f"author written by {m.author}")
    if m.reports_on:
        parts.append(m.reports_on)
    parts += [str(v) for k, v in m.extra.items() if k in ("country", "country_code")]
    return " ".join(p for p in parts if p)


def lexical_stats(build: Path) -> float | None:
    """The average passage length in terms that the full build's BM25 index used (None for older builds)."""
    path = build / "lexical.json"
    if not path.is_file():
        return None
    return float(json.loads(path.read_text(encoding="utf-8"))["avg_terms"])


@dataclass
class PassageRows:
    """What a build stores for a run of passages, row by row: database records, windows, sentences, terms."""

    first_row: int = 0
    passage_doc: list[int] = field(default_factory=list)
    window_texts: list[str] = field(default_factory=list)
    window_passage: list[int] = field(default_factory=list)
    sentence_texts: list[str] = field(default_factory=list)
    sentence_passage: list[int] = field(default_factory=list)
    sentence_spans: list[tuple[int, int]] = field(default_factory=list)
    terms: list[list[str]] = field(default_factory=list)  # what the lexical index sees of each passage

    def add(self, doc: ParsedDocument, doc_row: int, embedder: Embedder, settings: Settings) -> list[tuple[object, ...]]:
        """Take the passages of ``doc`` (document row ``doc_row``); return their ``passages`` table records."""
        records: list[tuple[object, ...]] = []
        for p in doc.passages:
            row = self.first_row + len(self.passage_doc)
            spans = json.dumps([[s.start, s.end] for s in p.spans])
            instructions = json.dumps([[s.start, s.end] for s in p.instructions])  # shown in the viewer, never used
            records.append((row, p.passage_id, doc_row, p.order, p.label, p.kind, p.text, p.section, spans, instructions))
            self.passage_doc.append(doc_row)
            for window in passage_windows(p.text, embedder.token_offsets, settings.window_tokens, settings.window_overlap):
                self.window_texts.append(window)
                self.window_passage.append(row)
            for s, e in split_sentences(p.text):
                self.sentence_texts.append(p.text[s:e])
                self.sentence_passage.append(row)
                self.sentence_spans.append((s, e))
            self.terms.append(index_terms(bm25_text(doc.meta, p.text, p.section)))
        return records
