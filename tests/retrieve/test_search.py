"""Search end to end on the small fake-embedder index: k, filters, preference boosts, rerankers and the query cache.

Rows of `conftest.SMALL_CORPUS`: 0-4 oceans (report, 2017; 2 "Plastic waste…", 3 "…single-use plastics…"),
5-6 peace (remarks, 2019; 5 "…human rights…"), 7-9 water (message, 2015; 7 "…a human right…").
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import FakeEmbedder

from assistant.errors import UsageError
from assistant.index.patch import update_index
from assistant.index.store import IndexStore
from assistant.models import Filters, Preferences
from assistant.retrieve.search import BOOST, Searcher
from assistant.settings import Settings

P2 = "Plastic waste in the oceans harms fish, birds and coastal economies."


class CountingEmbedder(FakeEmbedder):
    """The fake embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed_batch(texts)


@pytest.fixture()
def searcher(fake_index: Settings) -> Searcher:
    return Searcher(IndexStore(fake_index.index_dir, fake_index), CountingEmbedder(), fake_index)


def rows(searcher: Searcher, query: str, **options: object) -> list[int]:
    return searcher.search(query, **options).rows  # type: ignore[arg-type]


def test_a_passage_asked_for_in_its_own_words_comes_first_with_full_evidence(searcher: Searcher) -> None:
    result = searcher.search(P2)
    top = result.hits[0]
    assert top.passage.passage_id == "oceans#p2" and result.rows[0] == 2
    # same words: window and sentence cosine 1, every key term present: 0.3 + 0.4 + 0.3
    assert top.score == pytest.approx(1.0)
    assert {"dense", "bm25", "fused", "best_window", "best_sentence", "coverage"} <= set(top.scores)
    assert top.scores["fused"] == pytest.approx(2 / 61)  # first in both rankings, rrf_k 60
    assert [h.passage.passage_id for h in result.hits] == [searcher.store.passage(r).passage_id for r in result.rows]
    assert set(result.evidence) >= set(result.rows)


def test_k_cuts_the_same_ranking(searcher: Searcher) -> None:
    assert len(rows(searcher, "human rights")) == 5  # the settings' k
    assert rows(searcher, "human rights", k=2) == rows(searcher, "human rights")[:2]
    assert sorted(rows(searcher, "human rights", k=20)) == list(range(10))  # never more than the index holds


def test_bm25_alone_finds_only_passages_with_a_query_term(searcher: Searcher) -> None:
    result = searcher.search("plastic waste", retriever="bm25", reranker="none")
    assert result.rows == [2, 3]  # "waste" is only in row 2, "plastics" in rows 2 and 3
    assert [h.score for h in result.hits] == [h.scores["bm25"] for h in result.hits]
    assert "dense" not in result.hits[0].scores
    assert result.first_stage_ranks == {"bm25": {2: 1, 3: 2}}


def test_coverage_weighs_key_terms_by_idf(searcher: Searcher) -> None:
    # 10 passages; "plastic" in 2 of them, "wast" in 1: Lucene IDF ln(1 + (N - df + 0.5) / (df + 0.5))
    idf_plastic, idf_waste = math.log(1 + 8.5 / 2.5), math.log(1 + 9.5 / 1.5)
    result = searcher.search("plastic waste")
    assert result.evidence[2].coverage == pytest.approx(1.0)
    assert result.evidence[3].coverage == pytest.approx(idf_plastic / (idf_plastic + idf_waste))  # 0.4265
    # a word used up as a filter is not asked of the passages
    assert searcher.search("plastic waste", ignore_terms=("wast",)).evidence[3].coverage == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        (Filters(doc_types=("message",)), {7, 8, 9}),
        (Filters(date_from="2016", date_to="2018"), {0, 1, 2, 3, 4}),
        (Filters(doc_ids=("peace",)), {5, 6}),
        (Filters(secretaries_general=("Ban Ki-moon",)), {7, 8, 9}),  # in office in 2015 only
        (Filters(date_from="2020"), set()),
    ],
)
def test_filters_restrict_the_hits(searcher: Searcher, filters: Filters, allowed: set[int]) -> None:
    result = searcher.search("human rights and the planet", filters=filters, k=10)
    assert set(result.rows) == allowed
    assert result.searched == len(allowed)
    assert all(filters.allows(h.meta) for h in result.hits)


def test_a_preference_boosts_without_filtering(searcher: Searcher) -> None:
    plain = searcher.search("human rights", retriever="hybrid", reranker="none", k=10)
    assert plain.rows[:3] == [5, 7, 6]
    preferred = searcher.search(
        "human rights", retriever="hybrid", reranker="none", k=10, preferences=Preferences(years=("2019",))
    )
    assert sorted(preferred.rows) == list(range(10))  # nothing left out
    # fused scores lie between 1/110 and 2/61, closer together than the boost: the two 2019 passages come first
    assert preferred.rows[:3] == [5, 6, 7]
    for hit in preferred.hits:
        boost = BOOST if hit.meta.date and hit.meta.date.startswith("2019") else 0.0
        assert hit.score == pytest.approx(hit.scores["fused"] + boost)
    by_type = searcher.search("human rights", reranker="none", k=3, preferences=Preferences(doc_types=("message",)))
    assert by_type.rows[0] == 7


def test_removed_documents_are_never_found(fake_index: Settings) -> None:
    update_index(fake_index, remove=["peace"])
    searcher = Searcher(IndexStore(fake_index.index_dir, fake_index), FakeEmbedder(), fake_index)
    for retriever in ("dense", "bm25", "hybrid"):
        found = searcher.search("Peace depends on respect for human rights and the rule of law.", retriever=retriever, k=10).rows
        assert found and not {5, 6} & set(found), retriever
    assert searcher.search("human rights").searched == 8


def test_query_vectors_are_remembered_until_forgotten(searcher: Searcher) -> None:
    embedder = searcher.embedder
    assert isinstance(embedder, CountingEmbedder)
    searcher.search("plastic waste")
    searcher.search("plastic waste", k=2, retriever="bm25")
    assert embedder.texts == ["plastic waste"]  # sentence vectors were stored at ingest: only the query is embedded
    searcher.forget_queries()
    searcher.search("plastic waste")
    assert embedder.texts == ["plastic waste", "plastic waste"]


def test_unknown_retrievers_and_rerankers_list_the_known_ones(searcher: Searcher) -> None:
    with pytest.raises(UsageError, match="known: dense, bm25, hybrid"):
        searcher.search("water", retriever="magic")
    with pytest.raises(UsageError, match="known: cross-encoder, evidence, none"):
        searcher.search("water", reranker="magic")
