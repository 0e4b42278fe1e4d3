"""Comparing two runs, and the regression gate's bounds, on hand-made output folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import UsageError
from assistant.evaluate.compare import compare_runs, render, to_dict
from assistant.evaluate.gate import GateFailure, check, violations


def _record(qid: str, answerable: bool, **scores: Any) -> dict[str, Any]:
    return {"config": "c", "id": qid, "scores": {"answerable": answerable, **scores}}


def write_run(folder: Path, records: list[dict[str, Any]], metrics: dict[str, Any], qa_sha: str = "abc") -> Path:
    folder.mkdir()
    summary = {
        "default": "c",
        "configurations": [{"name": "c", "metrics": metrics}],
        "qa_file": {"sha256": qa_sha},
        "index": {"corpus_sha256": "x"},
    }
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def test_wins_and_regressions_question_by_question(tmp_path: Path) -> None:
    a = write_run(
        tmp_path / "a",
        [
            _record("q1", True, correct=False, **{"hit@k": True, "mrr@10": 1.0}),
            _record("q2", True, correct=True, **{"hit@k": True, "mrr@10": 1.0}),
            _record("q3", True, correct=True, **{"hit@k": True, "mrr@10": 0.5}),
            _record("x1", False, refusal_correct=False),
            _record("only-a", True, correct=True),
        ],
        {"correct": 0.5, "hit@k": 1.0},
    )
    b = write_run(
        tmp_path / "b",
        [
            _record("q1", True, correct=True, **{"hit@k": True, "mrr@10": 1.0}),  # win: now correct
            _record("q2", True, correct=False, **{"hit@k": False, "mrr@10": 0.0}),  # regression: the outcome comes first
            _record("q3", True, correct=True, **{"hit@k": True, "mrr@10": 1.0}),  # win on rank only
            _record("x1", False, refusal_correct=True),  # win: now refused
        ],
        {"correct": 0.75, "hit@k": 1.0},
        qa_sha="def",
    )
    c = compare_runs(a, b)
    assert [(w.id, w.metric, w.a, w.b) for w in c.wins] == [
        ("q1", "outcome", False, True),
        ("q3", "mrr@10", 0.5, 1.0),
        ("x1", "outcome", False, True),
    ]
    assert [(r.id, r.metric) for r in c.regressions] == [("q2", "outcome")]
    assert c.only_a == ["only-a"] and c.only_b == []
    assert c.metric_deltas == {"correct": (0.5, 0.75)}
    assert c.warnings and "different QA files" in c.warnings[0]
    text = render(c)
    assert (
        "Wins (B better): 3" in text and "Regressions (B worse): 1" in text and "q2           outcome          yes -> no" in text
    )
    assert to_dict(c)["regressions"][0]["id"] == "q2"


def test_compare_names_missing_folders_and_configurations(tmp_path: Path) -> None:
    a = write_run(tmp_path / "a", [], {})
    with pytest.raises(UsageError, match="not an evaluation output folder"):
        compare_runs(a, tmp_path / "nothing")
    with pytest.raises(UsageError, match="no configuration 'other'; it has: c"):
        compare_runs(a, a, config_a="other")


def test_compare_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    a = write_run(tmp_path / "a", [_record("q1", True, correct=False)], {"correct": 0.0})
    b = write_run(tmp_path / "b", [_record("q1", True, correct=True)], {"correct": 1.0})
    assert main(["eval", "compare", str(a), str(b)]) == 0
    assert "Wins (B better): 1" in capsys.readouterr().out
    assert main(["eval-compare", str(a), str(b), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["wins"][0]["id"] == "q1"
    assert main(["eval", "compare", str(a)]) == 2


def test_gate_bounds(tmp_path: Path) -> None:
    bounds = {"min": {"hit@5": 0.9, "mrr@10": 0.5}, "max": {"wrong_refusal_rate": 0.1}}
    assert violations({"hit@5": 0.9, "mrr@10": 0.7, "wrong_refusal_rate": 0.1}, bounds) == []  # bounds are inclusive
    assert violations({"hit@5": 0.85, "mrr@10": None, "wrong_refusal_rate": 0.2}, bounds) == [
        "hit@5 = 0.8500 < 0.9 (min)",
        "mrr@10: not measured by this run (min 0.5)",
        "wrong_refusal_rate = 0.2000 > 0.1 (max)",
    ]
    path = tmp_path / "thresholds.json"
    path.write_text(json.dumps(bounds), encoding="utf-8")
    with pytest.raises(GateFailure) as caught:
        check({"hit@5": 0.5, "mrr@10": 0.7, "wrong_refusal_rate": 0.0}, path)
    assert caught.value.exit_code == 1 and "hit@5 = 0.5000 < 0.9" in str(caught.value)
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(UsageError, match="expected"):
        check({}, path)
