"""Deciding "not in the corpus": a learned confidence over signals the pipeline already computes.

The signals (`Signals`) describe how well the best passage and the best
answer sentence match the question: the reranker's components, where the two
first-stage retrievers ranked the top passage and whether they agree, how far
it leads the next one, key-term coverage, whether the best sentence holds the
kind of answer asked for, what the filters left, whether the top passage is a
title block, and the corpus's size. A logistic regression
(`python -m assistant calibrate`, scikit-learn) turns them into the
probability that the question is answered from these passages; its weights and
the thresholds chosen on training questions are JSON in the package
(``abstention.json``: no pickle), with the files and command they came from.
The hand-weighted rule it replaced (``abstention-rule.json``) is one of the
signals of the timeline entry decision (`assistant.answer.timeline_entry`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import UsageError
from assistant.models import Signals
from assistant.retrieve.rerank import TermStatistics
from assistant.retrieve.search import SearchResult
from assistant.text.lexical import index_terms, key_terms, stem

MODEL_FILE = "abstention.json"
RULE_FILE = "abstention-rule.json"  # the hand-weighted rule: a signal of timeline entries (assistant.answer.timeline_entry)
MISSING_TYPE_FACTOR = 0.8  # the "mean" rule: a best sentence without the kind of answer asked for counts less
LARGE_CORPUS = 20_000  # passages: from here on, the "large" threshold applies (the General Debate corpus and up)
_QUANTITY_QUESTION_RE = re.compile(r"^\s*(?:and\s+)?how (?:many|much)\b", re.I)
_YEAR_QUESTION_RE = re.compile(r"^\s*(?:and\s+)?(?:in )?what year\b|^\s*when\b", re.I)
_NUMBER_RE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundreds?|thousands?|millions?|billions?)\b", re.I
)
_DATE_RE = re.compile(r"\b(?:1[89]|20)\d{2}\b")


def answer_type_present(question: str, sentence: str) -> bool:
    """Whether ``sentence`` holds the kind of answer the question asks for (a number, a year), if it asks for one."""
    if _QUANTITY_QUESTION_RE.match(question):
        return bool(_NUMBER_RE.search(sentence))
    if _YEAR_QUESTION_RE.match(question):
        return bool(_DATE_RE.search(sentence))
    return True


FEATURES = tuple(Signals.__dataclass_fields__)


def signals_for(
    question: str,
    result: SearchResult,
    best_sentence: tuple[str, float] | None,
    passages: int,
    *,
    relaxed: bool = False,
    terms: TermStatistics | None = None,
    wanted: list[str] | None = None,
    unfiltered: SearchResult | None = None,
) -> Signals:
    """The signals of a search whose hits are non-empty, with the best answer sentence (text, score) if any.

    ``relaxed``: the question named a document (a year, a type) that no indexed one matches; ``terms`` and
    ``wanted`` (the question's stemmed key terms): which of them the corpus, and the top passage, hold;
    ``unfiltered``: the search without the filters (nor the preferences and ignored terms that come with them),
    when filters restricted it.
    """
    top = result.rows[0]
    ev = result.evidence[top]
    second = result.evidence[result.rows[1]].score if len(result.rows) > 1 else 0.0
    ranks = result.first_stage_ranks
    dense, bm25 = ranks.get("dense", {}), ranks.get("bm25", {})
    firsts = [min(r, key=r.__getitem__) for r in (dense, bm25) if r]
    text, score = best_sentence if best_sentence is not None else ("", ev.score / 2)
    return Signals(
        evidence=ev.score,
        dense=ev.dense,
        sentence=ev.sentence,
        coverage=ev.coverage,
        best_sentence=score,
        answer_type=float(answer_type_present(question, text)) if best_sentence is not None else 0.0,
        dense_rank=1.0 / dense[top] if top in dense else 0.0,
        bm25_rank=1.0 / bm25[top] if top in bm25 else 0.0,
        agree=float(len(firsts) == 2 and firsts[0] == firsts[1]),
        margin=ev.score - second,
        filtered=float(result.searched < passages),
        searched_share=math.log10(max(1, result.searched) / max(1, passages)),
        title=float(result.hits[0].passage.kind == "title"),
        log_passages=math.log10(max(1, passages)),
        question_terms=float(len(key_terms(question))),
        relaxed=float(relaxed),
        **_term_signals(terms, wanted or [], top),
        scope_contrast=_scope_contrast(ev.score, unfiltered),
        name_missing=_name_missing(question, terms, wanted or [], result.rows),
    )


# Capitalised words that questions use for the setting rather than the topic ("the General Debate", "the Assembly"),
# and the calendar's names
SETTING_WORDS = frozenset(
    stem(w)
    for w in "general debate assembly council security charter member members state states organization republic "
    "government president minister prime foreign delegation delegate speech statement report message remarks article "
    "session address january february march april may june july august september october november december monday "
    "tuesday wednesday thursday friday saturday sunday".split()
)
# a word (any script's capitals: "Élysée"), or a mark that ends a sentence; "Mr." and "U.S." end none
_WORD_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Messrs)\.|[^\W\d_][\w'’-]*(?:\.[^\W\d_]\.)*|[.?!:;\"“”(]")
SENTENCE_MARKS = frozenset('.?!:;"“”(')


def question_names(question: str, wanted: list[str]) -> list[str]:
    """The stemmed key terms the question writes as names: capitalised, not opening a sentence, not the setting.

    A question typed all in capitals gives none: its capitals mark nothing.
    """
    if not any(ch.islower() for ch in question):
        return []
    out: dict[str, None] = {}
    opens = True
    for word in _WORD_RE.findall(question):
        if word in SENTENCE_MARKS:
            opens = True
            continue
        title = word.endswith(".") and "." not in word[:-1]  # "Mr." opens no sentence and names no one
        if not opens and not title and word[0].isupper():
            for t in index_terms(word):
                if t in wanted and t not in SETTING_WORDS:
                    out.setdefault(t, None)
        opens = False
    return list(out)


def _name_missing(question: str, terms: TermStatistics | None, wanted: list[str], rows: list[int]) -> float:
    """Share of the question's names (`question_names`) that none of the passages read holds, in any spelling."""
    names = question_names(question, wanted)
    if terms is None or not names or not rows:
        return 0.0
    read = np.asarray(rows, dtype=np.int64)
    missing = sum(1 for t in names if not terms.rows_holding(t, read).any())
    return missing / len(names)


def _scope_contrast(evidence: float, unfiltered: SearchResult | None) -> float:
    """The top passage's evidence minus the best evidence the whole index holds (0 when nothing was filtered).

    Evidence scores, not the ranking's: with another reranker the hits' scores are on another scale.
    """
    if unfiltered is None or not unfiltered.evidence:
        return 0.0
    return evidence - max(e.score for e in unfiltered.evidence.values())


def _term_signals(terms: TermStatistics | None, wanted: list[str], top: int) -> dict[str, float]:
    """Share of the question's key terms the corpus never uses; whether its rarest known one is missing from the top passage."""
    if terms is None or not wanted:
        return {"unseen_terms": 0.0, "rare_term_missing": 0.0}
    vocab = terms.store.bm25_idf[0]
    known = [t for t in wanted if any(f in vocab for f in terms.forms(t))]  # in any spelling it counts
    rare_missing = 0.0
    if known:
        rarest = max(known, key=terms.idf)
        rare_missing = 1.0 - float(terms.rows_holding(rarest, np.asarray([top], dtype=np.int64))[0])
    return {"unseen_terms": 1.0 - len(known) / len(wanted), "rare_term_missing": rare_missing}


@dataclass(frozen=True)
class AbstentionModel:
    """A logistic regression over standardised signals, with a threshold per corpus profile."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    thresholds: dict[str, float]  # profile ("seed", "large") -> refuse below this confidence
    fitted: dict[str, Any] = field(default_factory=dict)  # training files, index, command, date, training scores
    kind: str = "logistic"  # or "mean": the hand-weighted rule (mean of passage and sentence evidence), no weights read

    def confidence(self, signals: Signals) -> float:
        """The probability that the passages answer the question (for "mean": the hand-weighted evidence score)."""
        if self.kind == "mean":
            score = (signals.evidence + signals.best_sentence) / 2
            return score if signals.answer_type else score * MISSING_TYPE_FACTOR
        x = (np.asarray(signals.values(self.features)) - np.asarray(self.mean)) / np.asarray(self.scale)
        z = float(x @ np.asarray(self.coef) + self.intercept)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def threshold(self, passages: int) -> float:
        """The threshold for a corpus of ``passages``."""
        return self.thresholds[profile(passages)] if profile(passages) in self.thresholds else self.thresholds["seed"]

    def to_json(self) -> str:
        """The model as JSON (what `load_model` reads)."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)


def profile(passages: int) -> str:
    """The corpus profile a threshold is chosen for: "seed" (small corpora) or "large"."""
    return "large" if passages >= LARGE_CORPUS else "seed"


def load_model(path: Path | None = None) -> AbstentionModel:
    """The model at ``path``, or the one shipped in the package; `UsageError` naming the fix if it is unreadable."""
    return _load(str(path) if path else None)


def load_rule() -> AbstentionModel:
    """The hand-weighted rule shipped in the package (what timeline entries are decided with)."""
    return _load(RULE_FILE)


@cache
def _load(path: str | None) -> AbstentionModel:
    try:
        packaged = path in (None, RULE_FILE)  # the package's own files, read through importlib.resources
        text = (
            resources.files("assistant.answer").joinpath(path or MODEL_FILE).read_text(encoding="utf-8")
            if packaged
            else Path(str(path)).read_text(encoding="utf-8")
        )
        data = json.loads(text)
        model = AbstentionModel(
            features=tuple(data["features"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            coef=tuple(data["coef"]),
            intercept=float(data["intercept"]),
            thresholds={str(k): float(v) for k, v in data["thresholds"].items()},
            fitted=dict(data.get("fitted", {})),
            kind=str(data.get("kind", "logistic")),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if path and Path(path).name == "abstention-learned.json":
            raise UsageError(
                f"cannot read the abstention model {path}: the learned model is now assistant/answer/abstention.json, "
                "the default; unset ASSISTANT_ABSTAIN_MODEL"
            ) from exc
        raise UsageError(
            f"cannot read the abstention model {path or MODEL_FILE} ({exc}); refit it with `python -m assistant calibrate`"
        ) from exc
    unknown = set(model.features) - set(FEATURES)
    if model.kind not in ("logistic", "mean"):
        raise UsageError(f"the abstention model {path or MODEL_FILE} has an unknown kind {model.kind!r}; known: logistic, mean")
    if unknown or not (len(model.features) == len(model.mean) == len(model.scale) == len(model.coef)):
        raise UsageError(f"the abstention model {path or MODEL_FILE} does not fit this version's signals; refit it")
    return model
