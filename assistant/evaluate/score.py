"""Score one answered question, and aggregate the scores of a run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.answer.cited import cited_sentences
from assistant.evaluate import metrics, selective
from assistant.evaluate.evidence import quotes_in
from assistant.evaluate.qa_sets import GoldEntry, QAItem

DEPTH = 10  # ranking depth scored for MRR and nDCG
CUTOFFS = (1, 3, 5, 10)  # fixed depths of hit@n and recall@n, comparable across configurations
MEAN_KEYS = (
    "hit@k",
    "recall@k",
    *(f"hit@{n}" for n in CUTOFFS),
    *(f"recall@{n}" for n in CUTOFFS),
    "mrr@10",
    "ndcg@10",
    "correct",
    "f1",
    "citation_precision",
    "citation_recall",
    "evidence_citation_precision",
    "context_words",
    "timeline_recall",
    "timeline_precision",
    "timeline_evidence_recall",
    "first_year_correct",
)
# Counts summed over the run; None for runs whose answers no model wrote.
SUM_KEYS = ("outside_citations", "draft_outside_citations")


def score_question(
    item: QAItem, output: dict[str, Any], ranking: Sequence[str], n_relevant: int, supports: metrics.Supports
) -> dict[str, Any]:
    """Per-question scores of one ``ask --json`` output.

    ``ranking``: texts of the top `DEPTH` passages ``ask`` ranks for the question
    (its ``passages`` are a prefix); ``n_relevant``: passages of the corpus holding a quote.
    """
    abstained = bool(output["abstained"])
    scores: dict[str, Any] = {
        "answerable": item.answerable,
        "abstained": abstained,
        "refusal_correct": abstained != item.answerable,  # the decision to answer or refuse was right
        "evidence_score": output.get("evidence_score"),
        "retrieved_nothing": not output.get("passages") and output.get("kind") == "abstention",
        "context_words": 0 if abstained else context_words(output),
    }
    if item.answerable:
        scores.update(_retrieval(item, output, ranking, n_relevant))
        scores["correct"] = not abstained and metrics.is_correct(output["answer"], item.answers)
        given = output.get("withheld_answer") if abstained else output["answer"]  # what it says, or would have said
        scores["right_if_answered"] = bool(given) and metrics.is_correct(str(given), item.answers)
        scores["f1"] = 0.0 if abstained else metrics.token_f1(output["answer"], item.answers)
    else:
        scores["right_if_answered"] = False
    if not abstained:
        scores.update(_citations(item, output, supports))
    scores.update(outside_context(output))
    if item.timeline:
        scores.update(timeline_scores(item, output))
    return scores


def timeline_scores(item: QAItem, output: dict[str, Any]) -> dict[str, Any]:
    """Timeline recall and precision, evidence recall and the first-mention year (docs/evaluation.md, "Timelines").

    An entry matches a gold entry of the same year (and document, when the gold names it); recall is the share of
    gold entries matched, precision the share of entries that match one, evidence recall the share of gold entries
    matched by an entry whose cited paragraph holds the gold quote.
    """
    entries = [e for e in output.get("timeline") or [] if isinstance(e, dict)]
    texts = {c.get("n"): str(c.get("text") or "") for c in output.get("citations", [])}

    def same(entry: dict[str, Any], gold: GoldEntry) -> bool:
        return entry.get("year") == gold.year and (gold.doc is None or entry.get("doc_id") == gold.doc)

    matched = [g for g in item.timeline if any(same(e, g) for e in entries)]
    with_evidence = [
        g for g in item.timeline if any(same(e, g) and quotes_in(texts.get(e.get("citation"), ""), [g.evidence]) for e in entries)
    ]
    out: dict[str, Any] = {
        "timeline_recall": len(matched) / len(item.timeline),
        "timeline_precision": (sum(any(same(e, g) for g in item.timeline) for e in entries) / len(entries)) if entries else None,
        "timeline_evidence_recall": len(with_evidence) / len(item.timeline),
        "timeline_entries": len(entries),
    }
    if item.first_year is not None:
        years = [int(e["year"]) for e in entries if isinstance(e.get("year"), int)]
        out["first_year_correct"] = bool(years) and min(years) == item.first_year
    return out


def _retrieval(item: QAItem, output: dict[str, Any], ranking: Sequence[str], n_relevant: int) -> dict[str, Any]:
    n = len(item.evidence)
    answered_from = [quotes_in(p["text"], item.evidence) for p in output.get("passages", [])]
    ranked = [quotes_in(text, item.evidence) for text in ranking[:DEPTH]]
    out: dict[str, Any] = {
        "hit@k": metrics.hit(answered_from, n, len(answered_from), needs_all=item.needs_all_evidence),
        "recall@k": metrics.quote_recall(answered_from, n, len(answered_from)),
        "mrr@10": metrics.reciprocal_rank(ranked, DEPTH),
        "ndcg@10": metrics.ndcg(ranked, n_relevant, DEPTH),
        "first_relevant_rank": metrics.first_relevant_rank(ranked),
    }
    for cutoff in CUTOFFS:
        out[f"hit@{cutoff}"] = metrics.hit(ranked, n, cutoff, needs_all=item.needs_all_evidence)
        out[f"recall@{cutoff}"] = metrics.quote_recall(ranked, n, cutoff)
    return out


def _citations(item: QAItem, output: dict[str, Any], supports: metrics.Supports) -> dict[str, Any]:
    texts = {c["n"]: c.get("text") or "" for c in output.get("citations", [])}
    pairs = [(sentence, [texts.get(n, "") for n in numbers]) for sentence, numbers in answer_sentences(output)]
    alce = metrics.citation_scores(pairs, supports)
    out: dict[str, Any] = {
        "citation_precision": alce.precision,
        "citation_recall": alce.recall,
        "citations": alce.citations,
        "sentences": alce.sentences,
    }
    if item.answerable:
        cited = [quotes_in(text, item.evidence) for text in texts.values()]
        out["evidence_citation_precision"] = metrics.evidence_citation_precision(cited)
    return out


def outside_context(output: dict[str, Any]) -> dict[str, int]:
    """Citations to passages a generating model was not given (empty when no model wrote the answer).

    ``outside_citations``: markers of the published answer whose passage is not
    among ``generation.passage_ids``, or that name no citation at all (must be 0);
    ``draft_outside_citations``: markers of the model's draft numbered beyond
    the passages it read, which the answerer must have caught.
    """
    generation = output.get("generation")
    if not isinstance(generation, dict) or not isinstance(generation.get("passage_ids"), list):
        return {}
    given = set(generation["passage_ids"])
    cited = {c.get("n"): c.get("passage_id") for c in output.get("citations", [])}
    markers = [n for _, numbers in cited_sentences(str(output.get("answer", ""))) for n in numbers]
    drafted = [n for _, numbers in cited_sentences(str(generation.get("draft") or "")) for n in numbers]
    return {
        "outside_citations": sum(cited.get(n) not in given for n in markers),
        "draft_outside_citations": sum(not 1 <= n <= len(given) for n in drafted),
    }


def answer_sentences(output: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """The answer's sentences and the citation numbers of each (from ``sentences`` when the answerer gives them)."""
    records = output.get("sentences")
    if isinstance(records, list) and records:
        return [(str(r.get("text", "")), [int(n) for n in r.get("citations", [])]) for r in records]
    return cited_sentences(str(output.get("answer", "")))


def context_words(output: dict[str, Any]) -> int:
    """Words of the passages handed to the answerer: the retrieved ones and the neighbours added for context."""
    passages = list(output.get("passages", [])) + list(output.get("context", []))
    return sum(len(str(p.get("text", "")).split()) for p in passages)


def aggregate(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The run's metrics: means over the questions each metric applies to, and the abstention scores."""
    out: dict[str, Any] = {
        "questions": len(scores),
        "answerable": sum(s["answerable"] for s in scores),
        "unanswerable": sum(not s["answerable"] for s in scores),
    }
    for key in MEAN_KEYS:
        out[key] = metrics.mean([s.get(key) for s in scores])
    for key in SUM_KEYS:
        counts = [s[key] for s in scores if s.get(key) is not None]
        out[key] = sum(counts) if counts else None
    abstention = metrics.abstention_scores([(s["answerable"], s["abstained"]) for s in scores])
    out.update(
        correct_refusal_rate=abstention.correct_refusal_rate,
        wrong_refusal_rate=abstention.wrong_refusal_rate,
        abstention_precision=abstention.precision,
        abstention_f1=abstention.f1,
        overall_correct=metrics.mean([s.get("correct") if s["answerable"] else s["refusal_correct"] for s in scores]),
    )
    out.update(selective_scores(scores))
    return out


def selective_scores(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """How well the confidence separates right answers from the rest (docs/evaluation.md, "Selective answering")."""
    confidence = [float(s.get("evidence_score") or 0.0) for s in scores]
    right = [bool(s.get("right_if_answered")) for s in scores]
    return {
        "auroc": selective.auroc(confidence, right),
        "aurc": selective.aurc(confidence, right),
        "accuracy_at_80": selective.accuracy_at(confidence, right, 0.8),
        "accuracy_at_90": selective.accuracy_at(confidence, right, 0.9),
    }


def abstention_curve(scores: Sequence[dict[str, Any]], thresholds: Sequence[float]) -> list[dict[str, Any]]:
    """Abstention scores if the threshold were each of ``thresholds``, from the recorded evidence scores."""
    curve = []
    for t in thresholds:
        outcomes = [
            (s["answerable"], metrics.abstained_at(t, s.get("evidence_score"), s.get("retrieved_nothing", False))) for s in scores
        ]
        a = metrics.abstention_scores(outcomes)
        curve.append(
            {
                "threshold": round(t, 4),
                "correct_refusal_rate": a.correct_refusal_rate,
                "wrong_refusal_rate": a.wrong_refusal_rate,
                "abstention_f1": a.f1,
            }
        )
    return curve
