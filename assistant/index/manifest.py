"""``manifest.json``: what a build holds and how it was made, written in one place, read back to check it.

The manifest is the last file a build writes, and it lists every other file of
the build with its size (``files``), so a reader can tell a complete build from
one that lost files (`assistant.index.lifecycle.build_problems`).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from assistant.errors import IndexDamagedError

SCHEMA_VERSION = 2  # 2: passages store their instruction-like sentence spans (older indexes rebuild once)
MANIFEST = "manifest.json"
# folders an engine keeps changing after the build (milvus-lite's database): listed, only their presence is checked
ENGINE_FOLDERS = frozenset({"milvus.db"})
ENGINE_FOLDER_SIZE = -1  # the size recorded for an engine folder

# the JSON type of each field, to tell a damaged manifest from a usable one
_TYPES: dict[str, type | tuple[type, ...]] = {"int": int, "str": str, "float": (int, float), "dict[str, str]": dict}


def rebuild_hint(index_dir: Path) -> str:
    """The sentence that tells how to rebuild the index in ``index_dir``."""
    return f"rebuild it with `python -m assistant ingest --index {index_dir}` (with the --corpus it was built from)"


def damaged(index_dir: Path, reason: str) -> IndexDamagedError:
    """The error for a damaged index: what is wrong, and the command that rebuilds it."""
    return IndexDamagedError(f"the index in {index_dir} is damaged: {reason}; {rebuild_hint(index_dir)}", reason)


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
    files: dict[str, int] = field(default_factory=dict)  # path in the build -> bytes, as written (older builds: {})

    @classmethod
    def read(cls, path: Path) -> Manifest:
        """Read ``manifest.json``; `IndexDamagedError` naming the rebuild command if it is missing or unusable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            values: dict[str, Any] = {}
            for f in fields(cls):
                if f.name not in data:
                    if f.name == "files":  # written since builds list their files
                        continue
                    raise ValueError(f"no {f.name!r}")
                wanted = _TYPES.get(str(f.type), dict)
                if not isinstance(data[f.name], wanted) or isinstance(data[f.name], bool):
                    raise ValueError(f"{f.name!r} is {data[f.name]!r}")
                values[f.name] = data[f.name]
            return cls(**values)
        except FileNotFoundError:
            raise damaged(path.parent.parent, f"{path.parent.name} has no {path.name}") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
            raise damaged(path.parent.parent, f"{path.parent.name}/{path.name} cannot be read ({exc})") from None

    def write(self, path: Path) -> None:
        """Write ``manifest.json`` last, listing the build's files (the one writer: every build, patch and re-index).

        Written to a temporary file and renamed, so a reader never sees half a manifest.
        """
        data = {**asdict(self), "files": build_files(path.parent, skip=path.name)}
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


def build_files(build: Path, skip: str = MANIFEST) -> dict[str, int]:
    """Every file of ``build`` (relative path -> bytes), engine folders as one entry; ``skip`` left out."""
    found: dict[str, int] = {}
    for item in sorted(build.iterdir()):
        if item.name == skip or item.name.startswith("."):
            continue
        if item.name in ENGINE_FOLDERS:
            found[item.name] = ENGINE_FOLDER_SIZE
        elif item.is_dir():
            found.update({f"{item.name}/{k}": v for k, v in build_files(item, skip="").items()})
        else:
            found[item.name] = item.stat().st_size
    return found
