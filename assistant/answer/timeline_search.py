"""Searching a timeline's statements one at a time: each statement's best passages, and a search within it.

`assistant.answer.timeline` ranks the scope's passages once, groups them by statement, and scores each statement
as `Searcher.search` would score a question restricted to it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from assistant.index.store import IndexStore
from assistant.models import Hit
from assistant.retrieve.first_stage import bm25_ranking, dense_ranking, reciprocal_rank_fusion
from assistant.retrieve.rerank import EvidenceReranker
from assistant.retrieve.search import Searcher, SearchResult
from assistant.text.patterns import is_masthead

ROWS_PER_STATEMENT = 4  # each retriever's best passages of a statement that the evidence reranker scores
MAX_STATEMENTS = 400  # statements ranked at most (the best by their first-stage rank)


def quotable(store: IndexStore, row: int) -> bool:
    """Whether a passage has a sentence a timeline may quote: not a title block, not only datelines and headings."""
    passage = store.passage(row)
    if passage.kind == "title":
        return False
    return any(not is_masthead(passage.text[s:e]) for s, e in store.sentence_spans_of(row))


def statement_rankings(
    store: IndexStore,
    topic: str,
    query_vec: np.ndarray,
    allowed: np.ndarray | None,
    n: int,
    spelled: Sequence[str] = (),
) -> tuple[dict[str, tuple[list[int], list[int]]], bool]:
    """Per statement in scope: its passages among the ``n`` best as the dense and the lexical retriever rank them.

    ``spelled``: other spellings of the topic's terms, searched beside them. Also whether statements were cut
    (beyond `MAX_STATEMENTS`).
    """
    dense = dense_ranking(store, query_vec, n, allowed)
    bm25 = bm25_ranking(store, topic, n, allowed, spelled)
    by_doc: dict[str, tuple[list[int], list[int]]] = {}
    for ranking, slot in ((dense, 0), (bm25, 1)):
        for row in ranking:
            lists = by_doc.setdefault(store.meta(row).doc_id, ([], []))
            if len(lists[slot]) < ROWS_PER_STATEMENT:
                lists[slot].append(row)
    if len(by_doc) > MAX_STATEMENTS:
        first_rank: dict[str, int] = {}
        for rank, row in enumerate(reciprocal_rank_fusion([dense, bm25])):
            first_rank.setdefault(store.meta(row).doc_id, rank)
        keep = sorted(by_doc, key=lambda d: first_rank.get(d, math.inf))[:MAX_STATEMENTS]
        return {d: by_doc[d] for d in keep}, True
    return by_doc, False


def statement_search(
    searcher: Searcher,
    scorer: EvidenceReranker,
    topic: str,
    query_vec: np.ndarray,
    dense: Sequence[int],
    bm25: Sequence[int],
    sizes: dict[str, int],
) -> SearchResult:
    """A search restricted to one statement, as `Searcher.search` would return it: its best passages by evidence."""
    rows = list(dict.fromkeys([*dense, *bm25]))
    evidence = scorer.evidence(topic, query_vec, rows, ())
    ranked = sorted(rows, key=lambda r: (-evidence[r].score, r))
    store = searcher.store
    hits = [Hit(store.passage(r), store.meta(r), float(evidence[r].score), {}) for r in ranked]
    ranks = {"dense": {r: i for i, r in enumerate(dense, 1)}, "bm25": {r: i for i, r in enumerate(bm25, 1)}}
    searched = sizes.get(hits[0].meta.doc_id, len(rows))
    return SearchResult(hits, query_vec, evidence, ranked, {}, ranks, searched)
