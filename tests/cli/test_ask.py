"""`ask` at the boundary: dates, k, undecodable bytes and input limits give a clear message and exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.errors import UsageError
from assistant.models import Filters
from assistant.settings import PROJECT_ROOT, Settings

VETO = "Which two countries led a joint initiative on restraint in the use of the veto?"


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def ask(capsys: pytest.CaptureFixture[str], settings: Settings, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "ask", *args, "--index", str(settings.index_dir))


# dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2020-13-45", "month must be in 1..12"),
        ("2015-02-30", "day is out of range for month"),
        ("2015-00", "month must be in 1..12"),
        ("2015-02-29", "day is out of range for month"),  # not a leap year
        ("0000", "year 0 is out of range"),
    ],
)
@pytest.mark.parametrize("flag", ["--from", "--to"])
def test_dates_that_are_not_on_the_calendar_exit_2(capsys, seed_settings, flag: str, value: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ask(capsys, seed_settings, "What about the veto?", flag, value)
    assert code == 2 and not out
    assert f"{value!r} is not a calendar date ({reason})" in err and "YYYY-MM-DD" in err
    assert "Traceback" not in err and "No passage" not in out + err


@pytest.mark.parametrize("value", ["2016", "2016-07", "2016-07-22", "2016-02-29"])
def test_years_months_and_real_days_stay_valid(value: str) -> None:
    assert Filters(date_from=value, date_to=value).date_from == value


def test_the_api_gets_the_same_date_check() -> None:
    with pytest.raises(UsageError, match="not a calendar date"):
        Filters.from_dict({"date_to": "2015-02-30"})
    with pytest.raises(UsageError, match="is not a date"):
        Filters.from_dict({"date_from": 2015})


def test_a_real_date_range_still_answers(capsys, seed_settings) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ask(capsys, seed_settings, VETO, "--from", "2016-02", "--to", "2016-07-22", "--json")
    assert code == 0 and "France and Mexico" in json.loads(out)["answer"]


# k -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", ["0", "-3", "100000", "51"])
def test_k_outside_its_range_exits_2_naming_the_range(capsys, seed_settings, k: str) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ask(capsys, seed_settings, VETO, "--k", k)
    assert code == 2 and not out
    assert f"k must be between 1 and 50 (the setting max_k); got {k}" in err and "Traceback" not in err


def test_k_at_the_maximum_is_allowed(capsys, seed_settings) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ask(capsys, seed_settings, VETO, "--k", "50", "--json")
    assert code == 0 and 5 < len(json.loads(out)["passages"]) <= 50


def test_max_k_is_a_setting(capsys, seed_settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSISTANT_MAX_K", "3")
    code, _, err = ask(capsys, seed_settings, VETO, "--k", "4")
    assert code == 2 and "between 1 and 3" in err


@pytest.mark.parametrize("k", [0, -3, 100_000])
def test_the_assistant_checks_k_too(seed_assistant, k: int) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="between 1 and 50"):
        seed_assistant.options(k=k)
    with pytest.raises(UsageError, match="between 1 and 50"):
        seed_assistant.ask(VETO, k=k)


def test_eval_checks_k_before_reading_anything(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli(capsys, "eval", str(tmp_path / "missing.jsonl"), "--k", "0", "--index", str(tmp_path))
    assert code == 2 and "between 1 and 50" in err


# bytes that are not UTF-8 --------------------------------------------------------------------


def test_a_question_of_undecodable_bytes_from_a_shell_exits_2(seed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "LC_ALL": "C.UTF-8", "HF_HUB_OFFLINE": "1"}  # Python decodes argv as UTF-8 with surrogate escapes
    env = {k: v for k, v in env.items() if not k.startswith("ASSISTANT_")}
    argv = [sys.executable, "-m", "assistant", "ask", b"\xff\xfe what", "--index", str(seed_settings.index_dir)]
    done = subprocess.run(argv, cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=300, check=False)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, err
    assert "not UTF-8" in err and r"\xff\xfe what" in err and "Traceback" not in err
    assert not done.stdout


def test_undecodable_bytes_in_any_argument_exit_2(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run_cli(capsys, "ask", "veto?", "--speaker", "Gu\udce9terres", "--index", str(tmp_path))
    assert code == 2 and "argument 4" in err and r"Gu\xe9terres" in err and "Traceback" not in err


def test_the_assistant_refuses_a_question_with_undecodable_bytes(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="not UTF-8"):
        seed_assistant.ask("\udcff\udcfe what about the veto?")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'\xff\xfe[{"role": "user", "content": "hi"}]', "not UTF-8 (byte 0xff at offset 0)"),
        ('[{"role": "user", "content": "veto?"}]'.encode("utf-16"), "not UTF-8"),
        ('[{"role": "user", "content": "d\xe9j\xe0"}]'.encode("latin-1"), "not UTF-8 (byte 0xe9 at offset 31)"),
        (b'{"role": "user"}', "expected a JSON list"),
        (b'[{"role": "user", "content": 3}]', "expected a JSON list"),
        (b"[{", "cannot read a JSON list"),
    ],
)
def test_a_history_file_that_is_not_utf8_json_exits_2(
    capsys, seed_settings, tmp_path: Path, content: bytes, message: str
) -> None:  # type: ignore[no-untyped-def]
    history = tmp_path / "history.json"
    history.write_bytes(content)
    code, out, err = ask(capsys, seed_settings, "And in 2017?", "--history", str(history))
    assert code == 2 and not out
    assert "history.json" in err and message in err and "Traceback" not in err


# input limits --------------------------------------------------------------------------------


def turns(n: int, size: int = 20) -> list[dict[str, str]]:
    return [{"role": "user" if i % 2 == 0 else "assistant", "content": ("w " * size)[:size]} for i in range(n)]


def test_a_question_over_the_length_limit_exits_2(capsys, seed_settings) -> None:  # type: ignore[no-untyped-def]
    code, out, err = ask(capsys, seed_settings, "veto " * 401)
    assert code == 2 and not out
    assert "the question is 2,004 characters long; the limit is 2,000 (max_question_chars)" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (turns(21), "the history has 21 turns; the limit is 20 (max_history_turns)"),
        (turns(2, 30_000), "the history holds 60,000 characters; the limit is 50,000 (max_history_chars)"),
    ],
)
def test_a_history_over_its_limits_exits_2(capsys, seed_settings, tmp_path: Path, history, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "history.json"
    path.write_text(json.dumps(history), encoding="utf-8")
    code, out, err = ask(capsys, seed_settings, "And in 2017?", "--history", str(path))
    assert code == 2 and not out
    assert message in err and "Traceback" not in err


def test_history_limits_are_settings(capsys, seed_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "history.json"
    path.write_text(json.dumps(turns(2)), encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_MAX_HISTORY_TURNS", "1")
    code, _, err = ask(capsys, seed_settings, "And in 2017?", "--history", str(path))
    assert code == 2 and "the limit is 1 (max_history_turns)" in err


def test_a_history_within_the_limits_answers(capsys, seed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "history.json"
    earlier = [*turns(18), {"role": "user", "content": VETO}, {"role": "assistant", "content": "France and Mexico."}]
    path.write_text(json.dumps(earlier), encoding="utf-8")
    code, out, _ = ask(capsys, seed_settings, "Who supported it?", "--history", str(path), "--json")
    assert code == 0 and json.loads(out)["follow_up"]


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (turns(21), "limit is 20"),
        (turns(2, 30_000), "limit is 50,000"),
        ([{"role": "user", "content": "\udcff veto"}], "turn 1 of the history is not UTF-8"),
        ([{"role": "user"}], 'turn 1 of the history is not a {"role": ..., "content": ...} pair of texts'),
    ],
)
def test_the_assistant_checks_the_history_before_anything_else(seed_assistant, history, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=re.escape(message)):
        seed_assistant.ask("And in 2017?", history=history)
