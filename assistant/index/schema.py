"""The passage database of a build: its tables, and document metadata as JSON."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict
from pathlib import Path

from assistant.models import DocumentMeta


def create_database(path: Path) -> sqlite3.Connection:
    """Create the passage database of a new build."""
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE documents (
            row INTEGER PRIMARY KEY, doc_id TEXT UNIQUE NOT NULL, content_hash TEXT NOT NULL,
            meta TEXT NOT NULL, text TEXT NOT NULL);
        CREATE TABLE passages (
            row INTEGER PRIMARY KEY, passage_id TEXT UNIQUE NOT NULL, doc_row INTEGER NOT NULL,
            ord INTEGER NOT NULL, label TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,
            section TEXT, spans TEXT NOT NULL, instructions TEXT NOT NULL);
        CREATE INDEX passages_doc ON passages (doc_row, ord);
        """
    )
    return db


# One record of the passages table, in column order (`assistant.index.rows.PassageRows.add` builds it).
INSERT_PASSAGE = "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def meta_to_json(meta: DocumentMeta) -> str:
    """Serialise document metadata."""
    return json.dumps(asdict(meta), ensure_ascii=False)


def meta_from_json(data: str) -> DocumentMeta:
    """Deserialise document metadata."""
    return DocumentMeta(**json.loads(data))
