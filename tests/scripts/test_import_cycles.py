"""The import-cycle check (`scripts/import_cycles.py`): none in `assistant`, and it finds one when there is one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from assistant.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def cycles() -> ModuleType:
    """The script, imported as a module."""
    spec = importlib.util.spec_from_file_location("import_cycles", PROJECT_ROOT / "scripts" / "import_cycles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run from a scratch folder: grimp writes its cache (.grimp_cache) into the working directory."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tmp_path


def test_strongly_connected_groups(cycles: ModuleType) -> None:
    scc = cycles.strongly_connected
    assert scc({"a": {"b"}, "b": {"c"}, "c": set()}) == []  # a chain is no cycle
    assert scc({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]  # c imports into the cycle but is not in it
    assert scc({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}) == [["a", "b", "c"], ["d"]]  # a self-import counts
    assert scc({"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"c"}}) == [["a", "b"], ["c", "d"]]
    assert scc({"a": {"zzz"}}) == []  # an imported module outside the graph


def test_the_assistant_package_has_no_cycle(cycles: ModuleType, elsewhere: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cycles.main("assistant") == 0
    out = capsys.readouterr().out
    assert out.startswith("no import cycles among the ") and out.rstrip().endswith(" modules of assistant")


def test_a_cycle_is_reported_with_a_path_around_it(
    cycles: ModuleType, elsewhere: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    package = elsewhere / "cyclic_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "first.py").write_text("from cyclic_pkg import second\n", encoding="utf-8")
    (package / "second.py").write_text(
        "def f():\n    from cyclic_pkg import first  # inside a function: still an import\n", encoding="utf-8"
    )
    (package / "third.py").write_text("import cyclic_pkg.first\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(elsewhere))
    monkeypatch.delitem(sys.modules, "cyclic_pkg", raising=False)
    assert cycles.main("cyclic_pkg") == 1
    assert capsys.readouterr().out.splitlines() == [
        "cycle between 2 modules: cyclic_pkg.first, cyclic_pkg.second",
        "  cyclic_pkg.first -> cyclic_pkg.second -> … -> cyclic_pkg.first",
    ]
