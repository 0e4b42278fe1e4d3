"""The chat's handlers without a browser (real seed index), the generated-answers check and `python app.py`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from assistant.errors import UsageError
from assistant.settings import PROJECT_ROOT
from assistant.ui.app import ChatUI, generation_status
from assistant.ui.conversation import Turn
from assistant.ui.feedback import FeedbackStore

VETO = "Which two countries led a joint initiative on restraint in the use of the veto?"
NO_FILTERS = ("", "", [], [], [], "extractive", 5)


@pytest.fixture()
def ui(seed_settings, seed_assistant, tmp_path: Path) -> ChatUI:  # type: ignore[no-untyped-def]
    chat = ChatUI(seed_settings, seed_assistant, FeedbackStore(tmp_path / "feedback.sqlite"))
    chat.build()
    return chat


def run(ui: ChatUI, question: str, turns: list[Turn], *controls: object) -> list[tuple]:
    return list(ui.ask(question, turns, *(controls or NO_FILTERS)))  # type: ignore[arg-type]


def test_ask_streams_then_shows_cards_and_an_export(ui: ChatUI) -> None:
    turns: list[Turn] = []
    steps = run(ui, VETO, turns)
    assert "Searching the statements" in steps[0][0] and steps[0][2] == ""  # the question box is cleared
    assert any('data-state="streaming"' in s[0] for s in steps[1:-1])
    final_html, final_turns, _, _, download = steps[-1]
    assert final_turns[0].state == "done" and "France and Mexico" in final_html
    assert "A/70/999–S/2016/620, para. 49" in final_html
    value = download.value
    exported = Path(value["path"] if isinstance(value, dict) else value)
    assert "A/70/999–S/2016/620, para. 49" in exported.read_text(encoding="utf-8")


def test_follow_up_uses_the_conversation(ui: ChatUI) -> None:
    turns: list[Turn] = []
    run(ui, VETO, turns)
    html = run(ui, "Who else proposed it?", turns)[-1][0]
    assert turns[1].history[0] == {"role": "user", "content": VETO}
    assert "Searched for: <q>Who else proposed it (regarding" in html


def test_bad_date_is_a_visible_error_not_a_crash(ui: ChatUI) -> None:
    turns: list[Turn] = []
    html = run(ui, VETO, turns, "20x6", "", [], [], [], "extractive", 5)[-1][0]
    assert turns[0].state == "error" and "is not a date" in html and 'role="alert"' in html


def test_date_filter_is_applied(ui: ChatUI) -> None:
    turns: list[Turn] = []
    run(ui, VETO, turns, "2017", "", [], [], [], "extractive", 5)
    record = turns[0].record or {}
    assert record["filters"] == {"date_from": "2017"}
    assert all(p["date"] >= "2017" for p in record["passages"] + record["citations"])


def test_rate_flag_and_reason_are_stored(ui: ChatUI) -> None:
    turns: list[Turn] = []
    run(ui, VETO, turns)
    turn, request = turns[0], SimpleNamespace(session_hash="session-1")
    ui.on_action(turns, request, gr.EventData(None, {"action": "rate", "value": "down", "turn": turn.turn_id}))  # type: ignore[arg-type]
    ui.on_action(turns, request, gr.EventData(None, {"action": "flag", "n": "1", "turn": turn.turn_id}))  # type: ignore[arg-type]
    ui.save_reason("para. 49 is right but the answer is too long", turn.turn_id, turns, request)  # type: ignore[arg-type]
    stored = ui.feedback.get(turn.turn_id)
    assert stored is not None and stored.rating == "down" and stored.wrong_citations == [1]
    assert stored.reason.startswith("para. 49") and stored.session == "session-1" and stored.config["k"] == 5
    assert stored.citations[0]["reference"] == "A/70/999–S/2016/620, para. 49"


def test_open_card_shows_document_at_the_cited_paragraph(ui: ChatUI) -> None:
    turns: list[Turn] = []
    run(ui, VETO, turns)
    cited = (turns[0].record or {})["citations"][0]
    data = {"action": "open", "doc": cited["doc_id"], "passage": cited["passage_id"], "turn": turns[0].turn_id, "n": "1"}
    out = ui.on_action(turns, SimpleNamespace(session_hash="s"), gr.EventData(None, data))  # type: ignore[arg-type]
    viewer = out[ui.components["viewer"]]
    assert "Showing paragraph 49" in viewer and "<mark>One concrete step forward" in viewer


def test_generation_status_says_why_generated_answers_are_unavailable(seed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    missing_model = seed_settings.with_overrides(generator="llama-cpp", llm_path=tmp_path / "no-model.gguf")
    ok, why = generation_status(missing_model)
    assert not ok and ("is not a file" in why or "llama-cpp-python" in why)
    no_server = seed_settings.with_overrides(generator="openai", openai_base_url=None, openai_model=None)
    ok, why = generation_status(no_server)
    assert not ok and ("ASSISTANT_OPENAI_BASE_URL" in why or "langchain-openai" in why)


def test_generated_mode_falls_back_to_exact_quotes_when_unavailable(seed_settings, seed_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = seed_settings.with_overrides(generator="llama-cpp", llm_path=tmp_path / "no-model.gguf")
    ui = ChatUI(settings, seed_assistant, FeedbackStore(tmp_path / "feedback.sqlite"))
    assert not ui.generation_ok and ui.generation_note
    turns: list[Turn] = []
    run(ui, VETO, turns, "", "", [], [], [], "generative", 5)
    assert turns[0].config["mode"] == "extractive" and (turns[0].record or {}).get("mode", "extractive") == "extractive"
    assert "France and Mexico" in str((turns[0].record or {}).get("answer"))


def test_login_needs_both_user_and_password(ui: ChatUI) -> None:
    ui.settings = ui.settings.with_overrides(auth_user="staff")
    with pytest.raises(UsageError, match="ASSISTANT_AUTH_PASSWORD"):
        ui.launch(prevent_thread_lock=True)


def test_app_without_an_index_names_the_command_that_builds_it(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "app.py"), "--index", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 3
    assert f"python -m assistant ingest --index {tmp_path / 'missing'}" in done.stderr and "make run" in done.stderr
