"""The metric formulas, as small pure functions (definitions: ``docs/evaluation.md``).

Inputs are plain lists and sets so each formula can be checked by hand:
a ranking is a list, best first, of the sets of evidence-quote indices each
passage contains (an empty set: not relevant).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.verify import strip_markers
from assistant.text.lexical import normalise_answer

Ranking = Sequence[frozenset[int]]  # per ranked passage: the evidence quotes it contains
Supports = Callable[[str, Sequence[str]], bool]  # (sentence, passage texts) -> supported?


# retrieval -------------------------------------------------------------------


def quote_recall(ranking: Ranking, n_quotes: int, k: int) -> float:
    """Share of the ``n_quotes`` evidence quotes contained in at least one of the top ``k`` passages."""
    if n_quotes <= 0:
        raise ValueError("recall needs at least one evidence quote")
    found: set[int] = set().union(*ranking[:k]) if ranking[:k] else set()
    return len(found) / n_quotes


def hit(ranking: Ranking, n_quotes: int, k: int, *, needs_all: bool = False) -> bool:
    """Whether the top ``k`` passages hold the evidence: any quote, or every quote when ``needs_all``."""
    recall = quote_recall(ranking, n_quotes, k)
    return recall == 1.0 if needs_all else recall > 0.0


def first_relevant_rank(ranking: Ranking) -> int | None:
    """The 1-based rank of the first passage containing an evidence quote, or None."""
    return next((i for i, quotes in enumerate(ranking, start=1) if quotes), None)


def reciprocal_rank(ranking: Ranking, k: int = 10) -> float:
    """1 / rank of the first relevant passage within the top ``k``, else 0 (MRR@k averages it); computed by ranx."""
    if first_relevant_rank(ranking[:k]) is None:
        return 0.0
    return _ranx(ranking, sum(bool(q) for q in ranking), f"mrr@{k}")


def ndcg(ranking: Ranking, n_relevant: int, k: int = 10) -> float:
    """nDCG@k with binary gains: sum of 1/log2(rank + 1) over relevant ranks, over the ideal for ``n_relevant``; by ranx.

    ``n_relevant`` is the number of passages in the whole corpus that contain
    an evidence quote (the ideal ranking puts min(k, n_relevant) of them first).
    """
    if n_relevant <= 0:
        raise ValueError("nDCG needs at least one relevant passage")
    if first_relevant_rank(ranking[:k]) is None:
        return 0.0
    return _ranx(ranking, n_relevant, f"ndcg@{k}")


def _ranx(ranking: Ranking, n_relevant: int, metric: str) -> float:
    """One ranx metric for one ranking: its passages scored n, n-1, ... so ranx keeps the order exactly.

    Relevant passages the ranking missed are added to the judgements as
    placeholders, so the ideal ranking counts them.
    """
    import warnings

    from ranx import Qrels, Run, evaluate

    relevant = [f"p{i}" for i, quotes in enumerate(ranking) if quotes]
    missed = [f"missed{i}" for i in range(max(0, n_relevant - len(relevant)))]
    qrels = Qrels({"q": dict.fromkeys(relevant + missed, 1)})
    run = Run({"q": {f"p{i}": float(len(ranking) - i) for i in range(len(ranking))}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba's type-safety notes on ranx's own kernels
        return float(evaluate(qrels, run, metric))


# answers -----------------------------------------------------------------------


def answer_tokens(text: str) -> list[str]:
    """Normalised tokens of an answer or reference (citation markers removed)."""
    return normalise_answer(strip_markers(text)).split()


def is_correct(answer: str, references: Sequence[str]) -> bool:
    """Whether the normalised answer contains a normalised reference as whole words."""
    padded = f" {' '.join(answer_tokens(answer))} "
    return any(ref and f" {ref} " in padded for ref in (" ".join(answer_tokens(r)) for r in references))


def token_f1(answer: str, references: Sequence[str]) -> float:
    """SQuAD-style token F1 of the answer against its best-matching reference (0 with no references)."""
    predicted = Counter(answer_tokens(answer))
    best = 0.0
    for reference in references:
        gold = Counter(answer_tokens(reference))
        common = sum((predicted & gold).values())
        if common:
            precision, recall = common / sum(predicted.values()), common / sum(gold.values())
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


# citations ---------------------------------------------------------------------


@dataclass(frozen=True)
class CitationScores:
    """ALCE citation precision and recall of one answer."""

    precision: float | None  # None when the answer cites nothing
    recall: float | None  # None when the answer has no sentences
    citations: int
    sentences: int


def citation_scores(sentences: Sequence[tuple[str, Sequence[str]]], supports: Supports) -> CitationScores:
    """ALCE citation recall and precision (Gao et al., 2023) of ``(sentence, cited passage texts)`` pairs.

    Recall: share of sentences whose cited passages, together, support them.
    Precision: share of citations that are not irrelevant, where a citation is
    irrelevant when its sentence is not supported by its citations, or the passage
    alone does not support the sentence and the other citations still do without it.
    """
    supported_sentences = 0
    good = total = 0
    for sentence, cited in sentences:
        full = bool(cited) and supports(sentence, cited)
        supported_sentences += full
        for i, passage in enumerate(cited):
            total += 1
            if not full:
                continue
            rest = [p for j, p in enumerate(cited) if j != i]
            if supports(sentence, [passage]) or not (rest and supports(sentence, rest)):
                good += 1
    return CitationScores(
        precision=good / total if total else None,
        recall=supported_sentences / len(sentences) if sentences else None,
        citations=total,
        sentences=len(sentences),
    )


def evidence_citation_precision(cited_quotes: Sequence[frozenset[int]]) -> float | None:
    """Share of cited passages that contain an evidence quote (None when nothing is cited)."""
    if not cited_quotes:
        return None
    return sum(bool(q) for q in cited_quotes) / len(cited_quotes)


# abstention --------------------------------------------------------------------


@dataclass(frozen=True)
class AbstentionScores:
    """How well the assistant refuses: refusals are the positive class."""

    correct_refusal_rate: float | None  # unanswerable questions refused / unanswerable questions
    wrong_refusal_rate: float | None  # answerable questions refused / answerable questions
    precision: float | None  # refusals that were right / refusals
    f1: float | None  # harmonic mean of precision and correct_refusal_rate (the recall)


def abstention_scores(outcomes: Sequence[tuple[bool, bool]]) -> AbstentionScores:
    """Abstention scores of ``(answerable, abstained)`` pairs."""
    unanswerable = [abstained for answerable, abstained in outcomes if not answerable]
    answerable = [abstained for answerable, abstained in outcomes if answerable]
    refusals = sum(abstained for _, abstained in outcomes)
    right = sum(unanswerable)
    recall = right / len(unanswerable) if unanswerable else None
    precision = right / refusals if refusals else None
    if recall is None:
        f1 = None
    elif not right:
        f1 = 0.0
    else:
        f1 = 2 * (precision or 0.0) * recall / ((precision or 0.0) + recall)
    return AbstentionScores(recall, sum(answerable) / len(answerable) if answerable else None, precision, f1)


def abstained_at(threshold: float, evidence_score: float | None, always: bool = False) -> bool:
    """Whether the assistant would refuse at ``threshold`` (refuses below it; ``always``: nothing was retrieved)."""
    return always or (evidence_score is not None and evidence_score < threshold)


# cost and aggregation ----------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile with linear interpolation between the nearest ranks (NumPy's default)."""
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if len(values) else None


def mean(values: Sequence[float | bool | None]) -> float | None:
    """Mean of the values that are not None (None if there are none)."""
    known = [float(v) for v in values if v is not None]
    return sum(known) / len(known) if known else None
