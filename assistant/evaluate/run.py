"""Run a QA set through the assistant under one or more configurations, and score every answer."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field, replace
from typing import Any

from assistant.answer.records import answer_record
from assistant.answer.verify import SupportVerifier, answer_verifier
from assistant.evaluate import metrics
from assistant.evaluate.configs import RunConfig
from assistant.evaluate.evidence import QuoteLocator
from assistant.evaluate.provenance import environment, index_record, set_seeds
from assistant.evaluate.qa_sets import QAItem, QASet
from assistant.evaluate.score import DEPTH, abstention_curve, aggregate, score_question
from assistant.models import Filters
from assistant.pipeline import Assistant
from assistant.settings import Settings

CURVE_STEP = 0.01  # the abstention trade-off is recorded at thresholds 0.00, 0.01, ..., 1.00


@dataclass
class QuestionResult:
    """One question answered under one configuration, with its scores."""

    item: QAItem
    output: dict[str, Any]  # the ``ask --json`` object
    ranking: list[str]  # passage ids of the top `DEPTH` passages ``ask`` ranks (``output["passages"]`` is a prefix)
    scores: dict[str, Any]
    latency_ms: float

    def record(self, config: RunConfig) -> dict[str, Any]:
        """The ``results.jsonl`` line."""
        return {
            "config": config.name,
            "id": self.item.id,
            "question": self.item.question,
            "answerable": self.item.answerable,
            "latency_ms": round(self.latency_ms, 1),
            "scores": _rounded(self.scores),
            "ranking": self.ranking,
            "output": self.output,
        }


@dataclass
class ConfigRun:
    """Every question under one configuration."""

    config: RunConfig
    results: list[QuestionResult] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    cost: dict[str, Any] = field(default_factory=dict)
    curve: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class EvalRun:
    """A finished evaluation: one `ConfigRun` per configuration and what produced it."""

    qa: QASet
    runs: list[ConfigRun]
    provenance: dict[str, Any]


def evaluate_qa(
    qa: QASet,
    settings: Settings,
    configs: list[RunConfig],
    *,
    assistant: Assistant | None = None,
    locator: QuoteLocator | None = None,
    filters: Filters | None = None,
    infer_filters: bool = True,
    seed: int = 0,
    progress: bool = True,
    argv: list[str] | None = None,
    verifier: SupportVerifier | None = None,
) -> EvalRun:
    """Ask every question of ``qa`` under every configuration and score the answers."""
    from tqdm import tqdm

    from assistant.pipeline import shared_assistant

    set_seeds(seed)
    started = time.time()
    assistant = assistant or shared_assistant(settings)
    configs = [c if c.threshold is not None else replace(c, threshold=assistant.threshold) for c in configs]
    locator = locator or QuoteLocator.from_store(assistant.store)
    verifier = verifier or evaluation_verifier(assistant)
    relevant = {item.id: _relevant_passages(item, locator) for item in qa.items}
    _warm_up(assistant, qa.items[0].question)
    bar = tqdm(total=len(qa.items) * len(configs), desc="Evaluating", unit="question", disable=not progress)
    runs = []
    for config in configs:
        run = ConfigRun(config)
        t0 = time.perf_counter()
        for item in qa.items:
            run.results.append(_ask(assistant, item, config, filters, infer_filters, relevant[item.id], verifier))
            bar.update(1)
        run.metrics = aggregate([r.scores for r in run.results])
        run.cost = _cost(run.results, time.perf_counter() - t0)
        run.curve = abstention_curve([r.scores for r in run.results], _thresholds())
        runs.append(run)
    bar.close()
    provenance = {
        "kind": "qa",
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 2),
        "qa_file": {"path": str(qa.path), "sha256": qa.sha256, "questions": len(qa.items), "answerable": qa.answerable},
        "index": index_record(assistant.store),
        "filters": (filters or Filters()).to_dict(),
        "infer_filters": infer_filters,
        "peak_rss_mb": peak_rss_mb(),
        **environment(seed, settings, argv),
    }
    return EvalRun(qa, runs, provenance)


def evaluation_verifier(assistant: Assistant) -> SupportVerifier:
    """The answerers' support check (instruction-like passage text withheld), without the LLM's veto: deterministic."""
    return answer_verifier(assistant.embedder)


def _relevant_passages(item: QAItem, locator: QuoteLocator) -> int:
    return len({pid for quote in item.evidence for pid in locator.passages_with(quote)})


def _warm_up(assistant: Assistant, question: str) -> None:
    """One untimed question first: the first call pays for lazy loading, which is not per-question cost."""
    assistant.ask(question)
    assistant.searcher.forget_queries()


def _ask(
    assistant: Assistant,
    item: QAItem,
    config: RunConfig,
    filters: Filters | None,
    infer_filters: bool,
    n_relevant: int,
    verifier: SupportVerifier,
) -> QuestionResult:
    options: dict[str, Any] = {
        "history": list(item.history) or None,
        "filters": filters,
        "retriever": config.retriever,
        "reranker": config.reranker,
        "infer_filters": infer_filters,
    }
    t0 = time.perf_counter()
    answer = assistant.ask(item.question, k=config.k, abstain_threshold=config.threshold, mode=config.mode, **options)
    latency = (time.perf_counter() - t0) * 1000
    ranked = assistant.ranking(item.question, k=max(DEPTH, config.k), **options)  # untimed: not what a user waits for
    assistant.searcher.forget_queries()
    output = answer_record(answer)
    scores = score_question(item, output, [h.passage.text for h in ranked], n_relevant, verifier.supports)
    scores["latency_ms"] = latency
    return QuestionResult(item, output, [h.passage.passage_id for h in ranked[:DEPTH]], scores, latency)


def _cost(results: list[QuestionResult], seconds: float) -> dict[str, Any]:
    latencies = [r.latency_ms for r in results]
    stages: dict[str, list[float]] = {}
    for r in results:
        for stage, ms in r.output.get("timings_ms", {}).items():
            stages.setdefault(stage, []).append(ms)
    return {
        "latency_p50_ms": metrics.percentile(latencies, 50),
        "latency_p95_ms": metrics.percentile(latencies, 95),
        "latency_mean_ms": metrics.mean(latencies),
        "latency_max_ms": max(latencies, default=None),
        "total_seconds": round(seconds, 3),
        "stage_mean_ms": {k: round(sum(v) / len(v), 2) for k, v in sorted(stages.items())},
        "peak_rss_mb": peak_rss_mb(),
    }


def _thresholds() -> list[float]:
    return [round(i * CURVE_STEP, 4) for i in range(round(1 / CURVE_STEP) + 1)]


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (the model, indexes and Python heap together)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux reports kB


def _rounded(scores: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in scores.items()}
