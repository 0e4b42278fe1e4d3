"""Fitting the abstention model: the command refits on a small labelled set and writes a model the assistant reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer.abstain import FEATURES, load_model, load_rule
from assistant.cli import main
from assistant.evaluate.calibrate import choose_threshold
from assistant.settings import PROJECT_ROOT

SEED_TRAIN = PROJECT_ROOT / "eval" / "trust" / "seed_train.jsonl"
# the newest answer-trust test parts, whose figures docs/evaluation.md reports: no fit may use them or their
# documents; when newer parts are written (eval/trust/README.md), they take these parts' place here
HELD_OUT = ("eval/trust/seed_test5.jsonl", "eval/trust/ungdc_f_test.jsonl")


def _documents(files: list[str] | tuple[str, ...]) -> set[str]:
    """The documents the questions of ``files`` are about (``doc``: one id, several, or none)."""
    out: set[str] = set()
    for name in files:
        for line in (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines():
            doc = json.loads(line).get("doc") if line.strip() else None
            out.update([doc] if isinstance(doc, str) else doc or [])
    return out


def test_a_threshold_refuses_at_most_the_allowed_share() -> None:
    answered = [0.1 * i for i in range(1, 11)]  # 0.1 ... 1.0
    assert choose_threshold(answered, 0.0) < 0.1  # nothing may be refused: below the lowest
    t = choose_threshold(answered, 0.2)  # two of ten may be refused
    assert sum(c < t for c in answered) == 2
    assert choose_threshold([], 0.02) == 0.5


def test_the_command_refits_on_a_small_set_and_the_assistant_reads_it(seed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = SEED_TRAIN.read_text(encoding="utf-8").splitlines()
    small = [json.loads(line) for line in lines[:20]] + [
        json.loads(line) for line in lines if not json.loads(line)["answerable"]
    ][:10]
    train = tmp_path / "small_train.jsonl"
    train.write_text("".join(json.dumps(r) + "\n" for r in small), encoding="utf-8")
    out, examples = tmp_path / "model.json", tmp_path / "examples.jsonl"
    code = main(
        ["calibrate", str(train), "--index", str(seed_settings.index_dir), "--out", str(out), "--examples", str(examples)]
    )
    assert code == 0
    model = load_model(out)
    assert model.kind == "logistic" and model.features == FEATURES and set(model.thresholds) == {"seed"}
    assert model.fitted["training_files"] == [str(train)] and "calibrate" in model.fitted["command"]
    rows = [json.loads(line) for line in examples.read_text().splitlines()]
    assert len(rows) == 30 and sum(not r["answerable"] for r in rows) == 10
    # the fitted model ranks what it was fitted on: answered questions above unanswerable ones, mostly
    assert model.fitted["training"]["seed"]["auroc"] > 0.7
    # a refusal rate on the training questions within the target (2% of 20 answered: none)
    assert model.fitted["training"]["seed"]["answered_refused"] <= 0.05
    # and the assistant answers with it
    from assistant.pipeline import Assistant

    assistant = Assistant(seed_settings.with_overrides(abstain_model=out))
    answer = assistant.ask("Which two countries led a joint initiative on restraint in the use of the veto?")
    assert not answer.abstained and answer.evidence_score is not None and answer.signals is not None
    assert answer.abstain_threshold == model.thresholds["seed"]


def test_a_model_that_does_not_fit_the_signals_is_refused_with_the_fix(tmp_path: Path) -> None:
    from assistant.errors import UsageError

    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {"features": ["no_such_signal"], "mean": [0], "scale": [1], "coef": [1], "intercept": 0, "thresholds": {"seed": 0.5}}
        )
    )
    with pytest.raises(UsageError, match="refit it"):
        load_model(bad)
    bad.write_text("{not json")
    with pytest.raises(UsageError, match="python -m assistant calibrate"):
        load_model(bad)
    with pytest.raises(UsageError, match=r"now assistant/answer/abstention\.json"):  # the learned model's old name
        load_model(tmp_path / "abstention-learned.json")


def test_the_shipped_models_name_where_they_come_from() -> None:
    """The default is the learned model, which names its training files, never a test part; timelines keep the rule."""
    rule = load_rule()
    assert rule.kind == "mean" and rule.thresholds == {"seed": 0.525, "large": 0.525}
    learned = load_model()
    assert learned.kind == "logistic" and set(learned.features) <= set(FEATURES) and {"seed", "large"} <= set(learned.thresholds)
    files = learned.fitted["training_files"]
    assert files and not set(files) & set(HELD_OUT), "fitted on a held-out test part"
    # split by document: no held-out question shares its document (so its paragraph) with a training question
    assert not _documents(files) & _documents(HELD_OUT), "a held-out part shares documents with the training data"
    assert all(0.0 < t < 1.0 for t in learned.thresholds.values())


def test_the_mean_rule_reads_passage_and_sentence_evidence() -> None:
    from assistant.models import Signals

    base = dict.fromkeys(FEATURES, 0.0)
    signals = Signals(**{**base, "evidence": 0.6, "best_sentence": 0.5, "answer_type": 1.0})
    assert load_rule().confidence(signals) == pytest.approx(0.55)
    missing = Signals(**{**base, "evidence": 0.6, "best_sentence": 0.5, "answer_type": 0.0})
    assert load_rule().confidence(missing) == pytest.approx(0.44)  # x 0.8: no number where one was asked for
