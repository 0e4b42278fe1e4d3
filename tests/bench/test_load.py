"""The load script end to end at a tiny size (2 users x 2 questions), and how it judges an answer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
from load import REFUSED, judge


def test_load_runs_two_users_and_writes_json_and_markdown(seed_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "results"
    cmd = [sys.executable, str(PROJECT_ROOT / "bench" / "load.py"), "--users", "2", "--questions", "2"]
    cmd += ["--index", str(seed_settings.index_dir), "--time-limit", "300", "--out", str(out)]
    subprocess.run(cmd, check=True, timeout=400, capture_output=True)
    result = json.loads((out / "load.json").read_text(encoding="utf-8"))
    (level,) = result["levels"]
    assert level["users"] == 2 and level["asked"] == level["answered"] == 4
    assert level["failures"] == 0 and level["wrong"] == 0 and 0 < level["p50_s"] <= level["p95_s"]
    assert result["machine"]["cores"] >= 1 and "load_avg_1m_end" in result["machine"] and not result["stopped_by_time_limit"]
    assert "--out" not in result["command"]
    table = (out / "load.md").read_text(encoding="utf-8")
    assert "| 2 | 4 | 4 | 0 | 0 |" in table and "load average" in table


def test_an_answer_is_judged_on_the_assistant_side_only() -> None:
    turn = '<p class="sa-question">{q}</p></div><div class="sa-msg sa-bot"><p class="sa-answer">{a}</p>'
    assert judge(turn.format(q="Who led it?", a="France and Mexico. [1]"), "France and Mexico")
    assert not judge(turn.format(q="Did France and Mexico lead it?", a=f"<strong>{REFUSED}</strong>"), "France and Mexico")
    assert judge(turn.format(q="Boiling point of mercury?", a=f"<strong>{REFUSED}</strong> The corpus…"), REFUSED)
    assert not judge(turn.format(q="Boiling point?", a="356.7 °C [1]"), REFUSED)
