"""What one browser session may ask of the chat: its questions in the queue, its text, its conversation's length.

Plain Python (no Gradio), so the rules are tested on their own. `assistant.ui.app` applies them where the network
reaches the app: the answering events' validator (`ChatUI.admit`, run before Gradio queues a question) and the
handlers themselves. A request over a limit is refused with a message saying which limit and what to do; nothing of
it is stored.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from assistant.settings import Settings

STALE_S = 600.0  # a slot whose question never reached its handler (its browser went away) is forgotten after this


class SessionQueue:
    """How many questions each session has waiting or being answered; admits at most ``limit`` at once.

    A question takes a slot when the answering event's validator admits it, before Gradio queues it, and gives it
    back when its handler ends. A question Gradio drops from its queue (the browser closed) never reaches the
    handler: its slot is forgotten after ``stale_s``. Gradio's session hash is chosen by the client, so this keeps
    one session from filling the queue shared by everyone (fairness); the bound on the whole queue is
    ``ui_queue_size``.
    """

    def __init__(self, limit: int, *, stale_s: float = STALE_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.stale_s = stale_s
        self._clock = clock
        self._slots: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, session: str) -> bool:
        """Take a slot for ``session`` if it has fewer than ``limit``; whether it got one."""
        with self._lock:
            now = self._clock()
            slots = self._slots.setdefault(session, deque())
            while slots and now - slots[0] > self.stale_s:
                slots.popleft()
            if len(slots) >= self.limit:
                return False
            slots.append(now)
            return True

    def release(self, session: str) -> None:
        """Give back the oldest slot of ``session`` (nothing if it holds none)."""
        with self._lock:
            slots = self._slots.get(session)
            if slots:
                slots.popleft()
            if slots is not None and not slots:
                del self._slots[session]

    def held(self, session: str) -> int:
        """Slots ``session`` holds now."""
        with self._lock:
            return len(self._slots.get(session, ()))


def question_problem(question: str, settings: Settings) -> str | None:
    """Why ``question`` is refused before it is queued (too long), or None."""
    size = len(question or "")
    if size > settings.max_question_chars:
        return (
            f"The question is {size:,} characters long; the limit is {settings.max_question_chars:,} "
            "(ASSISTANT_MAX_QUESTION_CHARS). Shorten it and ask again."
        )
    return None


def conversation_problem(turns: int, settings: Settings) -> str | None:
    """Why a conversation of ``turns`` questions takes no further question, or None."""
    if turns >= settings.max_chat_turns:
        return (
            f"This conversation holds {turns:,} question{'' if turns == 1 else 's'}, the most one conversation keeps "
            f"({settings.max_chat_turns:,}, ASSISTANT_MAX_CHAT_TURNS). Export it if you need it, "
            "then press New conversation to go on."
        )
    return None


def queue_problem(settings: Settings) -> str:
    """The message for a session that already has its share of questions waiting."""
    return (
        f"You already have {settings.ui_session_queue} questions waiting or being answered "
        "(ASSISTANT_UI_SESSION_QUEUE). Wait for an answer, then ask again."
    )


def feedback_problem(reason: str, settings: Settings) -> str | None:
    """Why an evaluator's reason is refused (too long), or None."""
    size = len(reason or "")
    if size > settings.max_feedback_chars:
        return (
            f"The reason is {size:,} characters long; the limit is {settings.max_feedback_chars:,} "
            "(ASSISTANT_MAX_FEEDBACK_CHARS). Shorten it, then Save reason again: nothing was saved."
        )
    return None


def shortened(text: str, limit: int = 200) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis and its full length, to show a refused text without keeping it."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"
