"""The chat's Gradio Blocks: the components on each tab and which `ChatUI` handler each event calls.

`build_blocks(ui)` lays out the Chat, Corpus and "How it works" tabs, records the
components the handlers answer through in ``ui.components``, and wires the events:
answering runs in one concurrency group limited to ``settings.ui_concurrency`` (so a
slow answer never holds up the others), each question first passing ``ui.admit`` (the
limits, before Gradio queues it); clicks on cards, feedback and the corpus run outside
it and are never queued behind answers. Every event goes through the queue
(``api_open=False``): no HTTP route skips it, its limits or its validator.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any, Protocol

import gradio as gr

from assistant.ui import render

if TYPE_CHECKING:
    from assistant.index.store import IndexStore
    from assistant.settings import Settings


class Handlers(Protocol):
    """What the layout needs of the chat (`assistant.ui.app.ChatUI`): its state and the handlers events call."""

    settings: Settings

    @property
    def store(self) -> IndexStore: ...  # noqa: D102

    examples: list[str]
    generation_ok: bool
    generation_note: str
    components: dict[str, Any]

    def admit(self, *args: Any) -> Any: ...  # noqa: D102
    def ask(self, *args: Any) -> Any: ...  # noqa: D102
    def on_action(self, *args: Any) -> Any: ...  # noqa: D102
    def save_reason(self, *args: Any) -> Any: ...  # noqa: D102
    def new_conversation(self, turns: Any = None) -> Any: ...  # noqa: D102
    def corpus_html(self, query: str = "") -> str: ...  # noqa: D102


ANSWERS = "answers"  # the concurrency group of every event that computes an answer
MAX_PASSAGES = 10  # the "Passages to retrieve" slider's maximum; `ChatUI.ask` clamps to it too

HEADER = (
    '<header id="sa-header"><h1>Statement Assistant</h1><p>Answers from the UN Secretary-General\'s statements, '
    "each sentence cited to the paragraph it comes from.</p></header>"
    '<p id="sa-announce" class="sa-sr-only" aria-live="polite"></p>'
)
DATE_HINT = "YYYY, YYYY-MM or YYYY-MM-DD"


def static_text(name: str) -> str:
    """A file from ``assistant/ui/static`` (scripts, CSS, the example questions, the About page)."""
    return resources.files("assistant.ui").joinpath("static", name).read_text(encoding="utf-8")


def build_blocks(ui: Handlers) -> gr.Blocks:
    """The Blocks app for ``ui`` (not launched); fills ``ui.components``."""
    settings, docs = ui.settings, ui.store.documents
    types = sorted({m.doc_type for m in docs})
    sgs = sorted({m.secretary_general for m in docs if m.secretary_general})
    doc_choices = [(f"{m.title or m.source} ({m.date or 'undated'})", m.doc_id) for m in sorted(docs, key=lambda m: m.date or "")]
    actions_js, viewer_js = static_text("actions.js"), static_text("viewer.js")
    with gr.Blocks(title="Statement Assistant", analytics_enabled=False) as demo:
        turns = gr.State([])
        reason_turn = gr.State("")
        gr.HTML(HEADER, js_on_load=None, apply_default_css=False)
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    log_html = gr.HTML(
                        render.render_conversation([]), js_on_load=actions_js, apply_default_css=False, elem_id="sa-chat"
                    )
                    with gr.Row(visible=True, elem_id="sa-examples") as examples_row:
                        example_buttons = [gr.Button(q, size="sm", elem_classes=["sa-example"]) for q in ui.examples]
                    question = gr.Textbox(
                        label="Your question",
                        placeholder="Ask about the Secretary-General's statements, then press Enter",
                        lines=1,
                        max_lines=6,
                        max_length=settings.max_question_chars,
                        elem_id="sa-question",
                        autofocus=True,
                    )
                    with gr.Row():
                        ask_btn = gr.Button("Ask", variant="primary", elem_id="sa-ask")
                        new_btn = gr.Button("New conversation", elem_id="sa-new")
                        export_btn = gr.DownloadButton(
                            "Export conversation (Markdown)", value=None, interactive=False, elem_id="sa-export"
                        )
                    with gr.Group(visible=False, elem_id="sa-reason-box") as reason_box:
                        reason_label = gr.HTML("", apply_default_css=False, js_on_load=None)
                        reason = gr.Textbox(
                            label="Reason (optional)", lines=2, max_length=settings.max_feedback_chars, elem_id="sa-reason"
                        )
                        save_reason = gr.Button("Save reason", elem_id="sa-save-reason")
                    with gr.Accordion("Filters and answer options", open=False, elem_id="sa-options"):
                        with gr.Row():
                            date_from = gr.Textbox(
                                label="From date", placeholder=DATE_HINT, max_length=10, elem_id="sa-date-from"
                            )
                            date_to = gr.Textbox(label="To date", placeholder=DATE_HINT, max_length=10, elem_id="sa-date-to")
                        doc_types = gr.CheckboxGroup(types, label="Document type", elem_id="sa-types")
                        secretaries = gr.CheckboxGroup(sgs, label="Secretary-General", elem_id="sa-sg")
                        documents = gr.Dropdown(
                            doc_choices,
                            multiselect=True,
                            label="Documents",
                            info="Search only these documents",
                            elem_id="sa-docs",
                        )
                        mode = gr.Radio(
                            [("Exact quotes", "extractive"), ("Generated", "generative")],
                            value="generative" if ui.generation_ok and settings.mode == "generative" else "extractive",
                            label="Answer mode",
                            info=ui.generation_note
                            or "Exact quotes repeat the statements verbatim; generated answers paraphrase them, with citations.",
                            interactive=ui.generation_ok,
                            elem_id="sa-mode",
                        )
                        k = gr.Slider(1, MAX_PASSAGES, value=settings.k, step=1, label="Passages to retrieve", elem_id="sa-k")
                        clear_filters = gr.Button("Clear filters", size="sm", elem_id="sa-clear-filters")
                with gr.Column(scale=2, min_width=300, elem_id="sa-side"):
                    viewer = gr.HTML(
                        render.VIEWER_EMPTY,
                        js_on_load=viewer_js,
                        apply_default_css=False,
                        elem_id="sa-viewer",
                        label="Document viewer",
                    )
            with gr.Tab("Corpus", id="corpus"):
                corpus_query = gr.Textbox(
                    label="Find a document",
                    placeholder="title, year, type, place or symbol",
                    max_length=200,
                    elem_id="sa-corpus-q",
                )
                corpus = gr.HTML(ui.corpus_html(), js_on_load=actions_js, apply_default_css=False, elem_id="sa-corpus")
            with gr.Tab("How it works", id="about"):
                gr.HTML(static_text("about.html"), apply_default_css=False, js_on_load=None)

        ui.components.update(log=log_html, turns=turns, viewer=viewer, tabs=tabs, reason_box=reason_box)
        ui.components.update(reason_label=reason_label, reason=reason, reason_turn=reason_turn)

        # answering: one concurrency group, limited
        controls = [date_from, date_to, doc_types, secretaries, documents, mode, k]
        chat_outputs = [log_html, turns, question, examples_row, export_btn]
        answer_event: dict[str, Any] = {
            "concurrency_limit": settings.ui_concurrency,
            "concurrency_id": ANSWERS,
            "show_progress": "hidden",
            "validator": ui.admit,
        }
        question.submit(ui.ask, [question, turns, *controls], chat_outputs, api_name="ask", **answer_event)
        ask_btn.click(ui.ask, [question, turns, *controls], chat_outputs, **answer_event)
        for button in example_buttons:
            button.click(lambda q: q, button, question, queue=False).then(
                ui.ask, [question, turns, *controls], chat_outputs, **answer_event
            )

        # everything else: quick, never queued behind answers
        light: dict[str, Any] = {"concurrency_limit": None, "show_progress": "hidden"}
        action_outputs = [log_html, turns, viewer, tabs, reason_box, reason_label, reason, reason_turn]
        log_html.action(ui.on_action, [turns], action_outputs, **light)
        corpus.action(ui.on_action, [turns], action_outputs, **light)
        reason_outputs = [log_html, turns, reason_box, reason, reason_label]
        save_reason.click(ui.save_reason, [reason, reason_turn, turns], reason_outputs, api_name="save_reason", **light)
        reason.submit(ui.save_reason, [reason, reason_turn, turns], reason_outputs, **light)
        new_btn.click(ui.new_conversation, [turns], [*chat_outputs, viewer, reason_box], api_name="new_conversation", **light)
        corpus_query.change(ui.corpus_html, corpus_query, corpus, **light)
        clear_filters.click(lambda: ("", "", [], [], []), None, [date_from, date_to, doc_types, secretaries, documents], **light)
    demo.queue(default_concurrency_limit=settings.ui_concurrency, max_size=settings.ui_queue_size, api_open=False)
    return demo
