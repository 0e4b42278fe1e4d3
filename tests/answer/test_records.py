"""The ``ask --json`` record (docs/json-schema.md): its keys, their order, rounding and optional parts."""

from __future__ import annotations

import json

from assistant.answer.records import answer_record, citation_record, hit_record, reading_record, sentence_record
from assistant.models import (
    Answer,
    CheckedSentence,
    Citation,
    DocumentMeta,
    Filters,
    Generation,
    Hit,
    Passage,
    Preferences,
    QuotedSentence,
    Reading,
    Signals,
    Span,
)

TEXT = "One concrete step would be restraint in the use of the veto. It was led by France and Mexico."
META = DocumentMeta(
    doc_id="report",
    source="report.txt",
    title="Mobilizing collective action",
    date="2016-07-22",
    place="New York",
    doc_type="report",
    speaker="Ban Ki-moon",
    secretary_general="Ban Ki-moon",
    symbol="A/70/999–S/2016/620",
)
PASSAGE = Passage("report#p49", "report", 52, "49", "paragraph", TEXT, "IV. The veto", (Span(9000, 9040), Span(9100, 9150)))
HIT = Hit(PASSAGE, META, 0.123456, {"dense": 0.55556, "bm25": 7.0})
PASSAGE_KEYS = [
    "passage_id",
    "doc_id",
    "title",
    "date",
    "doc_type",
    "speaker",
    "secretary_general",
    "symbol",
    "place",
    "paragraph",
    "kind",
    "section",
    "text",
    "source",
    "start",
    "end",
    "reference",
    "score",
    "scores",
]


def test_a_hit_flattens_into_the_passage_fields() -> None:
    record = hit_record(HIT)
    assert list(record) == PASSAGE_KEYS
    assert record == {
        "passage_id": "report#p49",
        "doc_id": "report",
        "title": "Mobilizing collective action",
        "date": "2016-07-22",
        "doc_type": "report",
        "speaker": "Ban Ki-moon",
        "secretary_general": "Ban Ki-moon",
        "symbol": "A/70/999–S/2016/620",
        "place": "New York",
        "paragraph": "49",
        "kind": "paragraph",
        "section": "IV. The veto",
        "text": TEXT,
        "source": "report.txt",
        "start": 9000,  # the first span's start and the last span's end: the paragraph crosses a page break
        "end": 9150,
        "reference": "A/70/999–S/2016/620, para. 49",
        "score": 0.1235,
        "scores": {"dense": 0.5556, "bm25": 7.0},
    }


def test_a_citation_is_its_number_the_passage_and_the_quote() -> None:
    record = citation_record(Citation(1, HIT, "It was led by France and Mexico."))
    assert list(record) == ["n", *PASSAGE_KEYS, "quote"]
    assert record["n"] == 1 and record["quote"] == "It was led by France and Mexico."


def test_the_reading_names_the_applied_filters_only() -> None:
    reading = Reading(
        "Who led the veto initiative in 2016?",
        follow_up=True,
        filters=Filters(date_from="2016", date_to="2016", doc_types=("report",)),
        preferences=Preferences(years=("2016",)),
        notes=("dated 2016",),
    )
    assert reading_record(reading) == {
        "standalone_question": "Who led the veto initiative in 2016?",
        "follow_up": True,
        "filters": {"date_from": "2016", "date_to": "2016", "doc_types": ["report"]},
        "preferences": {"years": ["2016"], "doc_types": []},
        "interpretation": ["dated 2016"],
    }


def test_sentences_quoted_and_generated() -> None:
    assert sentence_record(QuotedSentence("It was led by France and Mexico.", (1,), 61, 93)) == {
        "text": "It was led by France and Mexico.",
        "citations": [1],
        "supported": True,
        "start": 61,
        "end": 93,
    }
    checked = CheckedSentence(
        "France and Mexico led it.", (1, 2), ("a#p1", "b#p2"), False, "names differ", overlap=0.66666, similarity=0.12345
    )
    assert sentence_record(checked) == {
        "text": "France and Mexico led it.",
        "citations": [1, 2],
        "passage_ids": ["a#p1", "b#p2"],
        "supported": False,
        "reason": "names differ",
        "citation": "model",
        "invalid_citations": [],
        "overlap": 0.667,
        "similarity": 0.123,
    }


def test_a_bare_answer_has_the_required_keys_in_order() -> None:
    answer = Answer("Hello", "Hello. I answer questions.", False, (), (), {"interpret": 1.2345}, kind="chitchat")
    record = answer_record(answer)
    assert list(record) == ["question", "answer", "abstained", "citations", "passages", "timings_ms", "notices", "kind"]
    assert record["timings_ms"] == {"interpret": 1.2} and record["kind"] == "chitchat"


def test_an_extractive_answer_record() -> None:
    neighbour = Hit(PASSAGE, META, 0.0)
    answer = Answer(
        "Who led it?",
        "It was led by France and Mexico. [1]",
        False,
        (Citation(1, HIT, "It was led by France and Mexico."),),
        (HIT,),
        {"retrieve": 10.04, "answer": 2.06},
        notices=("a notice",),
        mode="extractive",
        reading=Reading("Who led it?"),
        evidence_score=0.612345,
        abstain_threshold=0.525,
        sentences=(QuotedSentence("It was led by France and Mexico.", (1,), 61, 93),),
        context=(neighbour,),
    )
    record = answer_record(answer)
    assert list(record) == [
        "question",
        "answer",
        "abstained",
        "citations",
        "passages",
        "timings_ms",
        "notices",
        "mode",
        "standalone_question",
        "follow_up",
        "filters",
        "preferences",
        "interpretation",
        "evidence_score",
        "abstain_threshold",
        "kind",
        "sentences",
        "context",
    ]
    assert record["timings_ms"] == {"retrieve": 10.0, "answer": 2.1}
    assert record["evidence_score"] == 0.6123 and record["abstain_threshold"] == 0.525
    assert record["filters"] == {} and record["preferences"] == {"years": [], "doc_types": []}
    assert [c["reference"] for c in record["citations"]] == ["A/70/999–S/2016/620, para. 49"]
    assert record["context"][0]["role"] == "neighbour" and list(record["context"][0]) == [*PASSAGE_KEYS, "role"]
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record  # plain JSON all the way down


def test_a_generative_answer_that_fell_back_says_how_and_why() -> None:
    generation = Generation("llama-cpp", "qwen", 3, ("a#p1",), 120.0, 40, 12.5, 900.0, 2, 1, "draft [1]", False, 1, 80.0)
    dropped = CheckedSentence("It was led by Brazil.", (1,), ("a#p1",), False, "names differ")
    answer = Answer(
        "Who led it?",
        "It was led by France and Mexico. [1]",
        False,
        (),
        (),
        mode="extractive",
        generation=generation,
        dropped_sentences=(dropped,),
        requested_mode="generative",
        fallback="no generated sentence was supported",
    )
    record = answer_record(answer)
    assert list(record)[-5:] == ["kind", "generation", "dropped_sentences", "requested_mode", "fallback"]
    assert record["generation"] == {
        "generator": "llama-cpp",
        "model": "qwen",
        "passages_read": 3,
        "passage_ids": ["a#p1"],
        "ttft_ms": 120.0,
        "tokens": 40,
        "tokens_per_s": 12.5,
        "generate_ms": 900.0,
        "samples": 2,
        "chosen_sample": 1,
        "draft": "draft [1]",
        "refusal": False,
        "judge_calls": 1,
        "judge_ms": 80.0,
        "fallback": None,
        "retried": False,
    }
    assert record["dropped_sentences"][0]["text"] == "It was led by Brazil." and record["requested_mode"] == "generative"


def test_the_signals_behind_the_decision_come_last_rounded() -> None:
    values = dict.fromkeys(Signals.__dataclass_fields__, 0.0) | {"evidence": 0.123456, "log_passages": 2.30103}
    answer = Answer("Q?", "A. [1]", False, (), (), signals=Signals(**values))
    record = answer_record(answer)
    assert list(record)[-1] == "signals" and list(record["signals"]) == list(Signals.__dataclass_fields__)
    assert record["signals"]["evidence"] == 0.1235 and record["signals"]["log_passages"] == 2.301
