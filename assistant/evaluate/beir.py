"""Retrieval-only benchmarks in BEIR's format, scored with ranx so numbers compare with published tables.

A BEIR folder holds ``corpus.jsonl`` (``_id``, ``title``, ``text``),
``queries.jsonl`` (``_id``, ``text``) and ``qrels/<split>.tsv``
(``query-id``, ``corpus-id``, ``score``, with a header line). The corpus is
indexed into a temporary folder with the current configuration, one passage
per document, and every query with a positive judgement is searched.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import DatasetError
from assistant.evaluate.configs import RunConfig
from assistant.evaluate.provenance import environment, file_sha256, index_record, set_seeds
from assistant.evaluate.qa_sets import MAX_LISTED, Problem
from assistant.evaluate.run import peak_rss_mb
from assistant.models import DocumentMeta, ParsedDocument, Passage, Span
from assistant.settings import Settings

METRICS = ("ndcg@10", "recall@100", "mrr@10")
DEPTH = 100  # documents retrieved per query (Recall@100)


@dataclass
class BeirSet:
    """A BEIR benchmark read from its folder."""

    folder: Path
    split: str
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]  # query id -> text, only queries with a positive judgement
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: relevance > 0}
    hashes: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _jsonl(path: Path, fields: tuple[str, ...], problems: list[Problem]) -> list[dict[str, Any]]:
    if not path.is_file():
        raise DatasetError(f"{path} is missing; a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/test.tsv")
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(Problem(n, f"{path.name}: not valid JSON ({exc.msg})"))
                continue
            if not isinstance(record, dict) or any(f not in record for f in fields):
                problems.append(Problem(n, f"{path.name}: expected an object with {', '.join(fields)}"))
                continue
            out.append({**record, "_line": n})
    return out


def load_beir(folder: Path, split: str = "test") -> BeirSet:
    """Read and check a BEIR folder; `DatasetError` listing every problem by file and line."""
    folder = Path(folder)
    problems: list[Problem] = []
    docs = _jsonl(folder / "corpus.jsonl", ("_id",), problems)
    queries = _jsonl(folder / "queries.jsonl", ("_id", "text"), problems)
    qrels_path = folder / "qrels" / f"{split}.tsv"
    if not qrels_path.is_file():
        raise DatasetError(f"{qrels_path} is missing; pass --split to choose another qrels file")
    corpus: dict[str, tuple[str, str]] = {}
    for d in docs:
        doc_id = str(d["_id"])
        if doc_id in corpus:
            problems.append(Problem(d["_line"], f"corpus.jsonl: duplicate _id {doc_id!r}"))
        corpus[doc_id] = (str(d.get("title") or ""), str(d.get("text") or ""))
    texts = {str(q["_id"]): str(q["text"]) for q in queries}
    qrels: dict[str, dict[str, int]] = {}
    ignored: list[str] = []
    with qrels_path.open(encoding="utf-8", newline="") as fh:
        for n, row in enumerate(csv.reader(fh, delimiter="\t"), start=1):
            if not row or (n == 1 and not row[-1].strip().lstrip("-").isdigit()):
                continue  # blank line or the header
            if len(row) != 3 or not row[2].strip().lstrip("-").isdigit():
                problems.append(Problem(n, f"qrels/{split}.tsv: expected query-id<TAB>corpus-id<TAB>integer score"))
                continue
            qid, did, score = row[0].strip(), row[1].strip(), int(row[2])
            if qid not in texts:
                problems.append(Problem(n, f"qrels/{split}.tsv: query {qid!r} is not in queries.jsonl"))
            elif did not in corpus:
                problems.append(Problem(n, f"qrels/{split}.tsv: document {did!r} is not in corpus.jsonl"))
            elif score > 0:
                qrels.setdefault(qid, {})[did] = score
    if problems:
        shown = "\n".join(f"  {p}" for p in problems[:MAX_LISTED])
        raise DatasetError(f"{folder}: {len(problems)} problem(s) in the BEIR files; nothing was run:\n{shown}")
    if not qrels:
        raise DatasetError(f"{qrels_path} judges no document relevant (score > 0); nothing to evaluate")
    judged_without_positive = sorted(set(texts) - set(qrels))
    if judged_without_positive:
        ignored.append(f"{len(judged_without_positive)} queries have no relevant document in this split and are not scored")
    hashes = {name: file_sha256(folder / name) for name in ("corpus.jsonl", "queries.jsonl")}
    hashes[f"qrels/{split}.tsv"] = file_sha256(qrels_path)
    return BeirSet(folder, split, corpus, {q: texts[q] for q in sorted(qrels)}, qrels, hashes, ignored)


def parsed_documents(beir: BeirSet) -> list[tuple[ParsedDocument, str]]:
    """One document with one passage per corpus entry (title and text together, as BEIR models read them)."""
    out = []
    for doc_id, (title, body) in beir.corpus.items():
        text = f"{title}\n{body}".strip() if title else body
        meta = DocumentMeta(doc_id=doc_id, source=f"corpus.jsonl#{doc_id}", title="", doc_type="document", corpus="beir")
        passage = Passage(f"{doc_id}#p1", doc_id, 0, "1", "paragraph", text, None, (Span(0, len(text)),))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        out.append((ParsedDocument(meta, (passage,), digest), text))
    return out


@dataclass
class BeirRun:
    """Scores of one configuration on a BEIR set."""

    config: RunConfig
    metrics: dict[str, float]
    per_query: dict[str, dict[str, float]]
    rankings: dict[str, list[str]]
    cost: dict[str, Any]


def evaluate_beir(
    beir: BeirSet,
    settings: Settings,
    configs: list[RunConfig],
    *,
    index_dir: Path | None = None,
    seed: int = 0,
    progress: bool = True,
    argv: list[str] | None = None,
) -> tuple[list[BeirRun], dict[str, Any]]:
    """Index the corpus (temporary folder unless ``index_dir``), search every query, score with ranx."""
    set_seeds(seed)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="beir-index-") as tmp:
        folder = index_dir or Path(tmp) / "index"
        beir_settings = settings.with_overrides(index_dir=folder, corpus_dir=beir.folder)
        runs, index = _index_and_search(beir, beir_settings, configs, progress)
    provenance = {
        "kind": "beir",
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 2),
        "beir": {
            "folder": str(beir.folder),
            "split": beir.split,
            "documents": len(beir.corpus),
            "queries": len(beir.queries),
            "sha256": beir.hashes,
            "notes": beir.ignored,
        },
        "index": index,
        "peak_rss_mb": peak_rss_mb(),
        **environment(seed, settings, argv),
    }
    return runs, provenance


def _index_and_search(
    beir: BeirSet, settings: Settings, configs: list[RunConfig], progress: bool
) -> tuple[list[BeirRun], dict[str, Any]]:
    from tqdm import tqdm

    from assistant.embed.registry import embedder_for
    from assistant.index.builder import ingest
    from assistant.index.store import IndexStore
    from assistant.retrieve.search import Searcher

    t0 = time.perf_counter()
    ingest(settings, documents=parsed_documents(beir), corpus_name="beir", progress=progress)
    index_seconds = time.perf_counter() - t0
    store = IndexStore(settings.index_dir)
    index = {**index_record(store), "build_seconds": round(index_seconds, 2)}
    searcher = Searcher(store, embedder_for(settings), settings)
    first = next(iter(beir.queries.values()))
    searcher.search(first, k=DEPTH)  # untimed: the first search pays for lazy loading
    runs = []
    bar = tqdm(total=len(beir.queries) * len(configs), desc="Searching", unit="query", disable=not progress)
    for config in configs:
        rankings: dict[str, list[str]] = {}
        latencies = []
        t1 = time.perf_counter()
        for qid, text in beir.queries.items():
            searcher.forget_queries()  # every query embedded afresh, under every configuration
            t = time.perf_counter()
            result = searcher.search(text, k=DEPTH, retriever=config.retriever, reranker=config.reranker)
            latencies.append((time.perf_counter() - t) * 1000)
            rankings[qid] = list(dict.fromkeys(h.passage.doc_id for h in result.hits))
            bar.update(1)
        from assistant.evaluate.metrics import mean, percentile

        cost = {
            "latency_p50_ms": percentile(latencies, 50),
            "latency_p95_ms": percentile(latencies, 95),
            "latency_mean_ms": mean(latencies),
            "total_seconds": round(time.perf_counter() - t1, 3),
            "peak_rss_mb": peak_rss_mb(),
        }
        means, per_query = ranx_scores(beir.qrels, rankings)
        runs.append(BeirRun(config, means, per_query, rankings, cost))
    bar.close()
    return runs, index


def ranx_scores(
    qrels: dict[str, dict[str, int]], rankings: dict[str, list[str]]
) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """nDCG@10, Recall@100 and MRR@10 with ranx: means and per query.

    Each ranking is given to ranx as scores ``n, n-1, ...`` so ranx keeps our order exactly (no tie-breaking by id).
    """
    import warnings

    from ranx import Qrels, Run, evaluate

    run_dict = {q: {d: float(len(docs) - i) for i, d in enumerate(docs)} for q, docs in rankings.items()}
    for q in qrels:
        run_dict.setdefault(q, {})
    run = Run(run_dict)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's type-safety notes on ranx's own kernels
        means = evaluate(Qrels(qrels), run, list(METRICS), make_comparable=True)
    per_query = {q: {m: float(run.scores[m][q]) for m in METRICS} for q in qrels}
    return {m: float(v) for m, v in dict(means).items()}, per_query
