"""How an answer reaches the chat over time: the exact quotes at once, the model's draft, the checked answer.

In generated mode `Assistant.stream` yields the exact-quote answer first (``Event("exact")``, tens of
milliseconds), then the model's draft as text deltas, then the checked answer. `GenerationFollower` follows
those events into a `Turn`: the exact answer is shown at once, marked as such, with the draft beside it, and the
checked answer replaces both. When the reader presses *Stop generating* (`StopSignals`), or the generation
fails, the exact answer stays, with a note saying why; a generation that fell back (its own failure or time
limit) arrives as a final answer with ``fallback`` set, the exact text kept, and gets the same note.

The stream is read by a helper thread, so a stop is seen within `POLL_S` even while the model has not written its
first token; the generation itself stops at its next token (closing the stream cancels it).
"""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from assistant.answer.records import answer_record
from assistant.ui.conversation import Turn, answer_segments, word_count

STREAM_STEPS = 8  # an extractive answer is revealed in this many steps…
STREAM_DELAY_S = 0.04  # …this far apart: visible progress, a third of a second at most
DRAFT_REFRESH_S = 0.25  # a generated draft is re-sent at most this often while the model writes
POLL_S = 0.1  # how often the chat looks for a stop while it waits for the model

STOPPED_NOTE = "You stopped the generated answer; the exact quotes above stay as the answer."
FAILED_NOTE = "The generated answer could not be written ({reason}); the exact quotes above stay as the answer."
FALLBACK_NOTE = "Exact quotes shown instead of a generated answer. {reason}"
STOPPED_EARLY = "Stopped before an answer was ready. Ask again to get one."


class StopSignals:
    """The *Stop generating* requests of the answers being generated, by turn (and the session that asked)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[str, tuple[str, threading.Event]] = {}

    @contextmanager
    def watch(self, turn_id: str, session: str) -> Iterator[threading.Event]:
        """The event a stop request for ``turn_id`` sets, while the answer is generated."""
        event = threading.Event()
        with self._lock:
            self._running[turn_id] = (session, event)
        try:
            yield event
        finally:
            with self._lock:
                self._running.pop(turn_id, None)

    def stop(self, turn_id: str, session: str) -> bool:
        """Ask the generation of ``turn_id`` to stop; only the session that asked the question can. Whether it ran."""
        with self._lock:
            running = self._running.get(turn_id)
        if running is None or running[0] != session:
            return False
        running[1].set()
        return True


def _pump(events: Iterator[Any], out: queue.Queue[tuple[str, Any]], stop: threading.Event) -> None:
    """Move ``events`` into ``out`` (then ``("end", None)``, or ``("error", exc)``); close them once stopped."""
    try:
        for event in events:
            out.put(("event", event))
            if stop.is_set():
                break
        out.put(("end", None))
    except BaseException as exc:  # handed to the reader
        out.put(("error", exc))
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()  # cancels the generation at its next token


class GenerationFollower:
    """Follows `Assistant.stream` events into ``turn``; `follow` yields whenever the chat should be redrawn.

    After `follow`, ``record`` is the answer to publish: the checked one, or the exact one after a stop or a
    failure (``turn.note`` says which). An error before the exact answer arrived is raised, as `ask` would.
    """

    def __init__(self, turn: Turn, stop: threading.Event, refresh_s: float = DRAFT_REFRESH_S) -> None:
        self.turn = turn
        self.stop = stop
        self.refresh_s = refresh_s
        self.record: dict[str, Any] = {}

    def follow(self, events: Iterator[Any]) -> Iterator[None]:
        """Read ``events`` to the checked answer (or a stop), yielding when there is something new to show."""
        turn = self.turn
        inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        reader = threading.Thread(target=_pump, args=(events, inbox, self.stop), name="chat-stream", daemon=True)
        reader.start()
        last = 0.0
        try:
            while True:
                try:
                    kind, value = inbox.get(timeout=POLL_S)
                except queue.Empty:
                    kind, value = "wait", None
                if self.stop.is_set():
                    self._settle(STOPPED_NOTE)
                    return
                if kind == "end":
                    self._settle("")
                    return
                if kind == "error":
                    if turn.exact is None:
                        raise value
                    self._settle(FAILED_NOTE.format(reason=_reason(value)))
                    return
                if kind != "event":
                    continue
                if value.kind == "exact" and value.answer is not None:
                    turn.exact = answer_record(value.answer)
                    yield None
                elif value.kind == "token":
                    turn.draft += value.text
                    if time.monotonic() - last >= self.refresh_s:
                        last = time.monotonic()
                        yield None
                elif value.kind == "answer" and value.answer is not None:
                    self.record = answer_record(value.answer)
                    fallback = self.record.get("fallback")
                    if fallback and self.record.get("mode") != "generative":
                        turn.note = FALLBACK_NOTE.format(reason=fallback)
                    turn.exact = None
                    return
        finally:
            self.stop.set()  # the reader closes the stream after its next event: the generation stops

    def _settle(self, note: str) -> None:
        """The exact answer becomes the answer, with ``note``; with none yet, the turn is an error."""
        turn = self.turn
        if turn.exact is None:
            turn.error = STOPPED_EARLY if note == STOPPED_NOTE else "The answer ended before it was complete. Try again."
            return
        self.record, turn.exact, turn.note = turn.exact, None, note


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def reveal(turn: Turn, *, delay_s: float = STREAM_DELAY_S, steps: int = STREAM_STEPS) -> Iterator[None]:
    """Show a prose answer in ``steps`` growing parts, ``delay_s`` apart (``turn.shown_words``), yielding at each."""
    record = turn.record or {}
    if record.get("abstained") or record.get("kind") not in {"answer", "summary"}:
        return
    total = word_count(answer_segments(record))
    step = max(1, math.ceil(total / steps))
    for shown in range(step, total, step):
        turn.shown_words = shown
        yield None
        time.sleep(delay_s)
    turn.shown_words = None
