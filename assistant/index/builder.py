"""Build or update the index from a corpus: parse, embed what is new, publish atomically."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.embed.base import Embedder
from assistant.embed.registry import embedder_for
from assistant.errors import AssistantError, IndexDamagedError
from assistant.index.backends import backend_factory, build_dense, read_descriptor
from assistant.index.leases import sweep
from assistant.index.lifecycle import checked_build, link_tree, new_build, read_pointer
from assistant.index.lock import writer_lock
from assistant.index.manifest import SCHEMA_VERSION, Manifest
from assistant.index.patch import patch_of, update_index
from assistant.index.report import IngestReport
from assistant.index.rows import PassageRows
from assistant.index.schema import INSERT_PASSAGE, create_database, meta_to_json
from assistant.index.vectors import CHECKPOINT_DIR, VectorCache, embed_texts, keys_array
from assistant.ingest.folders import scan_corpus
from assistant.models import ParsedDocument
from assistant.settings import Settings

EXACT_KINDS = ("Flat", "Milvus FLAT")  # what the backends call their exact index


Docs = list[tuple[ParsedDocument, str]]  # parsed documents with their source texts


@dataclass
class Previous:
    """The live build an update starts from, and what changed since it."""

    manifest: Manifest
    build: Path
    patch: Docs | None = None  # the documents to append, when the change is made as a patch
    reuse_vectors: bool = True  # same schema and model: its vectors serve the new build


def ingest(
    settings: Settings,
    documents: Iterable[tuple[ParsedDocument, str]] | None = None,
    *,
    force: bool = False,
    corpus_name: str = "seed",
    progress: bool = True,
    embedder: Embedder | None = None,
) -> IngestReport:
    """Bring the index in ``settings.index_dir`` up to date with the corpus.

    ``documents`` (parsed documents with their source texts) defaults to the
    files of ``settings.corpus_dir``. Unchanged texts are not embedded again;
    a changed model or schema forces a full rebuild and says so. What is done
    is one of: nothing (up to date), a dense-only re-index, a patch of the
    live build, or a full build; a damaged live build is rebuilt. It runs under
    the index's writer lock: a second writer waits, then stops saying who runs.
    """
    started = time.perf_counter()
    backend_factory(settings.vector_backend)  # an unknown name fails now, not after embedding everything
    report = IngestReport()
    docs = _documents(settings, documents, report)
    embedder = embedder or embedder_for(settings)  # loaded before the lock: the model takes seconds
    with writer_lock(settings.index_dir, settings.index_lock_wait_s, "ingest"):
        report = _ingest(settings, docs, embedder, report, force, corpus_name, progress)
    report.seconds = time.perf_counter() - started
    return report


def _ingest(
    settings: Settings, docs: Docs, embedder: Embedder, report: IngestReport, force: bool, corpus_name: str, progress: bool
) -> IngestReport:
    """`ingest` once the corpus is read and the writer lock held."""
    previous = _compare(settings, docs, embedder, report, force)
    changed = bool(report.added or report.removed or report.changed or force)
    if previous is not None and previous.reuse_vectors and report.rebuilt_reason and not changed:
        _reindex_dense(settings, previous.build, previous.manifest, report)
    elif previous is not None and not changed and not report.rebuilt_reason:
        report.up_to_date = True
        report.documents, report.passages, report.index_path = len(docs), previous.manifest.passages, str(previous.build)
        sweep(settings.index_dir, previous.build.name, settings.index_grace_s)  # builds retired since, now unused
    elif previous is not None and previous.patch is not None:
        problems = report.problems
        report = update_index(settings, previous.patch, report.removed, embedder=embedder, progress=progress)
        report.problems = problems
    else:
        _full_build(settings, docs, embedder, report, previous, corpus_name, progress)
    return report


def _documents(settings: Settings, documents: Iterable[tuple[ParsedDocument, str]] | None, report: IngestReport) -> Docs:
    """The documents to index, sorted by id: those given, or the corpus folder's (skipped files go to the report)."""
    if documents is None:
        scan = scan_corpus(settings.corpus_dir)
        report.problems = scan.problems
        docs = [(d, scan.texts[d.meta.doc_id]) for d in scan.documents]
    else:
        docs = list(documents)
    if not docs:
        raise AssistantError(
            f"no usable documents in {settings.corpus_dir}; add .txt, .md, .html or .pdf files"
            + (f" ({len(report.problems)} skipped: see above)" if report.problems else "")
        )
    docs.sort(key=lambda d: d[0].meta.doc_id)
    seen: set[str] = set()
    for doc, _ in docs:
        if doc.meta.doc_id in seen:
            raise AssistantError(f"two documents share the id {doc.meta.doc_id!r}; rename one of them")
        seen.add(doc.meta.doc_id)
    return docs


def _compare(settings: Settings, docs: Docs, embedder: Embedder, report: IngestReport, force: bool) -> Previous | None:
    """The live build, with the report's added / changed / removed lists and any reason to rebuild filled in."""
    found = _previous_manifest(settings.index_dir, report)
    new_hashes = {d.meta.doc_id: d.content_hash for d, _ in docs}
    if found is None:
        report.added = sorted(new_hashes)
        return None
    previous = Previous(*found)
    old = previous.manifest
    if old.schema_version != SCHEMA_VERSION:
        report.rebuilt_reason = f"index schema changed ({old.schema_version} -> {SCHEMA_VERSION})"
        previous.reuse_vectors = False
        return previous
    if (old.model_name, old.model_fingerprint) != (embedder.name, embedder.fingerprint):
        report.rebuilt_reason = f"embedding model changed ({old.model_name} -> {embedder.name})"
        previous.reuse_vectors = False
        return previous
    report.added = sorted(set(new_hashes) - set(old.documents))
    report.removed = sorted(set(old.documents) - set(new_hashes))
    report.changed = sorted(k for k in new_hashes if k in old.documents and old.documents[k] != new_hashes[k])
    dense_before = read_descriptor(previous.build)
    kind_before = str(dense_before.get("kind", old.faiss_type))
    exact_now = old.windows <= settings.exact_index_max_vectors
    # in both cases the vectors are reused: only the indexes are rebuilt
    if dense_before["backend"] != settings.vector_backend:
        report.rebuilt_reason = f"vector backend changed ({dense_before['backend']} -> {settings.vector_backend})"
    elif (kind_before in EXACT_KINDS) != exact_now:
        report.rebuilt_reason = f"dense index type changed ({kind_before} -> {'exact' if exact_now else 'approximate'})"
    if (report.added or report.removed or report.changed) and not (force or report.rebuilt_reason):
        previous.patch = patch_of(settings, old, previous.build, docs, set(report.added) | set(report.changed))
    return previous


def _full_build(
    settings: Settings,
    docs: Docs,
    embedder: Embedder,
    report: IngestReport,
    previous: Previous | None,
    corpus_name: str,
    progress: bool,
) -> None:
    """Write a whole new build, embedding only texts that neither the live build nor an interrupted run has."""
    cache = VectorCache(embedder.dimension)
    if previous is not None and previous.reuse_vectors:
        cache.load_build(previous.build)
    checkpoint = settings.index_dir / CHECKPOINT_DIR / embedder.fingerprint
    report.recovered = cache.load_checkpoints(checkpoint) if checkpoint.exists() else 0
    if report.recovered and progress:
        print(f"Resuming: {report.recovered:,} vectors recovered from an interrupted build.")
    with new_build(settings) as build:  # if it fails, the live index stays as it was; embedded batches stay in the checkpoint
        _write_build(build, docs, embedder, cache, settings, report, checkpoint, corpus_name, progress)
    shutil.rmtree(settings.index_dir / CHECKPOINT_DIR, ignore_errors=True)
    report.documents = len(docs)
    report.index_path = str(build)
    Manifest.read(build / "manifest.json")  # sanity: what was published can be read back


DENSE_FILES = ("dense.json", "dense.faiss", "milvus.db", "manifest.json")  # what a dense-only rebuild writes anew


def _reindex_dense(settings: Settings, old: Path, manifest: Manifest, report: IngestReport) -> None:
    """Only the dense index must change (another backend, or the exact threshold crossed): share the rest, re-index."""
    with new_build(settings) as build:
        for item in old.iterdir():
            if item.name not in DENSE_FILES:
                link_tree(item, build / item.name)
        vectors = np.load(build / "windows.npy", mmap_mode="r", allow_pickle=False)
        kind = build_dense(build, np.asarray(vectors), settings)
        replace(manifest, faiss_type=kind).write(build / "manifest.json")  # its build time stays
    report.documents, report.passages, report.index_path = len(manifest.documents), manifest.passages, str(build)
    report.dense_reindexed = kind


def _previous_manifest(index_dir: Path, report: IngestReport) -> tuple[Manifest, Path] | None:
    """The live build's manifest and folder; None without one, or when it is damaged (the report says so)."""
    try:
        name = read_pointer(index_dir)
        if name is None:
            return None
        build, manifest = checked_build(index_dir, name)
    except IndexDamagedError as exc:
        report.rebuilt_reason = f"the live index was damaged ({exc.reason})"
        return None
    return manifest, build


def _write_build(
    build: Path,
    docs: list[tuple[ParsedDocument, str]],
    embedder: Embedder,
    cache: VectorCache,
    settings: Settings,
    report: IngestReport,
    checkpoint: Path,
    corpus_name: str,
    progress: bool,
) -> None:
    started = time.perf_counter()
    db = create_database(build / "passages.sqlite")
    rows = PassageRows()
    for doc_row, (doc, text) in enumerate(docs):
        db.execute(
            "INSERT INTO documents (row, doc_id, content_hash, meta, text) VALUES (?, ?, ?, ?, ?)",
            (doc_row, doc.meta.doc_id, doc.content_hash, meta_to_json(doc.meta), text),
        )
        records = rows.add(doc, doc_row, embedder, settings)
        try:
            db.executemany(INSERT_PASSAGE, records)
        except sqlite3.IntegrityError as exc:
            raise AssistantError(f"{doc.meta.source}: two passages share an id ({exc}); check its paragraph numbers") from exc
    db.commit()
    db.close()
    row = report.passages = len(rows.passage_doc)
    passage_doc, window_texts, window_passage = rows.passage_doc, rows.window_texts, rows.window_passage
    sentence_texts, sentence_passage, sentence_spans = rows.sentence_texts, rows.sentence_passage, rows.sentence_spans
    lexical_docs = rows.terms

    window_vecs, window_keys = embed_texts(window_texts, embedder, cache, report, checkpoint, "windows", progress)
    if row <= settings.sentence_vectors_max_passages:
        sentence_vecs, sentence_keys = embed_texts(sentence_texts, embedder, cache, report, checkpoint, "sentences", progress)
    else:  # a large corpus: sentences of the few passages a question reaches are embedded then (rerank.SentenceVectors)
        sentence_vecs, sentence_keys = np.zeros((0, embedder.dimension), dtype=np.float32), keys_array([])
    np.save(build / "passage_doc.npy", np.asarray(passage_doc, dtype=np.int32))
    np.save(build / "windows.npy", window_vecs)
    np.save(build / "windows_keys.npy", window_keys)
    np.save(build / "window_passage.npy", np.asarray(window_passage, dtype=np.int32))
    np.save(build / "sentences.npy", sentence_vecs)
    np.save(build / "sentences_keys.npy", sentence_keys)
    np.save(build / "sentence_passage.npy", np.asarray(sentence_passage, dtype=np.int32))
    np.save(build / "sentence_spans.npy", np.asarray(sentence_spans, dtype=np.int32).reshape(-1, 2))

    faiss_type = build_dense(build, window_vecs, settings)  # the manifest field keeps its name: the dense index's kind
    _build_bm25(lexical_docs, build / "bm25")
    avg_terms = float(np.mean([len(d) or 1 for d in lexical_docs])) if lexical_docs else 1.0
    (build / "lexical.json").write_text(json.dumps({"avg_terms": avg_terms}), encoding="utf-8")
    Manifest(
        schema_version=SCHEMA_VERSION,
        model_name=embedder.name,
        model_fingerprint=embedder.fingerprint,
        dimension=embedder.dimension,
        documents={d.meta.doc_id: d.content_hash for d, _ in docs},
        passages=row,
        windows=len(window_texts),
        sentences=len(sentence_texts),
        faiss_type=faiss_type,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        build_seconds=round(time.perf_counter() - started, 2),
        corpus=corpus_name,
    ).write(build / "manifest.json")


def _build_bm25(lexical_docs: list[list[str]], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25()
    corpus_tokens = [doc or ["__empty__"] for doc in lexical_docs]
    retriever.index(corpus_tokens, show_progress=False)
    retriever.save(str(folder), show_progress=False)
