"""A build's life: the writer lock, the complete-build check, reader leases and the grace rule, damage named clearly.

Logic tests run on the fake embedder; the damaged-index commands run as the user would, in a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import copy_small_corpus

from assistant.errors import AssistantError, IndexBusyError, IndexDamagedError
from assistant.index import leases, lifecycle
from assistant.index.builder import ingest
from assistant.index.leases import READERS, leased_builds, sweep, take_lease
from assistant.index.lifecycle import POINTER, live_build, new_build, open_live, publish, read_pointer
from assistant.index.lock import LOCK_FILE, writer_lock
from assistant.index.manifest import Manifest
from assistant.index.store import IndexStore
from assistant.settings import PROJECT_ROOT, Settings

HINT = "python -m assistant ingest --index"


@pytest.fixture()
def built(fake_settings: Settings) -> Settings:
    """A small index built with the fake embedder, no grace period: an unleased old build goes at once."""
    copy_small_corpus(fake_settings.corpus_dir)
    settings = fake_settings.with_overrides(index_grace_s=0, index_lock_wait_s=0.2)
    ingest(settings, progress=False)
    return settings


def hold_lock(index_dir: Path, release: threading.Event, held: threading.Event) -> threading.Thread:
    """Hold the writer lock of ``index_dir`` in another thread until ``release`` is set."""

    def run() -> None:
        with writer_lock(index_dir, 0, "ingest"):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=run)
    thread.start()
    assert held.wait(5)
    return thread


# the writer lock -------------------------------------------------------------------------


def test_a_second_writer_waits_then_names_the_running_one(tmp_path: Path) -> None:
    release, held = threading.Event(), threading.Event()
    thread = hold_lock(tmp_path, release, held)
    started = time.monotonic()
    with pytest.raises(IndexBusyError) as caught, writer_lock(tmp_path, 0.3, "add"):
        pass
    assert time.monotonic() - started >= 0.3  # it waited first
    message = str(caught.value)
    assert f"another ingest (pid {os.getpid()}" in message and str(tmp_path) in message
    assert "ASSISTANT_INDEX_LOCK_WAIT_S" in message and f"kill {os.getpid()}" in message
    assert caught.value.exit_code == 75
    release.set()
    thread.join()
    assert (tmp_path / LOCK_FILE).read_text() == ""  # released: no holder named any more


def test_a_writer_that_finishes_within_the_wait_lets_the_next_one_in(tmp_path: Path) -> None:
    release, held = threading.Event(), threading.Event()
    thread = hold_lock(tmp_path, release, held)
    threading.Timer(0.2, release.set).start()
    with writer_lock(tmp_path, 5, "remove"):
        assert json.loads((tmp_path / LOCK_FILE).read_text())["pid"] == os.getpid()
        with writer_lock(tmp_path, 0, "remove"):  # re-entrant in one thread: ingest patches, a patch makes a build
            pass
    thread.join()


def test_the_lock_of_another_process_is_named_and_freed_when_it_is_killed(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from assistant.index.lock import writer_lock\n"
        "with writer_lock(Path(sys.argv[1]), 0, 'ingest'):\n    print('held', flush=True); time.sleep(60)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(IndexBusyError, match=f"pid {holder.pid}"), writer_lock(tmp_path, 0.1):
            pass
    finally:
        holder.kill()  # kill -9 mid-build: the kernel drops the lock with the process
        holder.wait()
    with writer_lock(tmp_path, 1):
        pass


def test_ingest_into_a_locked_index_stops_with_the_lock_message_and_changes_nothing(built: Settings) -> None:
    live = read_pointer(built.index_dir)
    release, held = threading.Event(), threading.Event()
    thread = hold_lock(built.index_dir, release, held)
    try:
        with pytest.raises(IndexBusyError, match="is writing the index"):
            ingest(built, force=True, progress=False)
    finally:
        release.set()
        thread.join()
    assert read_pointer(built.index_dir) == live and len(list(built.index_dir.glob("build-*"))) == 1


# complete builds -------------------------------------------------------------------------


def test_the_manifest_lists_every_file_of_the_build_with_its_size(built: Settings) -> None:
    build = live_build(built.index_dir)
    files = Manifest.read(build / "manifest.json").files
    on_disk = {str(p.relative_to(build)) for p in build.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert set(files) == on_disk and "passages.sqlite" in files and any(f.startswith("bm25/") for f in files)
    assert all(files[name] == (build / name).stat().st_size for name in files)


def test_a_build_missing_a_listed_file_is_not_published(built: Settings) -> None:
    live = read_pointer(built.index_dir)
    incomplete = r"incomplete \(windows\.npy is missing\); nothing was published"
    with pytest.raises(AssistantError, match=incomplete), new_build(built) as build:
        for item in (built.index_dir / str(live)).iterdir():  # the live build's files, manifest included...
            lifecycle.link_tree(item, build / item.name)
        (build / "windows.npy").unlink()  # ...but one
    assert read_pointer(built.index_dir) == live
    assert [p.name for p in built.index_dir.glob("build-*")] == [live]  # the incomplete build was discarded


def test_a_build_without_a_manifest_is_not_published(built: Settings) -> None:
    live = read_pointer(built.index_dir)
    with pytest.raises(IndexDamagedError, match=r"has no manifest\.json"), new_build(built) as build:
        (build / "passages.sqlite").write_text("half a build")
    assert read_pointer(built.index_dir) == live


def damage(settings: Settings, how: str) -> None:
    """Damage the live index of ``settings`` as a crash or a careless hand would."""
    index_dir = settings.index_dir
    build = live_build(index_dir)
    if how == "garbage pointer":
        (index_dir / POINTER).write_bytes(b"\xff\xfe\x00garbage")
    elif how == "pointer to nowhere":
        (index_dir / POINTER).write_text("build-20990101T000000-gone00")
    elif how == "garbage manifest":
        (build / "manifest.json").write_text('{"schema_version": 1, "model')
    elif how == "manifest of the wrong shape":
        (build / "manifest.json").write_text('{"schema_version": "one"}')
    elif how == "no manifest":
        (build / "manifest.json").unlink()
    elif how == "missing database":  # what two racing builds published before the lock
        (build / "passages.sqlite").unlink()
    elif how == "truncated vectors":
        path = build / "windows.npy"
        path.write_bytes(path.read_bytes()[:100])


DAMAGES = [
    "garbage pointer",
    "pointer to nowhere",
    "garbage manifest",
    "manifest of the wrong shape",
    "no manifest",
    "missing database",
    "truncated vectors",
]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_index_is_named_for_readers_and_rebuilt_by_ingest(built: Settings, how: str) -> None:
    damage(built, how)
    with pytest.raises(IndexDamagedError, match=f"the index in {built.index_dir} is damaged") as caught:
        IndexStore(built.index_dir)
    assert HINT in str(caught.value) and caught.value.exit_code == 3
    report = ingest(built, progress=False)  # no --force needed
    assert not report.up_to_date and report.rebuilt_reason is not None and "damaged" in report.rebuilt_reason
    store = IndexStore(built.index_dir)
    assert len(store) > 0 and len(store.documents) == 2
    assert ingest(built, progress=False).up_to_date


# leases and the grace period --------------------------------------------------------------


def make_build(index_dir: Path, name: str, age_s: float = 0.0) -> Path:
    build = index_dir / name
    build.mkdir(parents=True)
    (build / "windows.npy").write_bytes(b"half")
    stamp = time.time() - age_s
    os.utime(build, (stamp, stamp))
    return build


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_sweep_removes_only_unleased_builds_past_their_grace(tmp_path: Path) -> None:
    make_build(tmp_path, "build-live", age_s=3600)
    make_build(tmp_path, "build-leased", age_s=3600)
    make_build(tmp_path, "build-stale-lease", age_s=3600)
    make_build(tmp_path, "build-old", age_s=3600)
    make_build(tmp_path, "build-young", age_s=5)  # retired (or written) 5 s ago
    lease = take_lease(tmp_path, "build-leased")
    stale = tmp_path / READERS / f"build-stale-lease.{dead_pid()}.0000"  # its reader was killed
    stale.touch()
    assert leased_builds(tmp_path) == {"build-leased"}

    removed = sweep(tmp_path, "build-live", grace_s=60)
    assert removed == ["build-old", "build-stale-lease"]
    assert sorted(p.name for p in tmp_path.glob("build-*")) == ["build-leased", "build-live", "build-young"]
    assert not stale.exists() and lease is not None and lease.exists()

    leases.release(lease)
    assert sweep(tmp_path, "build-live", grace_s=0) == ["build-leased", "build-young"]


def test_publishing_starts_the_grace_of_the_build_it_replaces(built: Settings) -> None:
    first = read_pointer(built.index_dir)
    ingest(built.with_overrides(index_grace_s=60), force=True, progress=False)
    assert (built.index_dir / str(first)).is_dir()  # replaced a moment ago: kept for the grace period
    second = read_pointer(built.index_dir)
    ingest(built, force=True, progress=False)  # no grace: both earlier builds go, nobody reads them
    assert [p.name for p in built.index_dir.glob("build-*")] == [read_pointer(built.index_dir)]
    assert second != first


def test_a_store_holds_its_build_until_it_is_closed(built: Settings) -> None:
    store = IndexStore(built.index_dir)
    old = store.path
    assert leased_builds(built.index_dir) == {old.name}
    ingest(built, force=True, progress=False)
    assert old.is_dir() and read_pointer(built.index_dir) != old.name  # still read: kept
    assert store.passage(0).text and store.document_passages(store.documents[0].doc_id)
    reader = threading.Thread(target=lambda: store.passage_row("none"))  # a new thread opens its own connection
    reader.start()
    reader.join()
    store.close()
    assert leased_builds(built.index_dir) == set()
    ingest(built, force=True, progress=False)
    assert not old.exists()  # no longer read: removed by the next writer


def test_a_store_collected_gives_its_lease_back(built: Settings) -> None:
    IndexStore(built.index_dir)  # dropped at once
    assert leased_builds(built.index_dir) == set()


def test_a_reader_that_loses_the_race_with_a_publish_opens_the_new_build(
    built: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = read_pointer(built.index_dir)
    real_take = leases.take_lease

    def publish_first(index_dir: Path, build: str) -> Path | None:
        if build == old:  # between reading CURRENT and leasing, a writer publishes and sweeps the old build
            monkeypatch.setattr(lifecycle, "take_lease", real_take)
            ingest(built, force=True, progress=False)
            assert not (index_dir / build).exists()
        return real_take(index_dir, build)

    monkeypatch.setattr(lifecycle, "take_lease", publish_first)
    build, _, lease = open_live(built.index_dir)
    assert build.name == read_pointer(built.index_dir) != old and lease is not None and lease.exists()


def test_publish_removes_a_crashed_runs_leftovers_only_after_the_grace(built: Settings) -> None:
    crashed = make_build(built.index_dir, "build-20000101T000000-crash0", age_s=10)
    (built.index_dir / f".{POINTER}.abc123").write_text("build-x")  # a pointer a killed run never moved
    live = read_pointer(built.index_dir)
    assert live is not None
    publish(built.index_dir, built.index_dir / live, grace_s=60)
    assert crashed.is_dir() and not list(built.index_dir.glob(f".{POINTER}.*"))
    publish(built.index_dir, built.index_dir / live, grace_s=5)
    assert not crashed.exists()


# damaged indexes at the command line -------------------------------------------------------


@pytest.mark.parametrize("how", ["garbage pointer", "garbage manifest", "missing database"])
def test_ask_with_a_damaged_index_names_it_and_the_rebuild_command(built: Settings, how: str) -> None:
    damage(built, how)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), HF_HUB_OFFLINE="1")
    run = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "What about water?", "--index", str(built.index_dir)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=built.index_dir.parent,
        timeout=120,
    )
    assert run.returncode == 3, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"error: the index in {built.index_dir} is damaged")
    assert f"{HINT} {built.index_dir}" in run.stderr
