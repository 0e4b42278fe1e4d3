"""Benchmark the embedders: agreement with the torch model and paragraphs per second.

    .venv/bin/python bench/embedding.py [--speeches 60] [--agreement 1000] [--speed 128] [--rounds 3] [--out bench/results]

Agreement: every seed-corpus paragraph (``corpus/*.txt`` split on blank lines) and a
seeded sample of UN General Debate paragraphs are embedded by the torch fp32 model
(the reference) and by each ONNX variant; the cosine of each pair is reported (min,
mean, share below 0.99, by length in word pieces). Speed: paragraphs of 150-200 words
from the same speeches, embedded by each embedder in turn, in ``--rounds`` interleaved
rounds (length-sorted batches of ``batch_size`` in all of them); the median round is
reported, both per wall-clock second and per second of this process's CPU time (the
latter moves less when other work shares the cores). Writes ``embedding.json`` and
``embedding.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np

import assistant.settings  # noqa: F401  (offline mode for every model library)
from assistant.embed.base import Embedder
from assistant.embed.registry import make_embedder
from assistant.ingest.ungdc.archive import extract_ungdc
from assistant.ingest.ungdc.speeches import iter_ungdc
from assistant.settings import PROJECT_ROOT, UNGDC_ARCHIVE, load_settings
from bench.common import cpu_model

ARCHIVE = UNGDC_ARCHIVE
EMBEDDERS = ("sentence-transformers", "onnx", "onnx-int8")
TARGET = 0.99  # the agreement every passage must reach
LENGTH_BUCKETS = ((0, 16), (16, 64), (64, 128), (128, 256), (256, 100_000))  # word pieces, with [CLS] and [SEP]
SPEED_WORDS = (150, 200)


def seed_paragraphs() -> list[str]:
    """The seed corpus, one text per blank-line-separated paragraph."""
    return [
        p.strip()
        for path in sorted((PROJECT_ROOT / "corpus").glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if p.strip()
    ]


def ungdc_paragraphs(speeches: int, data_dir: Path) -> list[str]:
    """The paragraphs of a seeded sample of General Debate speeches (extracted once into ``data_dir/ungdc``)."""
    root = extract_ungdc(ARCHIVE, data_dir / "ungdc")
    return [p.text for doc, _ in iter_ungdc(root, limit=speeches, sample_seed=0) for p in doc.passages]


def versions() -> dict[str, str | None]:
    """Versions of the packages the numbers depend on."""
    out: dict[str, str | None] = {}
    for name in ("torch", "sentence-transformers", "transformers", "onnxruntime", "onnx", "numpy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def word_pieces(embedder: Any, texts: list[str]) -> np.ndarray:
    """Length of each text in word pieces, with the two special tokens."""
    return np.array([len(embedder.token_offsets(t)) + 2 for t in texts])


def agreement(reference: np.ndarray, vectors: np.ndarray, lengths: np.ndarray, texts: list[str]) -> dict[str, Any]:
    """Cosine of each pair of unit vectors, summarised overall and by length."""
    cos = (reference * vectors).sum(axis=1)
    buckets = []
    for lo, hi in LENGTH_BUCKETS:
        sel = (lengths >= lo) & (lengths < hi)
        if sel.any():
            buckets.append(
                {
                    "word_pieces": f"{lo}-{hi - 1}" if hi < 100_000 else f">={lo}",
                    "n": int(sel.sum()),
                    "min": round(float(cos[sel].min()), 4),
                    "mean": round(float(cos[sel].mean()), 4),
                    "below_target": int((cos[sel] < TARGET).sum()),
                }
            )
    worst = [
        {"cosine": round(float(cos[i]), 4), "word_pieces": int(lengths[i]), "text": texts[i][:80]} for i in np.argsort(cos)[:5]
    ]
    return {
        "n": len(cos),
        "min": round(float(cos.min()), 4),
        "mean": round(float(cos.mean()), 5),
        "p1": round(float(np.percentile(cos, 1)), 4),
        "below_target": int((cos < TARGET).sum()),
        "by_length": buckets,
        "worst": worst,
    }


def timed(embedder: Embedder, texts: list[str]) -> tuple[float, float]:
    """Paragraphs per wall-clock second and per CPU second for one pass over ``texts``."""
    wall, cpu = time.perf_counter(), time.process_time()
    embedder.embed(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(texts) / wall, len(texts) / cpu


def run(speeches: int, n_agreement: int, n_speed: int, rounds: int) -> dict[str, Any]:
    """Load every embedder, measure agreement and speed; return the result."""
    settings = load_settings()
    seed = seed_paragraphs()
    general = ungdc_paragraphs(speeches, settings.data_dir)
    rng = random.Random(0)
    sample = rng.sample(general, min(n_agreement, len(general)))
    band = [t for t in general if SPEED_WORDS[0] <= len(t.split()) <= SPEED_WORDS[1]]
    speed_texts = rng.sample(band, min(n_speed, len(band)))

    embedders: dict[str, Embedder] = {}
    load_s: dict[str, float] = {}
    for name in EMBEDDERS:
        t0 = time.perf_counter()
        embedders[name] = make_embedder(settings.with_overrides(embedder=name))
        load_s[name] = round(time.perf_counter() - t0, 2)
        print(f"{name}: loaded in {load_s[name]} s", flush=True)

    reference = embedders["sentence-transformers"]
    texts = seed + sample
    lengths = word_pieces(reference, texts)
    ref_vectors = reference.embed(texts)
    agree = {}
    for name in EMBEDDERS[1:]:
        vectors = embedders[name].embed(texts)
        agree[name] = {
            "all": agreement(ref_vectors, vectors, lengths, texts),
            "seed": agreement(ref_vectors[: len(seed)], vectors[: len(seed)], lengths[: len(seed)], seed),
            "ungdc": agreement(ref_vectors[len(seed) :], vectors[len(seed) :], lengths[len(seed) :], sample),
        }
        print(f"{name}: cosine min {agree[name]['all']['min']}, mean {agree[name]['all']['mean']}", flush=True)

    for embedder in embedders.values():
        embedder.embed(speed_texts[:8])  # warm up: first-call allocations stay out of the timings
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in EMBEDDERS}
    load_start = os.getloadavg()[0]
    for r in range(rounds):
        for name, embedder in embedders.items():
            runs[name].append(timed(embedder, speed_texts))
        print(f"round {r + 1}: " + ", ".join(f"{n} {runs[n][-1][0]:.1f}/s" for n in EMBEDDERS), flush=True)
    speed = {
        name: {
            "paragraphs_per_s": round(statistics.median(w for w, _ in v), 1),
            "paragraphs_per_cpu_s": round(statistics.median(c for _, c in v), 1),
            "rounds_per_s": [round(w, 1) for w, _ in v],
            "rounds_per_cpu_s": [round(c, 1) for _, c in v],
        }
        for name, v in runs.items()
    }
    return {
        "date": time.strftime("%Y-%m-%d"),
        "command": "bench/embedding.py " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "bench/embedding.py",
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "load_average": [round(load_start, 1), round(os.getloadavg()[0], 1)],
        "versions": versions(),
        "batch_size": settings.batch_size,
        "target_cosine": TARGET,
        "texts": {
            "seed_paragraphs": len(seed),
            "ungdc_speeches": speeches,
            "ungdc_paragraphs": len(sample),
            "speed_paragraphs": len(speed_texts),
            "speed_mean_words": round(statistics.mean(len(t.split()) for t in speed_texts), 1),
            "speed_mean_word_pieces": round(float(word_pieces(reference, speed_texts).mean()), 1),
        },
        "load_s": load_s,
        "fingerprints": {name: e.fingerprint for name, e in embedders.items()},
        "agreement": agree,
        "speed": speed,
    }


def markdown(result: dict[str, Any]) -> str:
    """The result as a Markdown report."""
    t = result["texts"]
    torch_speed = result["speed"]["sentence-transformers"]
    lines = [
        "# Embedding benchmark",
        "",
        f"`.venv/bin/python {result['command']}` on {result['date']}: {result['cpu']}, {result['cores']} cores, "
        f"load average {result['load_average'][0]} at the start of the timings and {result['load_average'][1]} at the end "
        f"(other work on the machine slows the wall-clock numbers; the CPU-second ones move less). "
        f"Batches of {result['batch_size']}, sorted by length. "
        + ", ".join(f"{k} {v}" for k, v in result["versions"].items() if v)
        + ".",
        "",
        f"## Agreement with torch fp32 (cosine per passage; target >= {result['target_cosine']})",
        "",
        f"{t['seed_paragraphs']} seed-corpus paragraphs and {t['ungdc_paragraphs']} General Debate paragraphs "
        f"(a seeded sample of {t['ungdc_speeches']} speeches).",
        "",
        "| embedder | texts | min | mean | 1st percentile | below target |",
        "|---|---|---|---|---|---|",
        "| torch fp32 (`sentence-transformers`) | all | 1 | 1 | 1 | 0 |",
    ]
    for name, parts in result["agreement"].items():
        for part in ("seed", "ungdc", "all"):
            a = parts[part]
            lines.append(
                f"| `{name}` | {part} ({a['n']}) | {a['min']:.4f} | {a['mean']:.4f} | {a['p1']:.4f} | {a['below_target']} |"
            )
    lines += ["", "By length in word pieces (all texts):", "", "| embedder | word pieces | n | min | mean | below target |"]
    lines.append("|---|---|---|---|---|---|")
    for name, parts in result["agreement"].items():
        for b in parts["all"]["by_length"]:
            lines.append(f"| `{name}` | {b['word_pieces']} | {b['n']} | {b['min']:.4f} | {b['mean']:.4f} | {b['below_target']} |")
    lines += [
        "",
        f"## Speed ({t['speed_paragraphs']} paragraphs of 150-200 words, mean {t['speed_mean_words']} words, "
        f"{t['speed_mean_word_pieces']} word pieces)",
        "",
        "| embedder | paragraphs/s | paragraphs per CPU-s | x torch (CPU-s) | rounds (paragraphs/s) | load (s) |",
        "|---|---|---|---|---|---|",
    ]
    for name, s in result["speed"].items():
        ratio = s["paragraphs_per_cpu_s"] / torch_speed["paragraphs_per_cpu_s"]
        lines.append(
            f"| `{name}` | {s['paragraphs_per_s']:.1f} | {s['paragraphs_per_cpu_s']:.1f} | {ratio:.2f} | "
            f"{', '.join(str(x) for x in s['rounds_per_s'])} | {result['load_s'][name]} |"
        )
    lines += ["", "Load times include the one-off ONNX export or quantisation when the cache was empty."]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run the benchmark and write the reports."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeches", type=int, default=60, help="General Debate speeches sampled (default 60)")
    parser.add_argument("--agreement", type=int, default=1000, help="General Debate paragraphs compared (default 1000)")
    parser.add_argument("--speed", type=int, default=128, help="paragraphs timed per round (default 128)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds (default 3)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "results")
    args = parser.parse_args()
    result = run(args.speeches, args.agreement, args.speed, args.rounds)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "embedding.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "embedding.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
