"""Fitting the timeline entry decision on labelled timeline questions (``python -m assistant calibrate-timeline``).

Every training question is read and its columns scored as a timeline answer scores them, with no decision
yet: each statement past the screen, with what the decision reads (`assistant.answer.timeline_entry`). A
statement is labelled an entry when the question's gold timeline names its document (or, for gold without
documents, its year). A logistic regression (scikit-learn, standardised features) learns the probability;
the threshold is then chosen on each statement's out-of-fold probability (folds grouped by training file, so
a file's questions are scored by a model fitted without them; by question when there are fewer than three
files) for a stated target: the most first-mention years right, among the thresholds whose question-level
recall and precision reach the targets (if none does, the one with the best balance of the two, and the model
says so). A held-out part not yet run is never a training file. The figures kept with the model are those of
the chosen threshold on the same out-of-fold probabilities, so somewhat better than a new part's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.answer.timeline import column_evidence, year_of
from assistant.answer.timeline_anchor import anchor_mentions, anchors, holding_topic
from assistant.answer.timeline_entry import FEATURES, EntryModel, entry_features
from assistant.errors import UsageError
from assistant.evaluate.calibrate import fit_logistic, project_relative
from assistant.evaluate.qa_sets import QASet
from assistant.evaluate.selective import auroc
from assistant.interpret.timeline import read_timeline
from assistant.models import Filters
from assistant.pipeline import Assistant

FOLDS = 5
THRESHOLDS = tuple(round(t / 100, 2) for t in range(5, 96))


@dataclass(frozen=True)
class ScoredStatement:
    """One scored statement of a training question's column: its features and whether the gold names it."""

    date: str
    year: int | None
    key: str  # the document's id (or its year, for gold without documents)
    anchored: bool
    features: tuple[float, ...]
    entry: bool


@dataclass(frozen=True)
class TrainingQuestion:
    """One timeline question: its kind as read, its gold, and its columns' statements in date order."""

    id: str
    group: str  # the training file it came from
    kind: str | None  # as read (None: not read as a timeline)
    gold: frozenset[str]
    first_year: int | None
    columns: tuple[tuple[ScoredStatement, ...], ...]


def collect(qa: QASet, assistant: Assistant, group: str) -> list[TrainingQuestion]:
    """Score every timeline question of ``qa`` (the others are skipped) as the assistant would, before the decision."""
    out = []
    for item in qa.items:
        if not item.timeline:
            continue
        by_doc = any(g.doc for g in item.timeline)
        gold = frozenset(g.doc if by_doc and g.doc else str(g.year) for g in item.timeline)
        ask = read_timeline(item.question, assistant.countries, assistant.intent)
        columns: list[tuple[ScoredStatement, ...]] = []
        if ask is not None:
            for col in column_evidence(ask, assistant.searcher, assistant.timeline_rule, assistant.passages, Filters()):
                rows = entry_features([c.evidence for c in col.considered])
                holding = holding_topic([c.evidence for c in col.considered])
                statements = []
                for c, row, held in zip(col.considered, rows, holding, strict=True):
                    meta = c.hit.meta
                    key = meta.doc_id if by_doc else str(year_of(meta))
                    statements.append(ScoredStatement(meta.date or "", year_of(meta), key, held, tuple(row), key in gold))
                statements.sort(key=lambda s: (s.date, s.key))  # as the answer orders its entries
                columns.append(tuple(statements))
        out.append(TrainingQuestion(item.id, group, ask.kind if ask else None, gold, item.first_year, tuple(columns)))
    return out


def fit(
    questions: Sequence[TrainingQuestion], *, recall: float = 0.8, precision: float = 0.9, c: float = 1.0
) -> tuple[EntryModel, dict[str, Any]]:
    """The logistic regression, and the threshold its out-of-fold probabilities choose; also the training scores."""
    flat = [(q, s) for q in questions for col in q.columns for s in col]
    y = np.array([s.entry for _, s in flat], dtype=int)
    if len(set(y.tolist())) < 2:
        raise UsageError("calibration needs statements the gold names and statements it does not: add timeline questions")
    x = np.array([s.features for _, s in flat])
    fitted = EntryModel(FEATURES, *fit_logistic(x, y, c), threshold=0.5)
    held_out = out_of_fold(x, y, [q.group for q, _ in flat], [f"{q.group}:{q.id}" for q, _ in flat], c)
    probability = {id(s): float(p) for (_, s), p in zip(flat, held_out, strict=True)}
    scores = {t: replay(questions, probability, t) for t in THRESHOLDS}
    threshold = choose_threshold(scores, recall, precision)
    met = scores[threshold]["recall"] >= recall and scores[threshold]["precision"] >= precision
    fitted = replace(fitted, threshold=threshold)
    training = {
        "questions": len(questions),
        "statements": len(flat),
        "entries": int(y.sum()),
        "out_of_fold": {**scores[threshold], "auroc": auroc(list(held_out), [bool(v) for v in y])},
        "target_met": met,
    }
    return fitted, training


def out_of_fold(x: np.ndarray, y: np.ndarray, files: list[str], ids: list[str], c: float) -> np.ndarray:
    """Each statement's probability from a model fitted without its file (or, with fewer than three files, its question)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    groups = files if len(set(files)) >= 3 else ids
    folds = min(FOLDS, len(set(groups)))
    if folds < 2:
        raise UsageError("calibration needs at least two timeline questions")
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, max_iter=2000))
    try:
        return np.asarray(cross_val_predict(model, x, y, groups=groups, cv=GroupKFold(folds), method="predict_proba")[:, 1])
    except ValueError as exc:  # a fold whose training part holds only entries, or none
        raise UsageError(f"too few statements of one kind to fit out of fold ({exc}); add timeline questions, or files") from exc


def replay(questions: Sequence[TrainingQuestion], probability: dict[int, float], threshold: float) -> dict[str, float]:
    """Question-level recall, precision and first-mention year right, had entries needed ``threshold``.

    As `python -m assistant eval` scores a timeline: recall over every question (one not read as a timeline
    counts 0), precision over those with entries; a first (latest) mention anchored as the answer anchors it.
    """
    recalls, precisions, first = [], [], []
    for q in questions:
        found: set[str] = set()
        firsts = []
        for col in q.columns:
            above = [_Kept(s, anchors(s.anchored, probability[id(s)])) for s in col if probability[id(s)] >= threshold]
            kept = [k.statement for k in anchor_mentions(above, q.kind or "")]
            found |= {s.key for s in kept}
            firsts += [s.year for s in kept[:1] if s.year is not None]
        recalls.append(len(found & q.gold) / len(q.gold))
        if found:
            precisions.append(len(found & q.gold) / len(found))
        if q.first_year is not None:
            first.append(bool(firsts) and min(firsts) == q.first_year)
    return {
        "threshold": threshold,
        "recall": round(float(np.mean(recalls)), 4) if recalls else 0.0,
        "precision": round(float(np.mean(precisions)), 4) if precisions else 0.0,
        "first_year": round(float(np.mean(first)), 4) if first else 0.0,
    }


@dataclass(frozen=True)
class _Kept:
    """A statement above the threshold, and whether it may be a first mention (as an answer's entry would be)."""

    statement: ScoredStatement
    anchored: bool


def choose_threshold(scores: dict[float, dict[str, float]], recall: float, precision: float) -> float:
    """The threshold with the most first years right among those meeting both targets (else the best balance)."""
    meeting = [t for t, s in scores.items() if s["recall"] >= recall and s["precision"] >= precision]
    if meeting:
        return max(meeting, key=lambda t: (scores[t]["first_year"], scores[t]["precision"], -t))
    return max(scores, key=lambda t: (min(scores[t]["recall"] / recall, scores[t]["precision"] / precision), -t))


def provenance(files: list[str], indexes: list[str], argv: list[str] | None, recall: float, precision: float) -> dict[str, Any]:
    """Where a fitted entry model came from: files, indexes, the command, the target, the date."""
    return {
        "training_files": [project_relative(f) for f in files],
        "indexes": [project_relative(i) for i in indexes],
        "command": "python -m assistant calibrate-timeline " + " ".join(argv or []),
        "target": f"the most first-mention years right with recall >= {recall} and precision >= {precision}, out of fold",
        "fitted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
