"""Settling an uncertain "not in the corpus" decision by asking the model whether the quotes answer the question.

Used only when ``llm_abstain_check`` is on and a model is configured, and only for confidences in
[``llm_check_low``, ``llm_check_high``): there the abstention model is least sure, and on the training
questions the model's one-word YES / NO was right more often than the threshold (docs/evaluation.md).
"""

from __future__ import annotations

import re

from assistant.answer.generative.generators import GenerationOptions, complete, shared_generator
from assistant.answer.generative.prompting import neutralised, template
from assistant.settings import Settings

_CITATION_RE = re.compile(r"\s*\[\d+\]")
_VERDICT_RE = re.compile(r"\W*(yes|no)\b", re.I)  # "YES", "**No**"; not "NOT SURE" or "NONE"


def in_band(settings: Settings, confidence: float) -> bool:
    """Whether the model is asked about an answer of this confidence."""
    return settings.llm_abstain_check and settings.llm_check_low <= confidence < settings.llm_check_high


def model_says_answered(settings: Settings, question: str, answer_text: str) -> bool | None:
    """True (YES) or False (NO) from the model; None when it cannot be asked or says neither."""
    messages = [
        ("system", template("check_system").strip()),
        (
            "user",
            template("check_user").format(question=question, text=neutralised(_CITATION_RE.sub("", answer_text))).strip(),
        ),
    ]
    try:
        reply = complete(shared_generator(settings), messages, GenerationOptions(max_tokens=3, temperature=0.0, seed=0))
    except Exception:  # no model, an unreachable server, a failed call: the confidence decides
        return None
    word = _VERDICT_RE.match(reply)
    return None if word is None else word.group(1).upper() == "YES"
