"""One chat conversation as plain data: the turns, what each answer said, and the feedback on it."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

MARKER_RE = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")


@dataclass
class Turn:
    """A question and the assistant's answer to it (``record`` is `Answer.to_dict()`)."""

    question: str
    config: dict[str, Any] = field(default_factory=dict)  # filters, k and mode chosen in the controls
    history: list[dict[str, str]] = field(default_factory=list)  # earlier turns given to `Assistant.ask`
    turn_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    asked_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    record: dict[str, Any] | None = None
    error: str | None = None
    shown_words: int | None = None  # while streaming: how many words of the answer are shown
    draft: str = ""  # generated mode: the model's text as it writes, before it is checked
    exact: dict[str, Any] | None = None  # generated mode: the exact-quote answer shown while the model writes
    note: str = ""  # why the answer shown is not the one asked for (generation stopped, failed or timed out)
    rating: str | None = None  # "up" | "down"
    reason: str = ""
    wrong: set[int] = field(default_factory=set)  # citation numbers flagged as wrong

    @property
    def state(self) -> str:
        """``pending`` (searching), ``generating`` (exact quotes shown, the model writing), ``streaming``, ``done`` or ``error``."""
        if self.error is not None:
            return "error"
        if self.record is None:
            return "generating" if self.exact is not None else "pending"
        return "streaming" if self.shown_words is not None else "done"

    @property
    def answered(self) -> bool:
        """Whether the turn finished with an answer or an abstention (not an error, not chit-chat)."""
        return self.state == "done" and self.record is not None and self.record.get("kind") != "chitchat"


@dataclass(frozen=True)
class Segment:
    """A piece of an answer and the citation numbers that support it."""

    text: str
    citations: tuple[int, ...] = ()
    supported: bool = True


def history_for(turns: list[Turn], max_turns: int | None = None, max_chars: int | None = None) -> list[dict[str, str]]:
    """The finished turns as ``[{role, content}, ...]`` for a follow-up question.

    Only the latest fit: at most ``max_turns`` entries of ``max_chars`` characters in all (the settings
    ``max_history_turns`` and ``max_history_chars``, which `Assistant.ask` would otherwise refuse); the history
    always starts with a question.
    """
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.state == "done" and turn.record is not None:
            history.append({"role": "user", "content": turn.question})
            history.append({"role": "assistant", "content": str(turn.record.get("answer", ""))})
    if max_turns is not None and len(history) > max_turns:
        history = history[len(history) - max_turns :]
    if max_chars is not None:
        size = sum(len(h["content"]) for h in history)
        while history and size > max_chars:
            size -= len(history.pop(0)["content"])
    if history and history[0]["role"] == "assistant":
        history = history[1:]  # start with a question
    return history


def find_turn(turns: list[Turn], turn_id: str) -> Turn | None:
    """The turn with ``turn_id``, or None."""
    return next((t for t in turns if t.turn_id == turn_id), None)


def answer_segments(record: dict[str, Any]) -> list[Segment]:
    """Split an answer into sentences and their citation numbers.

    The answerer's own sentence records are used when they account for the whole
    answer; otherwise the ``[n]`` markers in the text are parsed (only numbers that
    are real citations count as markers).
    """
    text = str(record.get("answer", ""))
    numbers = {int(c["n"]) for c in record.get("citations", [])}
    sentences = record.get("sentences") or []
    plain = MARKER_RE.sub("", text)
    if sentences and all(isinstance(s, dict) and str(s.get("text", "")) in plain for s in sentences):
        joined = " ".join(str(s["text"]) for s in sentences)
        if len(joined) >= 0.9 * len(plain.strip()):
            return [
                Segment(
                    str(s["text"]),
                    tuple(int(n) for n in s.get("citations", []) if int(n) in numbers),
                    bool(s.get("supported", True)),
                )
                for s in sentences
            ]
    segments: list[Segment] = []
    pos = 0
    for m in MARKER_RE.finditer(text):
        cited = tuple(int(n) for n in re.findall(r"\d+", m.group(1)))
        if not all(n in numbers for n in cited):
            continue
        piece = text[pos : m.start()].strip()
        if piece or segments:
            segments.append(Segment(piece, cited))
        pos = m.end()
    rest = text[pos:].strip()
    if rest:
        segments.append(Segment(rest))
    return segments


def truncate(segments: list[Segment], words: int) -> list[Segment]:
    """The first ``words`` words of the answer; a segment's markers show once it is complete."""
    out: list[Segment] = []
    left = words
    for seg in segments:
        parts = seg.text.split(" ")
        if len(parts) <= left:
            out.append(seg)
            left -= len(parts)
            continue
        if left > 0:
            out.append(Segment(" ".join(parts[:left]), (), seg.supported))
        break
    return out


def word_count(segments: list[Segment]) -> int:
    """Number of words in the answer."""
    return sum(len(s.text.split(" ")) for s in segments)
