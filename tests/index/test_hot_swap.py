"""Re-indexing under a running chat: every question answered before, during and after, the new text after the swap.

Real components throughout: the real model, real FAISS indexes on disk, a re-ingest of an edited document.
`test_eight_threads_ask_through_a_reingest` drives `Assistant` directly; `test_the_served_chat_...` serves the
chat (``python -m assistant serve``) and asks through its HTTP API with 8 `gradio_client` clients.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import copy_small_corpus, settings_for

from assistant.index.builder import ingest
from assistant.index.leases import leased_builds
from assistant.index.lifecycle import live_build
from assistant.pipeline import Assistant
from assistant.settings import PROJECT_ROOT, Settings

DOC = "000_2da93208c23d15a9.txt"
NEW_SENTENCE = "I thank the Quillmore Foundation for training mediators in every district of the region."
NEW_QUESTION = "What did the Secretary-General thank the Quillmore Foundation for?"
QUESTIONS = (
    "What must prevention start with?",
    "What is a collective endeavour?",
    "Which initiative should Member States support?",
    "What does the plight of people fleeing human rights violations illustrate?",
)
CLIENTS = 8
MAX_QUESTIONS_PER_CLIENT = 60  # the loops are bounded whatever happens


@pytest.fixture()
def live(tmp_path: Path, seed_settings: Settings) -> Settings:
    """A two-document index built with the real model (exported once per session), and its corpus."""
    settings = settings_for(tmp_path / "index", copy_small_corpus(tmp_path / "corpus"))
    settings = settings.with_overrides(data_dir=seed_settings.data_dir, index_grace_s=0)  # unleased builds go at once
    ingest(settings, progress=False)
    return settings


def edit_document(corpus: Path) -> None:
    """Add a paragraph with a word no build has seen."""
    path = corpus / DOC
    text = path.read_text(encoding="utf-8")
    anchor = "Let us step up efforts"
    assert anchor in text
    path.write_text(text.replace(anchor, f"{NEW_SENTENCE}\n\n{anchor}", 1), encoding="utf-8")


def run_clients(ask: Callable[[int, str], str], stop: threading.Event) -> tuple[list[threading.Thread], list[str], list[int]]:
    """``CLIENTS`` threads asking in a loop through ``ask(client, question) -> answer text``, until ``stop``."""
    failures: list[str] = []
    answered = [0] * CLIENTS

    def client(i: int) -> None:
        for n in range(MAX_QUESTIONS_PER_CLIENT):
            if stop.is_set():
                return
            question = QUESTIONS[(i + n) % len(QUESTIONS)]
            try:
                text = ask(i, question)
            except Exception as exc:  # a failed answer, whatever the cause
                failures.append(f"client {i}, {question!r}: {exc!r}")
                continue
            if not text.strip():
                failures.append(f"client {i}, {question!r}: an empty answer")
            answered[i] += 1

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    return threads, failures, answered


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_eight_threads_ask_through_a_reingest(live: Settings) -> None:
    assistant = Assistant(live.with_overrides(index_watch_s=0.05))
    old = assistant.store.path
    assert "Quillmore" not in assistant.ask(NEW_QUESTION).text

    def ask(_: int, question: str) -> str:
        answer = assistant.ask(question)
        assert answer.hits, "no passage found"
        return answer.text

    stop = threading.Event()
    threads, failures, answered = run_clients(ask, stop)
    wait_for(lambda: min(answered) >= 1, 60, "every client's first answer")
    edit_document(live.corpus_dir)
    report = ingest(live, progress=False)
    assert report.changed == [DOC.removesuffix(".txt")]
    assert old.is_dir()  # still read by the assistant: the writer left it
    wait_for(lambda: assistant.store.path != old, 30, "the assistant to move to the new build")
    before_stop = sum(answered)
    wait_for(lambda: sum(answered) >= before_stop + CLIENTS, 60, "answers from the new build")
    stop.set()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert min(answered) >= 2, answered

    assert assistant.store.path == live_build(live.index_dir)
    answer = assistant.ask(NEW_QUESTION)
    assert "Quillmore Foundation for training mediators" in answer.text and not answer.abstained
    # the old build's objects go once its questions finished; then nobody leases it and a writer removes it
    wait_for(lambda: old.name not in leased_builds(live.index_dir), 30, "the old build's lease to end")
    ingest(live, progress=False)  # nothing to do, but it tidies up
    assert not old.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(live: Settings) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``python -m assistant serve`` on the index of ``live``, following new builds every 0.2 s."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        HF_HUB_OFFLINE="1",
        ASSISTANT_DATA_DIR=str(live.data_dir),
        ASSISTANT_INDEX_WATCH_S="0.2",
        ASSISTANT_INDEX_GRACE_S="0",
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--index", str(live.index_dir), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=live.index_dir.parent,
    )
    try:
        url = f"http://127.0.0.1:{port}/"

        def up() -> bool:
            assert server.poll() is None, server.communicate()[0]
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        wait_for(up, 120, "the chat to serve")
        yield url, server
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def answer_text(html: str) -> str:
    """The visible text of the chat's conversation HTML."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_served_chat_answers_every_question_through_a_reingest(
    live: Settings, served: tuple[str, subprocess.Popen[str]]
) -> None:
    from gradio_client import Client

    url, _ = served
    old = live_build(live.index_dir)
    clients = [Client(url, verbose=False) for _ in range(CLIENTS)]
    probe = Client(url, verbose=False)  # the test's own questions

    def ask(i: int, question: str) -> str:
        return ask_with(clients[i], question)

    def ask_with(client: Client, question: str) -> str:
        client.reset_session()  # a new conversation each time: no history
        html = client.predict(question, "", "", [], [], [], "extractive", 5, api_name="/ask")[0]
        if "sa-error" in html or "Something went wrong" in html:
            raise AssertionError(answer_text(html)[:300])
        assert f"You asked {question}" in answer_text(html) and "Sources" in answer_text(html), answer_text(html)[:300]
        return answer_text(html)

    stop = threading.Event()
    threads, failures, answered = run_clients(ask, stop)
    wait_for(lambda: min(answered) >= 1, 120, "every client's first answer")
    edit_document(live.corpus_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT), HF_HUB_OFFLINE="1", ASSISTANT_DATA_DIR=str(live.data_dir), ASSISTANT_INDEX_GRACE_S="0"
    )
    reingest = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "ingest",
            "--corpus",
            str(live.corpus_dir),
            "--index",
            str(live.index_dir),
            "--quiet",
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=live.index_dir.parent,
        timeout=180,
    )
    assert reingest.returncode == 0 and "1 changed" in reingest.stdout, reingest.stdout + reingest.stderr
    assert live_build(live.index_dir) != old and old.is_dir()  # the chat still reads the old build: the writer left it

    newest: list[str] = []

    def new_content_answered() -> bool:
        text = ask_with(probe, NEW_QUESTION)
        newest.append(text)
        return "Quillmore Foundation for training mediators" in text

    wait_for(new_content_answered, 60, "the chat to answer from the new build")
    after = sum(answered)
    wait_for(lambda: sum(answered) >= after + CLIENTS, 120, "more answers after the swap")
    stop.set()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert min(answered) >= 2, answered
    print(f"{sum(answered)} answers by {CLIENTS} clients, 0 failed; the new text answered after {len(newest)} tries")


# the swap's rules, on the fake embedder -----------------------------------------------------


@pytest.fixture()
def fake_live(fake_settings: Settings) -> Settings:
    copy_small_corpus(fake_settings.corpus_dir)
    settings = fake_settings.with_overrides(index_grace_s=0, index_watch_s=0.01)
    ingest(settings, progress=False)
    return settings


def test_a_question_under_way_keeps_its_build_through_a_swap(fake_live: Settings) -> None:
    assistant = Assistant(fake_live.with_overrides(index_watch_s=0))  # no watching: this test swaps by hand
    old = assistant.store
    assert not assistant.refresh()  # nothing new yet
    ingest(fake_live, force=True, progress=False)
    with assistant._live.use():  # a question started before the swap...
        assert assistant.refresh()  # ...the swap happens meanwhile...
        assert assistant.store is old and assistant.searcher.store is old  # ...and it still reads its own build
        assert old.path.is_dir() and old.passage(0).text
    assert assistant.store is not old and assistant.store.path == live_build(fake_live.index_dir)


def test_a_build_that_cannot_be_opened_is_skipped_until_a_good_one_goes_live(
    fake_live: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    assistant = Assistant(fake_live)
    first = assistant.store.path
    ingest(fake_live, force=True, progress=False)
    broken = live_build(fake_live.index_dir)
    (broken / "windows.npy").unlink()
    for _ in range(20):  # the assistant keeps answering from the build it has
        assert assistant.ask(QUESTIONS[0]).hits
        time.sleep(0.02)
    wait_for(lambda: assistant._live.watcher._failed == broken.name, 10, "the failed swap")
    assert assistant.store.path == first and "staying on" in caplog.text
    ingest(fake_live, progress=False)  # ingest rebuilds the damaged live build
    wait_for(lambda: bool(assistant.ask(QUESTIONS[0]).hits) and assistant.store.path != first, 10, "the move")
    assert assistant.store.path == live_build(fake_live.index_dir)


def test_an_assistant_over_a_given_store_stays_on_it(fake_live: Settings) -> None:
    from assistant.index.store import IndexStore

    store = IndexStore(fake_live.index_dir)
    assistant = Assistant(fake_live, store)
    ingest(fake_live, force=True, progress=False)
    time.sleep(0.05)
    assistant.ask(QUESTIONS[0])
    time.sleep(0.2)
    assert assistant.store is store  # an evaluation keeps the build it measures
