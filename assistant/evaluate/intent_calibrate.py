"""Fitting the learned reading of timeline questions (``python -m assistant calibrate-intent``).

Every labelled question of the given files is an example: a question with a gold ``timeline`` asks for years
("first_mention" when its ``kind`` says so, else "timeline"); every other question is "ordinary". A
multinomial logistic regression (scikit-learn) over TF-IDF word and word-pair features of the normalised
question (`assistant.interpret.timeline_intent.normalise`) learns the three classes. The threshold on the
probability of asking for years is chosen on out-of-fold probabilities (folds grouped by file, so a file's
questions are scored by a model fitted without them): the lowest threshold at which at most ``max_ordinary``
of the ordinary questions would be read as asking for years. A held-out part not yet run is never a training
file.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import UsageError
from assistant.evaluate.qa_sets import load_qa_set
from assistant.interpret.timeline_intent import CLASSES, IntentModel, normalise

C = 10.0  # the regression's inverse regularisation
MIN_DF = 2  # a word (pair) in fewer training questions is no feature
MAX_FOLDS = 5


@dataclass(frozen=True)
class IntentExample:
    """One labelled question: its text, its class and the file it came from."""

    question: str
    label: str
    group: str


def collect(path: Path) -> list[IntentExample]:
    """The examples of one QA file (validated by the QA loader first)."""
    qa = load_qa_set(path)
    kinds: dict[str, Any] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            kinds[str(record.get("id"))] = record.get("kind")
    return [IntentExample(item.question, _label(item.timeline != (), kinds.get(item.id)), str(path)) for item in qa.items]


def _label(has_timeline: bool, kind: Any) -> str:
    """A question with a gold timeline asks for years: a first mention when its ``kind`` says so."""
    if not has_timeline:
        return "ordinary"
    return "first_mention" if kind == "first_mention" else "timeline"


def _fit(questions: Sequence[str], labels: Sequence[str]) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=MIN_DF, sublinear_tf=True, lowercase=False)
    x = vectorizer.fit_transform([normalise(q) for q in questions])
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, [CLASSES.index(y) for y in labels])
    return vectorizer, model


def _asks_years(vectorizer: Any, model: Any, questions: Sequence[str]) -> np.ndarray:
    p = model.predict_proba(vectorizer.transform([normalise(q) for q in questions]))
    return np.asarray(p[:, 1] + p[:, 2])


def out_of_fold(examples: Sequence[IntentExample]) -> np.ndarray:
    """Each example's probability of asking for years from a model fitted without its file's questions."""
    groups = sorted({e.group for e in examples})
    folds = min(MAX_FOLDS, len(groups))
    if folds < 2:
        raise UsageError("calibrate-intent needs questions from at least two files (the folds are files)")
    fold_of = {g: i % folds for i, g in enumerate(groups)}
    scores = np.zeros(len(examples))
    for fold in range(folds):
        train = [e for e in examples if fold_of[e.group] != fold]
        test = [i for i, e in enumerate(examples) if fold_of[e.group] == fold]
        if len({e.label for e in train}) < len(CLASSES):
            raise UsageError("each fold's training files must hold ordinary, timeline and first-mention questions")
        vectorizer, model = _fit([e.question for e in train], [e.label for e in train])
        scores[test] = _asks_years(vectorizer, model, [examples[i].question for i in test])
    return scores


def choose_threshold(scores: np.ndarray, ordinary: np.ndarray, max_ordinary: float) -> float:
    """The lowest threshold at which at most ``max_ordinary`` of the ordinary questions score at or above it."""
    allowed = int(np.floor(max_ordinary * ordinary.sum()))
    higher = np.sort(scores[ordinary])[::-1]
    # just above the (allowed + 1)-th highest ordinary score, and never below one half
    bound = float(higher[allowed]) if allowed < len(higher) else 0.0
    return round(max(0.5, bound + 1e-6), 6)


def fit(
    examples: Sequence[IntentExample], max_ordinary: float, files: Sequence[str], command: Sequence[str] | None
) -> IntentModel:
    """Fit on every example, choose the threshold out of fold, and keep what it was fitted on and how it scored."""
    labels = {e.label for e in examples}
    if labels != set(CLASSES):
        raise UsageError(f"the training files must hold ordinary, timeline and first-mention questions (found {sorted(labels)})")
    scores = out_of_fold(examples)
    ordinary = np.array([e.label == "ordinary" for e in examples])
    threshold = choose_threshold(scores, ordinary, max_ordinary)
    years = ~ordinary
    vectorizer, model = _fit([e.question for e in examples], [e.label for e in examples])
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    fitted = {
        "at": time.strftime("%Y-%m-%d"),
        "files": list(files),
        "command": " ".join(["python -m assistant calibrate-intent", *command]) if command is not None else None,
        "questions": {c: int(sum(e.label == c for e in examples)) for c in CLASSES},
        "max_ordinary": max_ordinary,
        "out_of_fold": {
            "ordinary_read_as_years": int((scores[ordinary] >= threshold).sum()),
            "years_questions_found": int((scores[years] >= threshold).sum()),
        },
    }
    return IntentModel(
        vocabulary=vocabulary,
        idf=[float(v) for v in vectorizer.idf_],
        weights=[[float(w) for w in row] for row in model.coef_],
        intercepts=[float(b) for b in model.intercept_],
        threshold=threshold,
        fitted=fitted,
    )
