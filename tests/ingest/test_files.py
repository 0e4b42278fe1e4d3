"""Reading files: PDF, HTML, and bad input reported by name without losing the rest."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.ingest.files import MAX_FILE_BYTES, read_document
from assistant.ingest.folders import scan_corpus
from assistant.settings import Settings

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


# binary, mis-encoded and huge files ----------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@pytest.mark.parametrize(
    ("name", "content", "detail"),
    [
        ("image.txt", PNG, "a NUL byte at offset 8"),
        ("nul.md", b"# Title\n\nwords\x00between", "a NUL byte at offset 14"),
        ("page.html", b"<p>text</p>\x00", "a NUL byte at offset 11"),
        ("noise.txt", bytes(b for b in random.Random(3).randbytes(600) if b), "control bytes"),  # no NUL: the share gives it away
    ],
)
def test_binary_files_are_named_binary_without_iconv_advice(tmp_path: Path, name: str, content: bytes, detail: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError) as excinfo:
        read_document(path)
    message = str(excinfo.value)
    assert message.startswith(f"{name}: binary, not text") and detail in message and "iconv" not in message


@pytest.mark.parametrize(
    ("content", "advice"),
    [
        ("Caf\xe9 d\xe9claration".encode("latin-1"), "iconv -f WINDOWS-1252 -t UTF-8"),
        ("\u201cPeace\u201d \u2013 a choice".encode("cp1252"), "iconv -f WINDOWS-1252 -t UTF-8"),
        ("1. Peace is a choice we make.\n".encode("utf-16"), "iconv -f UTF-16 -t UTF-8"),
        ("1. Peace is a choice we make.\n".encode("utf-16-le"), "iconv -f UTF-16 -t UTF-8"),
    ],
    ids=["latin-1", "windows-1252", "utf-16", "utf-16-without-bom"],
)
def test_wrongly_encoded_text_still_gets_the_iconv_advice(tmp_path: Path, content: bytes, advice: str) -> None:
    path = tmp_path / "speech.txt"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match="not valid UTF-8") as excinfo:
        read_document(path)
    assert advice in str(excinfo.value) and "binary" not in str(excinfo.value)


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as f:
        f.truncate(size)  # a hole: no disk or memory used
    return path


def forbid_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)


def test_the_size_is_checked_before_the_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = sparse(tmp_path / "huge.txt", MAX_FILE_BYTES + 1)
    forbid_reading(monkeypatch)
    with pytest.raises(DocumentError, match=f"huge.txt: {MAX_FILE_BYTES + 1:,} bytes is larger than the {MAX_FILE_BYTES:,}-byte"):
        read_document(path)


def test_the_limit_is_the_setting(tmp_path: Path) -> None:
    assert Settings().max_file_bytes == MAX_FILE_BYTES == 50 * 1024 * 1024
    (tmp_path / "small.txt").write_text("New York\n\n1 May 2018\n\nPeace is a choice we make every day.\n", encoding="utf-8")
    (tmp_path / "big.txt").write_text("New York\n\n1 May 2018\n\n" + "Peace is a choice. " * 100, encoding="utf-8")
    scan = scan_corpus(tmp_path, max_file_bytes=1000)
    assert [d.meta.doc_id for d in scan.documents] == ["small"]
    assert scan.problems == ["big.txt: 1,922 bytes is larger than the 1,000-byte limit (the setting max_file_bytes); split it"]


def test_a_file_that_grew_after_its_size_was_checked_is_read_no_further(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.txt"
    path.write_text("1. Peace.\n" * 200, encoding="utf-8")
    real_stat = Path.stat

    def small_when_checked(self: Path, **kwargs: bool) -> os.stat_result:
        found = real_stat(self, **kwargs)
        return os.stat_result((*tuple(found)[:6], 10, *tuple(found)[7:])) if self == path else found

    monkeypatch.setattr(Path, "stat", small_when_checked)
    with pytest.raises(DocumentError, match="larger than the 100-byte limit"):
        read_document(path, max_bytes=100)
