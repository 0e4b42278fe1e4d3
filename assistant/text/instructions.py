"""Text addressed to a model rather than to the reader of a UN statement ("ignore previous instructions ...").

Such sentences are withheld from the model's prompt and never count as support
for an answer.
"""

from __future__ import annotations

import re

from assistant.text.sentences import split_sentences

# Text addressed to a model rather than to the reader of a UN statement.
INSTRUCTION_RE = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,40}\b(?:instructions?|prompts?|rules?|context|above|previous|prior)\b"
    r"|\b(?:system|developer)\s+(?:prompt|message|instructions?)\b"
    r"|\byou\s+(?:are\s+now|must\s+now|will\s+now)\b"
    r"|\bas\s+an\s+(?:ai|assistant|language\s+model)\b"
    r"|\b(?:respond|reply|answer)\s+(?:only\s+)?with\b"
    r"|<\|?(?:im_start|im_end|system|endoftext)\|?>",
    re.IGNORECASE,
)


def instruction_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text`` that address a model ("ignore previous instructions ...")."""
    return [(s, e) for s, e in split_sentences(text) if INSTRUCTION_RE.search(text[s:e])]


def withheld(text: str) -> str:
    """Passage text without its instruction-like sentences: they never count as support."""
    for s, e in reversed(instruction_spans(text)):
        text = text[:s] + text[e:]
    return text
