"""Build or update the index from a corpus: parse, embed what is new, publish atomically."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.documents import scan_corpus
from assistant.embed import Embedder, embedder_for
from assistant.errors import AssistantError, IndexMissingError, IndexStaleError
from assistant.lexical import index_terms
from assistant.models import DocumentMeta, ParsedDocument
from assistant.sentences import split_sentences
from assistant.settings import Settings
from assistant.store import (
    SCHEMA_VERSION,
    Manifest,
    create_database,
    discard,
    link_tree,
    live_build,
    meta_to_json,
    new_build_dir,
    publish,
)
from assistant.vector_backends import backend_factory, build_dense, discard_dense, publish_dense, read_descriptor
from assistant.windows import passage_windows

KEY_BYTES = 20  # sha1 digest: identifies a text to embed, so identical texts are embedded once
CHECKPOINT_DIR = ".embed-checkpoint"
CHECKPOINT_BATCH = 2048  # texts embedded and saved together; an interruption loses at most one batch
EXACT_KINDS = ("Flat", "Milvus FLAT")  # what the backends call their exact index


@dataclass
class IngestReport:
    """What an ingest run did."""

    documents: int = 0
    passages: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    problems: list[str] = field(default_factory=list)
    rebuilt_reason: str | None = None
    recovered: int = 0  # vectors taken from the checkpoints of an interrupted build
    dense_reindexed: str | None = None  # the new dense index kind when only it was rebuilt, from stored vectors
    up_to_date: bool = False
    patched: bool = False  # appended to the live build (assistant.patch) rather than rebuilt
    seconds: float = 0.0
    index_path: str = ""


def text_key(text: str) -> bytes:
    """The cache key of a text to embed."""
    return hashlib.sha1(text.encode("utf-8")).digest()


def bm25_text(m: DocumentMeta, passage_text: str, section: str | None) -> str:
    """What the lexical index sees of a passage: its text plus the document's identifying metadata.

    Metadata words let exact questions match: a symbol ("A/70/999"), a year, a type ("the report"),
    a speaker, an author ("written by"), the event an article reports on.
    """
    year = (m.date or "")[:4]
    parts = [passage_text, section or "", m.title, m.symbol or "", year, m.doc_type, m.speaker or "", m.place or ""]
    if m.author:
        parts.append(f"author written by {m.author}")
    if m.reports_on:
        parts.append(m.reports_on)
    parts += [str(v) for k, v in m.extra.items() if k in ("country", "country_code")]
    return " ".join(p for p in parts if p)


class VectorCache:
    """Vectors already computed, by text key: from the live build and from an interrupted run."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self.rows: dict[bytes, np.ndarray] = {}

    def load_build(self, build: Path, only: set[bytes] | None = None) -> None:
        """Take the vectors of a previous build (same model); with ``only``, just those keys."""
        for name in ("windows", "sentences"):
            keys_path = build / f"{name}_keys.npy"
            if not keys_path.exists():
                continue
            keys = np.load(keys_path, allow_pickle=False)
            vecs = np.load(build / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for i, key in enumerate(keys):
                k = key.tobytes()
                if only is None or k in only:
                    self.rows.setdefault(k, vecs[i])

    def load_checkpoints(self, folder: Path) -> int:
        """Take the batches saved by an interrupted run; return how many vectors were recovered."""
        n = 0
        for keys_path in sorted(folder.glob("batch-*.keys.npy")):
            vec_path = keys_path.with_name(keys_path.name.replace(".keys.npy", ".vecs.npy"))
            try:
                keys = np.load(keys_path, allow_pickle=False)
                vecs = np.load(vec_path, allow_pickle=False)
            except (OSError, ValueError):
                continue  # a batch cut short by the interruption
            if vecs.shape != (len(keys), self.dimension):
                continue
            for key, vec in zip(keys, vecs, strict=True):
                self.rows.setdefault(key.tobytes(), vec)
                n += 1
        return n


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
                    from assistant.patch import update_index

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

    build = new_build_dir(settings.index_dir)
    try:
        _write_build(build, docs, embedder, cache, settings, report, checkpoint, corpus_name, progress)
    except BaseException:
        discard_dense(build, settings)
        discard(build)  # the live index stays as it was; embedded batches stay in the checkpoint
        raise
    publish(settings.index_dir, build)
    publish_dense(build, settings)
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
    build = new_build_dir(settings.index_dir)
    try:
        for item in old.iterdir():
            if item.name not in DENSE_FILES:
                link_tree(item, build / item.name)
        vectors = np.load(build / "windows.npy", mmap_mode="r", allow_pickle=False)
        kind = build_dense(build, np.asarray(vectors), settings)
        Manifest(**{**manifest.__dict__, "faiss_type": kind}).write(build / "manifest.json")  # its build time stays
    except BaseException:
        discard_dense(build, settings)
        discard(build)
        raise
    publish(settings.index_dir, build)
    publish_dense(build, settings)
    report.documents, report.passages, report.index_path = len(manifest.documents), manifest.passages, str(build)
    report.dense_reindexed = kind
    report.seconds = time.perf_counter() - started
    return report


def _as_patch(
    settings: Settings, manifest: Manifest, build: Path, docs: list[tuple[ParsedDocument, str]], report: IngestReport
) -> list[tuple[ParsedDocument, str]] | None:
    """The documents to append when the change is best made as a patch (a large index, a small change), else None."""
    from assistant.patch import PATCH_SHARE, patched_share, supports_patch

    if manifest.passages < settings.patch_min_passages or not supports_patch(build, settings):
        return None
    wanted = set(report.added) | set(report.changed)
    add = [(d, t) for d, t in docs if d.meta.doc_id in wanted]
    if patched_share(build, manifest, sum(len(d.passages) for d, _ in add)) > PATCH_SHARE:
        return None  # a full build compacts what earlier patches appended and removed
    return add


def lexical_stats(build: Path) -> float | None:
    """The average passage length in terms that the full build's BM25 index used (None for older builds)."""
    path = build / "lexical.json"
    if not path.is_file():
        return None
    return float(json.loads(path.read_text(encoding="utf-8"))["avg_terms"])


def _previous_manifest(index_dir: Path) -> tuple[Manifest, Path] | None:
    try:
        build = live_build(index_dir)
        return Manifest.read(build / "manifest.json"), build
    except (IndexMissingError, IndexStaleError, OSError, KeyError, json.JSONDecodeError, TypeError):
        return None


@dataclass
class PassageRows:
    """What a build stores for a run of passages, row by row: database records, windows, sentences, terms."""

    first_row: int = 0
    passage_doc: list[int] = field(default_factory=list)
    window_texts: list[str] = field(default_factory=list)
    window_passage: list[int] = field(default_factory=list)
    sentence_texts: list[str] = field(default_factory=list)
    sentence_passage: list[int] = field(default_factory=list)
    sentence_spans: list[tuple[int, int]] = field(default_factory=list)
    terms: list[list[str]] = field(default_factory=list)  # what the lexical index sees of each passage

    def add(self, doc: ParsedDocument, doc_row: int, embedder: Embedder, settings: Settings) -> list[tuple[object, ...]]:
        """Take the passages of ``doc`` (document row ``doc_row``); return their ``passages`` table records."""
        records: list[tuple[object, ...]] = []
        for p in doc.passages:
            row = self.first_row + len(self.passage_doc)
            spans = json.dumps([[s.start, s.end] for s in p.spans])
            records.append((row, p.passage_id, doc_row, p.order, p.label, p.kind, p.text, p.section, spans))
            self.passage_doc.append(doc_row)
            for window in passage_windows(p.text, embedder.token_offsets, settings.window_tokens, settings.window_overlap):
                self.window_texts.append(window)
                self.window_passage.append(row)
            for s, e in split_sentences(p.text):
                self.sentence_texts.append(p.text[s:e])
                self.sentence_passage.append(row)
                self.sentence_spans.append((s, e))
            self.terms.append(index_terms(bm25_text(doc.meta, p.text, p.section)))
        return records


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


def embed_texts(
    texts: list[str],
    embedder: Embedder,
    cache: VectorCache,
    report: IngestReport,
    checkpoint: Path,
    what: str,
    progress: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectors for ``texts``: from the cache where known, else embedded once per distinct text."""
    keys = [text_key(t) for t in texts]
    todo: dict[bytes, str] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in cache.rows and key not in todo:
            todo[key] = text
    report.reused += len(texts) - len(todo)
    if todo:
        from tqdm import tqdm

        checkpoint.mkdir(parents=True, exist_ok=True)
        pending = list(todo.items())
        batch = CHECKPOINT_BATCH
        bar = tqdm(total=len(pending), desc=f"Embedding {what}", unit="text", disable=not progress)
        for lo in range(0, len(pending), batch):
            chunk = pending[lo : lo + batch]
            vecs = embedder.embed([t for _, t in chunk], progress=bar.update)
            chunk_keys = keys_array([k for k, _ in chunk])
            # named by its first text, not its position: a resumed run numbers its pending texts from 0 again
            stem = checkpoint / f"batch-{what}-{chunk_keys[0].tobytes().hex()}"
            np.save(f"{stem}.vecs.npy", vecs)
            np.save(f"{stem}.keys.npy", chunk_keys)  # keys last: a batch counts once both files are whole
            for (key, _), vec in zip(chunk, vecs, strict=True):
                cache.rows[key] = vec
        bar.close()
        report.embedded += len(todo)
    out = np.zeros((len(texts), cache.dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = cache.rows[key]
    return out, keys_array(keys)


def keys_array(keys: list[bytes]) -> np.ndarray:
    """Text keys as an ``(n, KEY_BYTES)`` uint8 array (NumPy's bytes dtype would drop trailing zero bytes)."""
    return np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), KEY_BYTES)


def _build_bm25(lexical_docs: list[list[str]], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25()
    corpus_tokens = [doc or ["__empty__"] for doc in lexical_docs]
    retriever.index(corpus_tokens, show_progress=False)
    retriever.save(str(folder), show_progress=False)
