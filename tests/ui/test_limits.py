"""The chat's limits without a server: session queue, login throttle, request guard, history, export, handlers."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import httpx
import pytest
from fastapi import HTTPException

from assistant.errors import UsageError
from assistant.ui import access
from assistant.ui.access import CLIENT_ADDRESS, LoginThrottle, RequestGuard
from assistant.ui.app import ChatUI, generation_status
from assistant.ui.conversation import Turn, history_for
from assistant.ui.export import ExportFiles, conversation_markdown
from assistant.ui.feedback import Feedback, FeedbackStore
from assistant.ui.limits import SessionQueue

VETO = "Which two countries led a joint initiative on restraint in the use of the veto?"
NO_FILTERS = ("", "", [], [], [], "extractive", 5)
FIFTY_MB = 50 * 1024 * 1024


def done_turn(i: int, answer: str = "") -> Turn:
    turn = Turn(f"question {i}")
    turn.record = {"answer": answer or f"answer {i}"}
    return turn


# the session queue ----------------------------------------------------------------------------------------


def test_a_session_gets_at_most_its_share_of_slots_and_gets_them_back() -> None:
    now = [0.0]
    queue = SessionQueue(2, stale_s=600, clock=lambda: now[0])
    assert queue.admit("a") and queue.admit("a") and not queue.admit("a")
    assert queue.admit("b")  # another session is not held up by the first
    queue.release("a")
    assert queue.held("a") == 1 and queue.admit("a")
    queue.release("nobody")  # a handler called without the validator gives back nothing
    now[0] = 601.0  # slots whose question never reached its handler are forgotten
    assert queue.admit("a") and queue.held("a") == 1


# the login throttle ---------------------------------------------------------------------------------------


class Clock:
    """A fake clock; records every wait. ``advance``: a wait moves it on (one client after another); otherwise a wait
    only yields, so attempts made at once all book their turn at the same moment."""

    def __init__(self, *, advance: bool = True) -> None:
        self.now = 1000.0
        self.advance = advance
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        if self.advance:
            self.now += seconds
        else:
            await asyncio.sleep(0)


def throttle(clock: Clock, **kw: float) -> LoginThrottle:
    options = {"delay_s": 0.5, "max_delay_s": 30.0} | kw
    return LoginThrottle("staff", "right", clock=clock, sleep=clock.sleep, **options)


def attempt(check: LoginThrottle, user: str, password: str, address: str = "10.0.0.1") -> bool:
    async def run() -> bool:
        CLIENT_ADDRESS.set(address)
        return await check.check(user, password)

    return asyncio.run(run())


def test_failed_logins_wait_longer_and_longer_and_a_success_resets_them() -> None:
    clock = Clock()
    check = throttle(clock)
    assert [check.delay(n) for n in range(0, 9)] == [0, 0.5, 1, 2, 4, 8, 16, 30, 30]
    for _ in range(5):
        clock.now += 0.01  # a fast client: each attempt right after the last answer
        assert not attempt(check, "staff", "wrong")
    assert clock.waits == [0.49, 0.99, 1.99, 3.99]  # the first failure costs nothing; then 0.5 s doubling
    assert check.failures("staff", "10.0.0.1") == 5
    assert attempt(check, "staff", "right")  # the right password still gets in, after its wait
    assert check.failures("staff", "10.0.0.1") == 0
    clock.waits.clear()
    assert attempt(check, "staff", "right") and clock.waits == []  # no wait once reset


def test_failures_count_per_address_and_per_user() -> None:
    clock = Clock(advance=False)
    check = throttle(clock)
    assert not attempt(check, "staff", "wrong", address="10.0.0.1")
    attempt(check, "staff", "wrong", address="10.0.0.2")  # same user, other address: waits
    attempt(check, "someone", "x", address="10.0.0.1")  # same address, other user: waits
    assert clock.waits == [0.5, 0.5]
    attempt(check, "other", "x", address="10.0.0.3")  # neither: no wait
    assert clock.waits == [0.5, 0.5]


def test_many_attempts_at_once_queue_behind_each_other_and_the_rest_are_refused() -> None:
    clock = Clock(advance=False)
    check = throttle(clock, delay_s=0.5, max_delay_s=4.0)

    async def burst() -> list[object]:
        CLIENT_ADDRESS.set("10.0.0.9")
        return await asyncio.gather(*(check.check("staff", f"guess{i}") for i in range(100)), return_exceptions=True)

    results = asyncio.run(burst())
    checked = [r for r in results if r is False]
    refused = [r for r in results if isinstance(r, HTTPException)]
    # booked one after another: at 0, 0.5, 1.5 and 3.5 s; the fifth would wait 7.5 s > 4 s
    assert len(checked) == 4 and len(refused) == 96
    assert all(r.status_code == 429 and "Too many failed sign-ins" in r.detail for r in refused)
    assert sorted(clock.waits) == [0.5, 1.5, 3.5]


# the request guard ----------------------------------------------------------------------------------------


async def echo(scope: dict, receive, send) -> None:  # type: ignore[no-untyped-def]
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    reply = f"{len(body)} from {CLIENT_ADDRESS.get()}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", str(len(reply)).encode())]})
    await send({"type": "http.response.body", "body": reply})


def post(content: bytes | AsyncIterator[bytes]) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=RequestGuard(echo, max_bytes=1000), client=("10.1.2.3", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://chat") as client:
            return await client.post("/gradio_api/queue/join", content=content)

    return asyncio.run(run())


def test_a_body_over_the_limit_is_refused_unread_and_the_client_address_is_recorded() -> None:
    ok = post(b"x" * 1000)
    assert ok.status_code == 200 and ok.text == "1000 from 10.1.2.3"
    refused = post(b"x" * FIFTY_MB)
    assert refused.status_code == 413 and "ASSISTANT_MAX_REQUEST_BYTES" in refused.text

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(50):
            yield b"x" * 100

    assert post(chunks()).status_code == 413


# history, export ------------------------------------------------------------------------------------------


def test_the_history_sent_is_cut_to_the_size_limit_and_starts_with_a_question() -> None:
    turns = [done_turn(i, answer="a" * 100) for i in range(10)]
    history = history_for(turns, 20, max_chars=350)
    assert sum(len(h["content"]) for h in history) <= 350
    assert len(history) == 6 and history[0] == {"role": "user", "content": "question 7"}  # 3 pairs of 110 characters


def test_the_export_holds_the_last_turns_and_says_what_it_left_out() -> None:
    md = conversation_markdown([done_turn(i) for i in range(5)], max_turns=2)
    assert "The first 3 questions are left out" in md
    assert "## 4. question 3" in md and "## 5. question 4" in md and "question 2" not in md


def test_exports_reuse_one_folder_one_file_per_conversation_and_are_removed(tmp_path: Path) -> None:
    exports = ExportFiles(tmp_path / "cache")
    first, second = [done_turn(1)], [done_turn(2)]
    paths = {exports.write(first) for _ in range(3)} | {exports.write(second)}
    assert len(paths) == 2 and len(list((tmp_path / "cache").iterdir())) == 1  # one folder, whatever the number of exports
    exports.forget(first)
    assert [p.exists() for p in sorted(paths)].count(True) == 1
    folder = exports.folder
    exports.close()
    assert folder is not None and not folder.exists() and list((tmp_path / "cache").iterdir()) == []


# the handlers (real seed index) ---------------------------------------------------------------------------


@pytest.fixture()
def ui(seed_settings, seed_assistant, tmp_path: Path) -> ChatUI:  # type: ignore[no-untyped-def]
    settings = seed_settings.with_overrides(ui_session_queue=2, max_chat_turns=3, data_dir=tmp_path / "data")
    chat = ChatUI(settings, seed_assistant, FeedbackStore.for_settings(settings))
    chat.exports = ExportFiles(tmp_path / "exports")
    chat.build()
    return chat


def run(ui: ChatUI, question: str, turns: list[Turn], *controls: object, request: object = None) -> list[tuple]:
    return list(ui.ask(question, turns, *(controls or NO_FILTERS), request=request))  # type: ignore[arg-type]


def test_a_50_mb_reason_is_refused_and_the_feedback_database_does_not_grow(ui: ChatUI) -> None:
    turns: list[Turn] = []
    run(ui, VETO, turns)
    turn, request = turns[0], SimpleNamespace(session_hash="s1")
    ui.on_action(turns, request, gr.EventData(None, {"action": "rate", "value": "down", "turn": turn.turn_id}))  # type: ignore[arg-type]
    db = ui.feedback.path
    size = db.stat().st_size
    out = ui.save_reason("x" * FIFTY_MB, turn.turn_id, turns, request)  # type: ignore[arg-type]
    assert "limit is 2,000" in out[-1] and "nothing was saved" in out[-1]
    assert turn.reason == "" and db.stat().st_size == size
    stored = ui.feedback.get(turn.turn_id)
    assert stored is not None and stored.rating == "down" and stored.reason == ""
    ui.save_reason("r" * 2000, turn.turn_id, turns, request)  # type: ignore[arg-type]  # at the limit: saved
    assert (ui.feedback.get(turn.turn_id) or stored).reason == "r" * 2000


def test_the_store_itself_refuses_a_reason_over_the_limit(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite", max_reason_chars=10)
    item = Feedback("a1", "q", "answer", abstained=False, reason="x" * 11)
    with pytest.raises(UsageError, match="max_feedback_chars"):
        store.save(item)
    assert store.all() == []


def test_an_over_long_question_is_answered_with_the_limit_and_kept_shortened(ui: ChatUI) -> None:
    turns: list[Turn] = []
    html = run(ui, "why " * 10_000, turns)[-1][0]
    assert "the limit is 2,000" in html and "ASSISTANT_MAX_QUESTION_CHARS" in html
    assert turns[0].state == "error" and len(turns[0].question) < 250 and "(39,999 characters)" in turns[0].question


def test_a_full_conversation_takes_no_more_questions(ui: ChatUI) -> None:
    turns: list[Turn] = [done_turn(i) for i in range(3)]
    html = run(ui, VETO, turns)[-1][0]
    assert len(turns) == 3 and "press New conversation" in html and "ASSISTANT_MAX_CHAT_TURNS" in html


def test_the_validator_refuses_before_queueing_and_the_handler_gives_slots_back(ui: ChatUI) -> None:
    request = SimpleNamespace(session_hash="s1")

    def verdict(question: str, turns: list[Turn]) -> dict:
        return ui.admit(question, turns, *NO_FILTERS, request=request)[0]  # type: ignore[arg-type]

    assert not verdict("x" * 2001, [])["is_valid"]
    assert not verdict(VETO, [done_turn(i) for i in range(3)])["is_valid"]
    assert verdict(VETO, [])["is_valid"] and verdict(VETO, [])["is_valid"]
    third = verdict(VETO, [])
    assert not third["is_valid"] and "2 questions waiting" in third["message"]
    run(ui, VETO, [], request=request)  # an admitted question's handler ends: its slot is free again
    assert ui.sessions.held("s1") == 1 and verdict(VETO, [])["is_valid"]


def test_a_forged_date_or_citation_number_is_refused_quietly(ui: ChatUI) -> None:
    turns: list[Turn] = []
    html = run(ui, VETO, turns, "9" * 100_000, "", [], [], [], "extractive", 5)[-1][0]
    assert "is not a date" in html and len(html) < 20_000
    run(ui, VETO, turns)
    turn, request = turns[-1], SimpleNamespace(session_hash="s1")
    for n in ("abc", "999", None):
        nothing = ui.on_action(turns, request, gr.EventData(None, {"action": "flag", "n": n, "turn": turn.turn_id}))  # type: ignore[arg-type]
        assert nothing == gr.skip()  # no update (an empty dict would be taken for one output value, and fail)
    assert turn.wrong == set() and ui.feedback.get(turn.turn_id) is None


def test_generated_answers_unavailable_name_make_llm(seed_settings, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llama_cpp" else real(name, *a))
    ok, why = generation_status(seed_settings.with_overrides(generator="llama-cpp", llm_path=None))
    assert not ok and "llama-cpp-python" in why and "`make llm`" in why and "make install" not in why


def test_throttle_keys_are_forgotten_when_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(access, "PRUNE_ABOVE", 3)
    clock = Clock()
    check = throttle(clock)
    for i in range(4):
        attempt(check, f"user{i}", "x", address=f"10.0.0.{i}")
    clock.now += access.FORGET_S + 60
    attempt(check, "late", "x", address="10.9.9.9")
    assert check.failures("user0", "10.0.0.0") == 0 and check.failures("late", "10.9.9.9") == 1
