"""``serve`` beyond loopback: refused without a login unless ``--allow-open``, which warns (nothing is bound here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import main
from assistant.cli.serve import is_loopback
from assistant.settings import PROJECT_ROOT, Settings
from assistant.ui.app import ChatUI


def test_loopback_addresses_are_told_apart_from_open_ones() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.0.1.1", "::1", "[::1]", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "chat.example.org"]))


def test_an_open_host_without_a_login_is_refused_before_anything_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["serve", "--host", "0.0.0.0", "--index", str(tmp_path / "missing")])
    err = capsys.readouterr().err
    assert code == 2  # a usage error, not 3 (missing index): refused before the index is even looked at
    assert "ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD" in err and "--allow-open" in err and "0.0.0.0" in err


def test_app_py_refuses_too(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "app.py"), "--host", "0.0.0.0", "--index", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "--allow-open" in done.stderr and "Traceback" not in done.stderr


def test_with_a_login_or_allow_open_it_starts(
    seed_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    launched: list[dict[str, Any]] = []
    monkeypatch.setattr(ChatUI, "launch", lambda self, **kw: launched.append({"host": self.settings.host}))
    serve = ["serve", "--host", "0.0.0.0", "--index", str(seed_settings.index_dir), "--data-dir", str(tmp_path)]

    assert main([*serve, "--allow-open"]) == 0
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0 without a login (--allow-open)" in err

    monkeypatch.setenv("ASSISTANT_AUTH_USER", "staff")
    monkeypatch.setenv("ASSISTANT_AUTH_PASSWORD", "a long passphrase")
    assert main(serve) == 0 and "warning" not in capsys.readouterr().err
    assert launched == [{"host": "0.0.0.0"}, {"host": "0.0.0.0"}]
