"""HTML rendering of answers, cards, viewer and corpus: escaping, highlighting, markers; the Markdown export."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from assistant.models import DocumentMeta, Passage, Span
from assistant.ui import render
from assistant.ui.conversation import Segment, Turn, answer_segments, history_for, truncate, word_count
from assistant.ui.export import conversation_markdown

EVIL = '<script>alert("x")</script><img src=x onerror="alert(1)">'
REF = "A/70/999–S/2016/620, para. 49"
PARA = "The five permanent members have a responsibility. One step would be restraint, led by France and Mexico. It is vital."
QUOTE = "One step would be restraint, led by France and Mexico."


def citation(n: int = 1, **changes: object) -> dict:
    record = {
        "n": n,
        "passage_id": "004#p49",
        "doc_id": "004",
        "title": "Mobilizing collective action",
        "date": "2016-07-22",
        "doc_type": "report",
        "speaker": "Ban Ki-moon",
        "secretary_general": "Ban Ki-moon",
        "symbol": "A/70/999–S/2016/620",
        "place": None,
        "paragraph": "49",
        "kind": "paragraph",
        "section": "IV. A vision › B. Timely response",
        "text": PARA,
        "source": "004.txt",
        "reference": REF,
        "quote": QUOTE,
    }
    record.update(changes)
    return record


def answer_record(**changes: object) -> dict:
    start = PARA.index(QUOTE)
    record = {
        "question": "Which two countries?",
        "answer": f"{QUOTE} [1]",
        "abstained": False,
        "citations": [citation()],
        "passages": [citation()],
        "kind": "answer",
        "mode": "extractive",
        "standalone_question": "Which two countries?",
        "filters": {},
        "interpretation": [],
        "sentences": [{"text": QUOTE, "citations": [1], "supported": True, "start": start, "end": start + len(QUOTE)}],
    }
    record.update(changes)
    return record


class TagCollector(HTMLParser):
    """Every start tag the browser would build from the HTML, and its text (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html_text: str) -> TagCollector:
    parser = TagCollector()
    parser.feed(html_text)
    parser.close()
    return parser


def tags_of(html_text: str) -> list[tuple[str, dict[str, str | None]]]:
    return parsed(html_text).tags


def text_nodes(html_text: str) -> list[str]:
    return parsed(html_text).text


def assert_inert(html_text: str) -> None:
    tags = tags_of(html_text)
    assert not [t for t, _ in tags if t in {"script", "img", "iframe", "object"}]
    assert not [a for _, attrs in tags for a in attrs if a.startswith("on")]


def test_escapes_question_answer_and_citation_text() -> None:
    turn = Turn(EVIL, record=answer_record(answer=f"{EVIL} [1]", citations=[citation(title=EVIL, text=EVIL, quote=EVIL)]))
    out = render.render_conversation([turn])
    assert_inert(out)
    assert "&lt;script&gt;alert(" in out
    texts = text_nodes(out)
    assert texts.count(EVIL) >= 3  # the question, the answer sentence and the card's passage, shown as text


def test_template_syntax_in_values_is_shown_as_text() -> None:
    sneaky = "{{ 7 * 7 }} {% if true %}yes{% endif %} {# note #}"
    turn = Turn(sneaky, record=answer_record(citations=[citation(title=sneaky, reference=sneaky)]))
    out = render.render_conversation([turn])
    assert sneaky in text_nodes(out) and out.count("{{ 7 * 7 }}") >= 3  # question, title, reference: never evaluated


def test_escapes_attribute_values_for_copy_buttons() -> None:
    turn = Turn("q", record=answer_record(citations=[citation(reference='x" onclick="alert(1)', quote=EVIL)]))
    out = render.render_conversation([turn])
    assert_inert(out)
    copies = [attrs["data-copy"] for tag, attrs in tags_of(out) if tag == "button" and attrs.get("data-action") == "copy"]
    assert copies == ['x" onclick="alert(1)', EVIL]  # the browser decodes the attribute back to the exact text


def test_card_shows_reference_metadata_and_highlights_the_quote() -> None:
    out = render.render_conversation([Turn("Which two countries?", record=answer_record())])
    assert f"<mark>{QUOTE}</mark>" in out
    assert "22 July 2016" in out and "IV. A vision › B. Timely response" in out and ">49<" in out
    assert f"<cite>{REF}</cite>" in out
    assert 'href="#t1-c1"' in out and 'id="t1-c1"' in out  # the marker links to the card
    copies = [a["data-copy"] for t, a in tags_of(out) if t == "button" and a.get("data-action") == "copy"]
    assert copies == [REF, QUOTE]


def test_quote_is_found_by_text_when_sentence_offsets_are_missing() -> None:
    record = answer_record(sentences=[])
    assert render.quote_spans(PARA, citation(), record) == [(PARA.index(QUOTE), PARA.index(QUOTE) + len(QUOTE))]
    two = citation(quote=f"{QUOTE} … It is vital.")
    assert len(render.quote_spans(PARA, two, record)) == 2


def test_highlight_merges_overlaps_and_escapes() -> None:
    assert render.highlight("a <b> c", [(0, 3), (2, 5)]) == "<mark>a &lt;b&gt;</mark> c"
    assert render.highlight("abc", []) == "abc"


def test_abstention_says_so_and_lists_nearest_passages_without_flags() -> None:
    record = answer_record(answer="The corpus does not address this question.", abstained=True, citations=[], kind="abstention")
    out = render.render_conversation([Turn("What is the capital of Peru?", record=record)])
    assert "No answer found." in out and "Nearest passages" in out and REF in out
    assert 'data-action="flag"' not in out and "<mark>" not in out


def test_follow_up_shows_the_standalone_query_and_filters() -> None:
    record = answer_record(standalone_question="Who else proposed it (regarding the veto)?", filters={"date_from": "2017"})
    out = render.render_conversation([Turn("Who else proposed it?", record=record)])
    assert "Searched for: <q>Who else proposed it (regarding the veto)?</q>" in out
    assert "Filters applied: dated 2017 to …" in out


def test_streaming_shows_a_prefix_and_no_cards_yet() -> None:
    turn = Turn("q", record=answer_record(), shown_words=3)
    out = render.render_conversation([turn])
    assert turn.state == "streaming" and "One step would" in out and "restraint" not in out
    assert "sa-card" not in out and 'aria-busy="true"' in out


def test_pending_error_and_flagged_states() -> None:
    assert "Searching the statements" in render.render_conversation([Turn("q")])
    assert 'role="alert"' in render.render_conversation([Turn("q", error="the date <x> is wrong")])
    flagged = Turn("q", record=answer_record(), wrong={1}, rating="down")
    out = render.render_conversation([flagged])
    assert "sa-flagged" in out and 'aria-pressed="true"' in out and "not helpful" in out


def test_segments_from_sentence_records_and_from_markers() -> None:
    assert answer_segments(answer_record()) == [Segment(QUOTE, (1,))]
    parsed = answer_segments(
        answer_record(sentences=None, answer="First [1] Second [2, 1] Tail [9]", citations=[citation(1), citation(2)])
    )
    assert parsed == [Segment("First", (1,)), Segment("Second", (2, 1)), Segment("Tail [9]")]
    segments = [Segment("one two three", (1,)), Segment("four five", (2,))]
    assert truncate(segments, 4) == [Segment("one two three", (1,)), Segment("four")]
    assert word_count(segments) == 5


def test_history_for_follow_ups_skips_unfinished_turns() -> None:
    turns = [Turn("first", record=answer_record()), Turn("second")]
    assert history_for(turns) == [{"role": "user", "content": "first"}, {"role": "assistant", "content": f"{QUOTE} [1]"}]


def test_document_viewer_marks_the_target_and_escapes() -> None:
    meta = DocumentMeta("900", "900.txt", title=EVIL, date="2019-03-03", place="<b>Geneva</b>")
    passages = [
        Passage("900#p1", "900", 0, "1", "paragraph", "Intro.", "I. <i>Part</i>", (Span(0, 6),)),
        Passage("900#p2", "900", 1, "2", "paragraph", f"Water {EVIL}.", "I. <i>Part</i>", (Span(7, 20),)),
    ]
    out = render.render_document(meta, passages, target="900#p2", spans=[(0, 5)])
    assert_inert(out)
    assert 'id="vp-1"' in out and 'aria-current="true"' in out and "<mark>Water</mark>" in out
    assert out.count("sa-doc-section") == 1 and "&lt;b&gt;Geneva&lt;/b&gt;" in out


def test_corpus_table_lists_documents_with_counts_and_filters() -> None:
    docs = [
        DocumentMeta("a", "a.txt", title="Water statement", date="2019-03-03", doc_type="message"),
        DocumentMeta("b", "b.txt", title=EVIL, date="2016-07-22", doc_type="report", symbol="A/70/999"),
    ]
    out = render.render_corpus(docs, {"a": 3, "b": 78})
    assert_inert(out)
    assert "2 documents, 81 passages indexed." in out and ">78<" in out
    found = render.render_corpus(docs, {"a": 3, "b": 78}, query="water")
    assert "Water statement" in found and "A/70/999" not in found and "1 match" in found


def test_markdown_export_has_answers_markers_and_references() -> None:
    turns = [
        Turn("Which two countries?", record=answer_record(), wrong={1}),
        Turn(
            "<b>bold?</b>",
            record=answer_record(abstained=True, citations=[], answer="The corpus does not address this question."),
        ),
        Turn("bad", error="date 20x is not a date"),
    ]
    md = conversation_markdown(turns, now=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert md.startswith("# Statement Assistant conversation\n\nExported 2026-01-02 03:04 UTC.")
    assert f"## 1. Which two countries?\n\n*Answer mode:* Exact quotes  \n\n{QUOTE} [1]" in md
    assert re.search(
        r"1\. A/70/999–S/2016/620, para\. 49: \*Mobilizing collective action\* \(report, 22 July 2016, paragraph 49", md
    )
    assert "(flagged as a wrong citation)" in md and f"   > {QUOTE}" in md
    assert "## 2. \\<b\\>bold?\\</b\\>" in md and "Nearest passages (not an answer):" in md
    assert "*Could not answer:* date 20x is not a date" in md


def test_the_history_sent_with_a_question_is_the_last_turns_within_the_limit() -> None:
    from assistant.ui.conversation import Turn, history_for

    turns = []
    for i in range(15):
        t = Turn(f"question {i}")
        t.record = {"answer": f"answer {i}"}
        turns.append(t)
    for t in turns:
        t.shown_words = None
    done = [t for t in turns if t.state == "done"]
    assert len(done) == 15
    history = history_for(turns, 20)
    assert len(history) == 20 and history[0] == {"role": "user", "content": "question 5"}
    assert history[-1] == {"role": "assistant", "content": "answer 14"}
    assert len(history_for(turns)) == 30
