"""The LangChain side: a retriever over the index and the LCEL answer chain.

LangChain objects stay in this module. The chain's steps pass typed state
(`Request` -> `Planned` -> `Retrieved`), never dicts riding in a document's
metadata; `PassageRetriever` is a real LangChain retriever for callers that
want `Document`s, and gives the chain the typed `SearchResult` behind them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from assistant.interpret.question import Interpretation
from assistant.interpret.summaries import SummaryAsk
from assistant.interpret.timeline import TimelineAsk
from assistant.models import Answer, Filters, Preferences
from assistant.retrieve.search import Searcher, SearchResult


@dataclass(frozen=True)
class AskOptions:
    """How to answer one question: the caller's choices, with the settings' defaults filled in."""

    filters: Filters = field(default_factory=Filters)
    k: int = 5
    retriever: str = "hybrid"
    reranker: str = "evidence"
    infer_filters: bool = True
    threshold: float = 0.5
    mode: str = "extractive"
    on_token: Callable[[str], None] | None = None
    on_exact: Callable[[Answer], None] | None = None  # generative mode: receives the exact-quote answer before generating


@dataclass(frozen=True)
class Request:
    """A question as asked, with the conversation before it."""

    question: str
    history: tuple[dict[str, str], ...] = ()
    options: AskOptions = field(default_factory=AskOptions)


@dataclass(frozen=True)
class SearchPlan:
    """What to search for and how: the question's words and every filter and preference read from it."""

    query: str
    filters: Filters
    preferences: Preferences
    k: int
    retriever: str
    reranker: str
    ignore_terms: tuple[str, ...] = ()  # words used up as filters, not content
    relaxed: Filters | None = None  # what the question named but no document matches: turned into preferences
    missing: Filters | None = None  # the country and year of a statement asked about that is not indexed


@dataclass(frozen=True)
class Planned:
    """The question read: ``plan`` is None for chit-chat, which needs no search."""

    request: Request
    question: str  # the validated question
    reading: Interpretation
    plan: SearchPlan | None
    interpret_ms: float
    scope: TimelineAsk | SummaryAsk | None = None  # a question about time or a whole document (else an ordinary one)


@dataclass(frozen=True)
class Retrieved:
    """The plan and what the search found (None for chit-chat, a timeline or a summary)."""

    planned: Planned
    result: SearchResult | None


class PassageRetriever(BaseRetriever):
    """A LangChain retriever over the assistant's index (hybrid search and reranking included).

    Extra keyword arguments of ``invoke`` (``k``, ``filters``, ``preferences``,
    ``retriever``, ``reranker``, ``ignore_terms``) are passed to `Searcher.search`.
    Each document's metadata holds the passage's citation fields and its
    ``row`` in the index.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    searcher: Searcher

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        return to_documents(self.searcher.search(query, **kwargs))

    def search(self, plan: SearchPlan) -> SearchResult:
        """The typed result behind `invoke`: hits with the evidence the answerer and the abstention decision read."""
        return self.searcher.search(
            plan.query,
            k=plan.k,
            filters=plan.filters,
            preferences=plan.preferences,
            retriever=plan.retriever,
            reranker=plan.reranker,
            ignore_terms=plan.ignore_terms,
        )


def to_documents(result: SearchResult) -> list[Document]:
    """LangChain documents for the hits of a search, with their citation fields as metadata."""
    docs = []
    for hit, row in zip(result.hits, result.rows, strict=True):
        meta = {
            "row": row,
            "passage_id": hit.passage.passage_id,
            "doc_id": hit.meta.doc_id,
            "title": hit.meta.title,
            "date": hit.meta.date,
            "paragraph": hit.passage.label,
            "score": hit.score,
        }
        docs.append(Document(page_content=hit.passage.text, metadata=meta))
    return docs


def build_chain(
    retriever: PassageRetriever, plan: Callable[[Request], Planned], answer: Callable[[Retrieved], Answer]
) -> Runnable[Request, Answer]:
    """`Request` -> reading the question -> retrieval -> `Answer`, as one LCEL chain."""

    def retrieve(planned: Planned) -> Retrieved:
        # chit-chat needs no search; a timeline or a summary searches statement by statement itself
        ordinary = planned.plan is not None and planned.scope is None
        return Retrieved(planned, retriever.search(planned.plan) if ordinary and planned.plan else None)

    return RunnableLambda(plan) | RunnableLambda(retrieve) | RunnableLambda(answer)
