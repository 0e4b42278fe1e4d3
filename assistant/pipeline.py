"""The assistant as one object: load an index once, answer questions with citations.

The CLI, the chat and the evaluation all go through `Assistant.ask`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from assistant.abstain import confidence
from assistant.answer import NOT_IN_CORPUS, candidate_sentences, compose, with_neighbours
from assistant.chain import PassageRetriever, build_chain
from assistant.countries import CountryNames
from assistant.embed import embedder_for
from assistant.errors import IndexStaleError, UsageError
from assistant.filters import Filters
from assistant.interpret import Interpretation, expand_query, interpret
from assistant.lexical import key_terms, tokens
from assistant.models import Answer, Hit
from assistant.search import Searcher, SearchResult
from assistant.settings import Settings
from assistant.store import FIX_HINT, IndexStore

ANSWER_MODES = ("extractive", "generative")
CHITCHAT_REPLY = (
    "Hello. I answer questions about the Secretary-General's statements in this corpus, "
    "quoting the paragraphs I rely on and citing each one. Ask, for example: "
    "“Which two countries led a joint initiative on restraint in the use of the veto?”"
)


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

    def ask(
        self,
        question: str,
        *,
        history: list[dict[str, str]] | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        retriever: str | None = None,
        reranker: str | None = None,
        infer_filters: bool = True,
        abstain_threshold: float | None = None,
        mode: str | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer ``question`` from the index, citing every passage used, or abstain.

        ``mode`` is "extractive" or "generative" (default: the settings'); in
        generative mode ``on_token`` receives the model's draft as it is written.
        """
        started = time.perf_counter()
        mode = mode or self.settings.mode
        if mode not in ANSWER_MODES:
            raise UsageError(f"unknown answer mode {mode!r}; known: {', '.join(ANSWER_MODES)}")
        options = {
            "filters": filters or Filters(),
            "k": k or self.settings.k,
            "retriever": retriever or self.settings.retriever,
            "reranker": reranker or self.settings.reranker,
            "infer_filters": infer_filters,
            "threshold": self.settings.abstain_threshold if abstain_threshold is None else abstain_threshold,
            "mode": mode,
            "on_token": on_token,
        }
        answer: Answer = self.chain.invoke({"question": question, "history": history or [], "options": options})
        timings = {**answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return replace(answer, timings_ms=timings)

    def stream(self, question: str, **options: Any) -> Iterator[Any]:
        """Like `ask`, as events: the generated draft's text deltas, then the verified `Answer`.

        Yields `assistant.generate.answerer.Event` objects (``kind`` "token" or "answer").
        """
        from assistant.generate.answerer import stream_answer

        yield from stream_answer(self, question, **options)

    def ranking(
        self,
        question: str,
        *,
        history: list[dict[str, str]] | None = None,
        filters: Filters | None = None,
        k: int | None = None,
        retriever: str | None = None,
        reranker: str | None = None,
        infer_filters: bool = True,
    ) -> list[Hit]:
        """The top ``k`` passages `ask` would rank for ``question``, without answering (empty for chit-chat).

        For a smaller ``k`` the ranking is a prefix of this one, so evaluation can score depth 10 beside an answer from 5.
        """
        options = {
            "filters": filters or Filters(),
            "k": k or self.settings.k,
            "retriever": retriever or self.settings.retriever,
            "reranker": reranker or self.settings.reranker,
            "infer_filters": infer_filters,
        }
        state = self._plan({"question": question, "history": history or [], "options": options})
        if state["plan"] is None:
            return []
        return self.searcher.search(state["plan"]["query"], **state["plan"]["search"]).hits

    # chain steps -----------------------------------------------------------

    def _plan(self, state: dict[str, Any]) -> dict[str, Any]:
        t0 = time.perf_counter()
        question = validate_question(state["question"], self.settings.max_question_chars)
        options = state["options"]
        reading = interpret(question, state["history"], infer_filters=options["infer_filters"], countries=self.countries)
        if reading.chitchat:
            return {**state, "reading": reading, "plan": None, "t_interpret": time.perf_counter() - t0}
        filters: Filters = options["filters"].merged(reading.filters)
        if reading.latest:
            filters = self._latest_only(filters)
        plan = {
            "query": expand_query(reading.query),
            "filters": filters,
            "search": {
                "k": options["k"],
                "filters": filters,
                "preferences": reading.preferences,
                "retriever": options["retriever"],
                "reranker": options["reranker"],
                "ignore_terms": reading.filter_terms,
            },
        }
        return {**state, "question": question, "reading": reading, "plan": plan, "t_interpret": time.perf_counter() - t0}

    def _latest_only(self, filters: Filters) -> Filters:
        dated = [m for m in self.store.documents if filters.allows(m) and m.date]
        if not dated:
            return filters
        newest = max(dated, key=lambda m: m.date or "")
        return replace(filters, doc_ids=(newest.doc_id,))

    def _answer(self, state: dict[str, Any]) -> Answer:
        reading: Interpretation = state["reading"]
        question = state["question"]
        timings = {"interpret": state["t_interpret"] * 1000}
        if state["plan"] is None:
            return Answer(
                question, CHITCHAT_REPLY, False, (), (), timings, extra={"kind": "chitchat", **_reading_extra(reading, Filters())}
            )
        plan = state["plan"]
        documents = state["documents"]
        extra: dict[str, Any] = {"mode": state["options"].get("mode", "extractive"), **_reading_extra(reading, plan["filters"])}
        if not documents:
            notice = "No passage matches the filters." if not plan["filters"].is_empty() else "No passage matched."
            return Answer(
                question, NOT_IN_CORPUS, True, (), (), timings, (notice,), {**extra, "kind": "abstention", "evidence_score": 0.0}
            )
        result: SearchResult = documents[0].metadata["search"]
        timings.update({f"retrieve_{k}": v for k, v in result.timings_ms.items()})
        timings["retrieve"] = sum(result.timings_ms.values())
        t0 = time.perf_counter()
        hits = result.hits
        context, rows = with_neighbours(self.store, list(hits), list(result.rows))
        wanted = [t for t in key_terms(plan["query"]) if t not in reading.filter_terms]
        candidates = candidate_sentences(self.searcher.sentences, self.searcher.terms, wanted, result.query_vec, context, rows)
        score = confidence(reading.standalone, result.evidence[result.rows[0]], candidates[0] if candidates else None)
        threshold = state["options"]["threshold"]
        extra.update(evidence_score=round(score, 4), abstain_threshold=threshold)
        if score < threshold:
            timings["answer"] = (time.perf_counter() - t0) * 1000
            notice = "The evidence found is too weak to answer; the nearest passages are shown instead."
            return Answer(question, NOT_IN_CORPUS, True, (), tuple(hits), timings, (notice,), {**extra, "kind": "abstention"})
        text, citations, sentences = compose(candidates, context, self.settings.max_answer_sentences)
        timings["answer"] = (time.perf_counter() - t0) * 1000
        extra.update(kind="answer", sentences=sentences, context=[_context_record(h) for h in context[len(hits) :]])
        answer = Answer(question, text, False, tuple(citations), tuple(hits), timings, (), extra)
        if state["options"].get("mode") == "generative":
            from assistant.generate.answerer import generative_answer

            return generative_answer(self, state, answer)
        return answer


def _reading_extra(reading: Interpretation, applied: Filters) -> dict[str, Any]:
    return {
        "standalone_question": reading.standalone,
        "follow_up": reading.follow_up,
        "filters": applied.to_dict(),
        "preferences": {"years": list(reading.preferences.years), "doc_types": list(reading.preferences.doc_types)},
        "interpretation": reading.describe(),
    }


def _context_record(hit: Hit) -> dict[str, Any]:
    from assistant.models import hit_record

    return {**hit_record(hit), "role": "neighbour"}


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


_shared: dict[tuple[Any, ...], Assistant] = {}
_shared_lock = threading.Lock()


def shared_assistant(settings: Settings) -> Assistant:
    """One `Assistant` per index folder and settings, per process."""
    key = (str(settings.index_dir), settings.model_dump_json())
    with _shared_lock:
        if key not in _shared:
            _shared[key] = Assistant(settings)
        return _shared[key]
