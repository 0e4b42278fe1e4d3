"""Benchmarks: ingest throughput, index size, memory and query latency, beside the naive LangChain pipeline.

    python bench/run.py                         # seed corpus
    python bench/run.py --corpus ungdc-sample --limit 20
    python bench/run.py --tiny                  # a two-document smoke run (what the tests call)

Each size runs in its own process so that peak memory is its own. Results go to
``bench/results/<corpus>.json`` and a Markdown table in ``bench/results/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

QUESTIONS = [
    "Which two countries led a joint initiative on restraint in the use of the veto?",
    "How do violent extremists use social media?",
    "What should be the default first reaction to atrocity crimes?",
    "What did the Secretary-General say about refugees?",
    "How many resolutions of the Security Council refer to the protection of populations?",
    "What is the role of regional organizations in prevention?",
    "What did Brazil say about the responsibility to protect?",
    "How can the international community prevent genocide?",
    "What did the report say about early warning?",
    "Why is under-funding of peaceful tools a problem?",
]


def machine() -> dict[str, object]:
    """Cores and CPU model of this machine."""
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version(), "load_avg_1m": os.getloadavg()[0]}


def peak_mb() -> float:
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def documents(spec: str, limit: int | None, settings: object) -> list:
    """Parsed documents of a named corpus or folder."""
    from assistant.corpora import is_named, load_corpus
    from assistant.documents import scan_corpus

    if is_named(spec):
        return load_corpus(spec, settings, limit=limit).documents  # type: ignore[arg-type]
    scan = scan_corpus(Path(spec))
    return [(d, scan.texts[d.meta.doc_id]) for d in scan.documents]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run_ours(spec: str, limit: int | None, workdir: Path) -> dict[str, object]:
    """Ingest and query with the assistant; return the measurements."""
    from assistant.embed import embedder_for
    from assistant.ingest import ingest
    from assistant.pipeline import Assistant
    from assistant.settings import Settings

    settings = Settings().with_overrides(index_dir=workdir / "index", data_dir=ROOT / "data")
    t0 = time.perf_counter()
    embedder_for(settings)
    load_s = time.perf_counter() - t0
    docs = documents(spec, limit, settings)
    paragraphs = sum(sum(p.kind == "paragraph" for p in d.passages) for d, _ in docs)
    words = sum(len(p.text.split()) for d, _ in docs for p in d.passages)
    t1 = time.perf_counter()
    report = ingest(settings, docs, progress=False, corpus_name=spec)
    ingest_s = time.perf_counter() - t1
    assistant = Assistant(settings)
    retrieval, answers = [], []
    for q in QUESTIONS * 3:
        assistant.searcher.forget_queries()
        t = time.perf_counter()
        assistant.searcher.search(q)
        retrieval.append((time.perf_counter() - t) * 1000)
        assistant.searcher.forget_queries()  # the answer is timed from a cold question too
        t = time.perf_counter()
        assistant.ask(q)
        answers.append((time.perf_counter() - t) * 1000)
    return {
        "documents": len(docs),
        "passages": report.passages,
        "paragraphs": paragraphs,
        "words": words,
        "model_load_s": round(load_s, 2),
        "ingest_s": round(ingest_s, 2),
        "ingest_paragraphs_per_s": round(paragraphs / ingest_s, 1),
        "ingest_words_per_s": round(words / ingest_s, 1),
        "index_bytes": assistant.store.size_bytes(),
        "retrieval_ms_p50": round(statistics.median(retrieval), 1),
        "retrieval_ms_p95": round(percentile(retrieval, 95), 1),
        "answer_ms_p50": round(statistics.median(answers), 1),
        "answer_ms_p95": round(percentile(answers, 95), 1),
        "peak_memory_mb": round(peak_mb(), 1),
    }


def run_naive(spec: str, limit: int | None) -> dict[str, object]:
    """The naive LangChain pipeline on the same documents: 1000/200 character chunks, the same model, FAISS."""
    from langchain_community.embeddings import HuggingFaceEmbeddings
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embed import default_model_path
    from assistant.settings import Settings

    docs = documents(spec, limit, Settings().with_overrides(data_dir=ROOT / "data"))
    paragraphs = sum(sum(p.kind == "paragraph" for p in d.passages) for d, _ in docs)
    embeddings = HuggingFaceEmbeddings(model_name=str(default_model_path()), model_kwargs={"device": "cpu"})
    t0 = time.perf_counter()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        [Document(page_content=text, metadata={"source": d.meta.source}) for d, text in docs]
    )
    store = FAISS.from_documents(chunks, embeddings)
    ingest_s = time.perf_counter() - t0
    latencies = []
    for q in QUESTIONS * 3:
        t = time.perf_counter()
        store.similarity_search(q, k=5)
        latencies.append((time.perf_counter() - t) * 1000)
    return {
        "chunks": len(chunks),
        "paragraphs": paragraphs,
        "ingest_s": round(ingest_s, 2),
        "ingest_paragraphs_per_s": round(paragraphs / ingest_s, 1),
        "retrieval_ms_p50": round(statistics.median(latencies), 1),
        "retrieval_ms_p95": round(percentile(latencies, 95), 1),
        "peak_memory_mb": round(peak_mb(), 1),
    }


def child(args: argparse.Namespace) -> None:
    """Run one pipeline in this process and print its JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        result = run_ours(args.corpus, args.limit, Path(tmp)) if args.child == "ours" else run_naive(args.corpus, args.limit)
    print(json.dumps(result))


def write_table(results_dir: Path) -> None:
    """Markdown table of every result file."""
    rows = [
        "| corpus | paragraphs | ingest para/s (ours) | naive para/s | ratio | retrieval p50/p95 ms | answer p50/p95 ms | naive retrieval p50 ms | index MB | peak MB | command |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path in sorted(results_dir.glob("*.json")):
        r = json.loads(path.read_text())
        if "ours" not in r:
            continue
        o, n = r["ours"], r.get("naive") or {}
        ratio = f"{o['ingest_paragraphs_per_s'] / n['ingest_paragraphs_per_s']:.2f}x" if n else "–"
        rows.append(
            f"| {r['corpus']} | {o['paragraphs']:,} | {o['ingest_paragraphs_per_s']} | {n.get('ingest_paragraphs_per_s', '–')} | {ratio} "
            f"| {o['retrieval_ms_p50']} / {o['retrieval_ms_p95']} | {o['answer_ms_p50']} / {o['answer_ms_p95']} | {n.get('retrieval_ms_p50', '–')} "
            f"| {o['index_bytes'] / 1e6:.1f} | {o['peak_memory_mb']:.0f} | `{r['command']}` |"
        )
    header = "# Benchmark results\n\nWritten by `bench/run.py`; each row names the command that produced it. Machine details are in each JSON file.\n\n"
    (results_dir / "README.md").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")


def main() -> None:
    """Run the pipelines in subprocesses and write the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT / "corpus"), help="a folder or a corpus name (seed, ungdc-sample, ungdc)")
    parser.add_argument("--limit", type=int, help="ungdc: number of speeches")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive LangChain pipeline")
    parser.add_argument("--tiny", action="store_true", help="a two-document smoke run into a temporary folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.tiny:
        tmp = Path(tempfile.mkdtemp())
        for name in ("000_2da93208c23d15a9.txt", "001_3c0b70c9704cf0d2.txt"):
            shutil.copy(ROOT / "corpus" / name, tmp / name)
        args.corpus = str(tmp)
    command = "python bench/run.py " + " ".join(a for a in sys.argv[1:] if not a.startswith("--out"))
    base = [sys.executable, __file__, "--corpus", args.corpus] + (["--limit", str(args.limit)] if args.limit else [])
    result: dict[str, object] = {
        "corpus": "tiny" if args.tiny else Path(args.corpus).name if "/" in args.corpus else args.corpus,
        "command": command.strip(),
        "machine": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    result["ours"] = json.loads(
        subprocess.run([*base, "--child", "ours"], check=True, capture_output=True, text=True).stdout.splitlines()[-1]
    )
    if not args.no_naive:
        result["naive"] = json.loads(
            subprocess.run([*base, "--child", "naive"], check=True, capture_output=True, text=True).stdout.splitlines()[-1]
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{result['corpus']}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    write_table(args.out)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
