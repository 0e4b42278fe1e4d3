"""sentence-transformers in torch fp32 (``sentence-transformers``): the reference the faster embedders are checked against."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from assistant.embed.base import BatchEmbedder, weights_fingerprint
from assistant.errors import UsageError


class SentenceTransformerEmbedder(BatchEmbedder):
    """A sentence-transformers model loaded from a local folder, never from a hub."""

    def __init__(self, model_name: str, model_dir: Path, batch_size: int = 32) -> None:
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

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Encode one batch, normalised."""
        with self._lock:
            vecs = self.model.encode(
                texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
        return vecs.astype(np.float32, copy=False)

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the word pieces of ``text``."""
        enc = self.model.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, truncation=False, verbose=False)
        return [tuple(o) for o in enc["offset_mapping"]]
