"""UN-style references and the plain-text answer, on hits made by hand."""

from __future__ import annotations

import pytest

from assistant.answer.citations import format_answer, hit_reference, locator, long_date, reference
from assistant.models import Answer, Citation, DocumentMeta, Filters, Hit, Passage, Reading, Span

REPORT = DocumentMeta(
    doc_id="report",
    source="report.txt",
    title="Mobilizing collective action",
    date="2016-07-22",
    place="New York",
    doc_type="report",
    symbol="A/70/999–S/2016/620",
)
MESSAGE = DocumentMeta(
    doc_id="water", source="water.txt", title="Message on World Water Day", date="2015-03-01", place="New York"
)


def passage(label: str, kind: str = "paragraph", text: str = "Text.", section: str | None = None) -> Passage:
    return Passage(f"x#{label}", "x", 0, label, kind, text, section, (Span(100, 100 + len(text)),))


@pytest.mark.parametrize(
    ("iso", "written"),
    [
        ("2016-07-22", "22 July 2016"),
        ("2015-03-01", "1 March 2015"),  # no leading zero
        ("2016-07-22T09:30:00", "22 July 2016"),
        (None, "undated"),
        ("", "undated"),
        ("2016", "2016"),  # a partial date stays as given
        ("sometime", "sometime"),
    ],
)
def test_long_dates(iso: str | None, written: str) -> None:
    assert long_date(iso) == written


def test_locators() -> None:
    assert locator(passage("49")) == "para. 49"
    assert locator(passage("footnote 4", kind="footnote")) == "footnote 4"
    assert locator(passage("title", kind="title")) == "title block"


def test_a_document_with_a_symbol_is_cited_by_symbol_and_paragraph() -> None:
    assert reference(REPORT, passage("49")) == "A/70/999–S/2016/620, para. 49"
    assert reference(REPORT, passage("footnote 4", kind="footnote")) == "A/70/999–S/2016/620, footnote 4"
    assert hit_reference(Hit(passage("49"), REPORT, 0.9)) == "A/70/999–S/2016/620, para. 49"


def test_without_a_symbol_title_place_and_date_identify_it() -> None:
    assert reference(MESSAGE, passage("2")) == "Message on World Water Day (New York, 1 March 2015), para. 2"
    no_place = DocumentMeta(doc_id="r", source="r.txt", title="Remarks on peace", date="2019-12-10")
    assert reference(no_place, passage("1")) == "Remarks on peace (10 December 2019), para. 1"
    nothing = DocumentMeta(doc_id="r", source="r.txt", title="Remarks on peace")
    assert reference(nothing, passage("title", kind="title")) == "Remarks on peace (undated), title block"


def test_an_answer_as_text_lists_notes_notices_and_numbered_sources() -> None:
    cited = Hit(passage("49", text="France and Mexico led it.", section="IV. The veto"), REPORT, 0.9)
    answer = Answer(
        "Who led it?",
        "France and Mexico led it. [1]",
        False,
        (Citation(1, cited, "France and Mexico led it."),),
        (cited,),
        notices=("Answered from 1 passage.",),
        reading=Reading("Who led it?", filters=Filters(date_from="2016"), notes=("dated 2016",)),
    )
    assert format_answer(answer) == (
        "France and Mexico led it. [1]\n"
        "\n"
        "(dated 2016)\n"
        "(Answered from 1 passage.)\n"
        "Sources:\n"
        "[1] A/70/999–S/2016/620, para. 49 — report, 22 July 2016 — IV. The veto\n"
        "    report.txt, characters 100-125"
    )


def test_an_abstention_shows_the_nearest_passages_cut_at_160_characters() -> None:
    long_text = "Clean water is a human right. " * 10  # 300 characters
    nearest = Hit(passage("2", text=long_text), MESSAGE, 0.4213)
    answer = Answer("Is water free?", "The corpus does not address this question.", True, (), (nearest,))
    assert format_answer(answer) == (
        "The corpus does not address this question.\n"
        "\n"
        "Nearest passages:\n"
        f"- Message on World Water Day (New York, 1 March 2015), para. 2 (score 0.42): {long_text[:160]}…"
    )


def test_an_answer_without_sources_or_notes_is_just_its_text() -> None:
    assert format_answer(Answer("Hello", "Hello. I answer questions.", False, (), ())) == "Hello. I answer questions."
