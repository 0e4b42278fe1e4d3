"""The timeline entry decision: its features read a statement against its column, and the model file is checked."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from assistant.answer.timeline_entry import FEATURES, EntryEvidence, EntryModel, entry_features, load_entry_model
from assistant.errors import UsageError
from assistant.models import Signals

# the timeline test parts the entry decision was not fitted on (eval/timeline/README.md): each run once; a part
# run once may train the next fit (the question-reading model already learned from 24-28: its own test says which)
HELD_OUT = tuple(f"eval/timeline/ungdc_test{n}.jsonl" for n in range(24, 38))  # run once each (37: not yet), not in this fit


def _evidence(rule: float, coverage: float, screen: float = 0.4, anchored: bool = True, phrase: float = 1.0) -> EntryEvidence:
    base = dict.fromkeys(Signals.__dataclass_fields__, 0.0)
    return EntryEvidence(Signals(**{**base, "coverage": coverage, "evidence": rule}), rule, screen, anchored, phrase)


def test_a_statement_is_read_against_the_best_of_its_column() -> None:
    column = [_evidence(0.6, 0.9), _evidence(0.45, 0.3, anchored=False, phrase=0.5)]
    x = entry_features(column)
    assert x.shape == (2, len(FEATURES))
    row = dict(zip(FEATURES, x[1], strict=True))
    assert row["rule"] == 0.45 and row["anchored"] == 0.0 and row["screen"] == 0.4 and row["phrase"] == 0.5
    assert row["phrase_below_best"] == pytest.approx(-0.5)
    assert row["below_best"] == pytest.approx(-0.15) and row["coverage_below_best"] == pytest.approx(-0.6)
    assert dict(zip(FEATURES, x[0], strict=True))["below_best"] == 0.0  # the best is not below itself
    assert entry_features([]).shape == (0, len(FEATURES))


def test_the_model_gives_a_probability_that_rises_with_its_weights() -> None:
    n = len(FEATURES)
    coef = [0.0] * n
    coef[FEATURES.index("rule")] = 4.0
    model = EntryModel(FEATURES, (0.0,) * n, (1.0,) * n, tuple(coef), -2.0, 0.5)
    p = model.confidences([_evidence(0.2, 0.5), _evidence(0.8, 0.5)])
    assert p[0] == pytest.approx(1 / (1 + math.exp(-(4 * 0.2 - 2)))) and p[1] > 0.5 > p[0]
    assert model.confidences([]).shape == (0,)
    assert np.all((p > 0) & (p < 1))


def test_a_model_that_does_not_fit_the_features_is_refused_with_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "entries.json"
    model = asdict(load_entry_model())
    bad.write_text(json.dumps({**model, "features": ["evidence"], "mean": [0], "scale": [1], "coef": [1]}))
    with pytest.raises(UsageError, match="calibrate-timeline"):
        load_entry_model(bad)
    bad.write_text("{not json")
    with pytest.raises(UsageError, match="calibrate-timeline"):
        load_entry_model(bad)
    with pytest.raises(UsageError, match="cannot read"):
        load_entry_model(tmp_path / "missing.json")
    # numbers that would make every probability NaN, or a threshold no probability can meet
    for broken in ({"scale": [0.0] * len(FEATURES)}, {"coef": [float("nan")] * len(FEATURES)}, {"threshold": 1.5}):
        bad.write_text(json.dumps({**model, **broken}))
        with pytest.raises(UsageError, match=r"not finite|not positive|outside"):
            load_entry_model(bad)


def test_the_shipped_model_names_its_training_files_never_the_held_out_part() -> None:
    model = load_entry_model()
    assert model.features == FEATURES and 0.0 < model.threshold < 1.0
    files = model.fitted["training_files"]
    assert files and not set(files) & set(HELD_OUT)
    assert all(f.startswith("eval/timeline/") for f in files)
    training = model.fitted["training"]["out_of_fold"]
    # what the threshold was chosen for, on the training files' out-of-fold probabilities
    assert training["recall"] >= 0.8 and training["precision"] >= 0.9


def test_a_first_mention_needs_the_topics_word_pairs_nearly_as_well_as_the_columns_best() -> None:
    from assistant.answer.timeline_anchor import holds_topic

    # "information ... Security Council" holds every term of "international information security", no pair
    assert not holds_topic(_evidence(0.5, 1.0, phrase=0.0), best_phrase=1.0)
    assert holds_topic(_evidence(0.5, 0.6, phrase=0.5), best_phrase=1.0)
    assert not holds_topic(_evidence(0.5, 0.3, anchored=False, phrase=1.0), best_phrase=1.0)  # the pairs, not most terms
    assert holds_topic(_evidence(0.5, 0.8, phrase=0.0), best_phrase=0.0)  # no statement holds a pair: terms decide
