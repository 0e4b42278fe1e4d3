"""The corpus on disk: unpack ``ungdc.tar.xz`` once, list and read its speech files."""

from __future__ import annotations

import os
import re
import shutil
import tarfile
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import DocumentError
from assistant.ingest.ungdc import CORPUS

SPEECH_RE = re.compile(r"^([A-Z]{2,3})_(\d{1,2})_(\d{4})\.txt$")
_MARKER = ".extracted"  # written last into an extracted folder: names the archive it came from


@dataclass(frozen=True)
class Speech:
    """One speech file: where it is and what its name says."""

    path: Path
    source: str  # path inside the archive, e.g. "ungdc/TXT/Session 60 - 2005/BRA_60_2005.txt"
    code: str
    session: int
    year: int

    @property
    def doc_id(self) -> str:
        """The document id, e.g. ``ungdc/BRA_60_2005``."""
        return f"{CORPUS}/{self.path.stem}"


def extract_ungdc(archive: Path, dest: Path) -> Path:
    """Unpack ``archive`` into ``dest`` (the folder holding ``TXT/``) once, atomically; return ``dest``.

    The archive is unpacked beside ``dest`` and renamed into place, so a reader never sees a
    half-extracted folder; a folder already extracted from the same archive is reused.
    """
    archive, dest = Path(archive), Path(dest)
    if not archive.is_file():
        raise DocumentError(
            f"UN General Debate Corpus archive not found at {archive}; put ungdc.tar.xz there "
            "(Harvard Dataverse doi:10.7910/DVN/0TJX8Y, CC0) or pass the path of your copy"
        )
    stat = archive.stat()
    identity = f"{archive.name} {stat.st_size} {stat.st_mtime_ns}"
    if _extracted_from(dest) == identity:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = dest.parent / f".{dest.name}.extracting-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        inner = next((p for p in (work / "ungdc", work) if (p / "TXT").is_dir()), None)
        if inner is None:
            raise DocumentError(f"{archive} has no ungdc/TXT folder; is it the UN General Debate Corpus?")
        (inner / _MARKER).write_text(identity + "\n", encoding="utf-8")
        old = dest.parent / f".{dest.name}.old-{os.getpid()}"
        if dest.exists():
            dest.rename(old)
        try:
            inner.rename(dest)
        except OSError:
            if _extracted_from(dest) != identity:  # not a concurrent extraction that finished first
                raise
        shutil.rmtree(old, ignore_errors=True)
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise DocumentError(f"could not extract {archive} into {dest}: {exc}; check the archive and free disk space") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dest


def _extracted_from(folder: Path) -> str | None:
    try:
        return (folder / _MARKER).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def corpus_root(root: Path) -> Path:
    """Accept the extracted folder itself or a folder that contains ``ungdc/``."""
    root = Path(root)
    for candidate in (root, root / CORPUS):
        if (candidate / "TXT").is_dir():
            return candidate
    raise DocumentError(
        f"{root} holds no UN General Debate Corpus (no TXT folder); extract ungdc.tar.xz with extract_ungdc first"
    )


def speech_files(root: Path) -> list[Speech]:
    """List the speeches under ``root`` in a stable order (year, then country code)."""
    root = corpus_root(root)
    speeches = []
    for path in (root / "TXT").glob("*/*.txt"):
        m = SPEECH_RE.match(path.name)
        if m:  # skips stray files such as ".DS_Store-to-UTF-8.txt"
            rel = path.relative_to(root).as_posix()
            speeches.append(Speech(path, f"{CORPUS}/{rel}", m.group(1), int(m.group(2)), int(m.group(3))))
    return sorted(speeches, key=lambda s: (s.year, s.code, s.session))


def read_speech(path: Path) -> str:
    """Decode one speech file (UTF-8; a leading byte-order mark is dropped)."""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc})") from exc
