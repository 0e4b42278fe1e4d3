"""Build or update the index from a corpus: parse, embed what is new, publish atomically."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.embed.base import Embedder
from assistant.embed.registry import embedder_for
from assistant.embed.windows import passage_windows
from assistant.errors import AssistantError, IndexMissingError, IndexStaleError
from assistant.index.backends import backend_factory, build_dense, discard_dense, publish_dense, read_descriptor
from assistant.index.lifecycle import link_tree, live_build, new_build
from assistant.index.report import IngestReport
from assistant.index.rows import PassageRows
from assistant.index.vectors import CHECKPOINT_DIR, VectorCache, embed_texts, keys_array
from assistant.index.manifest import Manifest, SCHEMA_VERSION
from assistant.index.schema import create_database, meta_to_json
from assistant.ingest.folders import scan_corpus
from assistant.models import DocumentMeta, ParsedDocument
from assistant.settings import Settings
from assistant.text.lexical import index_terms
from assistant.text.sentences import split_sentences

EXACT_KINDS = ("Flat", "Milvus FLAT")  # what the backends call their exact index


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
    a changed model or schema forces a full rebuild and says so.
    """
    started = time.perf_counter()
    backend_factory(settings.vector_backend)  # an unknown name fails now, not after embedding everything
    report = IngestReport()
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

    embedder = embedder or embedder_for(settings)
    cache = VectorCache(embedder.dimension)
    previous = _previous_manifest(settings.index_dir)
    new_hashes = {d.meta.doc_id: d.content_hash for d, _ in docs}
    if previous is not None:
        old_manifest, old_build = previous
        if old_manifest.schema_version != SCHEMA_VERSION:
            report.rebuilt_reason = f"index schema changed ({old_manifest.schema_version} -> {SCHEMA_VERSION})"
        elif (old_manifest.model_name, old_manifest.model_fingerprint) != (embedder.name, embedder.fingerprint):
            report.rebuilt_reason = f"embedding model changed ({old_manifest.model_name} -> {embedder.name})"
        else:
            report.added = sorted(set(new_hashes) - set(old_manifest.documents))
            report.removed = sorted(set(old_manifest.documents) - set(new_hashes))
            report.changed = sorted(
                k for k in new_hashes if k in old_manifest.documents and old_manifest.documents[k] != new_hashes[k]
            )
            dense_before = read_descriptor(old_build)
            backend_before = dense_before["backend"]
            kind_before = str(dense_before.get("kind", old_manifest.faiss_type))
            exact_before = kind_before in EXACT_KINDS
            exact_now = old_manifest.windows <= settings.exact_index_max_vectors
            # in both cases the vectors are reused: only the indexes are rebuilt
            if backend_before != settings.vector_backend:
                report.rebuilt_reason = f"vector backend changed ({backend_before} -> {settings.vector_backend})"
            elif exact_before != exact_now:
                report.rebuilt_reason = f"dense index type changed ({kind_before} -> {'exact' if exact_now else 'approximate'})"
            if report.rebuilt_reason and not (report.added or report.removed or report.changed or force):
                return _reindex_dense(settings, old_build, old_manifest, report, started)
            if not (report.added or report.removed or report.changed or force or report.rebuilt_reason):
                report.up_to_date = True
                report.documents, report.passages = len(docs), old_manifest.passages
                report.index_path = str(old_build)
                report.seconds = time.perf_counter() - started
                return report
            if not (force or report.rebuilt_reason):
                patch = _as_patch(settings, old_manifest, old_build, docs, report)
                if patch is not None:
                    from assistant.index.patch import update_index

                    patched = update_index(settings, patch, report.removed, embedder=embedder, progress=progress)
                    patched.problems = report.problems
                    patched.seconds = time.perf_counter() - started
                    return patched
            cache.load_build(old_build)
    else:
        report.added = sorted(new_hashes)
    checkpoint = settings.index_dir / CHECKPOINT_DIR / embedder.fingerprint
    recovered = cache.load_checkpoints(checkpoint) if checkpoint.exists() else 0
    report.recovered = recovered
    if recovered and progress:
        print(f"Resuming: {recovered:,} vectors recovered from an interrupted build.")

    with new_build(settings) as build:  # if it fails, the live index stays as it was; embedded batches stay in the checkpoint
        _write_build(build, docs, embedder, cache, settings, report, checkpoint, corpus_name, progress)
    import shutil

    shutil.rmtree(settings.index_dir / CHECKPOINT_DIR, ignore_errors=True)
    report.documents = len(docs)
    report.index_path = str(build)
    report.seconds = time.perf_counter() - started
    Manifest.read(build / "manifest.json")  # sanity: what was published can be read back
    return report


DENSE_FILES = ("dense.json", "dense.faiss", "milvus.db", "manifest.json")  # what a dense-only rebuild writes anew


def _reindex_dense(settings: Settings, old: Path, manifest: Manifest, report: IngestReport, started: float) -> IngestReport:
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
    report.seconds = time.perf_counter() - started
    return report


def _as_patch(
    settings: Settings, manifest: Manifest, build: Path, docs: list[tuple[ParsedDocument, str]], report: IngestReport
) -> list[tuple[ParsedDocument, str]] | None:
    """The documents to append when the change is best made as a patch (a large index, a small change), else None."""
    from assistant.index.patch import PATCH_SHARE, patched_share, supports_patch

    if manifest.passages < settings.patch_min_passages or not supports_patch(build, settings):
        return None
    wanted = set(report.added) | set(report.changed)
    add = [(d, t) for d, t in docs if d.meta.doc_id in wanted]
    if patched_share(build, manifest, sum(len(d.passages) for d, _ in add)) > PATCH_SHARE:
        return None  # a full build compacts what earlier patches appended and removed
    return add


def _previous_manifest(index_dir: Path) -> tuple[Manifest, Path] | None:
    try:
        build = live_build(index_dir)
        return Manifest.read(build / "manifest.json"), build
    except (IndexMissingError, IndexStaleError, OSError, KeyError, json.JSONDecodeError, TypeError):
        return None


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
            db.executemany("INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", records)
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
