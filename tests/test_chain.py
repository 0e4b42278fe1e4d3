"""The LangChain side: `PassageRetriever` as a retriever of `Document`s, and the LCEL chain's typed steps.

On the small fake-embedder index of `conftest.SMALL_CORPUS` (rows 0-4 oceans, 5-6 peace, 7-9 water): first with
plan and answer steps written here, so the chain is tested apart from the `Assistant` that uses it, then through
the `Assistant` with the scripted generator.
"""

from __future__ import annotations

import pytest
from conftest import FakeEmbedder, Scripted
from langchain_core.documents import Document

from assistant.chain import AskOptions, PassageRetriever, Planned, Request, Retrieved, SearchPlan, build_chain, to_documents
from assistant.index.store import IndexStore
from assistant.interpret.question import interpret
from assistant.models import Answer, Citation, Filters, Preferences
from assistant.retrieve.search import Searcher
from assistant.settings import Settings

P2 = "Plastic waste in the oceans harms fish, birds and coastal economies."


class CountingSearcher(Searcher):
    """A searcher that records the queries it ran."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)  # type: ignore[arg-type]
        self.queries: list[str] = []

    def search(self, query: str, **options: object):  # type: ignore[no-untyped-def,override]
        self.queries.append(query)
        return super().search(query, **options)  # type: ignore[arg-type]


@pytest.fixture()
def retriever(fake_index: Settings) -> PassageRetriever:
    return PassageRetriever(searcher=CountingSearcher(IndexStore(fake_index.index_dir, fake_index), FakeEmbedder(), fake_index))


def test_invoke_returns_documents_with_citation_metadata(retriever: PassageRetriever) -> None:
    docs = retriever.invoke(P2, k=2)
    assert len(docs) == 2 and all(isinstance(d, Document) for d in docs)
    assert docs[0].page_content == P2
    assert docs[0].metadata == {
        "row": 2,
        "passage_id": "oceans#p2",
        "doc_id": "oceans",
        "title": "Protecting the oceans",
        "date": "2017-06-05",
        "paragraph": "2",
        "score": pytest.approx(1.0),  # the same words: full evidence
    }
    assert docs[0].metadata["score"] >= docs[1].metadata["score"]


def test_invoke_passes_search_options_through(retriever: PassageRetriever) -> None:
    remarks = retriever.invoke("human rights", filters=Filters(doc_types=("remarks",)))
    assert [d.metadata["passage_id"] for d in remarks] == ["peace#p1", "peace#p2"]
    lexical = retriever.invoke("plastic waste", retriever="bm25", reranker="none", k=5)
    assert [d.metadata["row"] for d in lexical] == [2, 3]  # only passages holding a query term


def test_search_follows_the_plan_and_to_documents_keeps_its_order(retriever: PassageRetriever) -> None:
    plan = SearchPlan("plastic waste", Filters(date_from="2017"), Preferences(), k=3, retriever="hybrid", reranker="evidence")
    result = retriever.search(plan)
    assert len(result.hits) == 3 and {h.meta.doc_id for h in result.hits} == {"oceans"}
    assert [d.metadata["row"] for d in to_documents(result)] == result.rows
    assert [d.page_content for d in to_documents(result)] == [h.passage.text for h in result.hits]


# the chain -----------------------------------------------------------------------------------


def plan(request: Request) -> Planned:
    """Read the question as the assistant does; no search plan for chit-chat."""
    reading = interpret(request.question, list(request.history))
    if reading.chitchat:
        return Planned(request, request.question, reading, None, 0.0)
    options = request.options
    search = SearchPlan(
        query=reading.query,
        filters=options.filters.merged(reading.filters),
        preferences=reading.preferences,
        k=options.k,
        retriever=options.retriever,
        reranker=options.reranker,
        ignore_terms=reading.filter_terms,
    )
    return Planned(request, request.question, reading, search, 0.0)


def answer(retrieved: Retrieved) -> Answer:
    """Quote the top passage, or greet."""
    question = retrieved.planned.question
    if retrieved.result is None:
        return Answer(question, "Hello.", False, (), (), kind="chitchat")
    hits = retrieved.result.hits
    if not hits:
        return Answer(question, "Nothing found.", True, (), (), kind="abstention")
    top = hits[0]
    return Answer(question, f"{top.passage.text} [1]", False, (Citation(1, top, top.passage.text),), tuple(hits))


def test_the_chain_reads_retrieves_and_answers(retriever: PassageRetriever) -> None:
    chain = build_chain(retriever, plan, answer)
    result = chain.invoke(Request("Which plastic waste harms fish and birds?"))
    assert result.citations[0].hit.passage.passage_id == "oceans#p2"
    assert result.text == f"{P2} [1]"
    assert retriever.searcher.queries == ["Which plastic waste harms fish and birds?"]  # type: ignore[attr-defined]


def test_chitchat_never_reaches_the_retriever(retriever: PassageRetriever) -> None:
    chain = build_chain(retriever, plan, answer)
    assert chain.invoke(Request("hello")).kind == "chitchat"
    assert retriever.searcher.queries == []  # type: ignore[attr-defined]


def test_filters_from_the_caller_and_the_question_both_apply(retriever: PassageRetriever) -> None:
    chain = build_chain(retriever, plan, answer)
    messages = Request("What about human rights?", options=AskOptions(filters=Filters(doc_types=("message",))))
    assert chain.invoke(messages).citations[0].hit.meta.doc_id == "water"
    remarks = chain.invoke(Request("What did the 2019 remarks say about human rights?"))
    assert {h.meta.doc_id for h in remarks.hits} == {"peace"}  # "the 2019 remarks": a date and type filter
    nothing = chain.invoke(Request("What did the 2030 remarks say about human rights?"))
    assert nothing.abstained and nothing.hits == ()
    preferred = chain.invoke(Request("What was said about human rights in 2019?"))  # "in 2019": only a preference
    assert preferred.hits[0].meta.doc_id == "peace" and {h.meta.doc_id for h in preferred.hits} > {"peace"}


def test_each_step_gets_the_previous_steps_typed_state(retriever: PassageRetriever) -> None:
    seen: list[Retrieved] = []

    def keep(retrieved: Retrieved) -> Answer:
        seen.append(retrieved)
        return answer(retrieved)

    request = Request("Who is demanding action on climate?", options=AskOptions(k=2))
    build_chain(retriever, plan, keep).invoke(request)
    (retrieved,) = seen
    assert retrieved.planned.request is request and retrieved.planned.plan is not None
    assert retrieved.result is not None and len(retrieved.result.hits) == 2  # the k of the request
    assert retrieved.result.hits[0].passage.passage_id == "peace#p2"


def test_the_chain_answers_a_batch_in_order(retriever: PassageRetriever) -> None:
    chain = build_chain(retriever, plan, answer)
    answers = chain.batch([Request(P2), Request("hello"), Request("Clean water is a human right for every person.")])
    assert [a.kind for a in answers] == ["answer", "chitchat", "answer"]
    assert [a.citations[0].hit.passage.passage_id for a in answers if a.citations] == ["oceans#p2", "water#p1"]


# the assistant's own chain, with the fakes -------------------------------------------------------


def test_the_assistant_answers_through_its_chain_with_a_scripted_model(scripted_settings: Settings, scripted: Scripted) -> None:
    from assistant.answer.records import answer_record
    from assistant.pipeline import Assistant

    assistant = Assistant(scripted_settings)
    question = "Which plastics should Member States ban?"
    extractive = assistant.ask(question, mode="extractive", abstain_threshold=0.0)
    assert extractive.text == "Member States should ban single-use plastics by 2030. [1]"
    assert [c.hit.passage.passage_id for c in extractive.citations] == ["oceans#p3"]

    scripted.enqueue("Member States should ban single-use plastics by 2030 [1]. Brazil banned them in 1990 [1].")
    generated = assistant.ask(question, abstain_threshold=0.0)  # generative: the settings' mode
    record = answer_record(generated)
    assert record["mode"] == "generative" and generated.text == "Member States should ban single-use plastics by 2030. [1]"
    assert [s["reason"] for s in record["sentences"]] == ["verbatim"]
    assert [s["text"] for s in record["dropped_sentences"]] == ["Brazil banned them in 1990."]  # named nowhere in the passage
    (system, user) = scripted.prompts[0]
    assert system[0] == "system" and "[1] Protecting the oceans — 5 June 2017 — para. 3" in user[1]
