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


def test_a_list_of_speeches(tmp_path, ungdc_archive) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path / "index", ungdc_archive=ungdc_archive)
    listed = tmp_path / "speeches.txt"
    listed.write_text("# two speeches\nBRA_60_2005\nMLT_22_1967.txt  # the sea-bed\nXYZ_99_2099\n\n", encoding="utf-8")
    source = load_corpus(f"seed,ungdc-list:{listed}", settings)
    ids = sorted(d.meta.doc_id for d, _ in source.documents if d.meta.corpus == "ungdc")
    assert ids == ["ungdc/BRA_60_2005", "ungdc/MLT_22_1967"]
    assert [p for p in source.problems if "XYZ" in p] == [f"XYZ_99_2099: listed in {listed}, not in the archive"]
    assert is_named(f"ungdc-list:{listed}")


@pytest.mark.parametrize("content", [None, "# nothing listed\n\n"])
def test_an_unusable_speech_list_is_a_usage_error(tmp_path, content) -> None:  # type: ignore[no-untyped-def]
    listed = tmp_path / "speeches.txt"
    if content is not None:
        listed.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match="speech list"):
        load_corpus(f"ungdc-list:{listed}", settings_for(tmp_path / "index"))
