"""The assistant as one object: load an index once, answer questions with citations.

The CLI, the chat and the evaluation all go through `Assistant.ask` (or
`Assistant.stream`, which yields a generated draft as the model writes it).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.answer.abstain import confidence
from assistant.answer.extractive import NOT_IN_CORPUS, candidate_sentences, compose, with_neighbours
from assistant.answer.generative.generators import GeneratorCancelled
from assistant.chain import AskOptions, PassageRetriever, Planned, Request, Retrieved, SearchPlan, build_chain
from assistant.embed.registry import embedder_for
from assistant.errors import IndexStaleError, UsageError
from assistant.index.lifecycle import FIX_HINT
from assistant.index.store import IndexStore
from assistant.interpret.countries import CountryNames
from assistant.interpret.question import Interpretation, expand_query, interpret
from assistant.models import Answer, Filters, Hit, Reading
from assistant.retrieve.search import Searcher
from assistant.settings import Settings
from assistant.shared import shared_instance
from assistant.text.lexical import key_terms, tokens

ANSWER_MODES = ("extractive", "generative")
CHITCHAT_REPLY = (
    "Hello. I answer questions about the Secretary-General's statements in this corpus, "
    "quoting the paragraphs I rely on and citing each one. Ask, for example: "
    "“Which two countries led a joint initiative on restraint in the use of the veto?”"
)


@dataclass(frozen=True)
class Event:
    """What `Assistant.stream` yields: text deltas (``kind="token"``), then the checked answer (``kind="answer"``)."""

    kind: str
    text: str = ""
    answer: Answer | None = None


class Assistant:
    """Question answering over one index. Thread-safe: share one instance between users."""

    def __init__(self, settings: Settings, store: IndexStore | None = None) -> None:
        self.settings = settings
        self.store = store or IndexStore(settings.index_dir, settings)
        self.embedder = embedder_for(settings)
        manifest = self.store.manifest
        if manifest.model_fingerprint != self.embedder.fingerprint or manifest.dimension != self.embedder.dimension:
            raise IndexStaleError(
                f"the index in {settings.index_dir} was built with {manifest.model_name} "
                f"(weights {manifest.model_fingerprint}), the settings use {self.embedder.name} "
                f"(weights {self.embedder.fingerprint}); {FIX_HINT}"
            )
        self.searcher = Searcher(self.store, self.embedder, settings)
        self.countries = CountryNames.from_documents(self.store.documents)  # speakers a question can name
        self.retriever = PassageRetriever(searcher=self.searcher)
        self.chain = build_chain(self.retriever, self._plan, self._answer)
        # load both indexes now, not on the first question (a first search also opens a Milvus connection)
        self.store.dense.search(np.zeros(manifest.dimension, dtype=np.float32), 1)
        _ = self.store.bm25

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
    ) -> AskOptions:
        """The caller's choices with the settings' defaults filled in; `UsageError` for an unknown mode."""
        mode = mode or self.settings.mode
        if mode not in ANSWER_MODES:
            raise UsageError(f"unknown answer mode {mode!r}; known: {', '.join(ANSWER_MODES)}")
        return AskOptions(
            filters=filters or Filters(),
            k=k or self.settings.k,
            retriever=retriever or self.settings.retriever,
            reranker=reranker or self.settings.reranker,
            infer_filters=infer_filters,
            threshold=self.settings.abstain_threshold if abstain_threshold is None else abstain_threshold,
            mode=mode,
            on_token=on_token,
        )

    def ask(self, question: str, *, history: list[dict[str, str]] | None = None, **options: Any) -> Answer:
        """Answer ``question`` from the index, citing every passage used, or abstain.

        ``options`` are those of `options` (filters, k, retriever, reranker,
        infer_filters, abstain_threshold, mode, on_token); in generative mode
        ``on_token`` receives the model's draft as it is written.
        """
        started = time.perf_counter()
        request = Request(question, tuple(history or ()), self.options(**options))
        answer: Answer = self.chain.invoke(request)
        timings = {**answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return replace(answer, timings_ms=timings)

    def stream(self, question: str, **options: Any) -> Iterator[Event]:
        """Like `ask`, as events: the generated draft's text deltas, then the checked `Answer`.

        The token deltas are the model's draft, before checking (its ``[n]`` are
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

        def run() -> None:
            try:
                events.put(("answer", self.ask(question, on_token=on_token, **options)))
            except BaseException as exc:  # handed to the reader, who re-raises it
                events.put(("error", exc))

        worker = threading.Thread(target=run, name="answer-stream", daemon=True)
        worker.start()
        try:
            while True:
                kind, value = events.get()
                if kind == "token":
                    yield Event("token", text=value)
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
        planned = self._plan(Request(question, tuple(history or ()), self.options(**options)))
        if planned.plan is None:
            return []
        return self.retriever.search(planned.plan).hits

    # chain steps -----------------------------------------------------------

    def _plan(self, request: Request) -> Planned:
        t0 = time.perf_counter()
        question = validate_question(request.question, self.settings.max_question_chars)
        options = request.options
        reading = interpret(question, list(request.history), infer_filters=options.infer_filters, countries=self.countries)
        if reading.chitchat:
            return Planned(request, question, reading, None, (time.perf_counter() - t0) * 1000)
        filters = options.filters.merged(reading.filters)
        if reading.latest:
            filters = self._latest_only(filters)
        plan = SearchPlan(
            query=expand_query(reading.query),
            filters=filters,
            preferences=reading.preferences,
            k=options.k,
            retriever=options.retriever,
            reranker=options.reranker,
            ignore_terms=reading.filter_terms,
        )
        return Planned(request, question, reading, plan, (time.perf_counter() - t0) * 1000)

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
        if planned.plan is None or result is None:
            return Answer(question, CHITCHAT_REPLY, False, (), (), timings, kind="chitchat", reading=_reading(reading, Filters()))
        plan = planned.plan
        said = Answer(question, NOT_IN_CORPUS, True, (), (), timings, mode=options.mode, reading=_reading(reading, plan.filters))
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
        score = confidence(reading.standalone, result.evidence[result.rows[0]], candidates[0] if candidates else None)
        said = replace(said, hits=tuple(hits), evidence_score=round(score, 4), abstain_threshold=options.threshold)
        if score < options.threshold:
            timings["answer"] = (time.perf_counter() - t0) * 1000
            notice = "The evidence found is too weak to answer; the nearest passages are shown instead."
            return replace(said, notices=(notice,), kind="abstention")
        text, citations, sentences = compose(candidates, context, self.settings.max_answer_sentences)
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

            return generative_answer(self.settings, self.embedder, answer, options.on_token)
        return answer


def _reading(reading: Interpretation, applied: Filters) -> Reading:
    return Reading(reading.standalone, reading.follow_up, applied, reading.preferences, tuple(reading.describe()))


def validate_question(question: str, max_chars: int) -> str:
    """The question, stripped; `UsageError` for an empty, over-long or wordless one."""
    if not isinstance(question, str) or not question.strip():
        raise UsageError("the question is empty; type a question about the Secretary-General's statements")
    question = " ".join(question.split())
    if len(question) > max_chars:
        raise UsageError(f"the question is {len(question):,} characters long; the limit is {max_chars:,}: shorten it")
    if not tokens(question):
        raise UsageError("the question has no words to search for; ask it in words")
    return question


def shared_assistant(settings: Settings) -> Assistant:
    """One `Assistant` per index folder and settings, per process."""
    return shared_instance(Assistant, settings)
