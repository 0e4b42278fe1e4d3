"""Fitting the timeline entry decision: the command refits on the seed timeline questions and the assistant reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer.timeline_entry import FEATURES, load_entry_model
from assistant.cli import main
from assistant.evaluate.timeline_calibrate import ScoredStatement, TrainingQuestion, choose_threshold, replay
from assistant.settings import PROJECT_ROOT

SEED_FILES = [str(PROJECT_ROOT / "eval" / "timeline" / f"seed_{name}.jsonl") for name in ("train", "test", "test2", "test3")]


def _statement(year: int, key: str, entry: bool, anchored: bool = True) -> ScoredStatement:
    return ScoredStatement(f"{year}-09-20", year, key, anchored, (), entry)


def test_the_replay_scores_questions_as_eval_does() -> None:
    a, b, c = _statement(2001, "a", False, anchored=False), _statement(2003, "b", True), _statement(2005, "c", True)
    q = TrainingQuestion("q", "f", "first_mention", frozenset({"b", "c"}), 2003, ((a, b, c),))
    probability = {id(a): 0.7, id(b): 0.6, id(c): 0.2}
    # at 0.5: a and b kept; a is not anchored, so the first mention starts at b: recall 1/2, precision 1, first right
    assert replay([q], probability, 0.5) == {"threshold": 0.5, "recall": 0.5, "precision": 1.0, "first_year": 1.0}
    # at 0.1 every statement is kept, c too
    assert replay([q], probability, 0.1)["recall"] == 1.0
    # a statement the decision is sure of may be the first mention without the topic's words in its passage
    sure = {**probability, id(a): 0.9}
    assert replay([q], sure, 0.5)["first_year"] == 0.0 and replay([q], sure, 0.5)["precision"] == 0.5
    # above every probability: nothing found, no precision, the first year missed
    assert replay([q], probability, 0.9) == {"threshold": 0.9, "recall": 0.0, "precision": 0.0, "first_year": 0.0}


def test_the_threshold_keeps_the_targets_and_then_the_most_first_years() -> None:
    scores = {
        0.3: {"recall": 0.9, "precision": 0.85, "first_year": 0.9},  # precision below target
        0.4: {"recall": 0.85, "precision": 0.91, "first_year": 0.7},
        0.5: {"recall": 0.82, "precision": 0.93, "first_year": 0.75},
        0.6: {"recall": 0.7, "precision": 0.97, "first_year": 0.8},  # recall below target
    }
    assert choose_threshold(scores, 0.8, 0.9) == 0.5
    # no threshold meets both: the best balance of the two (0.4: recall 0.89 and precision 0.92 of their targets)
    assert choose_threshold(scores, 0.95, 0.99) == 0.4


def test_the_command_refits_on_seed_questions_and_the_assistant_reads_it(seed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "entries.json"
    code = main(["calibrate-timeline", *SEED_FILES, "--index", str(seed_settings.index_dir), "--out", str(out)])
    assert code == 0
    model = load_entry_model(out)
    assert model.features == FEATURES and 0.0 < model.threshold < 1.0
    assert model.fitted["training_files"] == [f"eval/timeline/seed_{n}.jsonl" for n in ("train", "test", "test2", "test3")]
    assert model.fitted["command"].startswith("python -m assistant calibrate-timeline " + SEED_FILES[0])
    training = model.fitted["training"]
    assert training["questions"] == 22 and 0 < training["entries"] < training["statements"]
    # the fitted decision finds most of the gold of the questions it was fitted on, out of fold
    assert training["out_of_fold"]["recall"] >= 0.6 and training["out_of_fold"]["auroc"] is not None

    from assistant.pipeline import Assistant

    question = "How has the Secretary-General's position on the responsibility to protect changed between 2011 and 2017?"
    answer = Assistant(seed_settings.with_overrides(timeline_model=out)).ask(question)
    assert answer.kind == "timeline" and answer.timeline
    assert all(e.confidence >= model.threshold for e in answer.timeline)
    # the model named is the one used: the same model asking more than any statement reaches keeps none
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({**json.loads(out.read_text()), "intercept": -40.0}), encoding="utf-8")
    silent = Assistant(seed_settings.with_overrides(timeline_model=strict)).ask(question)
    assert not silent.timeline


def test_a_refit_that_misses_its_targets_says_so(seed_settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "entries.json"
    args = ["calibrate-timeline", *SEED_FILES, "--index", str(seed_settings.index_dir), "--out", str(out)]
    assert main([*args, "--recall", "1", "--precision", "1"]) == 0
    assert "warning: no threshold keeps recall >= 1.0 and precision >= 1.0" in capsys.readouterr().err
    assert load_entry_model(out).fitted["training"]["target_met"] is False
    # nonsense targets, a file named twice, a folder that does not exist: a clear error before any work
    assert main([*args, "--recall", "0"]) != 0 and "--recall 0.0 must be above 0" in capsys.readouterr().err
    assert main([*args[:5], SEED_FILES[0], *args[5:]]) != 0 and "named twice" in capsys.readouterr().err
    args[-1] = str(tmp_path / "no" / "such" / "entries.json")
    assert main(args) != 0 and "does not exist" in capsys.readouterr().err


def test_a_refit_without_timeline_questions_says_so(seed_settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    plain = PROJECT_ROOT / "eval" / "trust" / "seed_train.jsonl"
    out = tmp_path / "m.json"
    code = main(["calibrate-timeline", str(plain), "--index", str(seed_settings.index_dir), "--out", str(out)])
    assert code != 0 and not out.exists()
    assert "none of these files has a timeline question" in capsys.readouterr().err
