"""Split a document's text into the paragraphs its author wrote.

Two layouts are recognised:

* numbered documents (reports): paragraphs "1." … "64." keep their number;
  page breaks and footnote blocks that interrupt a paragraph are stepped over
  and the paragraph is rejoined; footnotes become passages of their own;
  headings become the section of the paragraphs under them;
* unnumbered statements (messages, remarks, articles): leading header blocks
  (place, date, title) are metadata, every other block is a paragraph cited
  by its order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.models import Passage, Span
from assistant.text.patterns import BYLINE_AT_WORD_END_RE, SENTENCE_END_RE

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_VALUE = {c: str(i) for i, c in enumerate(SUPERSCRIPTS)}
FOOTNOTE_RE = re.compile(rf"^([{SUPERSCRIPTS}]+|\*)\s+")
NUMBERED_RE = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
ROMAN_HEADING_RE = re.compile(r"^[IVX]+\.\s+\S")  # C., D., L. are letter headings in practice
LETTER_HEADING_RE = re.compile(r"^[A-Z]\.\s+\S")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_ONLY_RE = re.compile(rf"^\d{{1,2}} ({MONTHS}),? \d{{4}}$|^({MONTHS}) \d{{1,2}},? \d{{4}}$")
SEPARATOR_RE = re.compile(r"^[-–—_*=\s]+$")


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines, with its offsets in the source text."""

    raw: str
    start: int
    end: int

    @property
    def text(self) -> str:
        """The block's lines joined with spaces, repeated lines dropped."""
        lines: list[str] = []
        for line in self.raw.split("\n"):
            line = line.strip()
            if line and (not lines or line != lines[-1]):
                lines.append(line)
        return " ".join(lines)


@dataclass(frozen=True)
class Layout:
    """The result of splitting: header blocks (for metadata) and passages."""

    header: tuple[Block, ...]
    passages: tuple[Passage, ...]
    numbered: bool


def split_blocks(text: str) -> list[Block]:
    """Split ``text`` at blank lines (and form feeds) into blocks with offsets."""
    blocks = []
    for match in re.finditer(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*", text):
        raw = match.group(0)
        if "\f" in raw:
            for part in re.finditer(r"[^\f]+", raw):
                if part.group(0).strip():
                    s = match.start() + part.start()
                    blocks.append(_trimmed(part.group(0), s))
            continue
        blocks.append(_trimmed(raw, match.start()))
    return [b for b in blocks if b.raw]


def _trimmed(raw: str, start: int) -> Block:
    lead = len(raw) - len(raw.lstrip())
    body = raw.strip()
    return Block(body, start + lead, start + lead + len(body))


def clean_text(text: str) -> str:
    """Clean a paragraph for display: link residue, Markdown emphasis, stray whitespace."""
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # [A/69/981](#) -> A/69/981
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"__(.+?)__", r"\1", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = re.sub(r"^#{1,6}\s+", "", text)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return re.sub(r"\s+", " ", text).strip()


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends where a sentence can end."""
    return bool(SENTENCE_END_RE.search(text.rstrip()))


def split_document(doc_id: str, text: str) -> Layout:
    """Split ``text`` into header blocks and passages, choosing the layout from the text."""
    blocks = split_blocks(text)
    if _is_numbered(blocks):
        return _split_numbered(doc_id, blocks)
    return _split_unnumbered(doc_id, blocks)


def _is_numbered(blocks: list[Block]) -> bool:
    expected, run = 1, 0
    for block in blocks:
        m = NUMBERED_RE.match(block.raw)
        if m and int(m.group(1)) == expected:
            expected += 1
            run += 1
    return run >= 3


def _footnote_label(marker: str) -> str:
    if marker == "*":
        return "*"
    return "".join(_SUPERSCRIPT_VALUE[c] for c in marker)


def _is_heading(block: Block) -> bool:
    text = clean_text(block.text)
    words = text.split()
    if not words or len(words) > 14 or ends_sentence(text):
        return False
    if ROMAN_HEADING_RE.match(text) or LETTER_HEADING_RE.match(text):
        return True
    return text[0].isupper() and len(words) <= 8


class _Builder:
    """Accumulates passages; an open paragraph may take continuation blocks."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.passages: list[Passage] = []
        self.open: tuple[str, str, list[Block], str | None] | None = None  # label, kind, blocks, section

    def start(self, label: str, kind: str, block: Block, section: str | None) -> None:
        self.close()
        self.open = (label, kind, [block], section)

    def extend(self, block: Block) -> None:
        assert self.open is not None
        self.open[2].append(block)

    def open_text(self) -> str:
        return "" if self.open is None else " ".join(b.text for b in self.open[2])

    def close(self) -> None:
        if self.open is None:
            return
        label, kind, blocks, section = self.open
        self.open = None
        self.add(label, kind, blocks, section)

    def add(self, label: str, kind: str, blocks: list[Block], section: str | None) -> None:
        text = " ".join(b.text for b in blocks)
        if kind == "footnote":
            text = FOOTNOTE_RE.sub("", text, count=1)
        elif NUMBERED_RE.match(text):
            text = NUMBERED_RE.sub("", text, count=1)
        text = clean_text(text)
        if not text:
            return
        prefix = "fn" if kind == "footnote" else "p"
        anchor = label.replace("footnote ", "")
        self.passages.append(
            Passage(
                passage_id=f"{self.doc_id}#{prefix}{anchor}",
                doc_id=self.doc_id,
                order=len(self.passages),
                label=label,
                kind=kind,
                text=text,
                section=section,
                spans=tuple(Span(b.start, b.end) for b in blocks),
            )
        )


def _split_numbered(doc_id: str, blocks: list[Block]) -> Layout:
    builder = _Builder(doc_id)
    header: list[Block] = []
    levels: dict[int, str] = {}  # 0: "IV. …", 1: "B. …", 2: an unnumbered heading
    expected = 1

    def section() -> str | None:
        return " › ".join(levels[i] for i in sorted(levels)) or None

    for block in blocks:
        text = block.text
        footnote = FOOTNOTE_RE.match(text)
        numbered = NUMBERED_RE.match(text)
        if expected == 1 and not (numbered and int(numbered.group(1)) == 1):
            header.append(block)  # front matter: symbol, date, agenda item, title
            if ROMAN_HEADING_RE.match(text) and _is_heading(block):
                levels = {0: clean_text(text)}
            continue
        if footnote:
            label = _footnote_label(footnote.group(1))
            builder.add(f"footnote {label}", "footnote", [block], section())
        elif numbered and int(numbered.group(1)) == expected:
            builder.start(numbered.group(1), "paragraph", block, section())
            expected += 1
        elif builder.open is not None and not ends_sentence(builder.open_text()):
            builder.extend(block)  # a page break or footnote block fell inside the paragraph
        elif _is_heading(block):
            builder.close()
            heading = clean_text(text)
            level = 0 if ROMAN_HEADING_RE.match(heading) else 1 if LETTER_HEADING_RE.match(heading) else 2
            levels = {i: h for i, h in levels.items() if i < level}
            levels[level] = heading
        elif builder.open is not None:
            builder.extend(block)  # the page broke at a sentence end
        else:
            builder.add(str(len(builder.passages) + 1), "paragraph", [block], section())
    builder.close()
    return Layout(tuple(header), _with_title(doc_id, header, builder.passages), numbered=True)


def is_header_block(text: str) -> bool:
    """Whether a leading block is masthead material: place, date, separator, bold or heading line."""
    stripped = text.strip()
    if SEPARATOR_RE.match(stripped) or DATE_ONLY_RE.match(stripped):
        return True
    if stripped.startswith("#") or (stripped.startswith("**") and stripped.endswith("**")):
        return True
    words = stripped.split()
    return len(words) <= 4 and not any(ch.isdigit() for ch in stripped) and not ends_sentence(stripped)


def _split_unnumbered(doc_id: str, blocks: list[Block]) -> Layout:
    builder = _Builder(doc_id)
    header: list[Block] = []
    titled = False
    i = 0
    while i < len(blocks):
        text = blocks[i].text
        if is_header_block(text) or (titled and BYLINE_AT_WORD_END_RE.match(text) and len(text.split()) <= 12):
            titled = titled or text.startswith(("#", "**"))
        elif not titled and not ends_sentence(clean_text(text)):
            titled = True  # the first unpunctuated line is the title
        else:
            break
        header.append(blocks[i])
        i += 1
    section: str | None = None
    for block in blocks[i:]:
        text = block.text
        if text.startswith("#") or (text.startswith("**") and text.endswith("**") and len(text.split()) <= 14):
            section = clean_text(text)
            continue
        builder.add(str(sum(p.kind == "paragraph" for p in builder.passages) + 1), "paragraph", [block], section)
    return Layout(tuple(header), _with_title(doc_id, header, builder.passages), numbered=False)


def _with_title(doc_id: str, header: list[Block], passages: list[Passage]) -> tuple[Passage, ...]:
    """Prepend the masthead (place, date, title lines) as a citable passage of its own.

    Questions such as "what date was the message?" are answered by the
    masthead, so it is searchable and citable like any paragraph.
    """
    lines = [clean_text(b.text) for b in header]
    lines = [line for line in lines if line.strip("-–—_* ")]
    if not lines:
        return tuple(passages)
    title = Passage(
        passage_id=f"{doc_id}#title",
        doc_id=doc_id,
        order=0,
        label="title",
        kind="title",
        text=" — ".join(lines),
        section=None,
        spans=tuple(Span(b.start, b.end) for b in header),
    )
    shifted = [replace(p, order=p.order + 1) for p in passages]
    return (title, *shifted)
