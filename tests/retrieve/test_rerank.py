"""Rerankers: the evidence signals, fusion by hand, and a cross-encoder from a local folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.embed.base import default_model_path
from assistant.errors import UsageError
from assistant.retrieve.first_stage import reciprocal_rank_fusion
from assistant.settings import Settings
from assistant.text.lexical import key_terms


def test_reciprocal_rank_fusion_by_hand() -> None:
    dense = {1: 0.9, 2: 0.8, 3: 0.7}
    bm25 = {3: 12.0, 1: 5.0}
    fused = reciprocal_rank_fusion([dense, bm25], k=60)
    # 1: 1/61 + 1/62; 3: 1/63 + 1/61; 2: 1/62
    assert list(fused) == [1, 3, 2]
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[3] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[2] == pytest.approx(1 / 62)


def test_coverage_weights_rare_terms_more(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    terms = seed_assistant.searcher.terms
    assert terms.idf("rwanda") > terms.idf("protect")
    assert terms.coverage(["rwanda", "protect"], {"rwanda"}) > terms.coverage(["rwanda", "protect"], {"protect"})
    assert terms.coverage([], {"x"}) == 0.0


def text_terms(store, row: int) -> set[str]:  # type: ignore[no-untyped-def]
    """The stemmed terms of the text the lexical index saw for ``row``, stemmed again from the passage."""
    from assistant.index.rows import bm25_text
    from assistant.text.lexical import index_terms

    passage = store.passage(row)
    return set(index_terms(bm25_text(store.meta(row), passage.text, passage.section)))


def test_coverage_from_posting_lists_equals_coverage_from_each_passages_text(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    store, terms = seed_assistant.store, seed_assistant.searcher.terms
    rows = list(range(len(store)))
    for question in ("Which group proposed restraint on the veto?", "Rwanda genocide 1994 lessons", "Nothing xyzzy"):
        wanted = key_terms(question)
        by_postings = terms.coverage_of_rows(wanted, rows)
        by_text = [terms.coverage(wanted, text_terms(store, r)) for r in rows]
        assert by_postings == pytest.approx(by_text)
        assert by_postings.max() > 0 or "xyzzy" in question


def test_sentences_embedded_per_question_keep_to_the_depth_and_the_word_budget(tmp_path: Path) -> None:
    from conftest import copy_small_corpus, settings_for

    from assistant.index.builder import ingest
    from assistant.pipeline import Assistant
    from assistant.retrieve.rerank import EvidenceReranker, SentenceVectors

    settings = settings_for(tmp_path / "index", copy_small_corpus(tmp_path / "corpus"), sentence_vectors_max_passages=0)
    ingest(settings, progress=False)
    assistant = Assistant(settings)
    store = assistant.store
    assert not store.has_sentence_vectors
    question = "What must the international community do to prevent atrocity crimes?"
    query = assistant.searcher.embed_query(question)
    rows = list(range(len(store)))
    embedded: list[int] = []

    def counting(texts: list[str]) -> np.ndarray:
        embedded.append(sum(len(t.split()) for t in texts))
        return assistant.embedder.embed(texts)

    def scored(depth: int, words: int) -> list[int]:
        embedded.clear()
        reranker = EvidenceReranker(store, SentenceVectors(store, counting), None, depth, words)
        evidence = reranker.evidence(question, query, rows)
        return [r for r in rows if not evidence[r].partial]

    assert len(scored(4, 0)) == 4  # depth alone
    first = scored(4, 1)
    assert len(first) == 1 and embedded == [len(store.passage(first[0]).text.split())]  # the first always fits
    lengths = sorted(len(store.passage(r).text.split()) for r in rows)
    budget = lengths[0] + lengths[1]
    assert 1 <= len(scored(len(rows), budget)) < len(rows) and sum(embedded) <= max(budget, lengths[-1])
    sentences = SentenceVectors(store, counting)
    reranker = EvidenceReranker(store, sentences, None, 3, 1)
    before = reranker.evidence(question, query, rows)
    embedded.clear()
    again = reranker.evidence(question, query, rows)  # remembered passages cost nothing
    assert [r for r in rows if not again[r].partial] == [r for r in rows if not before[r].partial] and embedded == []


def build_tiny_cross_encoder(folder: Path) -> Path:
    """A 2-layer BERT classifier with MiniLM's vocabulary: random weights, real code path."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    torch.manual_seed(0)
    src = default_model_path()
    tokenizer = BertTokenizerFast(vocab_file=str(src / "vocab.txt"))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=1,
        max_position_embeddings=512,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    shutil.copy(src / "vocab.txt", folder / "vocab.txt")
    return folder


def test_cross_encoder_from_a_local_folder_reranks(seed_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.pipeline import Assistant

    model_dir = build_tiny_cross_encoder(tmp_path / "tiny-ce")
    settings = seed_settings.with_overrides(reranker="cross-encoder", cross_encoder_path=model_dir)
    assistant = Assistant(settings)
    result = assistant.searcher.search("restraint in the use of the veto", k=5)
    scores = [h.score for h in result.hits]
    assert len(scores) == 5 and all(np.isfinite(scores))
    assert scores == sorted(scores, reverse=True)
    # the same model gives the same order twice
    again = assistant.searcher.search("restraint in the use of the veto", k=5)
    assert [h.passage.passage_id for h in again.hits] == [h.passage.passage_id for h in result.hits]


def test_unknown_reranker_lists_the_known_ones(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="known: cross-encoder, evidence, none"):
        seed_assistant.searcher.search("veto", reranker="magic")


def test_missing_cross_encoder_folder(seed_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from assistant.retrieve.rerank import CrossEncoderReranker

    with pytest.raises(UsageError, match="does not exist"):
        CrossEncoderReranker(seed_assistant.store, tmp_path / "none")
    assert Settings().reranker == "evidence"


def test_sources_from_different_years_are_shown_newest_first() -> None:
    from assistant.answer.extractive import Candidate, compose
    from assistant.models import DocumentMeta, Hit, Passage, Span

    def hit(doc: str, date: str, text: str) -> Hit:
        passage = Passage(f"{doc}#p1", doc, 1, "1", "paragraph", text, None, (Span(0, len(text)),))
        return Hit(passage, DocumentMeta(doc_id=doc, source=f"{doc}.txt", title=doc, date=date), 1.0)

    context = [hit("old", "2013-09-27", "Prevention starts at home."), hit("new", "2017-09-06", "Prevention starts everywhere.")]
    candidates = [
        Candidate(0, 0, 26, "Prevention starts at home.", 0.9),
        Candidate(1, 0, 29, "Prevention starts everywhere.", 0.88),
    ]
    text, citations, _ = compose(candidates, context, 3)
    assert text == "Prevention starts everywhere. [1] Prevention starts at home. [2]"
    assert [(c.n, c.hit.meta.date) for c in citations] == [(1, "2017-09-06"), (2, "2013-09-27")]


def test_sentence_vectors_return_a_row_that_the_cache_evicts() -> None:
    """A requested row that is the oldest in a full cache is still returned (evicted after, not before)."""
    import numpy as np

    from assistant.retrieve.rerank import SentenceVectors

    class Store:
        has_sentence_vectors = False

        def sentence_spans_of(self, row: int) -> list[tuple[int, int]]:
            return [(0, 4)]

        def passage(self, row: int):  # type: ignore[no-untyped-def]
            return type("P", (), {"text": f"row{row}"})()

    vectors = SentenceVectors(Store(), lambda texts: np.ones((len(texts), 2), dtype=np.float32), cache_size=3)  # type: ignore[arg-type]
    vectors.of([1, 2, 3])
    out = vectors.of([1, 4])
    assert set(out) == {1, 4} and len(vectors._cache) == 3
