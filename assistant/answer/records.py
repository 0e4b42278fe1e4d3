"""The answer as JSON: the documented ``ask --json`` object (docs/json-schema.md), written at the edge.

The stages pass typed `assistant.models` objects; the command line, the chat
and the evaluation turn them into these records here, in one place.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from assistant.answer.citations import hit_reference
from assistant.models import (
    Answer,
    CheckedSentence,
    Citation,
    DocumentMeta,
    Generation,
    Hit,
    QuotedSentence,
    Reading,
    TimelineEntry,
    YearCount,
)


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
        "reference": hit_reference(hit),
        "score": round(hit.score, 4),
        "scores": {k: round(v, 4) for k, v in hit.scores.items()},
    }


def citation_record(citation: Citation) -> dict[str, Any]:
    """One entry of ``citations``: the number, the passage and the sentence(s) quoted from it."""
    return {"n": citation.n, **hit_record(citation.hit), "quote": citation.quote}


def reading_record(reading: Reading) -> dict[str, Any]:
    """What was read from the question, as the answer states it."""
    return {
        "standalone_question": reading.standalone,
        "follow_up": reading.follow_up,
        "filters": reading.filters.to_dict(),
        "preferences": {"years": list(reading.preferences.years), "doc_types": list(reading.preferences.doc_types)},
        "interpretation": list(reading.notes),
    }


def sentence_record(sentence: QuotedSentence | CheckedSentence) -> dict[str, Any]:
    """One entry of ``sentences``: a quoted sentence with its offsets, or a generated one with its check."""
    if isinstance(sentence, QuotedSentence):
        return {
            "text": sentence.text,
            "citations": list(sentence.citations),
            "supported": sentence.supported,
            "start": sentence.start,
            "end": sentence.end,
        }
    return {
        "text": sentence.text,
        "citations": list(sentence.citations),
        "passage_ids": list(sentence.passage_ids),
        "supported": sentence.supported,
        "reason": sentence.reason,
        "citation": sentence.citation,
        "invalid_citations": list(sentence.invalid_citations),
        "overlap": round(sentence.overlap, 3),
        "similarity": round(sentence.similarity, 3),
    }


def generation_record(generation: Generation) -> dict[str, Any]:
    """How a generated answer was written."""
    g = generation
    return {
        "generator": g.generator,
        "model": g.model,
        "passages_read": g.passages_read,
        "passage_ids": list(g.passage_ids),
        "ttft_ms": g.ttft_ms,
        "tokens": g.tokens,
        "tokens_per_s": g.tokens_per_s,
        "generate_ms": g.generate_ms,
        "samples": g.samples,
        "chosen_sample": g.chosen_sample,
        "draft": g.draft,
        "refusal": g.refusal,
        "judge_calls": g.judge_calls,
        "judge_ms": g.judge_ms,
        "fallback": g.fallback or None,
        "retried": g.retried,
    }


def timeline_record(entry: TimelineEntry) -> dict[str, Any]:
    """One entry of ``timeline``: a dated statement's best sentence and its citation number."""
    return {
        "date": entry.date,
        "year": entry.year,
        "doc_id": entry.doc_id,
        "title": entry.title,
        "speaker": entry.speaker,
        "column": entry.column,
        "citation": entry.citation,
        "quote": entry.quote,
        "confidence": round(entry.confidence, 4),
        "first": entry.first,
        "latest": entry.latest,
    }


def count_record(count: YearCount) -> dict[str, Any]:
    """One entry of ``counts``: statements addressing the topic in a year, against the year's statements."""
    return {"year": count.year, "addressing": count.addressing, "statements": count.statements, "column": count.column}


def choice_record(meta: DocumentMeta) -> dict[str, Any]:
    """One entry of ``choices``: a document the question could mean."""
    return {"doc_id": meta.doc_id, "title": meta.title, "date": meta.date, "doc_type": meta.doc_type, "speaker": meta.speaker}


def answer_record(answer: Answer) -> dict[str, Any]:
    """The documented ``ask --json`` object; optional parts appear only when the answer has them."""
    record: dict[str, Any] = {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [citation_record(c) for c in answer.citations],
        "passages": [hit_record(h) for h in answer.hits],
        "timings_ms": {k: round(v, 1) for k, v in answer.timings_ms.items()},
        "notices": list(answer.notices),
    }
    if answer.mode is not None:
        record["mode"] = answer.mode
    if answer.reading is not None:
        record.update(reading_record(answer.reading))
    if answer.evidence_score is not None:
        record["evidence_score"] = round(answer.evidence_score, 4)
    if answer.abstain_threshold is not None:
        record["abstain_threshold"] = answer.abstain_threshold
    record["kind"] = answer.kind
    if answer.sentences is not None:
        record["sentences"] = [sentence_record(s) for s in answer.sentences]
    if answer.context is not None:
        record["context"] = [{**hit_record(h), "role": "neighbour"} for h in answer.context]
    if answer.generation is not None:
        record["generation"] = generation_record(answer.generation)
    if answer.dropped_sentences is not None:
        record["dropped_sentences"] = [sentence_record(s) for s in answer.dropped_sentences]
    if answer.requested_mode is not None:
        record["requested_mode"] = answer.requested_mode
    if answer.fallback is not None:
        record["fallback"] = answer.fallback
    if answer.withheld is not None:
        record["withheld_answer"] = answer.withheld
    if answer.kind == "timeline":
        record["timeline"] = [timeline_record(e) for e in answer.timeline]
        record["counts"] = [count_record(c) for c in answer.counts]
        record["columns"] = list(answer.columns)
        if answer.summary is not None:
            record["summary"] = answer.summary  # generative mode: the checked paragraph above the timeline
    if answer.choices:
        record["choices"] = [choice_record(m) for m in answer.choices]
    if answer.signals is not None:
        record["signals"] = {k: round(v, 4) for k, v in asdict(answer.signals).items()}
    return record
