"""The limits through the real server: HTTP API, per-session queue, export folders and the login throttle.

Each test serves the chat from this process on a free port over the seed index (Gradio's cache in a temporary
folder), and talks to it as a script would: gradio_client, or raw HTTP for what the client cannot send.
"""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import DelayedAssistant
from gradio_client import Client
from pydantic import SecretStr

from assistant.settings import Settings
from assistant.ui.app import ChatUI
from assistant.ui.feedback import FeedbackStore

VETO = "Which two countries led a joint initiative on restraint in the use of the veto?"
CONTROLS = ("", "", [], [], [], "extractive", 5)
FIFTY_MB = 50 * 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def serve(seed_settings: Settings, seed_assistant: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``serve(**settings) -> (url, ui)``: the chat served for this test, closed after it."""
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    started: list[ChatUI] = []

    def start(**overrides: Any) -> tuple[str, ChatUI]:
        settings = seed_settings.with_overrides(port=free_port(), data_dir=tmp_path / "data", **overrides)
        ui = ChatUI(settings, DelayedAssistant(seed_assistant), FeedbackStore.for_settings(settings))
        ui.launch(prevent_thread_lock=True, quiet=True)
        started.append(ui)
        return f"http://127.0.0.1:{settings.port}/", ui

    yield start
    for ui in started:
        ui.close()


def client(url: str) -> Client:
    return Client(url, verbose=False, download_files=False)


def fn_index(url: str, api_name: str) -> int:
    config = httpx.get(f"{url}config", timeout=30).json()
    return next(int(d["id"]) for d in config["dependencies"] if d.get("api_name") == api_name)


def call(url: str, session: str, api_name: str, data: list[Any], event_data: dict[str, Any] | None = None) -> dict[str, Any]:
    """One event through the queue, as the browser sends it (raw HTTP); its completion message."""
    body = {"data": data, "fn_index": fn_index(url, api_name), "session_hash": session, "event_data": event_data}
    joined = httpx.post(f"{url}gradio_api/queue/join", json=body, timeout=30)
    joined.raise_for_status()
    event_id = joined.json()["event_id"]
    with httpx.stream("GET", f"{url}gradio_api/queue/data", params={"session_hash": session}, timeout=60) as stream:
        for line in stream.iter_lines():
            message = json.loads(line[5:]) if line.startswith("data:") else {}
            if message.get("msg") == "process_completed" and message.get("event_id") == event_id:
                return message
    raise AssertionError("no completion message")


def test_a_50_mb_reason_sent_to_the_http_api_is_refused_and_nothing_is_stored(serve: Any) -> None:
    url, ui = serve()
    session = uuid.uuid4().hex
    html = call(url, session, "ask", [VETO, None, *CONTROLS])["output"]["data"][0]
    turn_id = re.search(r'data-turn="([0-9a-f]+)"', html).group(1)  # type: ignore[union-attr]
    call(url, session, "on_action", [None], {"action": "rate", "value": "down", "turn": turn_id})  # reason box now open
    db: Path = ui.feedback.path
    size, stored = db.stat().st_size, ui.feedback.get(turn_id)
    assert stored is not None and stored.rating == "down"

    body = json.dumps({"data": ["x" * FIFTY_MB, None, None], "fn_index": fn_index(url, "save_reason"), "session_hash": session})
    refused = httpx.post(f"{url}gradio_api/queue/join", content=body, headers={"content-type": "application/json"}, timeout=60)
    assert refused.status_code == 413 and "ASSISTANT_MAX_REQUEST_BYTES" in refused.text

    over = call(url, session, "save_reason", ["y" * 5000, None, None])  # under the body limit, over the reason limit
    assert "the limit is 2,000" in json.dumps(over["output"])
    assert db.stat().st_size == size and (ui.feedback.get(turn_id) or stored).reason == ""
    ok = call(url, session, "save_reason", ["para. 49 is right", None, None])
    assert ok["success"] and (ui.feedback.get(turn_id) or stored).reason == "para. 49 is right"


def test_over_long_questions_are_refused_before_the_queue_and_no_route_skips_it(serve: Any) -> None:
    url, _ = serve()
    with pytest.raises(Exception, match=r"the limit is 2,000 \(ASSISTANT_MAX_QUESTION_CHARS\)"):
        client(url).predict("why " * 1000, *CONTROLS, api_name="/ask")
    direct = httpx.post(f"{url}gradio_api/run/ask", json={"data": [VETO, *CONTROLS]}, timeout=30)
    assert direct.status_code == 404 and "join the queue" in direct.text  # api_open=False: no route around the queue


def test_one_session_may_have_only_its_share_of_questions_queued(serve: Any) -> None:
    url, ui = serve(ui_session_queue=2)
    ui.assistant.delays[VETO] = 2.0
    greedy, other = client(url), client(url)
    jobs = [greedy.submit(VETO, *CONTROLS, api_name="/ask") for _ in range(3)]
    time.sleep(0.5)
    neighbour = other.submit(VETO, *CONTROLS, api_name="/ask")
    outcomes = []
    for job in [*jobs, neighbour]:
        try:
            outcomes.append("France and Mexico" in job.result(timeout=120)[0])
        except Exception as exc:
            outcomes.append(str(exc))
    assert outcomes.count(True) == 3, outcomes  # two of the greedy session's and the other session's
    refused = next(o for o in outcomes if o is not True)
    assert "You already have 2 questions waiting or being answered" in str(refused)
    assert ui.sessions.held(greedy.session_hash) == 0  # every slot given back
    assert "France and Mexico" in greedy.predict(VETO, *CONTROLS, api_name="/ask")[0]


def test_exports_leave_no_folder_per_export_and_none_after_the_chat_stops(serve: Any, tmp_path: Path) -> None:
    url, ui = serve()
    cache = tmp_path / "gradio"
    before = set(cache.iterdir()) if cache.exists() else set()
    first, second = client(url), client(url)
    paths = []
    for c in (first, first, second):
        paths.append(Path(c.predict(VETO, *CONTROLS, api_name="/ask")[2]["value"]["path"]))
    new = set(cache.iterdir()) - before
    assert len(new) == 1 and next(iter(new)).name.startswith("statement-assistant-export-")  # Gradio made no copies
    assert len(set(paths)) == 2 and all(p.parent in new for p in paths)  # one file per conversation, rewritten
    first.predict(api_name="/new_conversation")
    assert not paths[0].exists() and paths[2].exists()
    ui.close()
    assert not any(p.name.startswith("statement-assistant-export-") for p in cache.iterdir())


def login(url: str, password: str) -> tuple[int, float]:
    started = time.monotonic()
    reply = httpx.post(f"{url}login", data={"username": "staff", "password": password}, timeout=120)
    return reply.status_code, time.monotonic() - started


def test_wrong_passwords_are_slowed_through_the_real_server(serve: Any) -> None:
    url, _ = serve(auth_user="staff", auth_password=SecretStr("right"))
    started, checked = time.monotonic(), 0
    while time.monotonic() - started < 3.0:  # one client, as fast as it can: 100 took 1.4 s before
        status, _ = login(url, "wrong")
        assert status == 400
        checked += 1
    assert checked <= 5  # waits of 0, 0.5, 1 and 2 s: the fifth attempt ends after 3.5 s

    url, _ = serve(auth_user="staff", auth_password=SecretStr("right"), login_delay_s=0.1, login_delay_max_s=2.0)
    started = time.monotonic()
    with ThreadPoolExecutor(100) as pool:
        replies = list(pool.map(login, [url] * 100, [f"guess {i}" for i in range(100)]))
    statuses = [s for s, _ in replies]
    assert statuses.count(429) >= 90 and statuses.count(400) <= 10 and 200 not in statuses
    assert max(t for s, t in replies if s == 400) >= 1.0  # the checked ones are spread out: 0, 0.1, 0.3, 0.7, 1.5 s
    status, _ = login(url, "right")  # the right password still gets in, after its wait
    assert status == 200 and login(url, "right")[1] < 1.0  # and a success clears the count


@pytest.mark.browser
def test_in_the_browser_a_question_over_a_limit_is_answered_with_the_limit_at_the_question_box(serve: Any) -> None:
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip(f"{chromium} is missing: run `make browser`")
    from playwright.sync_api import sync_playwright

    url, _ = serve(max_chat_turns=1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        box = page.get_by_label("Your question")
        box.fill(VETO)
        box.press("Enter")
        page.locator(".sa-turn[data-state='done']").wait_for()
        box.fill("How do violent extremists use social media?")
        box.press("Enter")
        page.locator("#sa-question", has_text="ASSISTANT_MAX_CHAT_TURNS").wait_for()
        assert "press New conversation" in page.locator("#sa-question").inner_text()
        assert page.locator(".sa-turn").count() == 1  # the refused question was never queued
        page.get_by_role("button", name="New conversation").click()
        page.locator(".sa-turn").first.wait_for(state="detached")  # the new conversation is shown (its box emptied)
        box.fill(VETO)
        box.press("Enter")
        page.locator(".sa-turn[data-state='done']").wait_for()
        browser.close()
