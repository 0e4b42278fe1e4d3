"""Read a corpus file (text, Markdown, HTML or PDF) into one decoded text.

Offsets of passages point into the text returned here: the file itself for
text and Markdown, the extracted text for HTML and PDF (stored in the index,
so a quote can always be traced back).
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.errors import DocumentError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
MAX_FILE_BYTES = 200 * 1024 * 1024
PAGE_BREAK = "\n\n\f\n\n"


def read_document(path: Path) -> str:
    """Return the decoded text of ``path``; raise `DocumentError` saying what is wrong with it."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"{path.name}: unsupported file type {suffix!r}; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot be read ({exc.strerror}); check its permissions") from exc
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(f"{path.name}: {len(data):,} bytes is larger than the {MAX_FILE_BYTES:,}-byte limit; split it")
    if suffix == ".pdf":
        text = _pdf_text(path, data)
    else:
        text = _decode(path, data)
        if suffix in (".html", ".htm"):
            text = _html_text(text)
    if not text.strip():
        raise DocumentError(f"{path.name}: no text found (the file is empty or holds only images); nothing to index")
    return text


def _decode(path: Path, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path.name}: not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8, for example: iconv -f WINDOWS-1252 -t UTF-8"
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
