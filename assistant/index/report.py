"""What a build, patch or re-index did: the report the command line prints."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestReport:
    """What an ingest run did."""

    documents: int = 0
    passages: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    problems: list[str] = field(default_factory=list)
    rebuilt_reason: str | None = None
    recovered: int = 0  # vectors taken from the checkpoints of an interrupted build
    dense_reindexed: str | None = None  # the new dense index kind when only it was rebuilt, from stored vectors
    up_to_date: bool = False
    patched: bool = False  # appended to the live build (assistant.index.patch) rather than rebuilt
    seconds: float = 0.0
    index_path: str = ""
