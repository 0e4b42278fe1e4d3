"""Fitting the "not in the corpus" decision on labelled training questions (``python -m assistant calibrate``).

Every training question is asked with refusal turned off, so the signals and
the answer the assistant would give are both seen. A question counts as
*answered* when it is answerable and the answer the assistant would give holds
a reference answer or quotes a paragraph holding the evidence. A logistic
regression (scikit-learn, standardised signals, balanced classes) learns the
probability of that from `assistant.models.Signals`; a threshold per corpus
profile is then chosen on the same training questions for a stated target: at
most ``max_refused`` of the answered questions refused. The threshold reads
each question's out-of-fold confidence (five folds, each scored by a model
fitted without it), not the final model's, which has seen the question and is
surer of it than of a new one. Test parts are never read here.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from assistant.answer.abstain import FEATURES, AbstentionModel, profile
from assistant.errors import UsageError
from assistant.evaluate import metrics
from assistant.evaluate.evidence import quotes_in
from assistant.evaluate.qa_sets import QASet
from assistant.evaluate.selective import auroc
from assistant.models import Signals
from assistant.pipeline import Assistant

NEVER_REFUSE = -1.0  # a threshold no confidence is below


@dataclass(frozen=True)
class Example:
    """One training question: its signals and whether the assistant's answer to it is right."""

    id: str
    profile: str
    signals: Signals | None  # None: nothing was retrieved (the decision is then "refuse", whatever the model)
    answerable: bool
    answered: bool  # answerable, and the answer holds a reference answer or cites the evidence

    def record(self) -> dict[str, Any]:
        """As JSON (the calibration report lists every example)."""
        return {**asdict(self), "signals": asdict(self.signals) if self.signals else None}


def collect(qa: QASet, assistant: Assistant) -> list[Example]:
    """Ask every question of ``qa`` with refusal off; label what the assistant would answer."""
    out = []
    for item in qa.items:
        answer = assistant.ask(item.question, history=list(item.history) or None, abstain_threshold=NEVER_REFUSE)
        cited = [c.hit.passage.text for c in answer.citations]
        right = metrics.is_correct(answer.text, item.answers) or any(quotes_in(t, item.evidence) for t in cited)
        out.append(Example(item.id, profile(assistant.passages), answer.signals, item.answerable, item.answerable and right))
    return out


def fit(examples: list[Example], *, max_refused: float = 0.02, c: float = 1.0) -> AbstentionModel:
    """The logistic regression and a threshold per profile that refuses at most ``max_refused`` of answered questions."""
    usable = [e for e in examples if e.signals is not None]
    if len({e.answered for e in usable}) < 2:
        raise UsageError("calibration needs both answered and unanswered questions: add unanswerable (or answerable) ones")
    x = np.array([e.signals.values(FEATURES) for e in usable if e.signals is not None])
    y = np.array([e.answered for e in usable], dtype=int)
    fitted = AbstentionModel(FEATURES, *fit_logistic(x, y, c, balanced=True), thresholds={})
    held_out = out_of_fold(x, y, c)
    confidence = {id(e): fitted.confidence(e.signals) for e in usable if e.signals is not None}
    if held_out is not None:
        confidence = {id(e): float(p) for e, p in zip(usable, held_out, strict=True)}
    thresholds = {}
    for name in sorted({e.profile for e in usable} | {"seed"}):
        group = [e for e in usable if e.profile == name] or usable
        thresholds[name] = choose_threshold([confidence[id(e)] for e in group if e.answered], max_refused)
    return AbstentionModel(fitted.features, fitted.mean, fitted.scale, fitted.coef, fitted.intercept, thresholds)


def fit_logistic(
    x: np.ndarray, y: np.ndarray, c: float, *, balanced: bool = False
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...], float]:
    """A logistic regression on standardised ``x``: the means, scales, weights and intercept a model file keeps."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    weights = "balanced" if balanced else None
    model = LogisticRegression(C=c, class_weight=weights, max_iter=2000).fit((x - scaler.mean_) / scale, y)
    return (
        tuple(float(v) for v in scaler.mean_),
        tuple(float(v) for v in scale),
        tuple(float(v) for v in model.coef_[0]),
        float(model.intercept_[0]),
    )


FOLDS = 5


def out_of_fold(x: np.ndarray, y: np.ndarray, c: float) -> np.ndarray | None:
    """Each example's confidence from a model fitted on the other folds (None: too few of a class to fold)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if min(int(y.sum()), int(len(y) - y.sum())) < FOLDS:
        return None
    model = make_pipeline(StandardScaler(), LogisticRegression(C=c, class_weight="balanced", max_iter=2000))
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    return np.asarray(cross_val_predict(model, x, y, cv=folds, method="predict_proba")[:, 1])


def choose_threshold(answered: list[float], max_refused: float) -> float:
    """The highest threshold that refuses at most ``max_refused`` of the ``answered`` confidences."""
    if not answered:
        return 0.5
    ordered = sorted(answered)
    allowed = int(np.floor(max_refused * len(ordered)))  # how many answered questions may fall below
    return round(float(ordered[allowed]) - 1e-4, 4)


def training_scores(model: AbstentionModel, examples: list[Example]) -> dict[str, Any]:
    """How the fitted decision does on its own training questions, per profile (for the record, not a result)."""
    out: dict[str, Any] = {}
    for name in sorted({e.profile for e in examples}):
        group = [e for e in examples if e.profile == name]
        conf = [model.confidence(e.signals) if e.signals else 0.0 for e in group]
        t = model.thresholds.get(name, model.thresholds["seed"])
        refused = [cf < t for cf in conf]
        answered = [e.answered for e in group]
        unanswerable = [not e.answerable for e in group]
        out[name] = {
            "questions": len(group),
            "answered_refused": _share([r for r, a in zip(refused, answered, strict=True) if a]),
            "unanswerable_refused": _share([r for r, u in zip(refused, unanswerable, strict=True) if u]),
            "auroc": auroc(conf, answered),
        }
    return out


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def provenance(files: list[str], indexes: list[str], argv: list[str] | None, max_refused: float) -> dict[str, Any]:
    """Where a fitted model came from: files, indexes, the command, the target, the date."""
    return {
        "training_files": files,
        "indexes": [project_relative(i) for i in indexes],
        "command": "python -m assistant calibrate " + " ".join(argv or []),
        "target": f"at most {max_refused:.0%} of answered training questions refused, per profile",
        "fitted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def project_relative(path: str) -> str:
    """A path inside the project as the project names it ("index", "data/index-sample")."""
    from pathlib import Path

    from assistant.settings import PROJECT_ROOT

    resolved = Path(path).resolve()
    return str(resolved.relative_to(PROJECT_ROOT)) if resolved.is_relative_to(PROJECT_ROOT) else path
