"""The dev-set evaluation end to end: outputs, determinism, the regression gate, and the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DEV_QA

from assistant.evaluate.configs import RunConfig, base_config, sweep
from assistant.settings import PROJECT_ROOT, Settings

THRESHOLDS = PROJECT_ROOT / "eval" / "thresholds.json"


@pytest.fixture(scope="module")
def dev_run(dev_qa: Path, seed_settings: Settings, seed_assistant: Any) -> Any:
    """The dev set under the default configuration, once for this module (skipped, or failed under CI, without it)."""
    from assistant.evaluate.qa_sets import load_qa_set
    from assistant.evaluate.run import evaluate_qa

    return evaluate_qa(load_qa_set(dev_qa), seed_settings, [base_config(seed_settings)], assistant=seed_assistant, progress=False)


def test_regression_gate(dev_run: Any) -> None:
    """Fails when a dev-set metric falls below the bounds pinned in eval/thresholds.json."""
    from assistant.evaluate.gate import check

    check(dev_run.runs[0].metrics, THRESHOLDS)


SEED_TEST = PROJECT_ROOT / "eval" / "trust" / "seed_test.jsonl"
SEED_TEST_GATE = PROJECT_ROOT / "eval" / "gate-seed-test.json"


def test_regression_gate_on_the_seed_test_part(seed_settings: Settings, seed_assistant: Any) -> None:
    """The held-out seed questions (never fitted on): a change that breaks abstention or answers fails here."""
    from assistant.evaluate.gate import check
    from assistant.evaluate.qa_sets import load_qa_set
    from assistant.evaluate.run import evaluate_qa

    run = evaluate_qa(
        load_qa_set(SEED_TEST), seed_settings, [base_config(seed_settings)], assistant=seed_assistant, progress=False
    )
    check(run.runs[0].metrics, SEED_TEST_GATE)


def test_outputs_hold_every_answer_and_what_reproduces_it(dev_run: Any, tmp_path: Path) -> None:
    from assistant.evaluate.report import write_outputs

    written = write_outputs(dev_run, tmp_path)
    assert {p.name for p in written} == {
        "results.jsonl",
        "summary.json",
        "report.md",
        "metrics.png",
        "latency.png",
        "abstention.png",
        "risk_coverage.png",
        "reliability.png",
    }
    records = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 21 and records[0]["id"] == "d01"
    output = records[0]["output"]
    assert {"question", "answer", "abstained", "citations", "passages", "timings_ms", "evidence_score"} <= set(output)
    assert [p["passage_id"] for p in output["passages"]] == records[0]["ranking"][: len(output["passages"])]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["qa_file"]["sha256"] and summary["index"]["index_sha256"] and summary["index"]["corpus_sha256"]
    assert summary["seed"] == 0 and summary["packages"]["numpy"] and summary["settings"]["k"] == 5
    config = summary["configurations"][0]
    assert config["metrics"]["questions"] == 21 and config["cost"]["latency_p95_ms"] >= config["cost"]["latency_p50_ms"]
    assert len(config["abstention_curve"]) == 101
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| d18 |" in report and "![abstention](abstention.png)" in report


def test_the_command_reproduces_the_numbers_and_checks_the_gate(dev_run: Any, seed_settings: Settings, tmp_path: Path) -> None:
    """Same inputs, same numbers: the command line rerun agrees with the fixture's run on every deterministic score."""
    from assistant.cli import main

    out = tmp_path / "dev"
    argv = ["eval", str(DEV_QA), "--index", str(seed_settings.index_dir), "--out", str(out), "--quiet", "--gate", str(THRESHOLDS)]
    assert main(argv) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    first = dev_run.runs[0]
    assert summary["configurations"][0]["metrics"] == pytest.approx({k: v for k, v in first.metrics.items()}, abs=1e-4)
    records = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    for record, earlier in zip(records, first.results, strict=True):
        scores = {k: v for k, v in record["scores"].items() if k != "latency_ms"}
        assert scores == pytest.approx({k: v for k, v in earlier.scores.items() if k != "latency_ms"}, abs=1e-4)
        assert record["output"]["answer"] == earlier.output["answer"]
    assert summary["command"].startswith(f"python -m assistant eval {DEV_QA} --index ")
    assert "--set retriever=hybrid" in summary["command"] and "--seed 0" in summary["command"]


def test_a_malformed_file_exits_2_with_line_numbers_and_runs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "a", "question": "Q?", "answers": [], "evidence": [], "answerable": false}\n{"id": "b",\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    assert main(["eval", str(bad), "--index", str(tmp_path / "no-index"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "line 2: not valid JSON" in err and "nothing was run" in err
    assert not out.exists()


def test_validate_only(dev_qa: Path, seed_settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    assert main(["eval", str(dev_qa), "--index", str(seed_settings.index_dir), "--validate"]) == 0
    assert "21 questions (18 answerable), every evidence quote found" in capsys.readouterr().out


def test_sweeps_are_every_combination() -> None:
    base = RunConfig("hybrid", "evidence", 5, 0.45)
    configs = sweep(["retriever=dense,bm25", "k=3,5,10"], base)
    assert [(c.retriever, c.k) for c in configs] == [
        ("dense", 3),
        ("dense", 5),
        ("dense", 10),
        ("bm25", 3),
        ("bm25", 5),
        ("bm25", 10),
    ]
    assert {c.reranker for c in configs} == {"evidence"} and configs[0].name == "dense+evidence k=3 t=0.45"
    assert sweep([], base) == [base]
    assert [c.reranker for c in sweep(["reranker=evidence,none"], base)] == ["evidence", "none"]
    assert sweep(["threshold=0.4,0.5"], base)[1].threshold == 0.5


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("retriever=sparse", "unknown retriever; known: dense, bm25, hybrid"),
        ("depth=3", "KEY one of retriever, reranker, k, threshold, mode"),
        ("k=three", "k must be a whole number"),
        ("k=0", "k must be at least 1"),
        ("k=", "no values"),
    ],
)
def test_bad_sweeps_say_what_is_allowed(assignment: str, message: str) -> None:
    from assistant.errors import UsageError

    with pytest.raises(UsageError, match=message):
        sweep([assignment], RunConfig("hybrid", "evidence", 5, 0.45))


def test_eval_file_and_eval_compare_both_parse() -> None:
    from assistant.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["eval", "qa.jsonl", "--out", "results/dev", "--set", "k=3,5", "--retriever", "bm25"])
    assert args.target == ["qa.jsonl"] and args.sweep == ["k=3,5"] and args.retriever == "bm25"
    assert parser.parse_args(["eval", "compare", "runs/a", "runs/b"]).target == ["compare", "runs/a", "runs/b"]
    assert parser.parse_args(["eval-compare", "runs/a", "runs/b"]).b == Path("runs/b")
