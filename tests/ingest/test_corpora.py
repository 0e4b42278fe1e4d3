"""Named corpora for ingest: names, combinations and the General Debate corpus."""

from __future__ import annotations

import pytest
from conftest import settings_for

from assistant.errors import UsageError
from assistant.ingest.corpora import is_named, load_corpus


def test_names_and_folders(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert is_named("seed") and is_named("seed,ungdc") and not is_named("corpus/") and not is_named("seed,nope")
    with pytest.raises(UsageError, match="seed, ungdc, ungdc-sample"):
        load_corpus("nope", settings_for(tmp_path / "index"))


def test_seed_and_ungdc_together(tmp_path, ungdc_archive) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path / "index", ungdc_archive=ungdc_archive)
    source = load_corpus("seed,ungdc", settings, limit=2)
    corpora = [d.meta.corpus for d, _ in source.documents]
    assert corpora.count("seed") == 5 and corpora.count("ungdc") == 2
    speech = next(d for d, _ in source.documents if d.meta.corpus == "ungdc")
    assert speech.meta.doc_type == "General Debate statement" and speech.meta.extra["country_code"]
