"""Add, replace or remove a few documents of a large index in seconds, without rebuilding it.

A full build (`assistant.index.builder`) re-indexes every passage; on the whole General
Debate corpus that takes minutes even when no text needs embedding again. A patch
makes the next build from the live one instead:

- the passage database is copied and edited: rows of removed or replaced documents
  are deleted, new passages get rows after the last one;
- the vector files get the new windows (and sentences, where they are stored)
  appended, and the FAISS index the new vectors added; only new texts are embedded;
- the BM25 index, which cannot be appended to, is linked unchanged; the appended
  passages' terms go into ``updates.json`` and are scored with the full build's
  statistics at query time (`assistant.index.updates`), and replaced rows are marked removed.

The patched build is published like any other (atomic ``CURRENT`` swap), so readers
see the old index or the new one, never a mixture. Removed rows stay in the files
until ``ingest`` compacts: it rebuilds in full once appended and removed passages
pass `PATCH_SHARE` of the index.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.embed.base import Embedder
from assistant.embed.registry import embedder_for
from assistant.errors import UsageError
from assistant.index.backends import DESCRIPTOR, backend_factory, read_descriptor
from assistant.index.lifecycle import link_tree, live_build, new_build
from assistant.index.lock import writer_lock
from assistant.index.manifest import Manifest
from assistant.index.report import IngestReport
from assistant.index.rows import PassageRows, bm25_text, lexical_stats
from assistant.index.schema import INSERT_PASSAGE, meta_from_json, meta_to_json
from assistant.index.updates import Updates
from assistant.index.vectors import VectorCache, embed_texts, keys_array, text_key
from assistant.models import ParsedDocument
from assistant.settings import Settings
from assistant.text.lexical import index_terms

PATCH_SHARE = 0.05  # ingest rebuilds in full once appended + removed passages pass this share of the index
AVG_TERMS_SAMPLE = 5000  # passages read to estimate BM25's average length when the full build did not record it


def supports_patch(build: Path, settings: Settings) -> bool:
    """Whether the vector backend of ``build`` can append vectors (FAISS can; Milvus builds rebuild)."""
    record = read_descriptor(build)
    return hasattr(backend_factory(record["backend"])(build, settings, record), "extend")


def patched_share(build: Path, manifest: Manifest, extra_passages: int = 0) -> float:
    """Share of the index's passages appended or removed since its last full build (plus ``extra_passages``)."""
    updates = Updates.read(build)
    removed = sum(hi - lo for lo, hi in updates.removed_ranges)
    appended = manifest.passages - updates.base_passages if updates.patched else 0
    return (removed + appended + extra_passages) / max(1, manifest.passages)


def patch_of(
    settings: Settings, manifest: Manifest, build: Path, docs: Sequence[tuple[ParsedDocument, str]], wanted: set[str]
) -> list[tuple[ParsedDocument, str]] | None:
    """The documents to append when a change to ``wanted`` is best made as a patch (a large index, a small change), else None."""
    if manifest.passages < settings.patch_min_passages or not supports_patch(build, settings):
        return None
    add = [(d, t) for d, t in docs if d.meta.doc_id in wanted]
    if patched_share(build, manifest, sum(len(d.passages) for d, _ in add)) > PATCH_SHARE:
        return None  # a full build compacts what earlier patches appended and removed
    return add


def update_index(
    settings: Settings,
    add: Sequence[tuple[ParsedDocument, str]] = (),
    remove: Sequence[str] = (),
    *,
    embedder: Embedder | None = None,
    progress: bool = False,
) -> IngestReport:
    """Add (or replace, by document id) the documents in ``add`` and remove the ids in ``remove``, as a patch.

    Runs under the index's writer lock, like `assistant.index.builder.ingest`.
    """
    embedder = embedder or embedder_for(settings)  # loaded before the lock: the model takes seconds
    with writer_lock(settings.index_dir, settings.index_lock_wait_s, "add" if add else "remove"):
        return _update_index(settings, add, remove, embedder, progress)


def _update_index(
    settings: Settings, add: Sequence[tuple[ParsedDocument, str]], remove: Sequence[str], embedder: Embedder, progress: bool
) -> IngestReport:
    started = time.perf_counter()
    index_dir = settings.index_dir
    old = live_build(index_dir)
    manifest = Manifest.read(old / "manifest.json")
    if (manifest.model_name, manifest.model_fingerprint) != (embedder.name, embedder.fingerprint):
        raise UsageError(
            f"the index in {index_dir} was built with {manifest.model_name}, the settings use {embedder.name}; "
            "run `python -m assistant ingest --force` to rebuild it"
        )
    if not supports_patch(old, settings):
        raise UsageError(
            f"the {read_descriptor(old)['backend']} vector backend cannot be updated in place; run `python -m assistant ingest`"
        )
    add = list(add)
    ids = [d.meta.doc_id for d, _ in add]
    if len(set(ids)) != len(ids):
        raise UsageError("the same document id is given twice; each document can be added once")
    unknown = sorted(set(remove) - set(manifest.documents))
    if unknown:
        raise UsageError(f"not in the index: {', '.join(unknown)}; `python -m assistant info` lists the documents")
    both = sorted(set(remove) & set(ids))
    if both:
        raise UsageError(f"both added and removed: {', '.join(both)}")
    for doc, _ in add:
        if not doc.passages:
            raise UsageError(f"{doc.meta.source}: no paragraphs found; nothing to add")

    report = IngestReport(patched=True)
    report.added = sorted(i for i in ids if i not in manifest.documents)
    report.changed = sorted(i for i in ids if i in manifest.documents and manifest.documents[i] != _hash(add, i))
    report.removed = sorted(remove)
    unchanged = {i for i in ids if i in manifest.documents and i not in report.changed}
    add = [(d, t) for d, t in add if d.meta.doc_id not in unchanged]
    if not (add or remove):
        report.up_to_date = True
        report.documents, report.passages, report.index_path = len(manifest.documents), manifest.passages, str(old)
        report.seconds = time.perf_counter() - started
        return report

    with new_build(settings, "add/remove") as build:
        _write_patch(old, build, manifest, add, list(remove), embedder, settings, report, progress)
    report.documents = len(Manifest.read(build / "manifest.json").documents)
    report.index_path = str(build)
    report.seconds = time.perf_counter() - started
    return report


def _hash(add: list[tuple[ParsedDocument, str]], doc_id: str) -> str:
    return next(d.content_hash for d, _ in add if d.meta.doc_id == doc_id)


def _write_patch(
    old: Path,
    build: Path,
    manifest: Manifest,
    add: list[tuple[ParsedDocument, str]],
    remove: list[str],
    embedder: Embedder,
    settings: Settings,
    report: IngestReport,
    progress: bool,
) -> None:
    started = time.perf_counter()
    updates = Updates.read(old)
    if not updates.patched:
        updates.base_passages = manifest.passages
        updates.avg_terms = _avg_terms(old)
    passage_doc = np.load(old / "passage_doc.npy", allow_pickle=False)
    live = updates.live_mask(len(passage_doc))
    sentence_vecs_old = np.load(old / "sentences.npy", mmap_mode="r", allow_pickle=False)
    sentence_spans_old = np.load(old / "sentence_spans.npy", allow_pickle=False)
    stores_sentences = len(sentence_vecs_old) == len(sentence_spans_old) and len(sentence_spans_old) > 0

    shutil.copyfile(old / "passages.sqlite", build / "passages.sqlite")
    db = sqlite3.connect(build / "passages.sqlite")
    doc_row = {doc_id: row for row, doc_id in db.execute("SELECT row, doc_id FROM documents")}
    next_doc = max(doc_row.values(), default=-1) + 1
    removed_docs = set(updates.removed_docs)
    for doc_id in [*remove, *(d.meta.doc_id for d, _ in add if d.meta.doc_id in doc_row)]:
        r = doc_row[doc_id]
        updates.remove_rows(np.flatnonzero((passage_doc == r) & live))
        db.execute("DELETE FROM passages WHERE doc_row = ?", (r,))
        removed_docs.add(r)

    rows = PassageRows(first_row=len(passage_doc))
    for doc, text in add:
        values = (doc.content_hash, meta_to_json(doc.meta), text)
        if doc.meta.doc_id in doc_row:
            r = doc_row[doc.meta.doc_id]
            db.execute("UPDATE documents SET content_hash = ?, meta = ?, text = ? WHERE row = ?", (*values, r))
            removed_docs.discard(r)
        else:
            r = doc_row[doc.meta.doc_id] = next_doc
            next_doc += 1
            db.execute(
                "INSERT INTO documents (row, doc_id, content_hash, meta, text) VALUES (?, ?, ?, ?, ?)",
                (r, doc.meta.doc_id, *values),
            )
        db.executemany(INSERT_PASSAGE, rows.add(doc, r, embedder, settings))
    for i, terms in enumerate(rows.terms):
        updates.appended_terms[rows.first_row + i] = terms
    row = rows.first_row + len(rows.passage_doc)
    windows, window_rows, new_doc_of_row = rows.window_texts, rows.window_passage, rows.passage_doc
    sentences, sentence_rows, spans = rows.sentence_texts, rows.sentence_passage, rows.sentence_spans
    db.commit()
    db.close()
    updates.removed_docs = sorted(removed_docs)

    cache = VectorCache(embedder.dimension)
    cache.load_build(old, only={text_key(t) for t in windows + (sentences if stores_sentences else [])})
    checkpoint = settings.index_dir / ".embed-checkpoint" / embedder.fingerprint
    window_vecs, window_keys = embed_texts(windows, embedder, cache, report, checkpoint, "windows", progress)
    _append(old, build, "passage_doc.npy", np.asarray(new_doc_of_row, dtype=np.int32))
    _append(old, build, "window_passage.npy", np.asarray(window_rows, dtype=np.int32))
    _append(old, build, "windows.npy", window_vecs)
    _append(old, build, "windows_keys.npy", window_keys)
    _append(old, build, "sentence_passage.npy", np.asarray(sentence_rows, dtype=np.int32))
    _append(old, build, "sentence_spans.npy", np.asarray(spans, dtype=np.int32).reshape(-1, 2))
    if stores_sentences:
        sentence_vecs, sentence_keys = embed_texts(sentences, embedder, cache, report, checkpoint, "sentences", progress)
    else:
        sentence_vecs, sentence_keys = np.zeros((0, embedder.dimension), dtype=np.float32), keys_array([])
    _append(old, build, "sentences.npy", sentence_vecs)
    _append(old, build, "sentences_keys.npy", sentence_keys)
    shutil.rmtree(checkpoint, ignore_errors=True)

    link_tree(old / "bm25", build / "bm25")
    if (old / "lexical.json").is_file():
        link_tree(old / "lexical.json", build / "lexical.json")
    record = read_descriptor(old)
    backend = backend_factory(record["backend"])(build, settings, {})
    new_record = backend.extend(old, window_vecs, record)  # type: ignore[attr-defined]
    (build / DESCRIPTOR).write_text(json.dumps({"backend": record["backend"], **new_record}, indent=2), encoding="utf-8")
    updates.write(build)

    documents = {k: v for k, v in manifest.documents.items() if k not in remove}
    documents.update({d.meta.doc_id: d.content_hash for d, _ in add})
    report.passages = int(updates.live_mask(row).sum())
    Manifest(
        schema_version=manifest.schema_version,
        model_name=manifest.model_name,
        model_fingerprint=manifest.model_fingerprint,
        dimension=manifest.dimension,
        documents=dict(sorted(documents.items())),
        passages=row,
        windows=manifest.windows + len(windows),
        sentences=manifest.sentences + len(sentences),
        faiss_type=manifest.faiss_type,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_seconds=round(time.perf_counter() - started, 2),
        corpus=manifest.corpus,
    ).write(build / "manifest.json")


def _append(old: Path, build: Path, name: str, extra: np.ndarray) -> None:
    """Write ``build/name`` as ``old/name`` followed by ``extra`` (streamed: the old array is not loaded whole)."""
    before = np.load(old / name, mmap_mode="r", allow_pickle=False)
    shape = (len(before) + len(extra), *before.shape[1:])
    out = np.lib.format.open_memmap(build / name, mode="w+", dtype=before.dtype, shape=shape)
    step = 65_536
    for lo in range(0, len(before), step):
        hi = min(lo + step, len(before))
        out[lo:hi] = before[lo:hi]
    if len(extra):
        out[len(before) :] = extra.reshape(len(extra), *before.shape[1:]).astype(before.dtype, copy=False)
    out.flush()
    del out


def _avg_terms(build: Path) -> float:
    """BM25's average passage length, in terms: recorded by the full build, or estimated from a sample."""
    recorded = lexical_stats(build)
    if recorded is not None:
        return recorded
    db = sqlite3.connect(f"file:{build / 'passages.sqlite'}?mode=ro", uri=True)
    try:
        (n,) = db.execute("SELECT COUNT(*) FROM passages").fetchone()
        rows = random.Random(0).sample(range(n), min(AVG_TERMS_SAMPLE, n))
        lengths = []
        for lo in range(0, len(rows), 500):
            chunk = rows[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            query = (
                f"SELECT p.text, p.section, d.meta FROM passages p JOIN documents d ON d.row = p.doc_row WHERE p.row IN ({marks})"
            )
            for text, section, meta in db.execute(query, chunk):
                lengths.append(len(index_terms(bm25_text(meta_from_json(meta), text, section))) or 1)
    finally:
        db.close()
    return float(np.mean(lengths)) if lengths else 1.0
