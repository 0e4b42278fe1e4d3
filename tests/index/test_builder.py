"""Index builds through the real model: incremental, atomic, no pickle."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import REPORT_ID, copy_small_corpus, settings_for

from assistant.errors import IndexMissingError
from assistant.index.builder import ingest
from assistant.index.report import IngestReport
from assistant.index.vectors import VectorCache, embed_texts
from assistant.index.lifecycle import POINTER
from assistant.index.manifest import SCHEMA_VERSION
from assistant.index.store import IndexStore


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return copy_small_corpus(tmp_path / "corpus")


def test_build_then_incremental_add_change_remove(tmp_path: Path, corpus: Path) -> None:
    settings = settings_for(tmp_path / "index", corpus, index_grace_s=0)  # no grace: unleased old builds go at once
    first = ingest(settings, progress=False)
    assert first.documents == 2 and len(first.added) == 2 and first.embedded > 0

    again = ingest(settings, progress=False)
    assert again.up_to_date and again.embedded == 0

    (corpus / "005_new.txt").write_text(
        "Geneva\n\n3 March 2019\n\nSecretary-General's message on water\n\nClean water is a human right for every person.\n",
        encoding="utf-8",
    )
    (corpus / "000_2da93208c23d15a9.txt").unlink()
    update = ingest(settings, progress=False)
    assert update.added == ["005_new"] and update.removed == ["000_2da93208c23d15a9"]
    assert 0 < update.embedded <= 6 and update.reused > 20  # only the new document's texts are embedded
    store = IndexStore(settings.index_dir)
    ids = {m.doc_id for m in store.documents}
    assert "005_new" in ids and "000_2da93208c23d15a9" not in ids
    assert len(list(settings.index_dir.glob("build-*"))) == 1  # older builds removed: nobody leased them


def test_manifest_records_model_and_hashes(seed_settings) -> None:  # type: ignore[no-untyped-def]
    store = IndexStore(seed_settings.index_dir)
    manifest = json.loads((store.path / "manifest.json").read_text())
    assert manifest["model_name"].startswith("sentence-transformers/all-MiniLM-L6-v2")  # "(onnx)" for the default embedder
    assert len(manifest["model_fingerprint"]) == 16 and manifest["dimension"] == 384
    assert set(manifest["documents"]) == {m.doc_id for m in store.documents}
    assert manifest["passages"] == len(store) and manifest["schema_version"] == SCHEMA_VERSION


def test_index_files_load_without_pickle(seed_settings) -> None:  # type: ignore[no-untyped-def]
    store = IndexStore(seed_settings.index_dir)
    for path in store.path.rglob("*.npy"):
        np.load(path, allow_pickle=False)
    assert not list(store.path.rglob("*.pkl")) and not list(store.path.rglob("*.pickle"))


def test_long_paragraphs_are_embedded_as_windows_but_cited_once(seed_settings) -> None:  # type: ignore[no-untyped-def]
    store = IndexStore(seed_settings.index_dir)
    assert store.manifest.windows > store.manifest.passages
    row = store.passage_row(f"{REPORT_ID}#p38")
    assert row is not None
    assert store.window_start[row + 1] - store.window_start[row] >= 2


def test_a_crash_mid_build_leaves_the_live_index_untouched(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(tmp_path / "index", corpus)
    ingest(settings, progress=False)
    live = (settings.index_dir / POINTER).read_text()
    (corpus / "005_new.txt").write_text(
        "Geneva\n\n3 March 2019\n\nA new text about oceans and their protection.\n", encoding="utf-8"
    )

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr("assistant.index.builder._build_bm25", explode)
    with pytest.raises(RuntimeError):
        ingest(settings, progress=False)
    assert (settings.index_dir / POINTER).read_text() == live
    assert [p.name for p in settings.index_dir.glob("build-*")] == [live]
    assert len(IndexStore(settings.index_dir)) > 0
    monkeypatch.undo()
    resumed = ingest(settings, progress=False)
    assert resumed.added == ["005_new"] and resumed.embedded == 0  # its vectors were checkpointed before the crash
    assert resumed.recovered > 0


class CutAfter:
    """An embedder that embeds ``batches`` batches, then fails as a power cut would."""

    dimension = 4

    def __init__(self, batches: int) -> None:
        self.left = batches

    def embed(self, texts: list[str], progress: object = None) -> np.ndarray:
        if self.left == 0:
            raise RuntimeError("power cut")
        self.left -= 1
        return np.ones((len(texts), self.dimension), dtype=np.float32)


def test_every_resumed_run_keeps_the_batches_of_the_runs_before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("assistant.index.vectors.CHECKPOINT_BATCH", 2)
    texts = [f"text {i}" for i in range(6)]

    def run(embedder: CutAfter) -> VectorCache:
        cache = VectorCache(CutAfter.dimension)
        cache.load_checkpoints(tmp_path)
        with contextlib.suppress(RuntimeError):
            embed_texts(texts, embedder, cache, IngestReport(), tmp_path, "windows", False)  # type: ignore[arg-type]
        return cache

    assert len(run(CutAfter(1)).rows) == 2  # the first run saved one batch, then stopped
    assert len(run(CutAfter(1)).rows) == 4  # the second resumed after it and saved one more
    report = IngestReport()
    embed_texts(texts, CutAfter(1), run(CutAfter(0)), report, tmp_path, "windows", False)  # type: ignore[arg-type]
    assert report.embedded == 2 and report.reused == 4  # both earlier batches were still on disk


def test_a_changed_model_forces_a_rebuild_and_says_so(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings_for(tmp_path / "index", corpus)
    ingest(settings, progress=False)
    manifest_path = IndexStore(settings.index_dir).path / "manifest.json"
    data = json.loads(manifest_path.read_text())
    data["model_fingerprint"] = "0" * 16
    manifest_path.write_text(json.dumps(data))
    report = ingest(settings, progress=False)
    assert report.rebuilt_reason is not None and "model changed" in report.rebuilt_reason


def test_missing_index_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="python -m assistant ingest"):
        IndexStore(tmp_path / "none")


def test_large_corpora_embed_sentences_per_question(tmp_path: Path, corpus: Path) -> None:
    from assistant.pipeline import Assistant

    settings = settings_for(tmp_path / "index", corpus, sentence_vectors_max_passages=1)
    ingest(settings, progress=False)
    store = IndexStore(settings.index_dir)
    assert not store.has_sentence_vectors and len(store.sentence_spans) > 0
    answer = Assistant(settings).ask("What does implementing the responsibility to protect demand?")
    assert not answer.abstained and "political will" in answer.text


def test_sentences_embedded_per_question_only_for_the_best_candidates(tmp_path: Path, corpus: Path) -> None:
    from assistant.pipeline import Assistant

    settings = settings_for(
        tmp_path / "index", corpus, sentence_vectors_max_passages=1, sentence_rerank_depth=3, sentence_rerank_words=0
    )
    ingest(settings, progress=False)
    searcher = Assistant(settings).searcher
    embedded: list[int] = []
    original = searcher.sentences.embed
    searcher.sentences.embed = lambda texts: (embedded.append(len(texts)), original(texts))[1]  # type: ignore[method-assign]
    result = searcher.search("What does implementing the responsibility to protect demand?", k=3)
    full = [r for r, ev in result.evidence.items() if not ev.partial]
    assert len(full) == 3 and len(result.evidence) > 3  # every candidate has evidence, three have sentence scores
    assert sum(embedded) == sum(len(searcher.store.sentence_spans_of(r)) for r in full)
    assert set(result.rows) == set(full)  # partial candidates rank after the fully scored ones
    assert min(result.evidence[r].score for r in full) > max(ev.score for ev in result.evidence.values() if ev.partial)


def test_crossing_the_exact_threshold_rebuilds_the_dense_index_without_embedding(tmp_path: Path, corpus: Path) -> None:
    approximate = settings_for(tmp_path / "index", corpus, exact_index_max_vectors=5)
    ingest(approximate, progress=False)
    record = json.loads((IndexStore(approximate.index_dir).path / "dense.json").read_text())
    assert record["kind"].startswith("IVF") and record["recall_at_10"] >= 0.95
    before = IndexStore(approximate.index_dir)
    inode = (before.path / "passages.sqlite").stat().st_ino
    exact = settings_for(tmp_path / "index", corpus)
    report = ingest(exact, progress=False)
    after = IndexStore(exact.index_dir)
    assert (after.path / "passages.sqlite").stat().st_ino == inode  # shared with the previous build, not rewritten
    assert after.manifest.build_seconds == before.manifest.build_seconds  # still the time the build took
    assert report.rebuilt_reason is not None and report.rebuilt_reason.startswith("dense index type changed (IVF")
    assert report.embedded == 0 and report.dense_reindexed == "Flat"
    assert json.loads((IndexStore(exact.index_dir).path / "dense.json").read_text())["kind"] == "Flat"
    assert ingest(exact, progress=False).up_to_date


def test_the_command_says_when_only_the_dense_index_was_rebuilt(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.cli import main

    args = ["ingest", "--corpus", str(corpus), "--index", str(tmp_path / "index"), "--quiet"]
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "data"))
    assert main(args) == 0
    monkeypatch.setenv("ASSISTANT_EXACT_INDEX_MAX_VECTORS", "5")
    capsys.readouterr()
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Re-indexed the stored vectors" in out and "as IVF" in out and "Rebuilt from scratch" not in out
