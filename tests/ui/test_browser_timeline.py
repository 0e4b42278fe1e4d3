"""Timelines, comparisons, their charts and exact-quotes-first generation, in the real chat in headless Chromium.

The chat runs in this process over the seed index, answering in generated mode with a slowed scripted model
(`SlowScripted`, no LLM). Timeline questions get hand-built answers (`CannedAssistant`, `timeline_answer`)
citing real seed paragraphs, so these tests do not depend on the timeline answerer; every other question
goes through the real pipeline. With ``ASSISTANT_UPDATE_SCREENSHOT=1`` the timeline screenshot also refreshes
``docs/images/chat-timeline.png``.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import CannedAssistant, SlowScripted, settings_for, timeline_answer
from test_browser import CONTRAST_JS, ask, browser, free_port, open_chat, shot  # noqa: F401  (`browser` is a fixture)

from assistant.answer.generative import generators
from assistant.models import Hit, YearCount
from assistant.settings import PROJECT_ROOT, Settings
from assistant.shared import forget_shared
from assistant.ui.streaming import STOPPED_NOTE

pytestmark = pytest.mark.browser

DOCS_SCREENSHOT = PROJECT_ROOT / "docs" / "images" / "chat-timeline.png"
TIMELINE = "How has the Secretary-General spoken about the responsibility to protect over the years?"
COMPARE = "Compare Ban Ki-moon and António Guterres on the responsibility to protect"
VETO = "Which two countries led a joint initiative on restraint in the use of the veto?"
GENERATED = "France and Mexico led a joint initiative on restraint in the use of the veto [1]."
EXACT_START = "One concrete step forward would be for them to agree to exercise restraint"
PROVISIONAL = "Exact quotes — a generated answer is being written…"
WORD_DELAY_S = 0.3  # the scripted model's pace: its 16 words take about 5 s

# (column, document, paragraph) of each hand-built timeline entry: seed statements, 2011 to 2017
ENTRIES = [
    ("003_60cb26d50d24da92", "2"),
    ("001_3c0b70c9704cf0d2", "1"),
    ("000_2da93208c23d15a9", "1"),
    ("004_44fea8a60e0f5565", "49"),
    ("002_03e1717d8bee81ff", "1"),
]


@pytest.fixture(scope="module")
def model() -> Iterator[SlowScripted]:
    """The slowed scripted model, registered as ``"scripted"`` for the module."""
    fake = SlowScripted(delay_s=WORD_DELAY_S)
    patch = pytest.MonkeyPatch()
    patch.setitem(generators.GENERATORS, "scripted", lambda settings: fake)
    forget_shared(generators.make_generator)
    yield fake
    patch.undo()
    forget_shared(generators.make_generator)


def seed_hit(store: Any, doc_id: str, label: str) -> Hit:
    meta = next(m for m in store.documents if m.doc_id == doc_id)
    passage = next(p for p in store.document_passages(doc_id) if p.label == label)
    return Hit(passage, meta, 1.0)


@pytest.fixture(scope="module")
def server(seed_settings: Settings, model: SlowScripted) -> Iterator[tuple[str, CannedAssistant, Settings]]:
    """The chat over the seed index in generated mode (the scripted model), timeline questions answered by hand."""
    from assistant.pipeline import Assistant
    from assistant.ui.app import ChatUI
    from assistant.ui.feedback import FeedbackStore

    settings = settings_for(
        seed_settings.index_dir, port=free_port(), mode="generative", generator="scripted", llm_judge=False
    ).with_overrides(data_dir=seed_settings.index_dir.parent / "timeline-data")
    assistant = CannedAssistant(Assistant(settings))
    store = assistant.store
    hits = [seed_hit(store, doc_id, label) for doc_id, label in ENTRIES]
    years = [int((h.meta.date or "0")[:4]) for h in hits]
    # the seed index has one statement a year; every one of them addresses the topic
    assistant.canned[TIMELINE] = timeline_answer(TIMELINE, [("", h) for h in hits], [YearCount(y, 1, 1) for y in years])
    columns = [(h.meta.secretary_general or "", h) for h in hits]
    counts = [YearCount(y, 1, 1, column) for y, (column, _) in zip(years, columns, strict=True)]
    assistant.canned[COMPARE] = timeline_answer(COMPARE, columns, counts)
    ui = ChatUI(settings, assistant, FeedbackStore.for_settings(settings))
    assert ui.generation_ok, ui.generation_note
    ui.launch(prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{settings.port}/", assistant, settings
    assert ui.demo is not None
    ui.demo.close()


@pytest.fixture()
def page(browser: Any, server: tuple[str, CannedAssistant, Settings]) -> Iterator[Any]:  # noqa: F811
    page = open_chat(browser, server[0], viewport={"width": 1280, "height": 1000})
    yield page
    page.context.close()


def test_a_timeline_shows_dated_entries_a_chart_and_opens_the_cited_paragraph(page: Any) -> None:
    turn = ask(page, TIMELINE)
    entries = turn.locator(".sa-tl-entry")
    assert entries.count() == 5
    dates = [entries.nth(i).locator("time").inner_text() for i in range(5)]
    assert dates == ["23 September 2011", "27 September 2013", "30 September 2015", "22 July 2016", "6 September 2017"]
    assert "first mention" in entries.first.inner_text() and "latest" in entries.last.inner_text()
    assert entries.locator(".sa-badge").count() == 2
    chart = turn.locator(".sa-chart")
    assert chart.count() == 1 and chart.locator(".sa-chart-bar").count() == 5
    assert chart.locator("svg").get_attribute("role") == "img"
    assert "2016: 1 of 1" in chart.locator("desc").text_content()
    bar = chart.locator(".sa-chart-hit").first.bounding_box()
    assert bar is not None and bar["height"] > 50 and bar["width"] > 10  # drawn, full height: 1 of 1
    assert chart.locator(".sa-chart-label").first.text_content() == "1 of 1"
    report = entries.nth(3)
    assert report.locator(".sa-tl-quote").inner_text().startswith("The five permanent members of the Security Council")
    report.get_by_role("button", name="Source 4").click()  # the entry's marker opens the cited paragraph
    target = page.locator("#sa-viewer .sa-target[data-passage$='#p49']")
    target.wait_for()
    assert target.locator("mark").inner_text().startswith("The five permanent members")  # the quote, highlighted
    page.wait_for_timeout(300)
    turn.evaluate("el => el.scrollIntoView({block: 'start'})")  # the question, the chart and the first entries
    page.mouse.move(0, 0)
    path = shot(page, "12-timeline.png")
    if os.environ.get("ASSISTANT_UPDATE_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOT)


def test_a_comparison_shows_one_column_per_speaker_side_by_side(page: Any) -> None:
    turn = ask(page, COMPARE)
    columns = turn.locator(".sa-tl-col")
    assert columns.count() == 2
    assert [columns.nth(i).locator("h4").inner_text() for i in range(2)] == ["Ban Ki-moon", "António Guterres"]
    left, right = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert left is not None and right is not None
    assert abs(left["y"] - right["y"]) < 2 and right["x"] >= left["x"] + left["width"] - 1  # side by side
    assert columns.nth(0).locator(".sa-tl-entry").count() == 4 and columns.nth(1).locator(".sa-tl-entry").count() == 1
    assert columns.nth(0).locator(".sa-chart-bar").count() == 4 and columns.nth(1).locator(".sa-chart-bar").count() == 1
    assert "6 September 2017" in columns.nth(1).inner_text() and "first mention" in columns.nth(1).inner_text()
    columns.nth(1).get_by_role("button", name="Source 5").click()
    page.locator("#sa-viewer .sa-target[data-passage$='#p1']").wait_for()
    assert "informal dialogue" in page.locator("#sa-viewer h3").inner_text().lower()
    shot(page, "13-comparison.png")


def test_timeline_text_meets_contrast_in_light_and_dark_mode(
    page: Any,
    browser: Any,  # noqa: F811
    server: tuple[str, CannedAssistant, Settings],
) -> None:
    dark = open_chat(browser, server[0] + "?__theme=dark")
    try:
        for view in (page, dark):
            ask(view, COMPARE)
            for selector in (
                ".sa-tl-date",
                ".sa-tl-speaker",
                ".sa-tl-title",
                ".sa-badge-first",
                ".sa-badge-latest",
                ".sa-chart-caption",
            ):
                ratio = view.evaluate(CONTRAST_JS, selector)
                assert ratio is not None and ratio >= 4.5, f"{selector} ({view.url}): contrast {ratio:.2f} < 4.5"
    finally:
        dark.context.close()


def submit(page: Any, question: str) -> Any:
    """Type a question and press Enter without waiting; the new turn's locator."""
    before = page.locator(".sa-turn").count()
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")
    return page.locator(".sa-turn").nth(before)


def test_the_exact_answer_shows_before_the_generated_one(page: Any, model: SlowScripted) -> None:
    model.replies, model.fail_after = [GENERATED], None
    started = time.monotonic()
    turn = submit(page, VETO)
    turn.locator(".sa-provisional").wait_for()
    exact_s = time.monotonic() - started
    assert turn.locator(".sa-provisional").inner_text() == PROVISIONAL
    assert turn.get_attribute("data-state") == "generating"
    assert turn.locator(".sa-answer").inner_text().startswith(EXACT_START)
    assert turn.locator(".sa-card").count() >= 1  # cited already, cards and all
    turn.locator(".sa-draft", has_text="France and").wait_for()  # the draft, while the exact answer stays
    assert turn.locator(".sa-answer").inner_text().startswith(EXACT_START)
    shot(page, "14-exact-first.png")
    turn.locator("xpath=self::*[@data-state='done']").wait_for()
    done_s = time.monotonic() - started
    answer = turn.locator(".sa-answer").inner_text()
    shown = turn.inner_text()
    assert answer.startswith("France and Mexico led a joint initiative") and "Answer mode: Generated" in shown, shown[:600]
    assert turn.locator(".sa-provisional").count() == 0 and turn.locator(".sa-note").count() == 0
    assert exact_s < done_s - 3  # the exact quotes came seconds before the checked answer
    shot(page, "15-generated.png")


def test_the_exact_answer_stays_when_the_generation_fails(page: Any, model: SlowScripted) -> None:
    model.replies, model.fail_after = [GENERATED], 4
    try:
        turn = submit(page, VETO)
        turn.locator(".sa-provisional").wait_for()
        turn.locator("xpath=self::*[@data-state='done']").wait_for()
    finally:
        model.fail_after = None
    assert turn.locator(".sa-answer").inner_text().startswith(EXACT_START)
    note = turn.locator(".sa-note").inner_text()
    assert "The generator failed (RuntimeError: the scripted model stopped mid-answer)" in note
    assert "Answer mode: Exact quotes" in turn.inner_text() and turn.locator(".sa-card").count() >= 1
    shot(page, "16-generation-failed.png")


def test_the_exact_answer_stays_when_the_reader_stops_the_generation(page: Any, model: SlowScripted) -> None:
    model.replies, model.fail_after = [GENERATED], None
    turn = submit(page, VETO)
    turn.locator(".sa-draft", has_text="France").wait_for()
    stop = turn.get_by_role("button", name="Stop generating")
    stopped_at = time.monotonic()
    stop.click()
    turn.locator("xpath=self::*[@data-state='done']").wait_for()
    assert time.monotonic() - stopped_at < 16 * WORD_DELAY_S / 2  # long before the draft would have ended
    assert turn.locator(".sa-answer").inner_text().startswith(EXACT_START)
    assert turn.locator(".sa-note").inner_text() == STOPPED_NOTE
    assert turn.get_by_role("button", name="Stop generating").count() == 0 and turn.locator(".sa-draft").count() == 0
    assert "Was this answer right?" in turn.inner_text()
    shot(page, "17-generation-stopped.png")
    # the chat is free for the next question at once
    model.replies = [GENERATED]
    turn = submit(page, TIMELINE)
    turn.locator("xpath=self::*[@data-state='done']").wait_for()
    assert turn.locator(".sa-tl-entry").count() == 5
