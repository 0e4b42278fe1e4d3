"""Read a corpus file (text, Markdown, HTML or PDF) into one decoded text.

Offsets of passages point into the text returned here: the file itself for
text and Markdown, the extracted text for HTML and PDF (stored in the index,
so a quote can always be traced back).
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import DocumentError
from assistant.settings import Settings

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
MAX_FILE_BYTES: int = Settings.model_fields["max_file_bytes"].default  # the setting's default, for callers without settings
PAGE_BREAK = "\n\n\f\n\n"
# Bytes no text file holds (C0 controls other than tab, newlines, form feed and escape, and DEL): in text encoded as
# Latin-1 or Windows-1252 they are absent, in images, archives and random data about one byte in ten.
CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
BINARY_CONTROL_SHARE = 0.05
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
NOT_TEXT = (
    "an image, archive or other data under a text name? Remove it from the corpus or convert it to .txt, .md, .html or .pdf"
)


def read_document(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Return the decoded text of ``path``; raise `DocumentError` saying what is wrong with it.

    A file over ``max_bytes`` (the setting ``max_file_bytes``) is refused by its size, before any byte is read.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{path.name}: unsupported file type {suffix!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    data = _read_bytes(path, max_bytes)
    if suffix == ".pdf":
        text = _pdf_text(path, data)
    else:
        text = _decode(path, data)
        if suffix in (".html", ".htm"):
            text = _html_text(text)
    if not text.strip():
        raise DocumentError(f"{path.name}: no text found (the file is empty or holds only images); nothing to index")
    return text


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refused by its size first; never more than ``max_bytes`` + 1 are read (it may grow meanwhile)."""
    too_large = f"larger than the {max_bytes:,}-byte limit (the setting max_file_bytes); split it"
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(f"{path.name}: {size:,} bytes is {too_large}")
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot be read ({exc.strerror}); check its permissions") from exc
    if len(data) > max_bytes:
        raise DocumentError(f"{path.name}: grew to more than {max_bytes:,} bytes while it was read, {too_large}")
    return data


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 text with Unix newlines; binary data and other encodings are refused, each with its own remedy."""
    if data.startswith(UTF16_BOMS) or _utf16_without_bom(data[:4096]):
        raise DocumentError(
            f"{path.name}: not valid UTF-8 but UTF-16 text; re-save it as UTF-8, for example: iconv -f UTF-16 -t UTF-8"
        )
    nul = data.find(b"\0")
    if nul >= 0:
        raise DocumentError(f"{path.name}: binary, not text (a NUL byte at offset {nul}); {NOT_TEXT}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        sample = data[:65536]
        controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
        if controls > BINARY_CONTROL_SHARE * len(sample):
            raise DocumentError(
                f"{path.name}: binary, not text ({controls / len(sample):.0%} of its first bytes are control bytes); {NOT_TEXT}"
            ) from exc
        raise DocumentError(
            f"{path.name}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8, for example: iconv -f WINDOWS-1252 -t UTF-8"
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(sample: bytes) -> bool:
    """Whether every other byte is NUL and the bytes between are not: Latin text in UTF-16 without its byte-order mark."""
    if len(sample) < 8:
        return False
    halves = sorted((sample[0::2].count(0) / len(sample[0::2]), sample[1::2].count(0) / len(sample[1::2])))
    return halves[0] < 0.05 and halves[1] > 0.9


def _pdf_text(path: Path, data: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{path.name}: the PDF is encrypted; save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{path.name}: not a readable PDF ({exc}); re-export it from its source") from exc
    return PAGE_BREAK.join(_pdf_page_blocks(page) for page in pages)


def _pdf_page_blocks(page: str) -> str:
    """Separate the paragraphs of one extracted PDF page with blank lines.

    pypdf gives one line per printed line and no blank lines, so a paragraph
    ends where a line ends a sentence and is visibly shorter than a full line,
    or where the next line starts a numbered paragraph.
    """
    lines = [line.rstrip() for line in page.replace("\r", "").split("\n")]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return ""
    full = max(len(line) for line in lines)
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None:
            break
        ends_sentence = bool(re.search(r"[.!?:;”\"’)\]]$", line))
        short = len(line) < 0.8 * full
        starts_numbered = bool(re.match(r"\d{1,3}\.\s", nxt))
        if (ends_sentence and short) or starts_numbered or (short and not ends_sentence and len(line) < 60):
            out.append("")
    return "\n".join(out)


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "nav", "footer"]):
        tag.decompose()
    blocks: list[str] = []
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if title:
        blocks.append(f"# {title}")
    body = soup.body or soup
    for el in body.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre"]):
        if el.find(["p", "li"]):
            continue  # a container; its children are visited on their own
        text = " ".join(el.get_text(" ", strip=True).split())
        if not text:
            continue
        if el.name and el.name.startswith("h"):
            if text == title:
                continue
            text = "#" * int(el.name[1]) + " " + text
        blocks.append(text)
    return "\n\n".join(blocks)
