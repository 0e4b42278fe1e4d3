"""The chat's handlers: `ChatUI` answers questions, records feedback and opens documents.

`ChatUI(settings).launch()` serves the chat. `assistant.ui.layout` lays out the
Gradio Blocks and wires its events to the handlers here; everything the browser
shows is rendered by `assistant.ui.render` (Jinja2 templates, escaped HTML).
The UI reaches the pipeline only through `Assistant.ask` and `Assistant.stream`
(turned into plain records by `answer_record`) and the assistant's index store.

Concurrency: answering is CPU-bound and runs in Gradio's worker threads, in one
concurrency group limited to ``settings.ui_concurrency`` (see `assistant.ui.layout`).
One `Assistant` (models and indexes) is shared by every session.

Limits (`assistant.ui.limits`, docs/chat.md): `admit` refuses an over-long question, a full conversation or a
session with its share of questions already queued before Gradio queues it; the handlers check again, and refuse
an over-long feedback reason, so nothing over a limit is stored. `assistant.ui.access` bounds request bodies and
slows repeated failed logins.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder
from starlette.middleware import Middleware

from assistant.answer.records import answer_record
from assistant.errors import AssistantError, UsageError
from assistant.index.store import IndexStore
from assistant.models import Filters
from assistant.pipeline import Assistant, shared_assistant
from assistant.settings import Settings
from assistant.ui import render
from assistant.ui.access import LoginThrottle, RequestGuard
from assistant.ui.conversation import Turn, find_turn, history_for
from assistant.ui.export import ExportFiles
from assistant.ui.feedback import Feedback, FeedbackStore
from assistant.ui.layout import MAX_PASSAGES, build_blocks, static_text
from assistant.ui.limits import (
    SessionQueue,
    conversation_problem,
    feedback_problem,
    question_problem,
    queue_problem,
    shortened,
)
from assistant.ui.status import generation_status
from assistant.ui.streaming import GenerationFollower, StopSignals, reveal

log = logging.getLogger(__name__)

MAX_DATE_CHARS = 10  # YYYY-MM-DD
MAX_SEARCH_CHARS = 200  # the corpus tab's search box


class ChatUI:
    """The staff chat over one `Assistant`: its ``ask`` and ``stream`` answer, its ``store`` lists the documents."""

    def __init__(
        self,
        settings: Settings,
        assistant: Assistant | None = None,
        feedback: FeedbackStore | None = None,
        *,
        examples: list[str] | None = None,
    ) -> None:
        self.settings = settings
        self.assistant = assistant if assistant is not None else shared_assistant(settings)
        self.feedback = feedback if feedback is not None else FeedbackStore.for_settings(settings)
        self.examples = examples if examples is not None else [q for q in static_text("examples.txt").splitlines() if q.strip()]
        self.generation_ok, self.generation_note = generation_status(settings)
        self.exports = ExportFiles(Path(get_upload_folder()), max_turns=settings.max_export_turns)
        self.sessions = SessionQueue(settings.ui_session_queue)
        self.stops = StopSignals()  # *Stop generating* requests, by turn
        self._listed: tuple[str, dict[str, int], dict[str, Any]] | None = None  # per build: counts and documents
        self.components: dict[str, Any] = {}  # filled by `build`; handlers name their outputs through it
        self.demo: gr.Blocks | None = None  # the last app built

    # answering ----------------------------------------------------------------

    def _filters(self, date_from: str, date_to: str, types: list[str], sgs: list[str], docs: list[str]) -> Filters:
        for value in (date_from, date_to):
            if len((value or "").strip()) > MAX_DATE_CHARS:
                raise UsageError(f"“{shortened(value.strip(), 12)}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
        return Filters(
            date_from=(date_from or "").strip() or None,
            date_to=(date_to or "").strip() or None,
            doc_types=tuple(types or ()),
            secretaries_general=tuple(sgs or ()),
            doc_ids=tuple(docs or ()),
        )

    @property
    def store(self) -> IndexStore:
        """The build the assistant answers from now (it moves to a new build between questions)."""
        return self.assistant.store

    def _listing(self) -> tuple[str, dict[str, int], dict[str, Any]]:
        store = self.store
        if self._listed is None or self._listed[0] != str(store.path):
            self._listed = (str(store.path), store.passage_counts(), {m.doc_id: m for m in store.documents})
        return self._listed

    def _passage_counts(self) -> dict[str, int]:
        return self._listing()[1]

    def _documents(self) -> dict[str, Any]:
        return self._listing()[2]

    def _call(self, turn: Turn, filters: Filters, k: int, mode: str) -> dict[str, Any]:
        return answer_record(self.assistant.ask(turn.question, history=turn.history, filters=filters, k=k, mode=mode))

    def admit(
        self,
        question: str,
        turns: list[Turn],
        date_from: str,
        date_to: str,
        types: list[str],
        sgs: list[str],
        docs: list[str],
        mode: str,
        k: float,
        request: gr.Request,
    ) -> list[dict[str, Any]]:
        """The answering events' validator, run before Gradio queues the question: refuse one over a limit.

        An admitted question holds one of its session's ``ui_session_queue`` slots until `ask` ends.
        """
        problem = question_problem(question, self.settings) or conversation_problem(len(turns or []), self.settings)
        session = getattr(request, "session_hash", None)
        if problem is None and session and not self.sessions.admit(session):
            problem = queue_problem(self.settings)
        verdicts = [gr.validate(True, "") for _ in range(9)]
        if problem is not None:
            verdicts[0] = gr.validate(False, problem)  # shown on the question box; the API returns it (422)
        return verdicts

    def ask(
        self,
        question: str,
        turns: list[Turn],
        date_from: str,
        date_to: str,
        types: list[str],
        sgs: list[str],
        docs: list[str],
        mode: str,
        k: float,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Answer ``question`` as a stream of conversation renderings (and give back the session's queue slot)."""
        session = getattr(request, "session_hash", None) or ""
        try:
            yield from self._answer(question, turns, (date_from, date_to, types, sgs, docs), mode, k, session)
        finally:
            if session:
                self.sessions.release(session)

    def _answer(
        self, question: str, turns: list[Turn], filter_inputs: tuple[Any, ...], mode: str, k: float, session: str
    ) -> Iterator[tuple[Any, ...]]:
        question = " ".join((question or "").split())
        if not question:
            gr.Warning("Type a question first.")
            yield self._chat_outputs(turns, question)
            return
        full = conversation_problem(len(turns), self.settings)
        if full is not None:  # nothing is added to the conversation: the message shows below it
            gr.Warning(full)
            yield self._chat_outputs(turns, "", notice=full)
            return
        too_long = question_problem(question, self.settings)
        if too_long is not None:  # kept shortened, as a turn that could not be answered
            turns.append(Turn(shortened(question), error=too_long))
            yield self._chat_outputs(turns, "")
            return
        if mode == "generative" and not self.generation_ok:
            mode = "extractive"
        passages = max(1, min(MAX_PASSAGES, int(k or self.settings.k)))
        history = history_for(turns, self.settings.max_history_turns, self.settings.max_history_chars)
        turn = Turn(question, history=history)
        turns.append(turn)
        try:
            filters = self._filters(*filter_inputs)
        except UsageError as exc:
            turn.error = str(exc)
            yield self._chat_outputs(turns, question)
            return
        turn.config = {
            "filters": filters.to_dict(),
            "k": passages,
            "mode": mode,
            "retriever": self.settings.retriever,
            "reranker": self.settings.reranker,
            "abstain_threshold": self.assistant.threshold,
            "index": str(self.store.path),
            "model": self.store.manifest.model_name,
        }
        yield self._chat_outputs(turns, "")
        record: dict[str, Any] = {}
        try:
            if mode == "generative":  # the exact quotes at once, the draft beside them, then the checked answer
                with self.stops.watch(turn.turn_id, session) as stop:
                    follower = GenerationFollower(turn, stop)
                    events = self.assistant.stream(turn.question, history=turn.history, filters=filters, k=passages, mode=mode)
                    for _ in follower.follow(events):
                        yield self._chat_outputs(turns, "")
                record = follower.record
            else:
                record = self._call(turn, filters, passages, mode)
        except AssistantError as exc:
            turn.error = str(exc)
        except Exception:
            log.exception("answering %r failed", question)
            turn.error = "Something went wrong while answering; the error was logged. Try again, or rephrase the question."
        if turn.error is not None:
            yield self._chat_outputs(turns, "")
            return
        turn.record = record
        if mode != "generative":  # a generated answer replaces exact quotes already shown: no word-by-word reveal
            for _ in reveal(turn):
                yield self._chat_outputs(turns, "")
        yield self._chat_outputs(turns, "", export=True)

    def _chat_outputs(self, turns: list[Turn], question: str, *, export: bool = False, notice: str = "") -> tuple[Any, ...]:
        """Values for (chat log, turns, question box, examples row, export button)."""
        download = gr.DownloadButton(value=str(self.exports.write(turns)), interactive=True) if export else gr.DownloadButton()
        log = render.render_conversation(turns) + (render.render_notice(notice, kind="error") if notice else "")
        return log, turns, question, gr.Row(visible=not turns), download

    # clicks on cards, feedback, viewer -------------------------------------------

    def open_document(self, doc_id: str, passage_id: str | None = None, spans: list[tuple[int, int]] | None = None) -> str:
        """The viewer HTML for a document, at a passage."""
        meta = self._documents().get(doc_id)
        if meta is None:
            return render.render_notice(f"Document {doc_id} is not in the index.", kind="error")
        return render.render_document(meta, self.store.document_passages(doc_id), passage_id, spans or ())

    def on_action(self, turns: list[Turn], request: gr.Request, evt: gr.EventData) -> dict[Any, Any]:
        """Handle a click from the chat log or the corpus table (``data-action`` attributes)."""
        data: dict[str, Any] = dict(evt._data or {})
        action = data.get("action")
        c = self.components
        if action == "open":
            spans: list[tuple[int, int]] = []
            turn = find_turn(turns, str(data.get("turn", "")))
            if turn is not None and turn.record is not None and data.get("n"):
                cited = next((x for x in turn.record.get("citations", []) if str(x["n"]) == str(data["n"])), None)
                if cited is not None:
                    spans = render.quote_spans(str(cited.get("text", "")), cited, turn.record)
            return {
                c["viewer"]: self.open_document(str(data.get("doc", "")), data.get("passage"), spans),
                c["tabs"]: gr.Tabs(selected="chat"),
            }
        if action == "stop":  # the answer's own handler shows the exact quotes with a note
            self.stops.stop(str(data.get("turn", "")), getattr(request, "session_hash", None) or "")
            return gr.skip()
        turn = find_turn(turns, str(data.get("turn", "")))
        if turn is None or turn.record is None:
            return gr.skip()
        if action == "rate":
            value = data.get("value")
            turn.rating = None if turn.rating == value else value if value in {"up", "down"} else None
            wording = {"up": "helpful", "down": "not helpful"}.get(turn.rating or "", "not rated")
            prompt = f"Answer recorded as {wording}. Add a reason (optional), then Save reason."
        elif action == "flag":
            numbers = {str(c["n"]): int(c["n"]) for c in turn.record.get("citations", [])}
            if str(data.get("n")) not in numbers:  # only the answer's own citations can be flagged
                return gr.skip()
            n = numbers[str(data.get("n"))]
            turn.wrong.symmetric_difference_update({n})
            flagged = n in turn.wrong
            prompt = f"Citation [{n}] {'flagged as wrong' if flagged else 'no longer flagged'}. Say what is wrong (optional), then Save reason."
        else:
            return gr.skip()
        self._save_feedback(turn, request)
        index = turns.index(turn) + 1
        label = render.render_notice(f"Question {index}: {turn.question}. {prompt}")
        return {
            c["log"]: render.render_conversation(turns),
            c["turns"]: turns,
            c["reason_box"]: gr.Group(visible=True),
            c["reason_label"]: label,
            c["reason"]: gr.Textbox(value=turn.reason),
            c["reason_turn"]: turn.turn_id,
        }

    def save_reason(self, reason: str, turn_id: str, turns: list[Turn], request: gr.Request) -> tuple[Any, ...]:
        """Store the optional reason for the answer last rated or flagged (values for log, turns, box, reason, label)."""
        turn = find_turn(turns, turn_id or "")
        if turn is None:
            return gr.skip(), turns, gr.Group(visible=False), gr.skip(), gr.skip()
        problem = feedback_problem(reason, self.settings)
        if problem is not None:  # nothing saved; the box stays open with the text, to be shortened
            gr.Warning(problem)
            return gr.skip(), turns, gr.Group(visible=True), gr.skip(), render.render_notice(problem, kind="error")
        turn.reason = (reason or "").strip()
        self._save_feedback(turn, request)
        gr.Info("Thank you: your reason was saved.")
        return render.render_conversation(turns), turns, gr.Group(visible=False), "", ""

    def _save_feedback(self, turn: Turn, request: gr.Request | None) -> None:
        record = turn.record or {}
        item = Feedback.from_answer(
            turn.turn_id,
            record,
            question=turn.question,
            history=turn.history,
            config=turn.config,
            session=getattr(request, "session_hash", "") or "",
        )
        item.rating, item.reason, item.wrong_citations = turn.rating, turn.reason, sorted(turn.wrong)
        self.feedback.save(item)

    def new_conversation(self, turns: list[Turn] | None = None) -> tuple[Any, ...]:
        """Start over: empty log, examples back, export disabled (the old conversation's export file deleted)."""
        self.exports.forget(turns or [])
        return (
            render.render_conversation([]),
            [],
            "",
            gr.Row(visible=True),
            gr.DownloadButton(value=None, interactive=False),
            render.VIEWER_EMPTY,
            gr.Group(visible=False),
        )

    def corpus_html(self, query: str = "") -> str:
        """The corpus table, filtered by ``query``."""
        return render.render_corpus(self.store.documents, self._passage_counts(), query=(query or "")[:MAX_SEARCH_CHARS])

    # layout -------------------------------------------------------------------

    def build(self) -> gr.Blocks:
        """The Blocks app (not launched); see `assistant.ui.layout`."""
        self.demo = build_blocks(self)
        return self.demo

    def login(self) -> LoginThrottle | None:
        """The login check (slowed after failures), or None when no login is set; `UsageError` for half a login."""
        user, password = self.settings.auth_user, self.settings.auth_password
        if bool(user) != bool(password):
            raise UsageError("set both ASSISTANT_AUTH_USER and ASSISTANT_AUTH_PASSWORD to require a login, or neither")
        if not (user and password):
            return None
        return LoginThrottle(
            user,
            password.get_secret_value(),
            delay_s=self.settings.login_delay_s,
            max_delay_s=self.settings.login_delay_max_s,
        )

    def close(self) -> None:
        """Stop serving (if launched) and remove the export files."""
        if self.demo is not None and self.demo.is_running:
            self.demo.close()
        self.exports.close()

    def launch(self, **kwargs: Any) -> Any:
        """Build and serve the app (``kwargs`` go to ``Blocks.launch``)."""
        throttle = self.login()
        demo = self.build()
        guard = Middleware(RequestGuard, max_bytes=self.settings.max_request_bytes)  # type: ignore[arg-type]
        options: dict[str, Any] = {
            "server_name": self.settings.host,
            "server_port": self.settings.port,
            "auth": throttle.check if throttle else None,  # a coroutine function: Gradio awaits it
            "auth_message": "Statement Assistant: sign in with the account you were given." if throttle else None,
            "app_kwargs": {"middleware": [guard]},
            "css": static_text("chat.css"),
            # system fonts: the default theme would fetch web fonts, and the chat runs offline
            "theme": gr.themes.Default(
                primary_hue="blue", font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
            ),
            "footer_links": [],
            "show_error": False,
            "enable_monitoring": False,
            "run_history": False,
            "mcp_server": False,
            "ssr_mode": False,
            **kwargs,
        }
        try:
            return demo.launch(**options)
        finally:
            if not options.get("prevent_thread_lock"):
                self.exports.close()  # the server has stopped
