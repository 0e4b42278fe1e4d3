"""Reading files: PDF, HTML, and bad input reported by name without losing the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.ingest.files import read_document
from assistant.ingest.folders import scan_corpus

PARAGRAPHS = [
    "1. The first numbered paragraph speaks of prevention and of the early warning that makes it possible.",
    "2. The second numbered paragraph concerns the veto and the restraint that permanent members should show.",
    "3. The third numbered paragraph closes the report with a call to collective action by Member States.",
]


def make_pdf(path: Path, paragraphs: list[str], title: str = "Report of the Secretary-General") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, title)
    pdf.ln(4)
    pdf.multi_cell(0, 6, "12 March 2019")
    pdf.ln(4)
    for para in paragraphs:
        pdf.multi_cell(0, 6, para)
        pdf.ln(4)
    pdf.output(str(path))
    return path


def test_pdf_paragraphs_come_out_whole(tmp_path: Path) -> None:
    from assistant.ingest.folders import parse_text

    pdf = make_pdf(tmp_path / "report.pdf", PARAGRAPHS)
    doc = parse_text("report", "report.pdf", read_document(pdf))
    paras = [p for p in doc.passages if p.kind == "paragraph"]
    assert [p.label for p in paras] == ["1", "2", "3"]
    assert paras[1].text == PARAGRAPHS[1][3:]
    assert doc.meta.date == "2019-03-12"


def test_html_drops_scripts_and_keeps_paragraphs(tmp_path: Path) -> None:
    page = tmp_path / "speech.html"
    page.write_text(
        "<html><head><title>Remarks on peace</title><script>alert(1)</script></head>"
        "<body><p>New York, 1 May 2018</p><p>Peace is a choice we make every day.</p><p>Thank you.</p></body></html>",
        encoding="utf-8",
    )
    text = read_document(page)
    assert "alert" not in text
    assert "Peace is a choice we make every day." in text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "no text found"),
        ("latin1.txt", "Caf\xe9 d\xe9claration".encode("latin-1"), "not valid UTF-8"),
        ("broken.pdf", b"%PDF-1.4\n this is not really a pdf", "not a readable PDF"),
        ("notes.docx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_bad_files_raise_a_clear_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message) as excinfo:
        read_document(path)
    assert name in str(excinfo.value)


def test_scan_skips_bad_files_by_name_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("New York\n\n1 May 2018\n\nPeace is a choice we make every day.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bad.pdf").write_bytes(b"%PDF-garbage")
    (tmp_path / "latin.md").write_bytes("d\xe9j\xe0".encode("latin-1"))
    scan = scan_corpus(tmp_path)
    assert [d.meta.doc_id for d in scan.documents] == ["good"]
    assert len(scan.problems) == 3
    assert {p.split(":")[0] for p in scan.problems} == {"empty.txt", "bad.pdf", "latin.md"}


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="does not exist"):
        scan_corpus(tmp_path / "nowhere")
