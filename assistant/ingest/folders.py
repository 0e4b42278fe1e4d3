"""Turn corpus files into parsed documents: text, passages and metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError
from assistant.ingest.files import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, read_document
from assistant.ingest.metadata import apply_sidecar, derive_metadata, load_sidecar
from assistant.ingest.paragraphs import split_document
from assistant.models import ParsedDocument
from assistant.text.instructions import mark_passages

PARSER_VERSION = "3"  # bump when parsing or indexed text changes, so ingest re-indexes every document


@dataclass
class CorpusScan:
    """The documents found in a corpus folder and the files that could not be used."""

    documents: list[ParsedDocument] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # doc_id -> decoded source text
    problems: list[str] = field(default_factory=list)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """List the supported files under ``corpus_dir``, in a stable order."""
    return sorted(
        p
        for p in corpus_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and p.name.lower() != "readme.md"
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def parse_text(doc_id: str, source: str, text: str, overrides: dict[str, Any] | None = None) -> ParsedDocument:
    """Parse one decoded document into passages and metadata."""
    layout = split_document(doc_id, text)
    body = [text[p.start : p.end] for p in layout.passages if p.kind == "paragraph"][:3]
    meta = derive_metadata(doc_id, source, text, layout.header, body)
    if overrides:
        meta = apply_sidecar(meta, overrides)
    digest = hashlib.sha256(f"{PARSER_VERSION}\0{text}\0{sorted((overrides or {}).items())}".encode()).hexdigest()
    if not any(p.kind == "paragraph" for p in layout.passages):
        raise DocumentError(f"{source}: no paragraphs found; is it a statement?")
    # instruction-like sentences ("ignore previous instructions ...") are marked now: shown, never used
    return ParsedDocument(meta=meta, passages=mark_passages(layout.passages), content_hash=digest)


def scan_corpus(corpus_dir: Path, max_file_bytes: int = MAX_FILE_BYTES) -> CorpusScan:
    """Parse every supported file in ``corpus_dir``; unusable files (binary, mis-encoded, over ``max_file_bytes``) are reported, not fatal."""
    if not corpus_dir.is_dir():
        raise DocumentError(f"corpus folder {corpus_dir} does not exist; pass --corpus DIR or create it")
    sidecar = load_sidecar(corpus_dir)
    scan = CorpusScan()
    for path in corpus_files(corpus_dir):
        rel = path.relative_to(corpus_dir).as_posix()
        doc_id = rel.rsplit(".", 1)[0]
        try:
            text = read_document(path, max_file_bytes)
            doc = parse_text(doc_id, rel, text, sidecar.get(rel))
        except DocumentError as exc:
            scan.problems.append(str(exc))
            continue
        scan.documents.append(doc)
        scan.texts[doc_id] = text
    unknown = sorted(
        set(sidecar)
        - {d.meta.source for d in scan.documents}
        - {p.relative_to(corpus_dir).as_posix() for p in corpus_files(corpus_dir)}
    )
    if unknown:
        scan.problems.append(
            f"metadata.json: names files that are not in the corpus ({', '.join(unknown)}); its entries for them are unused"
        )
    return scan
