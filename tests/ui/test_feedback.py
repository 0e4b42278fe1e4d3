"""The feedback store and `python -m assistant feedback export`: rows, updates, QA cases in the evaluation format."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.errors import UsageError
from assistant.ui.feedback import Feedback, FeedbackStore, export_qa, qa_case

QUOTE = "One step would be restraint, led by France and Mexico."


def record(abstained: bool = False) -> dict:
    citations = [
        {
            "n": 1,
            "passage_id": "004#p49",
            "reference": "A/70/999–S/2016/620, para. 49",
            "quote": QUOTE,
            "text": f"Intro. {QUOTE}",
        },
        {
            "n": 2,
            "passage_id": "004#p16",
            "reference": "A/70/999–S/2016/620, para. 16",
            "quote": "Vetoes preclude action.",
            "text": "x",
        },
    ]
    return {
        "question": "Which two countries?",
        "answer": "The corpus does not address this question." if abstained else f"{QUOTE} [1] Vetoes preclude action. [2]",
        "abstained": abstained,
        "citations": [] if abstained else citations,
        "passages": citations,
        "standalone_question": "Which two countries?",
    }


def item(
    answer_id: str, *, rating: str | None = None, wrong: list[int] | None = None, abstained: bool = False, **kw: object
) -> Feedback:
    fb = Feedback.from_answer(answer_id, record(abstained), config={"k": 5, "filters": {}}, session="s1", **kw)  # type: ignore[arg-type]
    fb.rating, fb.wrong_citations = rating, wrong or []
    return fb


def test_save_then_update_one_row_per_answer(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data" / "feedback.sqlite")
    store.save(item("a1", rating="down"))
    first = store.get("a1")
    assert first is not None and first.rating == "down" and first.citations[0]["quote"] == QUOTE
    updated = item("a1", rating="down", wrong=[2, 2])
    updated.reason = "  para. 16 is about Syria  "
    store.save(updated)
    rows = (
        sqlite3.connect(tmp_path / "data" / "feedback.sqlite")
        .execute("SELECT answer_id, rating, reason, wrong_citations, config FROM feedback")
        .fetchall()
    )
    assert rows == [("a1", "down", "para. 16 is about Syria", "[2]", '{"k": 5, "filters": {}}')]
    again = store.get("a1")
    assert again is not None and again.created_at == first.created_at and again.wrong_citations == [2]


def test_rating_must_be_up_or_down() -> None:
    with pytest.raises(UsageError, match="rating 'meh'"):
        Feedback("a", "q", "a", False, rating="meh")


def test_confirmed_answer_becomes_a_ready_case() -> None:
    case = qa_case(item("0123456789abcdef", rating="up"))
    assert case["id"] == "fb-0123456789ab" and case["answerable"] is True and case["needs_review"] is False
    assert case["evidence"] == [QUOTE, "Vetoes preclude action."] == case["answers"]


def test_confirmed_abstention_is_an_unanswerable_case() -> None:
    case = qa_case(item("b", rating="up", abstained=True))
    assert case["answerable"] is False and case["answers"] == [] == case["evidence"] and not case["needs_review"]


def test_down_vote_or_wrong_citation_needs_review_and_keeps_what_went_wrong() -> None:
    fb = item("c", rating="up", wrong=[2], history=[{"role": "user", "content": "earlier"}])
    case = qa_case(fb)
    assert case["needs_review"] and case["answers"] == [] and case["history"] == [{"role": "user", "content": "earlier"}]
    assert case["feedback"]["wrong_citations"] == ["A/70/999–S/2016/620, para. 16"]
    assert case["feedback"]["rejected_evidence"] == ["Vetoes preclude action."]


def test_export_writes_only_judged_answers_as_jsonl(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.save(item("a", rating="up"))
    store.save(item("b", rating="down"))
    store.save(item("c"))  # opened but never judged
    out = tmp_path / "out" / "qa.jsonl"
    assert export_qa(store, out) == (1, 1)
    cases = [json.loads(line) for line in out.read_text().splitlines()]
    assert [c["id"] for c in cases] == ["fb-a", "fb-b"]
    for case in cases:  # the fields the evaluation format requires
        assert isinstance(case["question"], str) and isinstance(case["answers"], list)
        assert isinstance(case["evidence"], list) and isinstance(case["answerable"], bool)
    assert export_qa(store, out, confirmed_only=True) == (1, 0)


def test_cli_export_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    FeedbackStore(data / "feedback.sqlite").save(item("a", rating="up"))
    out = tmp_path / "qa.jsonl"
    assert main(["feedback", "export", str(out), "--data-dir", str(data)]) == 0
    assert "Wrote 1 QA cases" in capsys.readouterr().out and out.is_file()
    assert main(["feedback", "--data-dir", str(data), "summary"]) == 0
    assert "1 answers judged (1 up, 0 down)" in capsys.readouterr().out


def test_cli_without_feedback_says_where_it_comes_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["feedback", "export", str(tmp_path / "qa.jsonl"), "--data-dir", str(tmp_path / "none")]) == 2
    assert "no feedback yet" in capsys.readouterr().err


def test_exported_file_is_read_by_the_evaluation_loader(tmp_path: Path) -> None:
    from assistant.errors import DatasetError
    from assistant.evaluate.qa_sets import load_qa_set

    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.save(item("a", rating="up"))
    store.save(item("b", rating="up", abstained=True))
    store.save(item("c", rating="down"))
    ready = tmp_path / "ready.jsonl"
    export_qa(store, ready, confirmed_only=True)
    qa = load_qa_set(ready)
    assert [i.id for i in qa.items] == ["fb-a", "fb-b"] and qa.answerable == 1 and not qa.warnings
    everything = tmp_path / "all.jsonl"
    export_qa(store, everything)
    with pytest.raises(DatasetError, match="needs_review"):
        load_qa_set(everything)
