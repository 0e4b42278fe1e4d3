"""Cut passages longer than the embedding model's window into overlapping windows.

A window is only an embedding unit: search results are always mapped back
to the one passage a window belongs to.
"""

from __future__ import annotations

from collections.abc import Callable

CHARS_SURELY_SHORT = 400  # below this many characters a passage cannot exceed 254 word pieces of English


def passage_windows(text: str, token_offsets: Callable[[str], list[tuple[int, int]]], max_tokens: int, overlap: int) -> list[str]:
    """Return ``text`` itself if it fits ``max_tokens`` word pieces, else overlapping slices of it."""
    if len(text) < CHARS_SURELY_SHORT:
        return [text]
    offsets = token_offsets(text)
    size = max_tokens - 2  # room for [CLS] and [SEP]
    if len(offsets) <= size:
        return [text]
    stride = max(1, size - overlap)
    out: list[str] = []
    for lo in range(0, len(offsets), stride):
        hi = min(lo + size, len(offsets))
        out.append(text[offsets[lo][0] : offsets[hi - 1][1]])
        if hi == len(offsets):
            break
    return out
