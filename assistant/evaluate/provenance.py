"""What a run needs to be reproduced: hashes of the inputs, versions, settings, seed, command."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import random
import shlex
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from assistant.index.manifest import Manifest
from assistant.index.store import IndexStore
from assistant.settings import PROJECT_ROOT, Settings

PACKAGES = (
    "numpy",
    "torch",
    "sentence-transformers",
    "transformers",
    "faiss-cpu",
    "bm25s",
    "PyStemmer",
    "langchain-core",
    "pydantic",
    "ranx",
    "numba",
    "matplotlib",
    "tqdm",
)
# Manifest fields that record when and how fast a build ran, not what it holds.
VOLATILE_MANIFEST_FIELDS = ("built_at", "build_seconds")


def set_seeds(seed: int) -> None:
    """Seed every random number generator the pipeline could touch."""
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # torch is optional for the formulas; the embedder imports it when present
        return
    torch.manual_seed(seed)


def corpus_hash(manifest: Manifest) -> str:
    """sha256 over the sorted ``doc_id<TAB>content hash`` lines: the same documents give the same hash."""
    lines = "\n".join(f"{doc_id}\t{h}" for doc_id, h in sorted(manifest.documents.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def index_hash(manifest: Manifest) -> str:
    """sha256 over the manifest without build times: the same corpus, model and schema give the same hash."""
    fields = {k: v for k, v in manifest.__dict__.items() if k not in VOLATILE_MANIFEST_FIELDS}
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def index_record(store: IndexStore) -> dict[str, Any]:
    """The index a run read: folder, build, hashes, model and size."""
    m = store.manifest
    return {
        "dir": str(store.index_dir),
        "build": store.path.name,
        "index_sha256": index_hash(m),
        "corpus_sha256": corpus_hash(m),
        "corpus": m.corpus,
        "documents": len(m.documents),
        "passages": m.passages,
        "model": m.model_name,
        "model_fingerprint": m.model_fingerprint,
        "schema_version": m.schema_version,
    }


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape the numbers."""
    from assistant import __version__

    out: dict[str, str | None] = {"statement-assistant": __version__}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_state() -> dict[str, Any]:
    """The project's commit and whether tracked files differ from it (None outside a git checkout)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(status.strip())}


def environment(seed: int, settings: Settings, argv: list[str] | None) -> dict[str, Any]:
    """Settings, seed, versions, machine and the command that reproduces the run."""
    threads = None
    try:
        import torch

        threads = torch.get_num_threads()
    except ImportError:
        pass
    return {
        "seed": seed,
        "command": "python -m assistant " + shlex.join(argv) if argv is not None else None,
        "settings": settings.model_dump(mode="json"),  # secrets are masked by their SecretStr type
        "packages": package_versions(),
        "git": git_state(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "torch_threads": threads,
    }


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
