"""The assistant as one object: load an index once, answer questions with citations.

The CLI, the chat and the evaluation all go through `Assistant.ask` (or
`Assistant.stream`, which yields a generated draft as the model writes it).

A long-running assistant follows the index: when ``CURRENT`` names a new build
(checked at most every ``index_watch_s`` seconds, at the start of a question),
the new build is opened in the background and swapped in; each question runs
on the build it started on, so one under way during the swap finishes there.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.answer.abstain import load_model, load_rule, signals_for
from assistant.answer.extractive import NOT_IN_CORPUS, candidate_sentences, compose, for_question, with_neighbours
from assistant.answer.generative.generators import GeneratorCancelled
from assistant.answer.summary import documents_meant, summary_answer
from assistant.answer.timeline import build_timeline, llm_judge
from assistant.answer.timeline_entry import load_entry_model
from assistant.answer.timeline_text import timeline_answer
from assistant.chain import AskOptions, PassageRetriever, Planned, Request, Retrieved, SearchPlan, build_chain
from assistant.embed.registry import embedder_for
from assistant.errors import AssistantError, IndexStaleError, UsageError
from assistant.index.lifecycle import FIX_HINT
from assistant.index.live import InUse, LiveIndex
from assistant.index.store import IndexStore
from assistant.interpret.countries import CountryNames
from assistant.interpret.question import Interpretation, expand_query, interpret
from assistant.interpret.relaxation import missing_statement, preferences_from, relax, relaxed_note
from assistant.interpret.summaries import SummaryAsk, read_summary
from assistant.interpret.timeline import TimelineAsk, read_timeline
from assistant.interpret.timeline_intent import load_intent
from assistant.interpret.validation import validate_k, validate_question
from assistant.models import Answer, Filters, Hit, Reading
from assistant.retrieve.search import Searcher
from assistant.settings import Settings
from assistant.shared import shared_instance
from assistant.text.lexical import key_terms

ANSWER_MODES = ("extractive", "generative")
CHITCHAT_REPLY = (
    "Hello. I answer questions about the Secretary-General's statements in this corpus, "
    "quoting the paragraphs I rely on and citing each one. Ask, for example: "
    "“Which two countries led a joint initiative on restraint in the use of the veto?”"
)


@dataclass(frozen=True)
class Event:
    """What `Assistant.stream` yields: text deltas (``kind="token"``), then the checked answer (``kind="answer"``).

    In generative mode the exact-quote answer comes first (``kind="exact"``).
    """

    kind: str
    text: str = ""
    answer: Answer | None = None


@dataclass(frozen=True)
class Loaded:
    """One build, loaded: everything a question reads from the index. A question keeps the one it started on."""

    store: IndexStore
    searcher: Searcher
    retriever: PassageRetriever
    countries: CountryNames  # speakers a question can name
    passages: int  # what the abstention profile and the filter signals read
    answer: Callable[[Request], Answer]  # the LCEL chain over this build (`build_chain`), invoked


class Assistant:
    """Question answering over one index. Thread-safe: share one instance between users.

    Without a ``store`` it opens the live build and moves to newer ones between questions
    (`assistant.index.live.LiveIndex`); a given ``store`` stays unless ``follow=True``.
    """

    store = InUse[IndexStore]()  # these four: the question's build while it runs, else the newest loaded
    searcher = InUse[Searcher]()
    countries = InUse[CountryNames]()
    passages = InUse[int]()

    def __init__(self, settings: Settings, store: IndexStore | None = None, *, follow: bool | None = None) -> None:
        self.settings = settings
        opened = store or IndexStore(settings.index_dir, settings)  # a missing or damaged index fails before the model loads
        self.embedder = embedder_for(settings)
        self.abstention = load_model(settings.abstain_model)
        self.timeline_rule = load_rule()  # one of the signals the timeline entry decision reads
        self.intent = load_intent(settings.intent_model)  # reads the ways of asking for years the phrasings miss
        if settings.timeline_model is not None:  # a refitted entry decision the asker named: checked before any question
            load_entry_model(settings.timeline_model)
        self._live = LiveIndex(settings, self._load, opened, follow=store is None if follow is None else follow)

    def _load(self, store: IndexStore) -> Loaded:
        manifest = store.manifest
        if manifest.model_fingerprint != self.embedder.fingerprint or manifest.dimension != self.embedder.dimension:
            raise IndexStaleError(
                f"the index in {self.settings.index_dir} was built with {manifest.model_name} "
                f"(weights {manifest.model_fingerprint}), the settings use {self.embedder.name} "
                f"(weights {self.embedder.fingerprint}); {FIX_HINT}"
            )
        searcher = Searcher(store, self.embedder, self.settings)
        retriever = PassageRetriever(searcher=searcher)
        chain = build_chain(retriever, self._plan, self._answer)
        # load both indexes now, not on the first question (a first search also opens a Milvus connection)
        store.dense.search(np.zeros(manifest.dimension, dtype=np.float32), 1)
        _ = store.bm25
        return Loaded(
            store, searcher, retriever, CountryNames.from_documents(store.documents), int(store.live.sum()), chain.invoke
        )

    def refresh(self) -> bool:
        """Move to the live build now if it is newer than the one in use (a server does so by itself); True if moved."""
        return self._live.refresh()

    def options(
        self,
        *,
        filters: Filters | None = None,
        k: int | None = None,
        retriever: str | None = None,
        reranker: str | None = None,
        infer_filters: bool = True,
        abstain_threshold: float | None = None,
        mode: str | None = None,
        on_token: Callable[[str], None] | None = None,
        on_exact: Callable[[Answer], None] | None = None,
    ) -> AskOptions:
        """The caller's choices with the settings' defaults filled in; `UsageError` for an unknown mode."""
        mode = mode or self.settings.mode
        if mode not in ANSWER_MODES:
            raise UsageError(f"unknown answer mode {mode!r}; known: {', '.join(ANSWER_MODES)}")
        return AskOptions(
            filters=filters or Filters(),
            k=validate_k(self.settings.k if k is None else k, self.settings.max_k),
            retriever=retriever or self.settings.retriever,
            reranker=reranker or self.settings.reranker,
            infer_filters=infer_filters,
            threshold=self.threshold if abstain_threshold is None else abstain_threshold,
            mode=mode,
            on_token=on_token,
            on_exact=on_exact,
        )

    @property
    def threshold(self) -> float:
        """The confidence below which the assistant says "not in the corpus": the setting, else the model's for this corpus."""
        if self.settings.abstain_threshold is not None:
            return self.settings.abstain_threshold
        return self.abstention.threshold(self.passages)

    def ask(self, question: str, *, history: list[dict[str, str]] | None = None, **options: Any) -> Answer:
        """Answer ``question`` from the index, citing every passage used, or abstain.

        ``options`` are those of `options` (filters, k, retriever, reranker,
        infer_filters, abstain_threshold, mode, on_token); in generative mode
        ``on_token`` receives the model's draft as it is written.
        """
        started = time.perf_counter()
        with self._live.use() as loaded:
            request = Request(question, tuple(history or ()), self.options(**options))
            answer = loaded.answer(request)
        timings = {**answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return replace(answer, timings_ms=timings)

    def stream(self, question: str, **options: Any) -> Iterator[Event]:
        """Like `ask`, as events: the generated draft's text deltas, then the checked `Answer`.

        In generative mode the exact-quote answer comes first (``kind="exact"``, tens of
        milliseconds), so a reader can show it while the model writes. The token deltas are the model's draft, before checking (its ``[n]`` are
        the passage numbers it was shown); the final answer replaces it. In
        extractive mode, or when the generator falls back, only the answer comes.
        Closing the iterator early stops the generation at its next token.
        """
        events: queue.Queue[tuple[str, Any]] = queue.Queue()
        cancelled = threading.Event()

        def on_token(text: str) -> None:
            if cancelled.is_set():
                raise GeneratorCancelled
            events.put(("token", text))

        def on_exact(answer: Answer) -> None:
            events.put(("exact", answer))

        def run() -> None:
            try:
                events.put(("answer", self.ask(question, on_token=on_token, on_exact=on_exact, **options)))
            except BaseException as exc:  # handed to the reader, who re-raises it
                events.put(("error", exc))

        worker = threading.Thread(target=run, name="answer-stream", daemon=True)
        worker.start()
        try:
            while True:
                kind, value = events.get()
                if kind == "token":
                    yield Event("token", text=value)
                elif kind == "exact":
                    yield Event("exact", answer=value)
                elif kind == "answer":
                    yield Event("answer", answer=value)
                    return
                else:
                    raise value
        finally:
            cancelled.set()

    def ranking(self, question: str, *, history: list[dict[str, str]] | None = None, **options: Any) -> list[Hit]:
        """The top ``k`` passages `ask` would rank for ``question``, without answering (empty for chit-chat).

        For a smaller ``k`` the ranking is a prefix of this one, so evaluation can score depth 10 beside an answer from 5.
        """
        with self._live.use() as loaded:
            planned = self._plan(Request(question, tuple(history or ()), self.options(**options)))
            return [] if planned.plan is None else loaded.retriever.search(planned.plan).hits

    # chain steps -----------------------------------------------------------

    def _plan(self, request: Request) -> Planned:
        t0 = time.perf_counter()
        question = validate_question(
            request.question,
            self.settings.max_question_chars,
            request.history,
            max_turns=self.settings.max_history_turns,
            max_history_chars=self.settings.max_history_chars,
        )
        options = request.options
        reading = interpret(question, list(request.history), infer_filters=options.infer_filters, countries=self.countries)
        if reading.chitchat:
            return Planned(request, question, reading, None, (time.perf_counter() - t0) * 1000)
        # what the question named but no document matches is searched as a preference, and the answer says so
        searched = relax(reading.filters, options.filters, self._any_document, reading.preferences.years)
        filters, relaxed, preferences = searched.filters, searched.unmatched, reading.preferences
        if relaxed is not None:
            preferences = preferences_from(relaxed, preferences)
        if reading.latest:
            filters = self._latest_only(filters)
        scope = (
            (read_timeline(reading.standalone, self.countries, self.intent) or read_summary(reading.standalone))
            if options.infer_filters
            else None
        )
        plan = SearchPlan(
            query=expand_query(reading.query),
            filters=filters,
            preferences=preferences,
            relaxed=relaxed,
            missing=searched.missing,
            k=options.k,
            retriever=options.retriever,
            reranker=options.reranker,
            ignore_terms=reading.filter_terms,
        )
        return Planned(request, question, reading, plan, (time.perf_counter() - t0) * 1000, scope)

    def _settle(self, question: str, text: str, score: float, threshold: float, timings: dict[str, float]) -> bool | None:
        """The model's YES / NO on an answer of uncertain confidence (`llm_abstain_check`), or None."""
        if not self.settings.llm_abstain_check:  # the generative package is imported only when the check is on
            return None
        from assistant.answer.generative.uncertain import settle

        return settle(self.settings, self.abstention, self.passages, question, text, score, threshold, timings)

    def _any_document(self, filters: Filters) -> bool:
        return any(filters.allows(m) for m in self.store.documents)

    def _latest_only(self, filters: Filters) -> Filters:
        dated = [m for m in self.store.documents if filters.allows(m) and m.date]
        if not dated:
            return filters
        newest = max(dated, key=lambda m: m.date or "")
        return replace(filters, doc_ids=(newest.doc_id,))

    def _answer(self, retrieved: Retrieved) -> Answer:
        planned, result = retrieved.planned, retrieved.result
        reading, question, options = planned.reading, planned.question, planned.request.options
        timings = {"interpret": planned.interpret_ms}
        if planned.plan is None:
            return Answer(question, CHITCHAT_REPLY, False, (), (), timings, kind="chitchat", reading=_reading(reading, None))
        plan = planned.plan
        said = Answer(question, NOT_IN_CORPUS, True, (), (), timings, mode=options.mode, reading=_reading(reading, plan))
        if isinstance(planned.scope, TimelineAsk):
            # read once per path; the packaged one here, not at start, so `calibrate-timeline` runs without a readable one
            decision = load_entry_model(self.settings.timeline_model)
            threshold = self.settings.timeline_threshold
            threshold = decision.threshold if threshold is None else threshold
            scope, judge = planned.scope, llm_judge(self.settings, reading.standalone if reading else question)
            found = build_timeline(
                scope, self.searcher, self.timeline_rule, decision, threshold, self.passages, options.filters, judge=judge
            )
            timeline = timeline_answer(said, planned.scope, found)
            # a paragraph on how something changed: not above a first mention (a claim of "first" cannot be checked
            # against the paragraphs read) nor a comparison (its columns are not one line of dates)
            if options.mode != "generative" or timeline.kind != "timeline" or planned.scope.kind != "timeline":
                return timeline
            from assistant.answer.generative.timeline_summary import with_summary

            if options.on_exact is not None:
                options.on_exact(timeline)  # the exact timeline first, while the model writes its summary
            return with_summary(self.settings, self.embedder, timeline, options.on_token)
        if isinstance(planned.scope, SummaryAsk):
            # a year or type that matches no document: ask which one, rather than summarise another; a type
            # loosened while the year still filters ("the 2017 statement") still means the documents of that year
            nothing_kept = plan.relaxed is not None and plan.filters.is_empty()
            meant = [] if nothing_kept else documents_meant(self.store.documents, plan.filters, plan.preferences)
            return summary_answer(said, planned.scope, self.searcher, meant)
        if result is None:  # the chain searches every ordinary question
            raise AssistantError(f"no search was run for the ordinary question {question!r}")
        if not result.hits:
            notice = "No passage matches the filters." if not plan.filters.is_empty() else "No passage matched."
            return replace(said, notices=(notice,), kind="abstention", evidence_score=0.0)
        timings.update({f"retrieve_{k}": v for k, v in result.timings_ms.items()})
        timings["retrieve"] = sum(result.timings_ms.values())
        t0 = time.perf_counter()
        hits = result.hits
        context, rows = with_neighbours(self.store, list(hits), list(result.rows))
        wanted = [t for t in key_terms(plan.query) if t not in reading.filter_terms]
        candidates = candidate_sentences(self.searcher.sentences, self.searcher.terms, wanted, result.query_vec, context, rows)
        candidates = for_question(reading.standalone, candidates, context)
        best = (candidates[0].text, candidates[0].score) if candidates else None
        # what the whole index holds for the question, beside what the filters left (one more search, filtered only)
        unfiltered = None
        if candidates and result.searched < self.passages:
            t1 = time.perf_counter()
            unfiltered = self.searcher.search(plan.query, k=1, retriever=plan.retriever, reranker="evidence")
            timings["retrieve_unfiltered"] = (time.perf_counter() - t1) * 1000
        signals = signals_for(
            reading.standalone,
            result,
            best,
            self.passages,
            relaxed=plan.relaxed is not None,
            terms=self.searcher.terms,
            wanted=wanted,
            unfiltered=unfiltered,
        )
        score = self.abstention.confidence(signals)
        missing = missing_statement(plan.missing)
        if missing is not None:
            score = 0.0  # the statement asked about is not indexed: no passage can say what was said there
        said = replace(
            said, hits=tuple(hits), evidence_score=round(score, 4), abstain_threshold=options.threshold, signals=signals
        )
        text, citations, sentences = compose(candidates, context, self.settings.max_answer_sentences)
        refuse = score < options.threshold or missing is not None
        settled = self._settle(reading.standalone, text, score, options.threshold, timings) if candidates else None
        if settled is not None:
            from assistant.answer.generative.uncertain import SETTLED_NOTICE

            refuse = not settled
            said = replace(said, notices=(*said.notices, SETTLED_NOTICE[settled]))
        if not candidates or refuse:  # no sentence to quote is no answer
            timings["answer"] = (time.perf_counter() - t0) * 1000
            notice = "The evidence found is too weak to answer; the nearest passages are shown instead."
            notices = (*said.notices, missing) if missing is not None else said.notices or (notice,)
            return replace(said, notices=notices, kind="abstention", withheld=text)
        timings["answer"] = (time.perf_counter() - t0) * 1000
        answer = replace(
            said,
            text=text,
            abstained=False,
            citations=tuple(citations),
            kind="answer",
            sentences=tuple(sentences),
            context=tuple(context[len(hits) :]),
        )
        if options.mode == "generative":
            from assistant.answer.generative.answerer import generative_answer

            if options.on_exact is not None:
                options.on_exact(answer)
            return generative_answer(self.settings, self.embedder, answer, options.on_token)
        return answer


def _reading(reading: Interpretation, plan: SearchPlan | None) -> Reading:
    if plan is None:
        return Reading(reading.standalone, reading.follow_up, Filters(), reading.preferences, tuple(reading.describe()))
    notes = [n for n in reading.describe() if not (plan.relaxed and n.startswith("Filter from the question"))]
    if plan.relaxed is not None:
        notes.append(relaxed_note(plan.relaxed, plan.filters))
    return Reading(reading.standalone, reading.follow_up, plan.filters, plan.preferences, tuple(notes))


def shared_assistant(settings: Settings) -> Assistant:
    """One `Assistant` per index folder and settings, per process."""
    return shared_instance(Assistant, settings)
