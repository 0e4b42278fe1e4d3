"""Reading a built index: passages, documents, neighbours, windows, term postings and live rows.

On the three-document index of `conftest.SMALL_CORPUS` built with the fake embedder: rows 0-4 are
oceans (title block, paragraphs 1-4), 5-6 peace, 7-9 water.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SMALL_CORPUS, FakeEmbedder

from assistant.index.patch import update_index
from assistant.index.store import IndexStore
from assistant.ingest.folders import parse_text
from assistant.settings import Settings
from assistant.text.lexical import stem

ALL = np.arange(10)


@pytest.fixture()
def store(fake_index: Settings) -> IndexStore:
    return IndexStore(fake_index.index_dir, fake_index)


def test_passages_by_row_and_by_id(store: IndexStore) -> None:
    assert len(store) == 10
    assert [store.passage(r).passage_id for r in (0, 1, 4, 5, 9)] == [
        "oceans#title",
        "oceans#p1",
        "oceans#p4",
        "peace#p1",
        "water#p3",
    ]
    p = store.passage(3)
    assert (p.doc_id, p.order, p.label, p.kind) == ("oceans", 3, "3", "paragraph")
    assert p.text == "Member States should ban single-use plastics by 2030."
    assert store.passage(0).kind == "title" and store.passage(0).text == "Protecting the oceans — Report of the Secretary-General"
    assert store.passage_row("water#p2") == 8 and store.passage_row("water#p9") is None


def test_documents_and_their_metadata(store: IndexStore) -> None:
    assert [m.doc_id for m in store.documents] == ["oceans", "peace", "water"]
    assert store.meta(2).symbol == "A/72/100" and store.meta(2).doc_type == "report"  # the sidecar's symbol, the text's type
    assert (store.meta(5).title, store.meta(5).place, store.meta(5).date) == (
        "Remarks on peace and human rights",
        "Geneva",
        "2019-12-10",
    )
    assert store.meta(7).secretary_general == "Ban Ki-moon"  # in office on 22 March 2015
    assert store.passage_counts() == {"oceans": 5, "peace": 2, "water": 3}
    assert [p.label for p in store.document_passages("water")] == ["1", "2", "3"]
    assert store.document_passages("nowhere") == []
    assert store.document_text("peace") == SMALL_CORPUS["peace.txt"]
    assert store.document_text("nowhere") == ""
    p = store.passage(6)
    assert store.document_text("peace")[p.start : p.end] == p.text  # offsets point into the source text


def test_neighbours_stay_inside_a_document(store: IndexStore) -> None:
    assert store.neighbours(0) == (None, 1)
    assert store.neighbours(2) == (1, 3)
    assert store.neighbours(4) == (3, None)  # the last oceans paragraph; row 5 is peace
    assert store.neighbours(5) == (None, 6)
    assert store.neighbours(9) == (8, None)  # the last row


def test_windows_of_a_long_paragraph(store: IndexStore) -> None:
    # paragraph 4 has 77 words: windows of 30 words starting at words 0, 22, 44 and 66 (windows 4-7)
    assert store.manifest.windows == 13 and store.manifest.passages == 10
    assert store.windows_of_rows(np.array([3, 4, 5])).tolist() == [3, 4, 5, 6, 7, 8]
    assert store.windows_of_rows(np.array([], dtype=np.int64)).tolist() == []
    assert store.window_passage.tolist() == [0, 1, 2, 3, 4, 4, 4, 4, 5, 6, 7, 8, 9]


def test_dense_score_is_the_best_windows_cosine(store: IndexStore) -> None:
    fake = FakeEmbedder()
    query = fake.vector("Clean water is a human right for every person on the planet.")
    scores = store.passage_vectors_score([7, 6], query)
    assert scores[0] == pytest.approx(1.0)  # the same words as water#p1
    assert scores[1] < 0.99
    first_window = " ".join(store.passage(4).text.split()[:30])
    assert store.passage_vectors_score([4], fake.vector(first_window))[0] == pytest.approx(1.0)


def test_sentences_of_a_passage(store: IndexStore) -> None:
    text = store.passage(4).text
    second = text.index("Restoring")
    third = text.index("Governments")
    assert store.sentence_spans_of(4) == [(0, second - 1), (second, third - 1), (third, len(text))]
    assert store.has_sentence_vectors and store.stored_sentence_vectors(4).shape == (3, 32)
    assert store.manifest.sentences == 12  # one per paragraph, three in paragraph 4


def test_rows_with_term_read_the_postings_of_text_and_metadata(store: IndexStore) -> None:
    assert np.flatnonzero(store.rows_with_term(stem("plastics"), ALL)).tolist() == [2, 3]
    assert np.flatnonzero(store.rows_with_term(stem("oceans"), ALL)).tolist() == [0, 1, 2, 3, 4]  # the title is in each
    assert np.flatnonzero(store.rows_with_term("geneva", ALL)).tolist() == [5, 6]  # the place, from the sidecar
    assert np.flatnonzero(store.rows_with_term("2015", ALL)).tolist() == [7, 8, 9]  # the year
    assert not store.rows_with_term("zebra", ALL).any()
    assert store.rows_with_term(stem("plastics"), np.array([9, 3, 0])).tolist() == [False, True, False]  # any order


def test_an_update_leaves_removed_rows_out_and_appends_new_ones(fake_index: Settings) -> None:
    desert = "Deserts are spreading across the Sahel.\n\nFarmers need water to stay on their land.\n"
    report = update_index(fake_index, [(parse_text("sahel-2024", "sahel-2024.txt", desert), desert)], ["peace"])
    assert report.patched
    store = IndexStore(fake_index.index_dir, fake_index)
    assert len(store) == 12 and store.removed_passages == 2  # rows stay; the removed ones are no longer live
    assert store.live_rows().tolist() == [0, 1, 2, 3, 4, 7, 8, 9, 10, 11]
    assert [m.doc_id for m in store.documents] == ["oceans", "water", "sahel-2024"]
    assert store.passage_counts() == {"oceans": 5, "water": 3, "sahel-2024": 2}
    assert store.document_passages("peace") == []
    assert store.neighbours(4) == (3, None) and store.neighbours(7) == (None, 8)
    assert store.neighbours(10) == (None, 11)
    rows = np.arange(12)
    assert np.flatnonzero(store.rows_with_term(stem("deserts"), rows)).tolist() == [
        10
    ]  # from the appended terms (the title is the file name)
    assert np.flatnonzero(store.rows_with_term(stem("water"), rows)).tolist() == [7, 8, 9, 11]
