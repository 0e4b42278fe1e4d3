"""Selective question answering: how well the confidence ranks right answers above wrong ones and refusals.

A question is *right* when the assistant should answer it and does so well:
answerable, and the answer (as given when not refusing) holds a reference
answer. The confidence is the abstention model's. Definitions follow Geifman
and El-Yaniv's risk-coverage curve: sort by confidence, answer the top share
(coverage), and count the wrong answers among them (risk); AURC is the area
under that curve (lower is better).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np


def auroc(confidence: Sequence[float], right: Sequence[bool]) -> float | None:
    """Area under the ROC curve of ``confidence`` for ``right`` (None when only one class is present)."""
    if len(set(right)) < 2:
        return None
    from sklearn.metrics import roc_auc_score

    return round(float(roc_auc_score(np.asarray(right, dtype=int), np.asarray(confidence, dtype=float))), 4)


def risk_coverage(confidence: Sequence[float], right: Sequence[bool]) -> tuple[list[float], list[float]]:
    """Coverage (share answered) and risk (share of those that are wrong), answering the most confident first."""
    order = np.argsort(-np.asarray(confidence, dtype=float), kind="stable")
    wrong = 1 - np.asarray(right, dtype=int)[order]
    answered = np.arange(1, len(order) + 1)
    return (answered / len(order)).tolist(), (np.cumsum(wrong) / answered).tolist()


def aurc(confidence: Sequence[float], right: Sequence[bool]) -> float | None:
    """Area under the risk-coverage curve: the mean risk over every coverage (lower is better)."""
    if not confidence:
        return None
    _, risk = risk_coverage(confidence, right)
    return round(float(np.mean(risk)), 4)


def accuracy_at(confidence: Sequence[float], right: Sequence[bool], coverage: float) -> float | None:
    """Share right among the ``coverage`` most confident questions."""
    if not confidence:
        return None
    n = max(1, round(coverage * len(confidence)))
    order = np.argsort(-np.asarray(confidence, dtype=float), kind="stable")[:n]
    return round(float(np.mean(np.asarray(right, dtype=float)[order])), 4)


def reliability(confidence: Sequence[float], right: Sequence[bool], bins: int = 10) -> list[dict[str, float]]:
    """Per confidence bin: mean confidence, share right, count (the reliability diagram's points)."""
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(right, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    out = []
    for lo, hi in itertools.pairwise(edges):
        inside = (conf >= lo) & ((conf < hi) | (hi == 1.0))
        if inside.any():
            out.append(
                {
                    "low": round(lo, 2),
                    "high": round(hi, 2),
                    "confidence": round(float(conf[inside].mean()), 4),
                    "right": round(float(ok[inside].mean()), 4),
                    "questions": int(inside.sum()),
                }
            )
    return out
