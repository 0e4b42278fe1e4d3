"""The real chat in headless Chromium: answers and cards, viewer, follow-ups, filters, feedback, escaping, concurrency.

The app runs in this process on a free port, over an index of the seed corpus
plus a planted document full of HTML and script. Chromium is Debian's
(``make browser``), driven by Playwright with its executable path set.
Screenshots of the main states go to ``test-artifacts/``; with
``ASSISTANT_UPDATE_SCREENSHOT=1`` the chat screenshot also refreshes
``docs/images/chat.png``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DelayedAssistant, copy_seed_corpus, settings_for

from assistant.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
DOCS_SCREENSHOT = PROJECT_ROOT / "docs" / "images" / "chat.png"
TIMEOUT_MS = 60_000

VETO = "Which two countries led a joint initiative on restraint in the use of the veto?"
REFERENCE = "A/70/999–S/2016/620, para. 49"
QUOTE_START = "One concrete step forward would be for them to agree to exercise restraint"
WATER = "What did the Secretary-General call for on drinking water and sanitation?"
SLOW = "What did the Secretary-General say about the responsibility to protect in 2015?"
SLOW_SECONDS = 5.0

PLANTED = """New York, 3 March 2019

Secretary-General's message on <script>window.pwned = "title"</script>water <img src=x onerror="window.pwned = 'title-img'">

Clean water is a human right for every person. <script>window.pwned = "text"</script> The Secretary-General called for \
universal access to safe drinking water and sanitation <img src=x onerror="window.pwned = 'text-img'"> by 2030.

Rivers shared across borders need cooperation agreements, and no community should be left without a tap.
"""
PLANTED_TITLE = "Water <script>window.pwned = 'meta'</script><img src=x onerror=\"window.pwned = 'meta-img'\"> for all"

# Finds the first opaque background behind an element and returns the WCAG contrast ratio of its text.
CONTRAST_JS = """
(selector) => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const el = document.querySelector(selector);
  if (!el) return null;
  let bg = null;
  for (let node = el; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) { bg = c.slice(0, 3); break; }
  }
  bg = bg || [255, 255, 255];
  const fg = parse(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg) + 0.05, lum(bg) + 0.05];
  return Math.max(a, b) / Math.min(a, b);
}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    return path


@pytest.fixture(scope="module")
def planted_settings(seed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The seed index plus a planted script-bearing document (only that one is embedded); no generator set up."""
    from assistant.index.builder import ingest

    root = tmp_path_factory.mktemp("ui")
    corpus = copy_seed_corpus(root / "corpus")
    (corpus / "900_planted.txt").write_text(PLANTED, encoding="utf-8")
    sidecar = json.loads((corpus / "metadata.json").read_text(encoding="utf-8"))
    sidecar["900_planted.txt"] = {"title": PLANTED_TITLE, "place": "<b>New York</b>"}
    (corpus / "metadata.json").write_text(json.dumps(sidecar, ensure_ascii=False), encoding="utf-8")
    shutil.copytree(seed_settings.index_dir, root / "index")
    # a model file that does not exist: generated answers are unavailable, whatever this machine has installed
    settings = settings_for(root / "index", corpus, port=free_port(), generator="llama-cpp", llm_path=root / "no-model.gguf")
    ingest(settings, progress=False)
    return settings


@pytest.fixture(scope="module")
def server(planted_settings: Settings) -> Iterator[tuple[str, DelayedAssistant, Settings]]:
    """The chat, served from this process for the module."""
    from assistant.pipeline import shared_assistant
    from assistant.ui.app import ChatUI
    from assistant.ui.feedback import FeedbackStore

    assistant = DelayedAssistant(shared_assistant(planted_settings))
    ui = ChatUI(planted_settings, assistant, FeedbackStore.for_settings(planted_settings))
    ui.launch(prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{planted_settings.port}/", assistant, planted_settings
    assert ui.demo is not None
    ui.demo.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: run `make browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_chat(browser: Any, url: str, **context_options: Any) -> Any:
    context = browser.new_context(viewport=context_options.pop("viewport", {"width": 1280, "height": 900}), **context_options)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    page.goto(url)
    page.wait_for_selector("#sa-question textarea")
    return page


@pytest.fixture()
def page(browser: Any, server: tuple[str, DelayedAssistant, Settings]) -> Iterator[Any]:
    page = open_chat(browser, server[0])
    yield page
    page.context.close()


def ask(page: Any, question: str) -> Any:
    """Type a question, press Enter, and wait for its answer; the turn's locator."""
    before = page.locator(".sa-turn").count()
    page.get_by_label("Your question").fill(question)
    page.get_by_label("Your question").press("Enter")
    turn = page.locator(".sa-turn").nth(before)
    turn.locator("xpath=self::*[@data-state='done' or @data-state='error']").wait_for()
    return turn


def test_example_question_answers_with_a_citation_card(page: Any) -> None:
    examples = page.locator("#sa-examples button")
    assert examples.first.inner_text() == VETO
    shot(page, "01-empty-chat.png")
    examples.first.click()
    turn = page.locator(".sa-turn").first
    turn.locator("xpath=self::*[@data-state='done']").wait_for()
    assert "France and Mexico" in turn.locator(".sa-answer").inner_text()
    assert not page.locator("#sa-examples").is_visible()  # examples only on the empty chat
    card = turn.locator("#t1-c1")
    text = card.inner_text()
    assert REFERENCE in card.locator("cite").inner_text()
    meta = card.locator(".sa-meta").evaluate(
        "dl => Object.fromEntries([...dl.querySelectorAll('div')].map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]))"
    )
    assert meta["Paragraph"] == "49" and meta["Date"] == "22 July 2016" and meta["Type"] == "report"
    assert meta["Section"].startswith("IV. A vision for collective action") and "Mobilizing collective action" in text
    assert "France and Mexico" in card.locator("mark").inner_text()
    card.get_by_role("button", name="Copy reference").click()
    assert page.evaluate("navigator.clipboard.readText()") == REFERENCE
    card.get_by_role("button", name="Copy quote").click()
    assert page.evaluate("navigator.clipboard.readText()").startswith(QUOTE_START)
    shot(page, "02-answer.png")


def test_keyboard_marker_card_and_viewer_at_the_paragraph(page: Any) -> None:
    turn = ask(page, VETO)
    marker = turn.locator(".sa-marker").first
    marker.focus()
    page.keyboard.press("Enter")  # the marker leads to its card
    assert page.evaluate("document.activeElement.id") == "t1-c1"
    for _ in range(3):  # card -> Copy reference -> Copy quote -> Read in document
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Read in document"
    page.keyboard.press("Enter")
    target = page.locator("#sa-viewer .sa-target")
    target.wait_for()
    assert target.get_attribute("aria-current") == "true" and target.get_attribute("data-passage").endswith("#p49")
    viewer = page.locator("#sa-viewer")
    assert "Mobilizing collective action" in viewer.locator("h3").inner_text()
    assert "A/70/999–S/2016/620" in viewer.locator(".sa-meta").inner_text()
    assert "France and Mexico" in target.locator("mark").inner_text()
    page.wait_for_timeout(300)
    box, frame = target.bounding_box(), viewer.bounding_box()
    assert frame["y"] <= box["y"] < frame["y"] + frame["height"]  # scrolled to the cited paragraph
    shot(page, "03-viewer-keyboard.png")


def test_clicking_a_card_opens_the_document(page: Any) -> None:
    turn = ask(page, VETO)
    turn.locator("#t1-c1 .sa-card-title").click()
    target = page.locator("#sa-viewer .sa-target[data-passage$='#p49']")
    target.wait_for()
    page.wait_for_timeout(300)
    label, head = target.locator(".sa-plabel").bounding_box(), page.locator("#sa-viewer .sa-viewer-head").bounding_box()
    assert label["y"] >= head["y"] + head["height"] - 1  # the paragraph number shows below the viewer's header
    page.mouse.move(0, 0)
    path = shot(page, "03-viewer.png")
    if os.environ.get("ASSISTANT_UPDATE_SCREENSHOT"):
        DOCS_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOT)


def test_follow_up_shows_the_rewritten_question(page: Any) -> None:
    ask(page, VETO)
    second = ask(page, "Who else proposed it?")
    reading = second.locator(".sa-readas").inner_text()
    assert reading.startswith("Searched for:") and "regarding" in reading and "veto" in reading
    assert REFERENCE in second.locator(".sa-cards").inner_text()
    shot(page, "04-follow-up.png")


def test_date_filter_narrows_the_search(page: Any) -> None:
    page.get_by_text("Filters and answer options").click()
    page.get_by_label("From date").fill("2017")
    radio = page.locator("#sa-mode input[value='generative']")
    assert radio.is_disabled()  # no generator is set up for the test server: shown, but disabled
    note = page.locator("#sa-mode").inner_text()
    assert "is not a file" in note or "llama-cpp-python" in note  # and the reason is shown beside it
    turn = ask(page, VETO)
    text = turn.inner_text()
    assert "Filters applied: dated 2017" in text
    assert "No answer found." in text and "Nearest passages" in text
    assert "6 September 2017" in text and "22 July 2016" not in text
    shot(page, "05-date-filter-abstention.png")


def test_feedback_is_stored_in_sqlite(page: Any, server: tuple[str, DelayedAssistant, Settings]) -> None:
    turn = ask(page, VETO)
    turn.get_by_role("button", name="No", exact=True).click()
    page.get_by_label("Reason (optional)").fill("The answer should name the two countries only.")
    page.get_by_role("button", name="Save reason").click()
    turn.locator(".sa-reason").wait_for()
    turn.get_by_role("button", name="Wrong citation: source 1").click()
    page.locator("#t1-c1.sa-flagged").wait_for()
    shot(page, "06-feedback.png")
    answer_id = turn.get_attribute("data-turn")
    db = Path(server[2].data_dir) / "feedback.sqlite"
    deadline = time.monotonic() + 10
    row = None
    while time.monotonic() < deadline:
        row = (
            sqlite3.connect(db)
            .execute(
                "SELECT rating, reason, wrong_citations, question, citations, config FROM feedback WHERE answer_id = ?",
                (answer_id,),
            )
            .fetchone()
        )
        if row and row[2] == "[1]":
            break
        time.sleep(0.1)
    assert row is not None
    rating, reason, wrong, question, citations, config = row
    assert (rating, reason, wrong, question) == ("down", "The answer should name the two countries only.", "[1]", VETO)
    assert json.loads(citations)[0]["reference"] == REFERENCE and json.loads(config)["k"] == 5


def test_script_bearing_document_and_question_render_as_text(page: Any) -> None:
    turn = ask(page, WATER)
    card = turn.locator(".sa-card").first
    assert "<script>window.pwned" in card.locator(".sa-passage").inner_text()
    assert PLANTED_TITLE in card.locator(".sa-card-title").inner_text()
    card.get_by_role("button", name="Read in document").click()
    page.locator("#sa-viewer .sa-target").wait_for()
    assert "<b>New York</b>" in page.locator("#sa-viewer .sa-meta").inner_text()
    evil = ask(page, "<img src=x onerror=\"window.pwned = 'question'\"> What did the Secretary-General call for on water?")
    assert evil.locator(".sa-question").inner_text().startswith("<img src=x")
    shot(page, "07-planted-document-inert.png")
    page.get_by_role("tab", name="Corpus").click()
    page.get_by_label("Find a document").fill("water")
    page.locator("#sa-corpus td", has_text=PLANTED_TITLE).wait_for()
    inside = "#sa-chat {0}, #sa-viewer {0}, #sa-corpus {0}"
    assert page.locator(inside.format("img")).count() == 0 and page.locator(inside.format("script")).count() == 0
    assert page.evaluate("window.pwned") is None


def test_corpus_page_lists_documents_and_opens_them(page: Any) -> None:
    page.get_by_role("tab", name="Corpus").click()
    table = page.locator("#sa-corpus table")
    assert "6 documents, 145 passages indexed." in table.locator("caption").inner_text()
    row = table.locator("tr", has_text="Mobilizing collective action")
    assert "78" in row.inner_text() and "A/70/999–S/2016/620" in row.inner_text() and "2016-07-22" in row.inner_text()
    shot(page, "08-corpus.png")
    row.get_by_role("button").click()
    page.locator("#sa-viewer .sa-viewer-title", has_text="Mobilizing collective action").wait_for()
    assert page.get_by_role("tab", name="Chat").get_attribute("aria-selected") == "true"


def test_export_downloads_markdown_with_citations(page: Any) -> None:
    ask(page, VETO)
    with page.expect_download() as download:
        page.locator("#sa-export").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# Statement Assistant conversation") and "France and Mexico" in text and REFERENCE in text


def test_narrow_phone_window(browser: Any, server: tuple[str, DelayedAssistant, Settings]) -> None:
    page = open_chat(browser, server[0], viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        turn = ask(page, VETO)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        turn.locator("#t1-c1").get_by_role("button", name="Read in document").click()
        target = page.locator("#sa-viewer .sa-target")
        target.wait_for()
        page.wait_for_timeout(300)
        assert target.is_visible() and 0 <= target.bounding_box()["y"] < 844
        shot(page, "09-phone-viewer.png")
        turn.scroll_into_view_if_needed()
        shot(page, "09-phone-answer.png")
    finally:
        page.context.close()


CONTRAST_SELECTORS = (
    ".sa-answer",
    ".sa-meta dd",
    ".sa-meta dt",
    ".sa-marker",
    ".sa-passage",
    "mark",
    ".sa-btn",
    ".sa-reading li",
)


def test_labels_and_contrast(page: Any, browser: Any, server: tuple[str, DelayedAssistant, Settings]) -> None:
    ask(page, VETO)
    page.get_by_text("Filters and answer options").click()
    for label in ("Your question", "From date", "To date", "Documents", "Passages to retrieve"):
        # the accordion renders its fields after the click: wait (and fail after the timeout) instead of counting at once
        page.get_by_label(label).first.wait_for(state="attached", timeout=10_000)
    assert page.locator("[role=log][aria-label=Conversation]").count() == 1
    unnamed = page.evaluate(
        "[...document.querySelectorAll('#sa-chat button')].filter(b => !(b.getAttribute('aria-label') || b.textContent).trim()).length"
    )
    assert unnamed == 0
    dark = open_chat(browser, server[0] + "?__theme=dark")
    try:
        ask(dark, VETO)
        assert dark.evaluate("document.body.classList.contains('dark')")
        for view in (page, dark):
            for selector in CONTRAST_SELECTORS:
                ratio = view.evaluate(CONTRAST_JS, selector)
                assert ratio is not None and ratio >= 4.5, f"{selector} ({view.url}): contrast {ratio:.2f} < 4.5"
        shot(dark, "11-dark-mode.png")
    finally:
        dark.context.close()


def test_two_sessions_at_once_and_a_slow_answer_blocks_no_one(
    browser: Any, server: tuple[str, DelayedAssistant, Settings]
) -> None:
    url, assistant, _ = server
    first, second = open_chat(browser, url), open_chat(browser, url)
    watch = """() => { window.doneAt = null; new MutationObserver(() => {
        if (!window.doneAt && document.querySelector('.sa-turn[data-state=done]')) window.doneAt = Date.now();
    }).observe(document.body, {subtree: true, childList: true, attributes: true}); }"""
    timings: dict[str, float] = {}
    try:
        # 1. one question alone, for reference
        started = time.time() * 1000
        page_ask_nowait(first, VETO, watch)
        timings["alone_s"] = wait_done(first) - started
        reset(first)
        # 2. two sessions press Enter together: both are answered
        page_ask_nowait(first, VETO, watch, submit=False)
        page_ask_nowait(second, WATER, watch, submit=False)
        started = time.time() * 1000
        press_both(first, second)
        timings["together_first_s"] = wait_done(first) - started
        timings["together_second_s"] = wait_done(second) - started
        assert "France and Mexico" in first.locator(".sa-answer").inner_text()
        assert "drinking water" in second.locator(".sa-answer").inner_text()
        shot(first, "10-session-a.png")
        shot(second, "10-session-b.png")
        reset(first)
        reset(second)
        # 3. a slow answer in one session; the other is answered meanwhile
        assistant.delays[SLOW] = SLOW_SECONDS
        page_ask_nowait(first, SLOW, watch, submit=False)
        page_ask_nowait(second, VETO, watch, submit=False)
        started = time.time() * 1000
        press_both(first, second)
        timings["beside_slow_fast_s"] = wait_done(second) - started
        timings["beside_slow_slow_s"] = wait_done(first) - started
    finally:
        assistant.delays.clear()
        first.context.close()
        second.context.close()
    timings = {k: round(v / 1000, 2) for k, v in timings.items()}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "concurrency.json").write_text(json.dumps(timings, indent=2), encoding="utf-8")
    print(f"concurrency timings (s): {timings}")
    assert timings["together_second_s"] < 2 * timings["alone_s"] + 3
    assert timings["beside_slow_slow_s"] >= SLOW_SECONDS
    assert timings["beside_slow_fast_s"] < SLOW_SECONDS - 1  # not queued behind the slow one


def page_ask_nowait(page: Any, question: str, watch: str, *, submit: bool = True) -> None:
    page.evaluate(watch)
    page.get_by_label("Your question").fill(question)
    if submit:
        page.get_by_label("Your question").press("Enter")


def press_both(first: Any, second: Any) -> None:
    """Press Enter in both pages back to back, without waiting for either answer."""
    first.get_by_label("Your question").press("Enter")
    second.get_by_label("Your question").press("Enter")


def wait_done(page: Any) -> float:
    page.wait_for_function("window.doneAt !== null")
    return float(page.evaluate("window.doneAt"))


def reset(page: Any) -> None:
    page.get_by_role("button", name="New conversation").click()
    page.locator(".sa-empty").wait_for()


def test_a_real_timeline_question_shows_its_entries_and_chart(page: Any) -> None:
    """Through the real pipeline: the R2P question over the seed index, one entry per statement, a bar per year."""
    turn = ask(page, "How has the Secretary-General's position on the responsibility to protect changed between 2011 and 2017?")
    entries = turn.locator(".sa-tl-entry")
    assert entries.count() == 5
    years = [entries.nth(i).locator("time").inner_text()[-4:] for i in range(5)]
    assert years == ["2011", "2013", "2015", "2016", "2017"]
    assert "first mention" in entries.first.inner_text() and "latest" in entries.last.inner_text()
    assert turn.locator(".sa-chart .sa-chart-bar").count() == 5
    entries.nth(3).get_by_role("button", name="Source 4").click()
    page.locator("#sa-viewer .sa-target").first.wait_for()
    assert "Mobilizing collective action" in page.locator("#sa-viewer").inner_text()


def test_a_real_summary_quotes_the_reports_recommendations(page: Any) -> None:
    turn = ask(page, "Summarize the 2016 report's recommendations")
    cards = turn.locator(".sa-card")
    assert cards.count() >= 3
    for i in range(cards.count()):
        assert "A/70/999" in cards.nth(i).locator("cite").inner_text()
