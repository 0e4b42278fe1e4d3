"""`ingest` and `add` with files that cannot be indexed: named, skipped, and with `--strict` a non-zero exit."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import copy_small_corpus

from assistant.cli import main
from assistant.ingest.files import MAX_FILE_BYTES

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"


@pytest.fixture()
def corpus(tmp_path: Path, fake_embedder, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """Two good seed messages, embedded by the fake embedder; the index and data beside them."""
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    return copy_small_corpus(tmp_path / "corpus")


def ingest(capsys: pytest.CaptureFixture[str], corpus: Path, *flags: str) -> tuple[int, str, str]:
    code = main(["ingest", "--corpus", str(corpus), "--index", str(corpus.parent / "index"), "--quiet", *flags])
    out, err = capsys.readouterr()
    return code, out, err


def test_skipped_files_are_named_and_exit_0_without_strict(capsys, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    (corpus / "photo.txt").write_bytes(PNG)
    (corpus / "latin.txt").write_bytes("Caf\xe9 d\xe9claration".encode("latin-1"))
    code, out, err = ingest(capsys, corpus)
    assert code == 0 and "Indexed 2 documents" in out
    assert "skipped: photo.txt: binary, not text" in err and "skipped: latin.txt: not valid UTF-8" in err
    assert "Traceback" not in err


def test_strict_exits_1_naming_the_skipped_files(capsys, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    (corpus / "photo.txt").write_bytes(PNG)
    (corpus / "empty.md").write_bytes(b"")
    code, _, err = ingest(capsys, corpus, "--strict")
    assert code == 1
    assert "error: --strict: 2 files were skipped (empty.md, photo.txt)" in err and "Traceback" not in err
    assert "skipped: photo.txt: binary, not text" in err


def test_strict_exits_0_when_nothing_was_skipped(capsys, corpus: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ingest(capsys, corpus, "--strict")
    assert code == 0 and "Indexed 2 documents" in out and not err


@pytest.mark.parametrize(
    "content",
    [PNG, b"plain words\x00\x00\x00 and NUL bytes", random.Random(15).randbytes(4096)],
    ids=["png", "nul-bytes", "random-bytes"],
)
def test_a_binary_file_is_not_sent_to_iconv(capsys, corpus: Path, content: bytes) -> None:  # type: ignore[no-untyped-def]
    (corpus / "data.txt").write_bytes(content)
    code, _, err = ingest(capsys, corpus)
    assert code == 0 and "skipped: data.txt: binary, not text" in err and "iconv" not in err


def test_a_huge_file_is_skipped_without_being_read(capsys, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    huge = corpus / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk or memory used
    read_bytes, open_ = Path.read_bytes, Path.open

    def refuse_huge(method):  # type: ignore[no-untyped-def]
        def guarded(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
            if self.name == "huge.txt":
                raise AssertionError(f"{self} was read")
            return method(self, *args, **kwargs)

        return guarded

    monkeypatch.setattr(Path, "read_bytes", refuse_huge(read_bytes))
    monkeypatch.setattr(Path, "open", refuse_huge(open_))
    code, _, err = ingest(capsys, corpus, "--strict")
    assert code == 1 and "Traceback" not in err and "was read" not in err
    assert f"skipped: huge.txt: {MAX_FILE_BYTES + 1:,} bytes is larger than the {MAX_FILE_BYTES:,}-byte limit" in err
    assert "(huge.txt)" in err


def test_add_reports_a_binary_file(capsys, corpus: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert ingest(capsys, corpus)[0] == 0
    photo = tmp_path / "photo.txt"
    photo.write_bytes(PNG)
    code = main(["add", str(photo), "--index", str(corpus.parent / "index"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and "photo.txt: binary, not text" in err and "iconv" not in err and "Traceback" not in err
