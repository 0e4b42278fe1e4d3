"""A learned second reading of a question: does it ask for years, for a first mention, or for neither.

The phrasings of `assistant.interpret.time_phrasings` read the ways of asking that the project has met; a new
way ("cambodia + mekong cooperation - list every general debate speech that mentions it") reads as an ordinary
question. This model reads the question's words instead: a logistic regression over word and word-pair TF-IDF
features, with every country name, year and decade replaced by a placeholder so that it learns the asking, not
the speakers. It is fitted by ``python -m assistant calibrate-intent`` (`assistant.evaluate.intent_calibrate`,
scikit-learn) on every labelled question of the project, and answering reads its weights from JSON:
`IntentModel.probabilities` computes scikit-learn's own transform (default tokens, sublinear term frequency,
smoothed IDF, L2 norm, softmax) so both give the same figures.

`assistant.interpret.timeline` asks it only when no phrasing matched and a speaker or statements are named.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from assistant.errors import UsageError
from assistant.ingest.ungdc.countries import load_countries
from assistant.interpret.countries import SHORT_FORMS

INTENT_FILE = "timeline-intent.json"  # packaged beside this module
CLASSES = ("ordinary", "timeline", "first_mention")  # the model's classes, in the order of its weights
TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
DECADE_RE = re.compile(r"\b(?:1[89]|20)\d0s\b")
YEAR_RE = re.compile(r"\b(?:1[89]|20)\d\d\b")


@cache
def _country_names_re() -> re.Pattern[str]:
    """Every name of every country of the packaged table, and the short forms, in any case (not "us")."""
    table = load_countries()
    names = {str(n) for n in table["names"].values()}
    names |= {str(n) for spans in table["former_names"].values() for _, _, n in spans}
    names |= {re.sub(r"\s*\(.*?\)\s*", " ", n).strip() for n in names}  # "Iran (Islamic Republic of)" -> "Iran"
    names |= set(SHORT_FORMS)
    folded = sorted({n.casefold() for n in names if n} - {"us"}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in folded) + r")(?![\w-])", re.I)


def normalise(question: str) -> str:
    """The question as the model reads it: countries, decades and years become placeholders, lower case."""
    text = _country_names_re().sub(" zcountry ", question)
    text = DECADE_RE.sub(" zdecade ", text)
    return YEAR_RE.sub(" zyear ", text).lower()


def ngrams(text: str) -> list[str]:
    """Words and adjacent word pairs, as scikit-learn's ``ngram_range=(1, 2)`` makes them."""
    words = TOKEN_RE.findall(text)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


@dataclass(frozen=True)
class IntentModel:
    """Weights of the fitted model: vocabulary with IDF, one row of weights per class, the threshold."""

    vocabulary: dict[str, int]
    idf: list[float]
    weights: list[list[float]]  # per class, per vocabulary entry
    intercepts: list[float]
    threshold: float  # the probability of "timeline" + "first_mention" from which a question asks for years
    fitted: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, question: str) -> dict[str, float]:
        """The probability of each class for ``question``."""
        counts = Counter(i for g in ngrams(normalise(question)) if (i := self.vocabulary.get(g)) is not None)
        values = {i: (1 + math.log(n)) * self.idf[i] for i, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
        scores = [b + sum(w[i] * v / norm for i, v in values.items()) for w, b in zip(self.weights, self.intercepts, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        return {c: e / sum(exps) for c, e in zip(CLASSES, exps, strict=True)}

    def kind(self, question: str) -> str | None:
        """The kind asked for ("timeline" or "first_mention") when the model is confident enough, else None."""
        p = self.probabilities(question)
        if p["timeline"] + p["first_mention"] < self.threshold:
            return None
        return "first_mention" if p["first_mention"] > p["timeline"] else "timeline"

    def to_json(self) -> str:
        """The model as JSON (no pickle), weights rounded to what changes no decision."""
        return json.dumps(
            {
                "classes": list(CLASSES),
                "threshold": self.threshold,
                "fitted": self.fitted,
                "intercepts": [round(b, 6) for b in self.intercepts],
                "vocabulary": self.vocabulary,
                "idf": [round(v, 6) for v in self.idf],
                "weights": [[round(w, 6) for w in row] for row in self.weights],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> IntentModel:
        """The model written by `to_json`."""
        data = json.loads(text)
        if not isinstance(data, dict) or tuple(data.get("classes", ())) != CLASSES:
            raise ValueError(f"the classes must be {list(CLASSES)}")
        return cls(
            data["vocabulary"], data["idf"], data["weights"], data["intercepts"], float(data["threshold"]), data.get("fitted", {})
        )


def load_intent(path: Path | None = None) -> IntentModel:
    """The model at ``path``, or the one shipped in the package; `UsageError` naming the fix if it is unreadable."""
    return _load(str(path) if path else None)


@cache
def _load(path: str | None) -> IntentModel:
    name = path or INTENT_FILE
    try:
        text = (
            Path(path).read_text(encoding="utf-8")
            if path
            else resources.files("assistant.interpret").joinpath(INTENT_FILE).read_text(encoding="utf-8")
        )
        model = IntentModel.from_json(text)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(
            f"cannot read the question-reading model {name} ({exc}); refit it with `python -m assistant calibrate-intent`"
        ) from exc
    sizes = {len(model.idf), *(len(row) for row in model.weights)}
    indexes = set(model.vocabulary.values())
    if (
        sizes != {len(model.vocabulary)}
        or indexes != set(range(len(model.vocabulary)))
        or len(model.weights) != len(CLASSES)
        or not 0 < model.threshold < 1
    ):
        raise UsageError(
            f"the question-reading model {name} is inconsistent (weights, vocabulary or threshold); refit it with "
            "`python -m assistant calibrate-intent`"
        )
    return model
