"""The generated paragraph above a timeline: checked sentences, the timeline's own numbers, and the timeline unchanged."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import hit_for, timeline_answer

from assistant.answer.generative import llm_model
from assistant.answer.generative.timeline_summary import SUMMARY_PASSAGES, spread, with_summary
from assistant.answer.records import answer_record
from assistant.pipeline import Assistant

R2P_CHANGE = "How has the Secretary-General's position on the responsibility to protect changed between 2011 and 2017?"


def test_the_model_reads_the_first_the_latest_and_entries_evenly_between() -> None:
    hits = [hit_for(f"d{y}", f"{y}-01-01", f"Statement {y}.") for y in range(2000, 2010)]
    answer = timeline_answer("How has it changed?", [("", h) for h in hits])
    years = [c.hit.meta.date[:4] for c in spread(answer.citations, 4)]
    assert years == ["2000", "2003", "2006", "2009"]
    assert spread(answer.citations[:3], 4) == list(answer.citations[:3])


def test_a_supported_summary_sits_above_the_unchanged_timeline(seed_settings, scripted) -> None:  # type: ignore[no-untyped-def]
    settings = seed_settings.with_overrides(mode="generative", generator="scripted", llm_judge=False)
    exact = Assistant(seed_settings).ask(R2P_CHANGE)
    assert exact.kind == "timeline" and len(exact.timeline) >= 3
    read = spread(exact.citations, SUMMARY_PASSAGES)
    # the model numbers the paragraphs it reads 1..len(read): its last is the latest entry, its second the second read
    last, second = read[-1], read[1]
    scripted.enqueue(f"{last.quote} [{len(read)}] The Secretary-General also claims the moon is made of cheese [2].")
    answer = Assistant(settings).ask(R2P_CHANGE)
    assert answer.kind == "timeline" and answer.mode == "generative"
    assert [e.quote for e in answer.timeline] == [e.quote for e in exact.timeline]  # the entries stay exact
    assert answer.summary is not None and answer.summary.startswith(last.quote or "")
    assert "cheese" not in answer.summary  # unsupported: left out, and said so
    assert any("1 sentence(s) the paragraphs do not support were left out" in n for n in answer.notices)
    # the markers are the timeline's numbers for those paragraphs, not the model's
    assert re.findall(r"\[(\d+)\]", answer.summary) == [str(last.n)] and last.n == exact.timeline[-1].citation
    assert [s.citations for s in answer.dropped_sentences or ()] == [(second.n,)]
    assert answer.text.startswith(answer.summary) and answer.text.endswith(exact.text)
    record = answer_record(answer)
    assert record["summary"] == answer.summary and record["timeline"] == answer_record(exact)["timeline"]
    prompt = scripted.prompts[0][-1][1]
    assert "2011" in prompt and "2017" in prompt  # the model reads dated paragraphs, the first and the latest
    assert all((c.quote or "") in prompt for c in read)  # each paragraph's excerpt keeps the sentence its entry quotes


def test_only_a_timeline_of_change_gets_a_summary(seed_settings, scripted) -> None:  # type: ignore[no-untyped-def]
    settings = seed_settings.with_overrides(mode="generative", generator="scripted", llm_judge=False)
    first = Assistant(settings).ask("When did the Secretary-General first mention the responsibility to protect?")
    assert first.kind == "timeline" and first.summary is None and not scripted.prompts  # the model was not asked
    assert first.fallback and "only above a timeline of change" in first.fallback


def test_without_a_supported_sentence_the_timeline_stands_alone(seed_settings, scripted) -> None:  # type: ignore[no-untyped-def]
    settings = seed_settings.with_overrides(mode="generative", generator="scripted", llm_judge=False)
    scripted.enqueue("The moon is made of cheese [1].")
    answer = Assistant(settings).ask(R2P_CHANGE)
    assert answer.kind == "timeline" and answer.summary is None and answer.mode == "extractive"
    assert answer.requested_mode == "generative"
    assert answer.fallback == "No generated summary: no sentence the model wrote is supported by the paragraph it cites."
    assert any(n.startswith("No generated summary (no sentence the model wrote") for n in answer.notices)


def test_a_single_entry_gets_no_summary() -> None:
    one = timeline_answer("When was it first said?", [("", hit_for("d", "2015-01-01", "It was said."))])
    answer = with_summary(None, None, one)  # type: ignore[arg-type]  # nothing is generated: no settings read
    assert answer.summary is None and any("two entries" in n for n in answer.notices)


@pytest.mark.llm
@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or not llm_model.parts_installed(),
    reason="the local LLM is not installed (make llm)",
)
def test_the_real_model_summarises_the_r2p_timeline(seed_settings) -> None:  # type: ignore[no-untyped-def]
    # time enough on a busy machine: this test is about what the model writes, not how fast (bench/ measures that)
    answer = Assistant(seed_settings.with_overrides(mode="generative", llm_timeout_s=300)).ask(R2P_CHANGE)
    assert answer.kind == "timeline" and len(answer.timeline) >= 3
    assert answer.generation is not None and answer.generation.draft  # the model wrote, within the time
    if answer.summary is None:  # nothing it wrote is supported by the paragraph it cites: then it says so
        assert answer.fallback and any("No generated summary" in n for n in answer.notices)
        return
    numbers = {e.citation for e in answer.timeline}
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.summary)}
    assert cited and cited <= numbers  # every marker opens a paragraph the timeline quotes
    assert all(s.supported for s in answer.sentences or ())
