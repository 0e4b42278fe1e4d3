"""Document metadata of the seed corpus and the sidecar rules."""

from __future__ import annotations

import pytest
from conftest import SEED_CORPUS

from assistant.ingest.folders import scan_corpus
from assistant.ingest.metadata import apply_sidecar, parse_date, secretary_general_on
from assistant.models import DocumentMeta

EXPECTED = {
    "000_2da93208c23d15a9": ("2015-09-30", "message", "Ban Ki-moon", "New York"),
    "001_3c0b70c9704cf0d2": ("2013-09-27", "message", "Mr. Adama Dieng", "New York"),
    "002_03e1717d8bee81ff": ("2017-09-06", "remarks", "António Guterres", "New York"),
    "003_60cb26d50d24da92": ("2011-09-23", "article", "Ban Ki-moon", "New York"),
    "004_44fea8a60e0f5565": ("2016-07-22", "report", "Ban Ki-moon", None),
}


@pytest.fixture(scope="module")
def metas() -> dict[str, DocumentMeta]:
    return {d.meta.doc_id: d.meta for d in scan_corpus(SEED_CORPUS).documents}


@pytest.mark.parametrize("doc_id", sorted(EXPECTED))
def test_every_seed_document_has_the_right_date_type_speaker_and_place(metas: dict[str, DocumentMeta], doc_id: str) -> None:
    meta = metas[doc_id]
    assert (meta.date, meta.doc_type, meta.speaker, meta.place) == EXPECTED[doc_id]


def test_secretary_general_in_office(metas: dict[str, DocumentMeta]) -> None:
    assert metas["001_3c0b70c9704cf0d2"].secretary_general == "Ban Ki-moon"
    assert metas["002_03e1717d8bee81ff"].secretary_general == "António Guterres"
    assert secretary_general_on("2016-12-31") == "Ban Ki-moon"
    assert secretary_general_on("2017-01-01") == "António Guterres"
    assert secretary_general_on(None) is None


def test_report_symbol_comes_from_the_sidecar_and_title_from_the_text(metas: dict[str, DocumentMeta]) -> None:
    report = metas["004_44fea8a60e0f5565"]
    assert report.symbol == "A/70/999–S/2016/620"
    assert report.title == "Mobilizing collective action: the next decade of the responsibility to protect"


def test_article_says_it_reports_on_a_2011_statement(metas: dict[str, DocumentMeta]) -> None:
    article = metas["003_60cb26d50d24da92"]
    assert article.author == "Polly Johnson"
    assert article.reports_on is not None and "23 September 2011" in article.reports_on
    assert article.title.startswith("“Responsibility to protect has arrived,”")


def test_delivered_by_keeps_the_role(metas: dict[str, DocumentMeta]) -> None:
    assert metas["001_3c0b70c9704cf0d2"].extra["speaker_role"].startswith("Special Adviser to the Secretary-General")


def test_all_caps_title_is_title_cased(metas: dict[str, DocumentMeta]) -> None:
    assert metas["000_2da93208c23d15a9"].title == "Message to the Ministerial Roundtable on the Responsibility to Protect"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Distr.: General 22 July 2016", "2016-07-22"),
        ("September 30, 2015", "2015-09-30"),
        ("31 February 2015", None),
        ("no date", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_sidecar_date_recomputes_the_secretary_general() -> None:
    meta = DocumentMeta(doc_id="x", source="x.txt", date="2016-05-01", speaker="Ban Ki-moon", secretary_general="Ban Ki-moon")
    updated = apply_sidecar(meta, {"date": "2018-05-01", "topic": "peace"})
    assert updated.secretary_general == "António Guterres"
    assert updated.speaker == "António Guterres"
    assert updated.extra == {"topic": "peace"}
