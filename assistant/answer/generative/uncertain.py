"""Settling an uncertain decision by asking the model: does a quote answer the question, does a passage speak of it.

Used only when ``llm_abstain_check`` is on and a model is configured, and only for confidences in
[``llm_check_low``, ``llm_check_high``): there the abstention model is least sure, and on the training
questions the model's one-word YES / NO was right more often than the threshold (docs/evaluation.md). With
``llm_timeline_check``, a timeline entry whose probability is below ``llm_timeline_band`` is kept only if the model
says its passage speaks of the question's topic (docs/timeline.md).
"""

from __future__ import annotations

import re
import time

from assistant.answer.abstain import AbstentionModel
from assistant.answer.generative.generators import GenerationOptions, complete, shared_generator
from assistant.answer.generative.prompting import neutralised, template
from assistant.answer.verify import strip_markers
from assistant.settings import Settings

SETTLED_NOTICE = {
    True: "The evidence was uncertain; the local model judged that these quotes answer the question.",
    False: (
        "The evidence was uncertain; the local model judged that the quotes found do not answer the question. "
        "The nearest passages are shown instead."
    ),
}
_VERDICT_RE = re.compile(r"\W*(yes|no)\b", re.I)  # "YES", "**No**"; not "NOT SURE" or "NONE"


def in_band(settings: Settings, confidence: float) -> bool:
    """Whether the model is asked about an answer of this confidence."""
    return settings.llm_abstain_check and settings.llm_check_low <= confidence < settings.llm_check_high


def settle(
    settings: Settings,
    model: AbstentionModel,
    passages: int,
    question: str,
    text: str,
    confidence: float,
    threshold: float,
    timings: dict[str, float],
) -> bool | None:
    """The model's verdict on an answer of ``confidence``, or None where the confidence decides alone.

    Only under the learned model and its own threshold: the band was chosen for them, and a threshold set by
    hand (a sweep, `calibrate`'s "never refuse") must decide alone. A verdict's time goes to ``timings``.
    """
    if model.kind != "logistic" or threshold != model.threshold(passages) or not in_band(settings, confidence):
        return None
    t0 = time.perf_counter()
    settled = model_says_answered(settings, question, text)
    if settled is not None:
        timings["llm_check"] = (time.perf_counter() - t0) * 1000
    return settled


def model_says_answered(settings: Settings, question: str, answer_text: str) -> bool | None:
    """True (YES) or False (NO) from the model; None when it cannot be asked or says neither."""
    messages = [
        ("system", template("check_system").strip()),
        (
            "user",
            template("check_user").format(question=question, text=neutralised(strip_markers(answer_text))).strip(),
        ),
    ]
    try:
        reply = complete(shared_generator(settings), messages, GenerationOptions(max_tokens=3, temperature=0.0, seed=0))
    except Exception:  # no model, an unreachable server, a failed call: the confidence decides
        return None
    word = _VERDICT_RE.match(reply)
    return None if word is None else word.group(1).upper() == "YES"


def model_says_on_topic(settings: Settings, question: str, passage: str) -> bool | None:
    """True (YES) if the model says ``passage`` speaks of the topic ``question`` asks about, False (NO), or None."""
    messages = [
        ("system", template("entry_system").strip()),
        ("user", template("entry_user").format(question=question, text=neutralised(passage)).strip()),
    ]
    try:
        reply = complete(shared_generator(settings), messages, GenerationOptions(max_tokens=3, temperature=0.0, seed=0))
    except Exception:  # no model, an unreachable server, a failed call: the entry decision stands
        return None
    word = _VERDICT_RE.match(reply)
    return None if word is None else word.group(1).upper() == "YES"
