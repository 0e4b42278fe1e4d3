"""Shared fixtures: the real model and a real seed index, each built once per test session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import settings as _settings
from assistant.settings import PROJECT_ROOT, Settings

SEED_CORPUS = PROJECT_ROOT / "corpus"
SHARED = _settings.SHARED_DIR
DEV_QA = _settings.DEV_QA  # the shared dev set (ASSISTANT_SHARED_DIR moves it)
REPORT_ID = "004_44fea8a60e0f5565"


def settings_for(index_dir: Path, corpus_dir: Path = SEED_CORPUS, **overrides: object) -> Settings:
    """Settings pointing at a test index and corpus (environment overrides ignored for paths)."""
    return Settings().with_overrides(index_dir=index_dir, corpus_dir=corpus_dir, data_dir=index_dir.parent / "data", **overrides)


def copy_seed_corpus(dest: Path) -> Path:
    """A writable copy of the seed corpus (text files and the metadata sidecar)."""
    shutil.copytree(SEED_CORPUS, dest)
    return dest


def copy_small_corpus(dest: Path) -> Path:
    """Two short seed messages: enough for build mechanics, cheap to embed."""
    dest.mkdir(parents=True)
    for name in ("000_2da93208c23d15a9.txt", "001_3c0b70c9704cf0d2.txt"):
        shutil.copy(SEED_CORPUS / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a real index built from the seed corpus, once per session."""
    from assistant.index.builder import ingest

    root = tmp_path_factory.mktemp("seed")
    settings = settings_for(root / "index")
    ingest(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def seed_assistant(seed_settings: Settings):  # type: ignore[no-untyped-def]
    """One `Assistant` over the seed index for the whole session."""
    from assistant.pipeline import shared_assistant

    return shared_assistant(seed_settings)
