"""The LangChain side: a retriever over the index and the LCEL answer chain.

LangChain objects stay in this module; the rest of the package passes plain
dataclasses.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from assistant.search import Searcher, SearchResult


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
        result = self.searcher.search(query, **kwargs)
        return to_documents(result)


def to_documents(result: SearchResult) -> list[Document]:
    """LangChain documents for the hits of a search (the search itself rides along in metadata)."""
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
            "search": result,
        }
        docs.append(Document(page_content=hit.passage.text, metadata=meta))
    return docs


def build_chain(retriever: PassageRetriever, interpret: Any, answer: Any) -> Runnable[dict[str, Any], Any]:
    """``{question, history, options}`` -> interpretation -> retrieval -> answer, as one LCEL chain."""

    def retrieve(state: dict[str, Any]) -> dict[str, Any]:
        plan = state["plan"]
        if plan is None:
            return {**state, "documents": []}
        documents = retriever.invoke(plan["query"], **plan["search"])
        return {**state, "documents": documents}

    return RunnableLambda(interpret) | RunnableLambda(retrieve) | RunnableLambda(answer)
