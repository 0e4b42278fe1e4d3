"""Embedding windows: a passage that fits the model is one window; a longer one overlapping slices of it.

The fake embedder's word pieces are whitespace words, so window sizes are counted in words here.
"""

from __future__ import annotations

import pytest
from conftest import FakeEmbedder

from assistant.embed.windows import CHARS_SURELY_SHORT, passage_windows

WORDS = [f"w{i:03d}" for i in range(100)]  # five characters each with its space
TEXT = " ".join(WORDS)  # 499 characters: long enough to be measured


def words(lo: int, hi: int) -> str:
    return " ".join(WORDS[lo:hi])


def test_a_short_passage_is_one_window_without_being_tokenised() -> None:
    def never(text: str) -> list[tuple[int, int]]:
        raise AssertionError("a passage under CHARS_SURELY_SHORT characters must not be tokenised")

    short = "x" * (CHARS_SURELY_SHORT - 1)
    assert passage_windows(short, never, max_tokens=4, overlap=0) == [short]


def test_a_passage_that_fits_is_one_window() -> None:
    offsets = FakeEmbedder().token_offsets
    assert len(TEXT) == 499 and len(offsets(TEXT)) == 100
    # 102 word pieces minus [CLS] and [SEP] leave room for exactly 100 words
    assert passage_windows(TEXT, offsets, max_tokens=102, overlap=10) == [TEXT]


def test_a_long_passage_becomes_overlapping_windows_ending_at_its_last_word() -> None:
    offsets = FakeEmbedder().token_offsets
    # 40 words a window, 10 shared: windows start at words 0, 30 and 60; the third reaches word 99 and stops
    assert passage_windows(TEXT, offsets, max_tokens=42, overlap=10) == [words(0, 40), words(30, 70), words(60, 100)]
    # one word too many for a single window: the rest is a window of its own
    assert passage_windows(TEXT, offsets, max_tokens=101, overlap=0) == [words(0, 99), words(99, 100)]


def test_an_overlap_as_large_as_the_window_still_moves_forward() -> None:
    offsets = FakeEmbedder().token_offsets
    assert passage_windows(TEXT, offsets, max_tokens=100, overlap=500) == [words(0, 98), words(1, 99), words(2, 100)]


def test_windows_are_slices_of_the_text_keeping_its_spacing() -> None:
    text = "  ".join(WORDS)  # two spaces between words
    (first, second) = passage_windows(text, FakeEmbedder().token_offsets, max_tokens=52, overlap=0)
    assert first == "  ".join(WORDS[:50]) and second == "  ".join(WORDS[50:])
    assert text.startswith(first) and text.endswith(second)


@pytest.mark.parametrize("max_tokens", [22, 64])
def test_every_word_is_in_some_window(max_tokens: int) -> None:
    windows = passage_windows(TEXT, FakeEmbedder().token_offsets, max_tokens=max_tokens, overlap=5)
    seen = {w for window in windows for w in window.split()}
    assert seen == set(WORDS)
    assert all(len(window.split()) <= max_tokens - 2 for window in windows)
