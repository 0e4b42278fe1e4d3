"""What a caller may ask: the question, the conversation before it and the number of passages, checked first.

Each limit is a setting; a question or history over it is a `UsageError` that says which setting and what to do,
raised before anything is searched or stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.errors import UsageError
from assistant.text.lexical import tokens


def validate_question(
    question: str,
    max_chars: int,
    history: Sequence[Mapping[str, Any]] = (),
    *,
    max_turns: int | None = None,
    max_history_chars: int | None = None,
) -> str:
    """The question, whitespace collapsed; `UsageError` for one that is empty, over-long, wordless or not UTF-8 text.

    ``history`` is checked too, before anything is searched or stored: each turn a ``{role, content}`` pair of
    texts, at most ``max_turns`` turns of ``max_history_chars`` characters in all (the settings
    ``max_history_turns`` and ``max_history_chars``; None: unbounded).
    """
    if not isinstance(question, str) or not question.strip():
        raise UsageError("the question is empty; type a question about the Secretary-General's statements")
    _require_utf8(question, "the question")
    question = " ".join(question.split())
    if len(question) > max_chars:
        raise UsageError(
            f"the question is {len(question):,} characters long; the limit is {max_chars:,} (max_question_chars): shorten it"
        )
    if not tokens(question):
        raise UsageError("the question has no words to search for; ask it in words")
    if max_turns is not None and len(history) > max_turns:
        raise UsageError(
            f"the history has {len(history):,} turns; the limit is {max_turns:,} (max_history_turns): "
            "pass only the latest turns, or start a new conversation"
        )
    size = 0
    for n, turn in enumerate(history, 1):
        if not isinstance(turn, Mapping) or not all(isinstance(turn.get(key), str) for key in ("role", "content")):
            raise UsageError(f'turn {n} of the history is not a {{"role": ..., "content": ...}} pair of texts')
        _require_utf8(turn["content"], f"turn {n} of the history")
        size += len(turn["content"])
    if max_history_chars is not None and size > max_history_chars:
        raise UsageError(
            f"the history holds {size:,} characters; the limit is {max_history_chars:,} (max_history_chars): "
            "pass only the latest turns, or start a new conversation"
        )
    return question


def _require_utf8(text: str, what: str) -> None:
    """`UsageError` when ``text`` holds lone surrogates: bytes that were not UTF-8 (a shell's argument, a JSON escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise UsageError(
            f"{what} is not UTF-8 text (character {exc.start + 1} stands for an undecodable byte); "
            "type it again in a UTF-8 terminal (e.g. LANG=C.UTF-8) or re-save it as UTF-8"
        ) from None


def validate_k(k: Any, max_k: int) -> int:
    """``k`` as the number of passages to retrieve: a whole number from 1 to ``max_k`` (the setting), else `UsageError`."""
    whole = (isinstance(k, int) and not isinstance(k, bool)) or (isinstance(k, float) and k.is_integer())
    if not whole or not 1 <= k <= max_k:
        raise UsageError(f"k must be between 1 and {max_k} (the setting max_k); got {k}")
    return int(k)
