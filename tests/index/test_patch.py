"""Updating a large index in place: documents added, replaced and removed as patches, through the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import bm25s
import numpy as np
import pytest
from conftest import REPORT_ID, SEED_CORPUS, copy_seed_corpus, settings_for

import assistant.index.patch as patch_module
from assistant.ingest.folders import parse_text, scan_corpus
from assistant.errors import UsageError
from assistant.index.builder import ingest
from assistant.index.patch import update_index
from assistant.pipeline import Assistant
from assistant.retrieve.first_stage import bm25_ranking
from assistant.settings import Settings
from assistant.index.lifecycle import live_build
from assistant.index.store import IndexStore
from assistant.index.updates import Updates, appended_bm25, lucene_idf

VETO = "Which two countries led a joint initiative on restraint in the use of the veto?"
P49 = f"{REPORT_ID}#p49"
WATER = "Harare\n\n3 March 2019\n\nSecretary-General's message on the Zambezi water compact\n\n{body}\n"


@pytest.fixture()
def patchable(tmp_path: Path, seed_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A copy of the seed index that takes patches however small it is, and however large the change."""
    monkeypatch.setattr(patch_module, "PATCH_SHARE", 1.0)
    shutil.copytree(seed_settings.index_dir, tmp_path / "index", ignore=shutil.ignore_patterns("readers", "LOCK"))
    corpus = copy_seed_corpus(tmp_path / "corpus")
    return settings_for(tmp_path / "index", corpus, patch_min_passages=0, index_grace_s=0)  # unleased old builds go at once


def seed_document(doc_id: str) -> tuple:
    scan = scan_corpus(SEED_CORPUS)
    doc = next(d for d in scan.documents if d.meta.doc_id == doc_id)
    return doc, scan.texts[doc_id]


def top_ids(settings: Settings, question: str, k: int = 5) -> list[str]:
    return [h.passage.passage_id for h in Assistant(settings).searcher.search(question, k=k).hits]


def test_remove_then_add_back_a_document(patchable: Settings) -> None:
    before = live_build(patchable.index_dir)
    removed = update_index(patchable, remove=[REPORT_ID])
    assert removed.patched and removed.removed == [REPORT_ID] and removed.embedded == 0
    store = IndexStore(patchable.index_dir)
    assert REPORT_ID not in store.doc_rows and REPORT_ID not in store.passage_counts()
    assert not any(pid.startswith(REPORT_ID) for pid in top_ids(patchable, VETO, k=20))
    assert not before.exists()  # published like a full build: the old one is gone

    added = update_index(patchable, add=[seed_document(REPORT_ID)])
    assert added.added == [REPORT_ID] and added.embedded == 0 and added.reused > 60  # its vectors are still on disk
    hits = Assistant(patchable).searcher.search(VETO).hits
    assert hits[0].passage.passage_id == P49
    assert {"dense", "bm25"} <= set(hits[0].scores)  # found by both retrievers in its appended row
    answer = Assistant(patchable).ask(VETO)
    assert "France and Mexico" in answer.text and any(c.hit.passage.label == "49" for c in answer.citations)
    store = IndexStore(patchable.index_dir)
    row = store.passage_row(P49)
    assert row is not None and row >= store.updates.base_passages  # appended, not rebuilt
    before_row, after_row = store.neighbours(row)
    assert before_row is not None and store.passage(before_row).label == "48"
    assert after_row is not None and store.passage(after_row).label == "50"


def test_a_new_document_is_found_by_its_rare_words_and_its_meaning(patchable: Settings) -> None:
    body = "The Zambezi water compact shares the river between eight riparian states and ends quarrels over dams."
    doc = parse_text("006_zambezi", "006_zambezi.txt", WATER.format(body=body))
    report = update_index(patchable, add=[(doc, WATER.format(body=body))])
    assert report.added == ["006_zambezi"] and 0 < report.embedded <= 8
    assert top_ids(patchable, "Zambezi compact")[0].startswith("006_zambezi")  # BM25 over appended terms
    assert top_ids(patchable, "sharing a river among the countries along its banks")[0].startswith("006_zambezi")
    store = IndexStore(patchable.index_dir)
    assert store.updates.appended_terms and all(r >= store.updates.base_passages for r in store.updates.appended_terms)


def test_ingest_patches_a_changed_file_and_the_old_text_is_gone(patchable: Settings) -> None:
    path = next(patchable.corpus_dir.glob("000_*.txt"))
    old_text = path.read_text(encoding="utf-8")
    path.write_text(
        old_text.rstrip() + "\n\nThe glaciers of the Andes are retreating faster than anyone foresaw.\n", encoding="utf-8"
    )
    report = ingest(patchable, progress=False)
    assert report.patched and report.changed == [path.stem]
    assert report.embedded <= 4  # the unchanged paragraphs' vectors are reused
    store = IndexStore(patchable.index_dir)
    doc_passages = store.document_passages(path.stem)
    assert doc_passages and all(store.live[store.passage_row(p.passage_id)] for p in doc_passages)
    assert store.removed_passages == len(doc_passages) - 1  # the old version's rows, marked removed
    hits = Assistant(patchable).searcher.search("Andes glaciers retreating").hits
    assert "Andes" in hits[0].passage.text
    assert all(store.live[store.passage_row(h.passage.passage_id)] for h in hits)


def test_ingest_compacts_once_patches_pass_the_share(patchable: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    update_index(patchable, remove=[REPORT_ID])
    assert IndexStore(patchable.index_dir).updates.patched
    monkeypatch.setattr(patch_module, "PATCH_SHARE", 0.0)
    report = ingest(patchable, progress=False)  # the corpus folder still holds the report: it comes back
    assert not report.patched and report.added == [REPORT_ID]
    store = IndexStore(patchable.index_dir)
    assert not store.updates.patched and store.removed_passages == 0 and REPORT_ID in store.doc_rows


def test_a_crash_mid_patch_leaves_the_live_index_untouched(patchable: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    live = live_build(patchable.index_dir)

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(patch_module, "link_tree", broken)
    with pytest.raises(OSError, match="disk full"):
        update_index(patchable, remove=[REPORT_ID])
    assert live_build(patchable.index_dir) == live
    assert [p.name for p in patchable.index_dir.glob("build-*")] == [live.name]
    assert REPORT_ID in IndexStore(patchable.index_dir).doc_rows


def test_bad_updates_are_usage_errors(patchable: Settings) -> None:
    with pytest.raises(UsageError, match="not in the index: nope"):
        update_index(patchable, remove=["nope"])
    doc, text = seed_document(REPORT_ID)
    with pytest.raises(UsageError, match="both added and removed"):
        update_index(patchable, add=[(doc, text)], remove=[REPORT_ID])
    with pytest.raises(UsageError, match="twice"):
        update_index(patchable, add=[(doc, text), (doc, text)])


def test_removed_ranges_merge_and_mask() -> None:
    updates = Updates()
    updates.remove_rows(np.array([5, 3, 4, 9]))
    updates.remove_rows(np.array([6]))
    assert updates.removed_ranges == [(3, 7), (9, 10)]
    assert list(np.flatnonzero(~updates.live_mask(12))) == [3, 4, 5, 6, 9]


def test_appended_passages_score_as_bm25s_scores_the_same_text(tmp_path: Path) -> None:
    corpus = [["water", "river", "dam"], ["peace", "war"], ["river", "river", "flood", "peace"], ["climate"]]
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)
    query = ["river", "flood"]
    vocab = model.vocab_dict
    expected = model.get_scores([vocab[t] for t in query])[2]
    df = np.diff(model.scores["indptr"]).astype(np.float64)
    idf = {t: float(lucene_idf(df, len(corpus))[vocab[t]]) for t in query}
    updates = Updates(base_passages=4, appended_terms={4: corpus[2]}, avg_terms=float(np.mean([len(d) for d in corpus])))
    rows, scores = appended_bm25(updates, query, idf, 5)
    assert list(rows) == [4]
    assert scores[0] == pytest.approx(expected, rel=1e-5)


def test_bm25_ranking_skips_removed_rows(patchable: Settings) -> None:
    store = IndexStore(patchable.index_dir)
    assert any(store.passage(r).passage_id == P49 for r in bm25_ranking(store, "veto restraint France Mexico", 5, None))
    update_index(patchable, remove=[REPORT_ID])
    store = IndexStore(patchable.index_dir)
    assert not any(store.passage(r).doc_id == REPORT_ID for r in bm25_ranking(store, "veto restraint France Mexico", 50, None))


def test_add_and_remove_commands(patchable: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    body = "The Zambezi water compact shares the river between eight riparian states."
    path = tmp_path / "zambezi.txt"
    path.write_text(WATER.format(body=body), encoding="utf-8")
    index = str(patchable.index_dir)
    assert main(["add", str(path), "--index", index, "--quiet"]) == 0
    assert "1 added" in capsys.readouterr().out
    assert "zambezi" in IndexStore(patchable.index_dir).doc_rows
    assert main(["add", str(path), "--index", index, "--quiet"]) == 0
    assert "Nothing to do" in capsys.readouterr().out
    assert main(["remove", "zambezi", "--index", index]) == 0
    assert "1 removed" in capsys.readouterr().out and "zambezi" not in IndexStore(patchable.index_dir).doc_rows
    assert main(["remove", "zambezi", "--index", index]) == 2
    assert "not in the index: zambezi" in capsys.readouterr().err
    assert main(["add", str(tmp_path / "missing.txt"), "--index", index]) == 2
    assert "is not a file" in capsys.readouterr().err


def test_a_general_debate_speech_is_added_with_its_country(patchable: Settings, tmp_path: Path) -> None:
    from assistant.ingest.corpora import document_from_file
    from assistant.models import Filters

    path = tmp_path / "BRA_60_2005.txt"
    path.write_text(
        "Brazil believes that the responsibility to protect must never become a pretext for intervention.\n"
        "We call for reform of the Security Council so that it reflects the world of today.\n",
        encoding="utf-8",
    )
    doc, text = document_from_file(path, patchable)
    assert doc.meta.doc_id == "ungdc/BRA_60_2005" and doc.meta.extra["country"] == "Brazil"
    update_index(patchable, add=[(doc, text)])
    hits = Assistant(patchable).searcher.search("responsibility to protect pretext", filters=Filters(countries=("Brazil",))).hits
    assert hits and all(h.meta.doc_id == "ungdc/BRA_60_2005" for h in hits)
    assert hits[0].passage.label == "1"
    store = IndexStore(patchable.index_dir)
    added = [store.passage_row(h.passage.passage_id) for h in hits]
    found = store.rows_with_term("pretext", np.asarray(added)).tolist()  # appended rows: read from the update's terms
    assert found == ["pretext" in h.passage.text for h in hits] and any(found)
    assert store.rows_with_term("brazil", np.asarray(added)).all()  # the country is in every passage's metadata
