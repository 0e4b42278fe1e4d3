"""Two ``ingest`` commands into one index folder at once, 20 times: never an incomplete build, never a traceback.

Each round starts two real ``python -m assistant ingest --force`` processes (the real model, a real FAISS
index) on a two-document corpus. In half the rounds the second writer waits for the first
(``ASSISTANT_INDEX_LOCK_WAIT_S=60``); in the other half it may not wait (``0``) and must stop with the lock
message. After each round the live build is complete and answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_small_corpus, settings_for

from assistant.index.lifecycle import live_build
from assistant.index.vectors import CHECKPOINT_DIR
from assistant.pipeline import Assistant
from assistant.settings import PROJECT_ROOT, Settings

ROUNDS = 20
BUSY = 75  # IndexBusyError's exit code


def command_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a command: no developer ``ASSISTANT_*`` settings, the tests' model folder, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(PYTHONPATH=str(PROJECT_ROOT), HF_HUB_OFFLINE="1", ASSISTANT_DATA_DIR=str(data_dir))
    env.update({f"ASSISTANT_{k.upper()}": v for k, v in settings.items()})
    return env


def start_ingest(corpus: Path, index: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", "--corpus", str(corpus), "--index", str(index), "--force", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=index.parent,
    )


@pytest.mark.slow
def test_two_ingests_at_once_publish_only_complete_builds(tmp_path: Path, seed_settings: Settings) -> None:
    corpus = copy_small_corpus(tmp_path / "corpus")
    settings = settings_for(tmp_path / "index", corpus).with_overrides(data_dir=seed_settings.data_dir)  # model exported once
    outcomes: list[tuple[int, int]] = []
    started = time.monotonic()
    for round_ in range(ROUNDS):
        wait = "60" if round_ % 2 == 0 else "0"
        env = command_env(seed_settings.data_dir, index_lock_wait_s=wait, index_grace_s="0")
        runs = [start_ingest(corpus, settings.index_dir, env) for _ in range(2)]
        results = [(run.wait(timeout=180), *run.communicate()) for run in runs]
        for code, out, err in results:
            assert "Traceback" not in err, err
            assert code in (0, BUSY), err
            if code == 0:
                assert out.startswith("Indexed 2 documents"), out
            else:
                assert wait == "0" and "is writing the index" in err and "(pid " in err, err
        codes = sorted(code for code, _, _ in results)
        assert codes[0] == 0  # at least one built
        outcomes.append((codes[0], codes[1]))

        build = live_build(settings.index_dir)  # complete: every file its manifest lists is there, at its size
        assert [p.name for p in settings.index_dir.glob("build-*")] == [build.name]  # nothing half-made left over
        assert not (settings.index_dir / CHECKPOINT_DIR).exists()
        assistant = Assistant(settings)
        answer = assistant.ask("What must prevention of mass atrocities start with?")
        assert answer.hits and answer.hits[0].passage.doc_id in {p.stem for p in corpus.iterdir()}
        assistant.store.close()  # give the lease back: the next round's writers may remove this build
    waited = outcomes[::2]
    refused = outcomes[1::2]
    assert all(o == (0, 0) for o in waited), outcomes  # a writer that may wait always gets its turn
    assert any(o == (0, BUSY) for o in refused), outcomes  # without waiting, the second writer is told who runs
    print(f"{ROUNDS} rounds in {time.monotonic() - started:.1f} s: {outcomes}")
