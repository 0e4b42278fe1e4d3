"""Vectors by text: each distinct text is embedded once, reused from the live build, and checkpointed as it goes.

An interrupted build loses at most one checkpoint batch; the next run takes the
saved batches back (`VectorCache.load_checkpoints`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from assistant.embed.base import Embedder
from assistant.index.report import IngestReport

KEY_BYTES = 20  # sha1 digest: identifies a text to embed, so identical texts are embedded once
CHECKPOINT_DIR = ".embed-checkpoint"
CHECKPOINT_BATCH = 2048  # texts embedded and saved together; an interruption loses at most one batch


def text_key(text: str) -> bytes:
    """The cache key of a text to embed."""
    return hashlib.sha1(text.encode("utf-8")).digest()


class VectorCache:
    """Vectors already computed, by text key: from the live build and from an interrupted run."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.rows: dict[bytes, np.ndarray] = {}

    def load_build(self, build: Path, only: set[bytes] | None = None) -> None:
        """Take the vectors of a previous build (same model); with ``only``, just those keys."""
        for name in ("windows", "sentences"):
            keys_path = build / f"{name}_keys.npy"
            if not keys_path.exists():
                continue
            keys = np.load(keys_path, allow_pickle=False)
            vecs = np.load(build / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for i, key in enumerate(keys):
                k = key.tobytes()
                if only is None or k in only:
                    self.rows.setdefault(k, vecs[i])

    def load_checkpoints(self, folder: Path) -> int:
        """Take the batches saved by an interrupted run; return how many vectors were recovered."""
        n = 0
        for keys_path in sorted(folder.glob("batch-*.keys.npy")):
            vec_path = keys_path.with_name(keys_path.name.replace(".keys.npy", ".vecs.npy"))
            try:
                keys = np.load(keys_path, allow_pickle=False)
                vecs = np.load(vec_path, allow_pickle=False)
            except (OSError, ValueError):
                continue  # a batch cut short by the interruption
            if vecs.shape != (len(keys), self.dimension):
                continue
            for key, vec in zip(keys, vecs, strict=True):
                self.rows.setdefault(key.tobytes(), vec)
                n += 1
        return n


def embed_texts(
    texts: list[str],
    embedder: Embedder,
    cache: VectorCache,
    report: IngestReport,
    checkpoint: Path,
    what: str,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectors for ``texts``: from the cache where known, else embedded once per distinct text."""
    keys = [text_key(t) for t in texts]
    todo: dict[bytes, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in cache.rows and key not in todo:
            todo[key] = text
    report.reused += len(texts) - len(todo)
    if todo:
        from tqdm import tqdm

        checkpoint.mkdir(parents=True, exist_ok=True)
        pending = list(todo.items())
        batch = CHECKPOINT_BATCH
        bar = tqdm(total=len(pending), desc=f"Embedding {what}", unit="text", disable=not progress)
        for lo in range(0, len(pending), batch):
            chunk = pending[lo : lo + batch]
            vecs = embedder.embed([t for _, t in chunk], progress=bar.update)
            chunk_keys = keys_array([k for k, _ in chunk])
            # named by its first text, not its position: a resumed run numbers its pending texts from 0 again
            stem = checkpoint / f"batch-{what}-{chunk_keys[0].tobytes().hex()}"
            np.save(f"{stem}.vecs.npy", vecs)
            np.save(f"{stem}.keys.npy", chunk_keys)  # keys last: a batch counts once both files are whole
            for (key, _), vec in zip(chunk, vecs, strict=True):
                cache.rows[key] = vec
        bar.close()
        report.embedded += len(todo)
    out = np.zeros((len(texts), cache.dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = cache.rows[key]
    return out, keys_array(keys)


def keys_array(keys: list[bytes]) -> np.ndarray:
    """Text keys as an ``(n, KEY_BYTES)`` uint8 array (NumPy's bytes dtype would drop trailing zero bytes)."""
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)
