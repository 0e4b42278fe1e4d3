"""Benchmark the vector backends: build time, search latency and HNSW recall, FAISS beside Milvus (milvus-lite).

    .venv/bin/python bench/backends.py [--sizes 20000 100000] [--queries 200] [--out bench/results]

Two parts. ``seed``: the seed corpus is indexed once (embedding it), then a
copy is re-indexed with each backend (vectors reused), and every dev-set
question is asked through `Assistant.ask`. ``synthetic``: random unit vectors of the model's
dimension (384), indexed exact (Flat) and approximate (HNSW) by each backend
and searched for the top 100 windows (what `dense_ranking` asks for), without
and with a filter allowing 10% of the rows in runs of 50 (whole documents, as
a date filter allows); recall@10 is against exact search. Random vectors are
the hard case for HNSW: real embeddings cluster, and recall on them is higher.
Writes ``backends.json`` and ``backends.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np

import assistant.settings  # noqa: F401  (offline mode for every model library)
from assistant.evaluate.metrics import percentile
from assistant.index.backends import BACKENDS, backend_factory
from assistant.index.builder import ingest
from assistant.pipeline import Assistant
from assistant.settings import DEV_QA, PROJECT_ROOT, Settings, load_settings

DIMENSION = 384
FILTER_RUN = 50


def ms(seconds: list[float]) -> dict[str, float]:
    """Median and 95th percentile, in milliseconds."""
    return {
        "p50_ms": round((percentile(seconds, 50) or 0.0) * 1000, 2),
        "p95_ms": round((percentile(seconds, 95) or 0.0) * 1000, 2),
    }


def seed(settings: Settings, work: Path) -> list[dict[str, Any]]:
    """Each backend over a copy of the seed index: re-index time, open time, `ask` latency over the dev set."""
    questions = [json.loads(line)["question"] for line in DEV_QA.read_text(encoding="utf-8").splitlines() if line.strip()]
    embedded = settings.with_overrides(index_dir=work / "seed" / "index", corpus_dir=PROJECT_ROOT / "corpus")
    ingest(embedded, progress=False)  # embeds the corpus and loads the model, so the timings below are warm
    rows = []
    for name in sorted(BACKENDS):
        index_dir = work / f"seed-{name}" / "index"
        shutil.copytree(embedded.index_dir, index_dir)
        backend_settings = settings.with_overrides(index_dir=index_dir, vector_backend=name)
        started = time.perf_counter()
        report = ingest(backend_settings, progress=False, force=True)
        reindex = time.perf_counter() - started
        started = time.perf_counter()
        assistant = Assistant(backend_settings)
        opened = time.perf_counter() - started
        times = []
        for q in questions:
            started = time.perf_counter()
            assistant.ask(q)
            times.append(time.perf_counter() - started)
        rows.append(
            {
                "backend": name,
                "kind": assistant.store.manifest.faiss_type,
                "windows": assistant.store.manifest.windows,
                "reindex_s": round(reindex, 2),
                "embedded": report.embedded,
                "open_s": round(opened, 2),
                "questions": len(questions),
                "ask": ms(times),
            }
        )
        del assistant
    return rows


def unit_vectors(n: int, seed: int) -> np.ndarray:
    """``n`` random unit vectors of the model's dimension."""
    vectors = np.random.default_rng(seed).normal(size=(n, DIMENSION)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def synthetic(sizes: list[int], n_queries: int, work: Path) -> list[dict[str, Any]]:
    """Build, search and recall@10 for each size, backend and index type."""
    rows = []
    for n in sizes:
        vectors, queries = unit_vectors(n, seed=1), unit_vectors(n_queries, seed=2)
        exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10]
        blocks = np.random.default_rng(3).choice(n // FILTER_RUN, max(1, n // FILTER_RUN // 10), replace=False)
        allowed = np.sort(np.concatenate([np.arange(b * FILTER_RUN, (b + 1) * FILTER_RUN) for b in blocks]))
        for name in sorted(BACKENDS):
            for exact_max in (n, 0):  # exact, then HNSW
                build = work / f"build-20260101T000000-{len(rows):06x}"
                build.mkdir()
                settings = Settings(exact_index_max_vectors=exact_max)
                started = time.perf_counter()
                record = backend_factory(name)(build, settings, {}).build(vectors)
                built = time.perf_counter() - started
                index = backend_factory(name)(build, settings, record)
                index.search(queries[0], 100)  # opens the index / connection
                plain, filtered, found = [], [], []
                for q in queries:
                    started = time.perf_counter()
                    _, top = index.search(q, 100)
                    plain.append(time.perf_counter() - started)
                    found.append(set(top[:10].tolist()))
                    started = time.perf_counter()
                    index.search(q, 100, allowed)
                    filtered.append(time.perf_counter() - started)
                recall = float(np.mean([len(f & set(e.tolist())) / 10 for f, e in zip(found, exact, strict=True)]))
                rows.append(
                    {
                        "vectors": n,
                        "backend": name,
                        "kind": record["kind"],
                        "build_s": round(built, 2),
                        "search": ms(plain),
                        "search_filtered": ms(filtered),
                        "recall_at_10": round(recall, 3),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
                close = getattr(index, "close", None)
                if close:
                    close()
                shutil.rmtree(build, ignore_errors=True)
    return rows


def markdown(result: dict[str, Any]) -> str:
    """The tables of docs/deploy.md."""
    lines = ["| backend | index | windows | re-index (s) | open (s) | `ask` p50 / p95 (ms) |", "|---|---|---|---|---|---|"]
    for r in result["seed"]:
        lines.append(
            f"| {r['backend']} | {r['kind']} | {r['windows']} | {r['reindex_s']} | {r['open_s']} | "
            f"{r['ask']['p50_ms']:.0f} / {r['ask']['p95_ms']:.0f} |"
        )
    lines += [
        "",
        "| vectors | backend | index | build (s) | top-100 p50 / p95 (ms) | filtered p50 / p95 (ms) | recall@10 |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in result["synthetic"]:
        lines.append(
            f"| {r['vectors']:,} | {r['backend']} | {r['kind']} | {r['build_s']} | "
            f"{r['search']['p50_ms']} / {r['search']['p95_ms']} | "
            f"{r['search_filtered']['p50_ms']} / {r['search_filtered']['p95_ms']} | {r['recall_at_10']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run both parts and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results")
    args = parser.parse_args()
    settings = load_settings()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        result = {
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "seed": seed(settings, work) if DEV_QA.is_file() else [],
            "synthetic": synthetic(args.sizes, args.queries, work),
        }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "backends.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    table = markdown(result)
    (args.out / "backends.md").write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
