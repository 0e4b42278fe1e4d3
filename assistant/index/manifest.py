"""``manifest.json``: what a build holds and how it was made, written in one place, read back to check it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Manifest:
    """What a build contains and how it was made."""

    schema_version: int
    model_name: str
    model_fingerprint: str
    dimension: int
    documents: dict[str, str]  # doc_id -> content hash
    passages: int
    windows: int
    sentences: int
    faiss_type: str
    built_at: str
    build_seconds: float
    corpus: str

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read ``manifest.json``."""
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**{k: data[k] for k in cls.__dataclass_fields__})

    def write(self, path: Path) -> None:
        """Write ``manifest.json`` (the one writer: every build, patch and re-index goes through here)."""
        path.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
