"""Exact quotes first: how the chat follows `Assistant.stream` events into a turn (scripted events, no index)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from test_render import answer_record as prose_record

from assistant.errors import AssistantError
from assistant.models import Answer
from assistant.pipeline import Event
from assistant.ui import render
from assistant.ui.conversation import Turn
from assistant.ui.streaming import FAILED_NOTE, STOPPED_NOTE, GenerationFollower, StopSignals

EXACT = Answer("q", "One step would be restraint, led by France and Mexico. [1]", False, (), (), mode="extractive")
CHECKED = Answer("q", "France and Mexico proposed restraint. [1]", False, (), (), mode="generative")


def events(*items: Event | BaseException, pause_s: float = 0.0) -> Iterator[Event]:
    for item in items:
        time.sleep(pause_s)
        if isinstance(item, BaseException):
            raise item
        yield item


def follow(turn: Turn, stream: Iterator[Event], stop: threading.Event | None = None) -> tuple[GenerationFollower, list[str]]:
    """Run the follower to its end; the turn's state at each redraw."""
    follower = GenerationFollower(turn, stop or threading.Event(), refresh_s=0)
    states = [turn.state for _ in follower.follow(stream)]
    return follower, states


def test_the_exact_answer_shows_first_then_the_draft_then_the_checked_answer() -> None:
    turn = Turn("q")
    seen: list[tuple[str, str, str]] = []
    follower = GenerationFollower(turn, threading.Event(), refresh_s=0)
    stream = events(
        Event("exact", answer=EXACT), Event("token", text="France "), Event("token", text="and"), Event("answer", answer=CHECKED)
    )
    for _ in follower.follow(stream):
        seen.append((turn.state, (turn.exact or {}).get("answer", ""), turn.draft))
    assert seen[0] == ("generating", EXACT.text, "")  # the exact answer before any token
    assert seen[-1] == ("generating", EXACT.text, "France and")
    assert follower.record["answer"] == CHECKED.text and turn.exact is None and turn.note == ""


def test_the_generating_turn_shows_the_exact_answer_marked_with_the_draft_and_a_stop_button() -> None:
    turn = Turn("q", exact=prose_record(), draft="France and <b>Mexico</b>")
    out = render.render_conversation([turn])
    assert turn.state == "generating" and 'aria-busy="true"' in out
    assert "Exact quotes — a generated answer is being written…" in out
    assert "One step would be restraint, led by France and Mexico." in out and 'id="t1-c1"' in out  # cited, with its card
    assert "France and &lt;b&gt;Mexico&lt;/b&gt;" in out and "Generated draft, not yet checked" in out
    assert f'data-action="stop" data-turn="{turn.turn_id}"' in out and "Was this answer right?" not in out


def test_a_stop_keeps_the_exact_answer_with_a_note() -> None:
    turn, stop = Turn("q"), threading.Event()
    tokens = [Event("token", text=f"w{i} ") for i in range(200)]
    stream = events(Event("exact", answer=EXACT), *tokens, Event("answer", answer=CHECKED), pause_s=0.01)
    follower = GenerationFollower(turn, stop, refresh_s=0)
    for _ in follower.follow(stream):
        if turn.draft.count("w") >= 3:
            stop.set()
    assert follower.record["answer"] == EXACT.text and turn.note == STOPPED_NOTE and turn.exact is None
    assert turn.draft.count("w") < 50  # the stream was left at once, not read to its end
    turn.record = follower.record
    out = render.render_conversation([turn])
    assert turn.state == "done" and STOPPED_NOTE in out and "Was this answer right?" in out


def test_a_stop_closes_the_stream_so_the_generation_ends() -> None:
    closed = threading.Event()

    def stream() -> Iterator[Event]:
        try:
            yield Event("exact", answer=EXACT)
            while True:
                time.sleep(0.01)
                yield Event("token", text="x")
        finally:
            closed.set()

    stop = threading.Event()
    follower = GenerationFollower(Turn("q"), stop, refresh_s=0)
    for _ in follower.follow(stream()):
        stop.set()
    assert closed.wait(2)


def test_a_failure_after_the_exact_answer_keeps_it_with_a_note() -> None:
    turn = Turn("q")
    follower, _ = follow(
        turn, events(Event("exact", answer=EXACT), Event("token", text="Fr"), RuntimeError("the server went away"))
    )
    assert follower.record["answer"] == EXACT.text and turn.error is None
    assert turn.note == FAILED_NOTE.format(reason="RuntimeError: the server went away")


def test_a_failure_before_any_answer_is_raised_for_the_chat_to_show() -> None:
    with pytest.raises(AssistantError, match="no index"):
        follow(Turn("q"), events(AssistantError("no index")))


def test_a_fallback_answer_is_published_with_its_reason() -> None:
    reason = "The generator timed out after 60 s; this is the extractive answer, quoted verbatim."
    fallback = replace(EXACT, requested_mode="generative", fallback=reason, notices=(reason,))
    turn = Turn("q")
    follower, _ = follow(turn, events(Event("exact", answer=EXACT), Event("answer", answer=fallback)))
    assert follower.record["answer"] == EXACT.text and follower.record["fallback"] == reason
    turn.record = follower.record
    out = render.render_conversation([turn])
    assert reason in out and 'class="sa-note"' in out and "Answer mode: Exact quotes" in out


def test_an_abstention_in_generated_mode_comes_alone() -> None:
    refusal = Answer("q", "Not in the statements.", True, (), (), kind="abstention", mode="generative")
    turn = Turn("q")
    follower, states = follow(turn, events(Event("answer", answer=refusal)))
    assert follower.record["abstained"] and states == [] and turn.note == ""


def test_only_the_session_that_asked_can_stop_its_answer() -> None:
    stops = StopSignals()
    with stops.watch("turn-1", "session-a") as event:
        assert not stops.stop("turn-1", "session-b") and not event.is_set()
        assert not stops.stop("turn-2", "session-a")
        assert stops.stop("turn-1", "session-a") and event.is_set()
    assert not stops.stop("turn-1", "session-a")  # finished: nothing to stop
