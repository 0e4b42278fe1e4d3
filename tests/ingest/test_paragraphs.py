"""Paragraph parsing of the seed corpus, the 2016 report above all."""

from __future__ import annotations

import pytest
from conftest import REPORT_ID, SEED_CORPUS

from assistant.ingest.folders import scan_corpus
from assistant.ingest.paragraphs import clean_text, split_blocks, split_document
from assistant.models import ParsedDocument


@pytest.fixture(scope="module")
def seed() -> dict[str, ParsedDocument]:
    scan = scan_corpus(SEED_CORPUS)
    assert scan.problems == []
    return {d.meta.doc_id: d for d in scan.documents}


@pytest.fixture(scope="module")
def report(seed: dict[str, ParsedDocument]) -> ParsedDocument:
    return seed[REPORT_ID]


def paragraph(doc: ParsedDocument, label: str) -> str:
    return next(p.text for p in doc.passages if p.kind == "paragraph" and p.label == label)


def test_report_has_exactly_64_numbered_paragraphs_in_order(report: ParsedDocument) -> None:
    labels = [p.label for p in report.passages if p.kind == "paragraph"]
    assert labels == [str(n) for n in range(1, 65)]


def test_paragraph_18_is_rejoined_across_the_page_break(report: ParsedDocument) -> None:
    text = paragraph(report, "18")
    assert text.startswith("There is no question that Member States recognize")
    assert "The concept was established unanimously by the General Assembly in 2005," in text
    assert text.endswith("expressed support for their ongoing work.")


def test_paragraph_10_resumes_after_footnotes_4_and_5(report: ParsedDocument) -> None:
    text = paragraph(report, "10")
    assert "the highest levels at any point in the history of the United Nations." in text
    assert "Erik Melander" not in text and "conflict-related sexual violence" not in text


def test_paragraph_59_is_whole(report: ParsedDocument) -> None:
    text = paragraph(report, "59")
    assert text.startswith("Regional protection architecture")
    assert "including through regular dialogue and enhanced desk-to-desk collaboration" in text


@pytest.mark.parametrize("label", ["2", "10", "14", "18", "21", "25", "28", "31", "36", "40", "44", "47", "56", "59", "61"])
def test_split_paragraphs_span_two_pieces_of_the_source(report: ParsedDocument, label: str) -> None:
    passage = next(p for p in report.passages if p.label == label)
    assert len(passage.spans) == 2


def test_footnotes_are_passages_and_never_inside_paragraphs(report: ParsedDocument) -> None:
    footnotes = {p.label: p.text for p in report.passages if p.kind == "footnote"}
    assert [f"footnote {n}" for n in range(1, 13)] == [k for k in footnotes if k != "footnote *"]
    assert footnotes["footnote 4"].startswith("Erik Melander")
    paragraphs = [p.text for p in report.passages if p.kind == "paragraph"]
    for text in footnotes.values():
        assert not any(text[:40] in para for para in paragraphs)


def test_headings_become_sections_not_passages(report: ParsedDocument) -> None:
    texts = {p.text for p in report.passages}
    assert "National and regional networks" not in texts
    assert (
        paragraph(report, "7") and next(p for p in report.passages if p.label == "7").section == "II. A more challenging context"
    )
    p45 = next(p for p in report.passages if p.label == "45")
    assert p45.section == "IV. A vision for collective action › B. Timely and decisive response"
    p57 = next(p for p in report.passages if p.label == "57")
    assert p57.section is not None and p57.section.endswith("D. Renewed institutional capacity › National and regional networks")


def test_link_residue_is_cleaned_and_offsets_trace_back(report: ParsedDocument) -> None:
    text = paragraph(report, "9")
    assert "(A/69/981-S/2015/500, para. 46)" in text and "](#)" not in text
    source = (SEED_CORPUS / f"{REPORT_ID}.txt").read_text(encoding="utf-8")
    p9 = next(p for p in report.passages if p.label == "9")
    assert source[p9.start : p9.end].startswith("9. This troubling landscape")
    assert clean_text(source[p9.start : p9.end]).endswith(text[-60:])


def test_unnumbered_statements_are_cited_by_order(seed: dict[str, ParsedDocument]) -> None:
    remarks = seed["002_03e1717d8bee81ff"]
    paras = [p for p in remarks.passages if p.kind == "paragraph"]
    assert [p.label for p in paras] == [str(i) for i in range(1, len(paras) + 1)]
    assert paras[0].text == "The report that informs today's dialogue is my first on the responsibility to protect."
    assert remarks.passages[0].kind == "title" and "6 September 2017" in remarks.passages[0].text


def test_markdown_emphasis_is_removed() -> None:
    assert clean_text("**MESSAGE** to *all* of __you__") == "MESSAGE to all of you"


def test_blocks_keep_offsets() -> None:
    text = "First block\nstill first.\n\n\nSecond block."
    blocks = split_blocks(text)
    assert [(b.start, b.end) for b in blocks] == [(0, 24), (27, 40)]
    assert blocks[0].text == "First block still first."


def test_numbered_layout_needs_a_real_sequence() -> None:
    layout = split_document("x", "1. Only one numbered line.\n\nAnd plain text.")
    assert layout.numbered is False
