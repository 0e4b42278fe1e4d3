"""Settling uncertain answers by asking the model: the band, both verdicts, no model, and the real model."""

from __future__ import annotations

import importlib.util

import pytest

from assistant.answer.generative import llm_model
from assistant.answer.generative.uncertain import SETTLED_NOTICE, in_band, model_says_answered
from assistant.pipeline import Assistant
from assistant.settings import Settings

VETO_QUESTION = "Which two countries led a joint initiative on restraint in the use of the veto?"
OFF_TOPIC = "What is the capital of Australia?"


def test_only_confidences_in_the_band_are_asked_about() -> None:
    on = Settings(llm_abstain_check=True, llm_check_low=0.1, llm_check_high=0.5)
    assert [in_band(on, c) for c in (0.05, 0.1, 0.3, 0.5, 0.9)] == [False, True, True, False, False]
    assert not in_band(Settings(llm_abstain_check=False), 0.3)  # off by default


def test_the_model_settles_both_ways_inside_the_band(seed_settings, scripted) -> None:  # type: ignore[no-untyped-def]
    everything = seed_settings.with_overrides(
        generator="scripted", llm_abstain_check=True, llm_check_low=0.0, llm_check_high=1.01
    )
    assistant = Assistant(everything)
    scripted.judge = "NO"
    refused = assistant.ask(VETO_QUESTION)  # answered without the check
    assert refused.abstained and SETTLED_NOTICE[False] in refused.notices and "llm_check" in refused.timings_ms
    scripted.judge = "YES"
    answered = assistant.ask(OFF_TOPIC)  # refused without the check
    assert not answered.abstained and SETTLED_NOTICE[True] in answered.notices and answered.citations
    asked = len(scripted.prompts)
    assert "Does the text answer the question?" in scripted.prompts[-1][-1][1]
    outside = Assistant(everything.with_overrides(llm_check_low=0.999, llm_check_high=1.0))
    assert not outside.ask(VETO_QUESTION).abstained and len(scripted.prompts) == asked  # out of the band: not asked
    # a threshold set by hand (a sweep, calibrate's "never refuse") decides alone: the model is not asked
    assert assistant.ask(OFF_TOPIC, abstain_threshold=1.0).abstained and len(scripted.prompts) == asked
    scripted.judge = "NOT SURE"  # neither YES nor NO: the confidence decides
    assert not assistant.ask(VETO_QUESTION).abstained


def test_without_a_model_the_confidence_decides(seed_settings, seed_assistant) -> None:  # type: ignore[no-untyped-def]
    broken = Assistant(
        seed_settings.with_overrides(
            llm_abstain_check=True,
            llm_check_low=0.0,
            llm_check_high=1.01,
            generator="openai",
            openai_base_url="http://127.0.0.1:9/v1",
            openai_model="none",
        )
    )
    for question in (VETO_QUESTION, OFF_TOPIC):
        assert broken.ask(question).abstained == seed_assistant.ask(question).abstained


@pytest.mark.llm
@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or not llm_model.parts_installed(),
    reason="the local LLM is not installed (make llm)",
)
def test_the_real_model_tells_an_answer_from_a_non_answer() -> None:
    settings = Settings()
    answer = "The initiative on restraint in the use of the veto was led jointly by France and Mexico. [1]"
    assert model_says_answered(settings, VETO_QUESTION, answer) is True
    unrelated = "Prevention requires early warning and the engagement of regional organizations. [1]"
    assert model_says_answered(settings, VETO_QUESTION, unrelated) is False
