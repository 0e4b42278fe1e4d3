"""Benchmarks: ingest throughput, index size, memory, query latency and in-place updates, beside the naive LangChain pipeline.

    python bench/run.py                                     # seed corpus (ours and naive)
    python bench/run.py --corpus ungdc-sample               # ~50,000 General Debate paragraphs (ours and naive)
    python bench/run.py --corpus seed,ungdc --index data/index-full --no-naive   # the full corpus, index kept
    python bench/run.py --tiny                              # a two-document smoke run (what the tests call)

Each stage runs in its own process so that its peak memory is its own: ``ingest``
(our build), ``retrieval`` and ``answer`` (a fresh process that opens the index and
times distinct questions, each asked once, so no cache helps), ``update`` (remove one
document and add it back, in place) and ``naive`` (RecursiveCharacterTextSplitter(1000,
200) + the same model through HuggingFaceEmbeddings + FAISS.from_documents, top-5
similarity). With ``--index DIR`` the index is kept; a complete build of the same
corpus there is reused, and its ingest figures are read from its manifest
(``build_seconds``), or from the log of the ingest that built it (``--ingest-log``). Results go
to ``bench/results/<corpus>.json`` and the table in ``bench/results/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import assistant.settings  # noqa: E402, F401  (offline mode for every model library)
from assistant.evaluate.metrics import percentile  # noqa: E402
from bench.common import machine, peak_mb  # noqa: E402

SEED_QUESTIONS = [
    "Which two countries led a joint initiative on restraint in the use of the veto?",
    "How do violent extremists use social media?",
    "What should be the default first reaction to atrocity crimes?",
    "What did the Secretary-General say about refugees?",
    "How many resolutions of the Security Council refer to the protection of populations?",
    "What is the role of regional organizations in prevention?",
    "How can the international community prevent genocide?",
    "What did the report say about early warning?",
    "Why is under-funding of peaceful tools a problem?",
    "Who wrote the article about Rwanda?",
    "What is the responsibility to protect?",
    "What did the Secretary-General propose for the tenth anniversary of the World Summit?",
    "How should the Security Council respond to mass atrocities?",
    "What does the report A/70/999 recommend?",
    "What is the link between women's participation and peace?",
    "What did the Secretary-General say in his message on the International Day of Peace?",
    "Why do young people join violent extremist groups?",
    "What role do national human rights institutions play?",
    "How did the General Assembly debate of 2016 describe accountability?",
    "What are the pillars of the responsibility to protect?",
]
UNGDC_QUESTIONS = [
    "What did Brazil say about the responsibility to protect in 2005?",
    "Which countries called for reform of the Security Council veto?",
    "What did small island states say about rising sea levels?",
    "How did speakers describe the end of the Cold War?",
    "What was said about apartheid in South Africa?",
    "What did India say about nuclear disarmament?",
    "How did countries respond to the attacks of 11 September 2001?",
    "What did African states say about debt relief?",
    "What did speakers say about the Millennium Development Goals?",
    "How was the COVID-19 pandemic described in the General Debate?",
    "What did Japan say about official development assistance?",
    "What was said about the decolonization of Namibia?",
    "What did Latin American countries say about drug trafficking?",
    "How did the Nordic countries describe peacekeeping?",
    "What did speakers say about the Paris Agreement on climate change?",
    "What was said about the Iran-Iraq war?",
    "What did Germany say about reunification?",
    "What did speakers say about terrorism in the 1970s?",
    "How did countries describe the Syrian refugee crisis?",
    "What did China say about the principle of non-interference?",
]


def documents(spec: str, limit: int | None) -> list[Any]:
    """Parsed documents of a named corpus or folder."""
    from assistant.ingest.corpora import is_named, load_corpus
    from assistant.ingest.folders import scan_corpus
    from assistant.settings import Settings

    if is_named(spec):
        return load_corpus(spec, Settings().with_overrides(data_dir=ROOT / "data"), limit=limit).documents
    scan = scan_corpus(Path(spec))
    return [(d, scan.texts[d.meta.doc_id]) for d in scan.documents]


def settings_for(index_dir: Path) -> Any:
    from assistant.settings import Settings

    return Settings().with_overrides(index_dir=index_dir, data_dir=ROOT / "data")


def questions_for(spec: str) -> list[str]:
    """Distinct questions that suit the corpus (both lists when it holds both kinds)."""
    if "ungdc" in spec:
        return UNGDC_QUESTIONS + (SEED_QUESTIONS if "seed" in spec else [])
    return SEED_QUESTIONS


# ---------------------------------------------------------------- stages (each in its own process)


def logged_ingest_seconds(log: Path) -> tuple[float, str, bool]:
    """The last ``Indexed ... in X s`` line of a ``python -m assistant ingest`` log: its seconds, the line, and
    whether that run resumed an interrupted build (it says how many vectors came from one: then the seconds cover
    only its last sitting)."""
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.startswith("Indexed ")]
    if not lines:
        raise SystemExit(f"{log}: no 'Indexed ... in X s' line; is it the log of a finished ingest?")
    found = re.search(r" in ([0-9.]+) s ", lines[-1])
    if found is None:
        raise SystemExit(f"{log}: cannot read the seconds in {lines[-1]!r}")
    return float(found.group(1)), lines[-1], "from an interrupted build" in lines[-1]


def stage_ingest(spec: str, limit: int | None, index_dir: Path, ingest_log: Path | None = None) -> dict[str, Any]:
    """Build the index (or reuse a complete build of the same corpus in a kept folder)."""
    from assistant.embed.registry import embedder_for
    from assistant.index.builder import ingest
    from assistant.index.store import IndexStore

    settings = settings_for(index_dir)
    t0 = time.perf_counter()
    embedder_for(settings)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    docs = documents(spec, limit)
    parse_s = time.perf_counter() - t0
    paragraphs = sum(sum(p.kind == "paragraph" for p in d.passages) for d, _ in docs)
    words = sum(len(p.text.split()) for d, _ in docs for p in d.passages)
    t1 = time.perf_counter()
    report = ingest(settings, docs, progress=False, corpus_name=spec)
    ingest_s = time.perf_counter() - t1
    store = IndexStore(index_dir)
    from_manifest = report.up_to_date
    logged = None
    resumed = False
    if from_manifest and ingest_log is not None:  # built outside the bench; its own log says how long it took
        ingest_s, logged, resumed = logged_ingest_seconds(ingest_log)
    elif from_manifest:
        ingest_s = store.manifest.build_seconds
    return {
        "ingest_log_line": logged,
        "documents": len(docs),
        "passages": store.manifest.passages,
        "windows": store.manifest.windows,
        "paragraphs": paragraphs,
        "words": words,
        "model_load_s": round(load_s, 2),
        "parse_s": round(parse_s, 2),
        "ingest_s": round(ingest_s, 2),
        "ingest_from_manifest": from_manifest,
        "built_at": store.manifest.built_at,
        "embedded": report.embedded,
        "ingest_resumed": resumed,
        "ingest_paragraphs_per_s": None if resumed else round(paragraphs / ingest_s, 1),
        "ingest_words_per_s": None if resumed else round(words / ingest_s, 1),
        "index_bytes": store.size_bytes(),
        "dense_index": store.manifest.faiss_type,
        "ingest_peak_memory_mb": round(peak_mb(), 1),
    }


def stage_retrieval(spec: str, index_dir: Path) -> dict[str, Any]:
    """Open the index and time retrieval (hybrid + rerank) for distinct questions; dense recall against exact search."""
    import faiss
    import numpy as np

    from assistant.pipeline import Assistant

    t0 = time.perf_counter()
    assistant = Assistant(settings_for(index_dir))
    searcher = assistant.searcher
    searcher.search("warm-up: open the indexes")
    open_s = time.perf_counter() - t0
    timings, parts = [], []
    for q in questions_for(spec):
        t = time.perf_counter()
        result = searcher.search(q)
        timings.append((time.perf_counter() - t) * 1000)
        parts.append(result.timings_ms)
    serving_peak = peak_mb()  # before the exact search below reads every vector into memory
    store = assistant.store
    recall = []
    vectors = np.asarray(store.window_vectors, dtype=np.float32)
    for q in questions_for(spec):
        vec = searcher.embed_query(q)
        _, exact = faiss.knn(vec.reshape(1, -1), vectors, 10, metric=faiss.METRIC_INNER_PRODUCT)
        _, found = store.dense.search(vec, 10)
        recall.append(len(set(exact[0]) & set(int(r) for r in found)) / 10)
    del vectors
    return {
        "questions": len(timings),
        "open_s": round(open_s, 2),
        "retrieval_ms_p50": round(statistics.median(timings), 1),
        "retrieval_ms_p95": round(percentile(timings, 95) or 0.0, 1),
        "retrieval_parts_ms_p50": {k: round(statistics.median(p[k] for p in parts), 1) for k in parts[0]},
        "dense_recall_at_10": round(float(np.mean(recall)), 4),
        "serving_peak_memory_mb": round(serving_peak, 1),
    }


def stage_answer(spec: str, index_dir: Path) -> dict[str, Any]:
    """Open the index and time extractive answers for distinct questions (retrieval included)."""
    from assistant.pipeline import Assistant

    assistant = Assistant(settings_for(index_dir))
    assistant.ask("warm-up: open the indexes")
    timings, abstained = [], 0
    for q in questions_for(spec):
        t = time.perf_counter()
        answer = assistant.ask(q)
        timings.append((time.perf_counter() - t) * 1000)
        abstained += answer.abstained
    return {
        "answer_ms_p50": round(statistics.median(timings), 1),
        "answer_ms_p95": round(percentile(timings, 95) or 0.0, 1),
        "abstained": abstained,
        "serving_peak_memory_mb": round(peak_mb(), 1),
    }


def stage_update(spec: str, index_dir: Path) -> dict[str, Any]:
    """Remove the index's last document in place, then add it back; time both (model already loaded)."""
    from assistant.embed.registry import embedder_for
    from assistant.index.patch import update_index
    from assistant.index.store import IndexStore

    settings = settings_for(index_dir).with_overrides(patch_min_passages=0)
    embedder_for(settings)
    store = IndexStore(index_dir)
    doc_id = store.documents[-1].doc_id
    passages = store.document_passages(doc_id)
    docs = [d for d in documents(spec, None) if d[0].meta.doc_id == doc_id] if "ungdc" not in spec else []
    if not docs:  # a General Debate speech: read it from the archive by name
        from assistant.ingest.ungdc.archive import extract_ungdc, speech_files
        from assistant.ingest.ungdc.speeches import read_speech_file

        root = extract_ungdc(settings.ungdc_archive, settings.data_dir / "ungdc")
        path = next(s.path for s in speech_files(root) if s.doc_id == doc_id)
        docs = [read_speech_file(path, root)]
    t = time.perf_counter()
    update_index(settings, remove=[doc_id])
    remove_s = time.perf_counter() - t
    t = time.perf_counter()
    report = update_index(settings, add=docs)
    add_s = time.perf_counter() - t
    return {
        "document": doc_id,
        "passages": len(passages),
        "remove_s": round(remove_s, 2),
        "add_s": round(add_s, 2),
        "add_embedded": report.embedded,
    }


def stage_naive(spec: str, limit: int | None) -> dict[str, Any]:
    """The naive LangChain pipeline on the same documents: 1000/200 character chunks, the same model, FAISS."""
    from langchain_community.embeddings import HuggingFaceEmbeddings
    from langchain_community.vectorstores import FAISS
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from assistant.embed.base import default_model_path

    docs = documents(spec, limit)
    paragraphs = sum(sum(p.kind == "paragraph" for p in d.passages) for d, _ in docs)
    embeddings = HuggingFaceEmbeddings(model_name=str(default_model_path()), model_kwargs={"device": "cpu"})
    t0 = time.perf_counter()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_documents(
        [Document(page_content=text, metadata={"source": d.meta.source}) for d, text in docs]
    )
    store = FAISS.from_documents(chunks, embeddings)
    ingest_s = time.perf_counter() - t0
    latencies = []
    for q in questions_for(spec):
        t = time.perf_counter()
        store.similarity_search(q, k=5)
        latencies.append((time.perf_counter() - t) * 1000)
    return {
        "chunks": len(chunks),
        "paragraphs": paragraphs,
        "ingest_s": round(ingest_s, 2),
        "ingest_paragraphs_per_s": round(paragraphs / ingest_s, 1),
        "retrieval_ms_p50": round(statistics.median(latencies), 1),
        "retrieval_ms_p95": round(percentile(latencies, 95) or 0.0, 1),
        "peak_memory_mb": round(peak_mb(), 1),
    }


STAGES = ("ingest", "retrieval", "answer", "update", "naive")


def child(args: argparse.Namespace) -> None:
    """Run one stage in this process and print its JSON."""
    index = Path(args.index) if args.index else None
    if args.child == "naive":
        result = stage_naive(args.corpus, args.limit)
    elif args.child == "ingest":
        result = stage_ingest(args.corpus, args.limit, index, args.ingest_log)  # type: ignore[arg-type]
    else:
        result = {"retrieval": stage_retrieval, "answer": stage_answer, "update": stage_update}[args.child](args.corpus, index)
    print(json.dumps(result))


# ---------------------------------------------------------------- report


def write_table(results_dir: Path) -> None:
    """Markdown table of every result file."""
    rows = [
        "| corpus | paragraphs | ingest para/s (ours) | naive para/s | ratio | retrieval p50/p95 ms | answer p50/p95 ms "
        "| naive retrieval p50 ms | dense index | recall@10 | index MB | serving peak MB | remove / add one document (s) | load avg | command |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes: list[str] = []
    for path in sorted(results_dir.glob("*.json")):
        r = json.loads(path.read_text())
        if "ours" not in r:
            continue
        o, n = r["ours"], r.get("naive") or {}
        if r.get("note"):
            notes.append(f"* {r['corpus']}: {r['note']}")
        ratio = (
            f"{o['ingest_paragraphs_per_s'] / n['ingest_paragraphs_per_s']:.2f}x" if n and o["ingest_paragraphs_per_s"] else "–"
        )
        update = f"{o['remove_s']} / {o['add_s']}" if "remove_s" in o else "–"
        rows.append(
            f"| {r['corpus']} | {o['paragraphs']:,} | {o['ingest_paragraphs_per_s'] or 'resumed build'} | {n.get('ingest_paragraphs_per_s', '–')} | {ratio} "
            f"| {o['retrieval_ms_p50']} / {o['retrieval_ms_p95']} | {o['answer_ms_p50']} / {o['answer_ms_p95']} "
            f"| {n.get('retrieval_ms_p50', '–')} | {o.get('dense_index', '–')} | {o.get('dense_recall_at_10', '–')} "
            f"| {o['index_bytes'] / 1e6:.1f} | {o.get('serving_peak_memory_mb', o.get('peak_memory_mb', 0)):.0f} | {update} "
            f"| {r['machine'].get('load_avg_1m', '–')} | `{r['command']}` |"
        )
    header = (
        "# Benchmark results\n\nWritten by `bench/run.py`; each row names the command that produced it. Machine details "
        "(cores, CPU model, load average at the start) are in each JSON file; a load average above the core count means "
        "other work shared the machine and the wall-clock numbers are pessimistic.\n\n"
    )
    footer = "\n\nNotes:\n\n" + "\n".join(notes) + "\n" if notes else "\n"
    (results_dir / "README.md").write_text(header + "\n".join(rows) + footer, encoding="utf-8")


def run_stage(base: list[str], stage: str) -> dict[str, Any]:
    out = subprocess.run([*base, "--child", stage], check=False, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"bench stage {stage} failed (exit {out.returncode})")
    result: dict[str, Any] = json.loads(out.stdout.splitlines()[-1])
    return result


def _shown_arguments(argv: list[str]) -> list[str]:
    """The command line as a result records it: without ``--out``, and ``--note``'s text (kept apart) shortened."""
    shown: list[str] = []
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--out" or a.startswith("--out="):
            skip = a == "--out"
        elif a == "--note" or a.startswith("--note="):
            shown.append('--note "…"')
            skip = a == "--note"
        else:
            shown.append(a)
    return shown


def main() -> None:
    """Run the stages in subprocesses and write the results."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--corpus", default=str(ROOT / "corpus"), help="a folder or a corpus name (seed, ungdc-sample, ungdc; comma list)"
    )
    parser.add_argument("--limit", type=int, help="ungdc: number of speeches")
    parser.add_argument("--index", help="keep the index in this folder (reused when it already holds this corpus)")
    parser.add_argument(
        "--ingest-log", type=Path, help="with --index: the log of the `python -m assistant ingest` that built it (its time)"
    )
    parser.add_argument("--no-naive", action="store_true", help="skip the naive LangChain pipeline")
    parser.add_argument("--note", help="a remark kept with the result and printed under the table (how the index was built)")
    parser.add_argument("--no-update", action="store_true", help="skip the in-place remove/add timing")
    parser.add_argument("--tiny", action="store_true", help="a two-document smoke run into a temporary folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--child", choices=STAGES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.tiny:
        tmp = Path(tempfile.mkdtemp())
        for name in ("000_2da93208c23d15a9.txt", "001_3c0b70c9704cf0d2.txt"):
            shutil.copy(ROOT / "corpus" / name, tmp / name)
        args.corpus = str(tmp)
    shown = _shown_arguments(sys.argv[1:])
    command = "python bench/run.py " + " ".join(shown)
    work = None if args.index else Path(tempfile.mkdtemp())
    index = Path(args.index).resolve() if args.index else work / "index"  # type: ignore[operator]
    base = [sys.executable, __file__, "--corpus", args.corpus, "--index", str(index)]
    base += ["--limit", str(args.limit)] if args.limit else []
    base += ["--ingest-log", str(args.ingest_log.resolve())] if args.ingest_log else []
    result: dict[str, Any] = {
        "corpus": "tiny" if args.tiny else Path(args.corpus).name if "/" in args.corpus else args.corpus,
        "command": command.strip(),
        "machine": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if args.note:
        result["note"] = args.note
    try:
        ours = run_stage(base, "ingest")
        retrieval, answer = run_stage(base, "retrieval"), run_stage(base, "answer")
        ours.update(retrieval)
        ours.update(answer)
        ours["serving_peak_memory_mb"] = max(retrieval["serving_peak_memory_mb"], answer["serving_peak_memory_mb"])
        if not args.no_update:
            update = run_stage(base, "update")
            ours.update({k: update[k] for k in ("remove_s", "add_s")}, update_document=update["document"])
        result["ours"] = ours
        if not args.no_naive:
            result["naive"] = run_stage(base, "naive")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    result["machine"]["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{result['corpus'].replace(',', '+')}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    write_table(args.out)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
