"""What the extractive answer quotes: never a masthead for a content question; the kind of answer asked for first."""

from __future__ import annotations

import json

import pytest

from assistant.answer.extractive import METADATA_QUESTION_RE, Candidate, for_question
from assistant.models import DocumentMeta, Hit, Passage, Span
from assistant.settings import PROJECT_ROOT
from assistant.text.patterns import is_masthead


def hit(kind: str, text: str) -> Hit:
    meta = DocumentMeta(doc_id="d", source="d.txt", title="Message", date="2013-09-27")
    return Hit(Passage(f"d:{kind}", "d", 0, "1", kind, text, None, (Span(0, len(text)),)), meta, 1.0)


MASTHEAD = "New York — 27 September 2013 — Secretary-General's message to the ministerial meeting"
CONTENT = "States bear the primary responsibility to protect their populations from atrocity crimes."


def candidates() -> tuple[list[Candidate], list[Hit]]:
    context = [hit("title", MASTHEAD), hit("paragraph", CONTENT)]
    return [Candidate(0, 0, len(MASTHEAD), MASTHEAD, 0.9), Candidate(1, 0, len(CONTENT), CONTENT, 0.6)], context


def test_a_masthead_is_not_quoted_for_a_content_question() -> None:
    cands, context = candidates()
    chosen = for_question("Who bears the primary responsibility to protect populations?", cands, context)
    assert [c.text for c in chosen] == [CONTENT]


def test_a_dateline_inside_a_paragraph_is_not_quoted_for_a_content_question() -> None:
    dateline = "Global Centre for the Responsibility to Protect – Joint Statement – 23 September 2011"
    context = [hit("paragraph", dateline), hit("paragraph", CONTENT)]
    cands = [Candidate(0, 0, len(dateline), dateline, 0.9), Candidate(1, 0, len(CONTENT), CONTENT, 0.6)]
    assert [c.text for c in for_question("Who bears the responsibility to protect?", cands, context)] == [CONTENT]
    assert for_question("When was the joint statement issued?", cands, context)[0].text == dateline


@pytest.mark.parametrize(
    "question",
    [
        "When was the message delivered?",
        "Where was the 2013 message given?",
        "Who wrote the article?",
        "What was the occasion of the message?",
    ],
)
def test_a_masthead_is_quoted_when_the_question_asks_what_it_says(question: str) -> None:
    cands, context = candidates()
    assert METADATA_QUESTION_RE.search(question)
    assert for_question(question, cands, context)[0].text == MASTHEAD


def test_a_sentence_with_the_number_asked_for_ranks_first() -> None:
    context = [
        hit("paragraph", "It has informed more than 40 resolutions."),
        hit("paragraph", "It has informed many resolutions."),
    ]
    cands = [Candidate(1, 0, 33, context[1].passage.text, 0.7), Candidate(0, 0, 42, context[0].passage.text, 0.6)]
    assert for_question("How many resolutions has it informed?", cands, context)[0].hit_index == 0


def test_no_content_answer_over_the_seed_index_quotes_a_title_block(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    """Through the real index: every content question of the training set is answered from paragraphs, never a masthead."""
    lines = (PROJECT_ROOT / "eval" / "trust" / "seed_train.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    content = [i for i in items if i["answerable"] and not METADATA_QUESTION_RE.search(i["question"]) and not i.get("history")]
    assert len(content) > 50
    for item in content:
        answer = seed_assistant.ask(item["question"], abstain_threshold=-1.0)
        assert all(c.hit.passage.kind != "title" for c in answer.citations), item["id"]
        assert not any(is_masthead(s.text) for s in answer.sentences or ()), item["id"]
