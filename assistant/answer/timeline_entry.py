"""Which scored statements are timeline entries: a learned probability that a statement addresses the topic.

Each statement of a timeline's column is scored like an answer (`assistant.answer.abstain.signals_for`); the
decision reads those signals, the hand-weighted rule's confidence, the passage-level screen, whether the best
passage holds most of the topic's words, and the statement's standing in its column: how far its confidence and
its key-term coverage are below the column's best. Not how many statements the column scored: the training
questions ask about topics raised in a few years, so that count taught the model that a long column is mostly
noise, and a country that raised its topic nearly every year lost most of its entries (docs/decisions.md).
A logistic regression over them
(`python -m assistant calibrate-timeline`, scikit-learn) gives the probability; its weights and the threshold
chosen on the training questions' out-of-fold probabilities are JSON in the package (``timeline-entry.json``,
no pickle), with the files and command they came from.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import UsageError
from assistant.models import Signals

ENTRY_FILE = "timeline-entry.json"
# the signals of one statement's search that the decision reads (not the corpus's size, nor the share of it
# a statement is: those differ between a country's index and the whole General Debate)
SIGNALS = (
    "evidence",
    "dense",
    "sentence",
    "coverage",
    "best_sentence",
    "dense_rank",
    "bm25_rank",
    "agree",
    "margin",
    "rare_term_missing",
    "name_missing",
    "unseen_terms",
    "question_terms",
)
FEATURES = (*SIGNALS, "rule", "screen", "anchored", "phrase", "below_best", "coverage_below_best", "phrase_below_best")


@dataclass(frozen=True)
class EntryEvidence:
    """What the decision reads about one statement of a column."""

    signals: Signals
    rule: float  # the hand-weighted rule's confidence (assistant/answer/abstention-rule.json)
    screen: float  # the passage-level evidence the screen read
    anchored: bool  # its best passage holds most of the topic's key terms
    phrase: float  # the share of the topic's adjacent term pairs its passages hold adjacent (`lexical.phrase_share`)


def entry_features(column: Sequence[EntryEvidence]) -> np.ndarray:
    """One row of `FEATURES` per statement of ``column`` (its standing is read against the column's others)."""
    if not column:
        return np.zeros((0, len(FEATURES)))
    best_rule = max(e.rule for e in column)
    best_coverage = max(e.signals.coverage for e in column)
    best_phrase = max(e.phrase for e in column)
    return np.array(
        [
            [
                *e.signals.values(SIGNALS),
                e.rule,
                e.screen,
                float(e.anchored),
                e.phrase,
                e.rule - best_rule,
                e.signals.coverage - best_coverage,
                e.phrase - best_phrase,
            ]
            for e in column
        ]
    )


@dataclass(frozen=True)
class EntryModel:
    """A logistic regression over standardised `FEATURES`, with the threshold an entry must reach."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    fitted: dict[str, Any] = field(default_factory=dict)  # training files, indexes, command, date, training scores

    def confidences(self, column: Sequence[EntryEvidence]) -> np.ndarray:
        """The probability that each statement of ``column`` addresses the topic."""
        x = entry_features(column)
        if not len(x):
            return np.zeros(0)
        z = ((x - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def to_json(self) -> str:
        """The model as JSON (what `load_entry_model` reads)."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


def load_entry_model(path: Path | None = None) -> EntryModel:
    """The model at ``path``, or the one shipped in the package; `UsageError` naming the fix if it is unreadable."""
    return _load(str(path) if path else None)


@cache
def _load(path: str | None) -> EntryModel:
    name = path or ENTRY_FILE
    try:
        text = (
            Path(path).read_text(encoding="utf-8")
            if path
            else resources.files("assistant.answer").joinpath(ENTRY_FILE).read_text(encoding="utf-8")
        )
        data = json.loads(text)
        model = EntryModel(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            coef=tuple(float(v) for v in data["coef"]),
            intercept=float(data["intercept"]),
            threshold=float(data["threshold"]),
            fitted=dict(data.get("fitted", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"cannot read the timeline entry model {name} ({exc}); refit it with `python -m assistant calibrate-timeline`"
        ) from exc
    if model.features != FEATURES or not (len(model.mean) == len(model.scale) == len(model.coef) == len(FEATURES)):
        raise UsageError(
            f"the timeline entry model {name} does not fit this version's features; refit it with "
            "`python -m assistant calibrate-timeline`"
        )
    numbers = np.asarray([*model.mean, *model.scale, *model.coef, model.intercept, model.threshold])
    if not np.isfinite(numbers).all() or min(model.scale) <= 0 or not 0 < model.threshold < 1:
        raise UsageError(
            f"the timeline entry model {name} holds a number that is not finite, a scale that is not positive or a "
            "threshold outside (0, 1); refit it with `python -m assistant calibrate-timeline`"
        )
    return model
