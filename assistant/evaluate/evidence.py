"""Evidence quotes: when a passage contains one, and which passages of a corpus do."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from assistant.answer.verify import match_key
from assistant.index.store import IndexStore

_SEPARATOR = "\x00"  # never inside folded text, so no quote matches across two passages


def contains_quote(passage_text: str, quote: str) -> bool:
    """Whether ``passage_text`` contains ``quote``, folding case, accents, quotes, dashes and whitespace."""
    key = match_key(quote)
    return bool(key) and key in match_key(passage_text)


def quotes_in(passage_text: str, quotes: Iterable[str]) -> frozenset[int]:
    """Indices of the ``quotes`` that ``passage_text`` contains."""
    text = match_key(passage_text)
    return frozenset(i for i, q in enumerate(quotes) if (key := match_key(q)) and key in text)


class QuoteLocator:
    """Finds the passages of a corpus that contain a quote (one folded string searched with ``str.find``)."""

    def __init__(self, passages: Iterable[tuple[str, str]]) -> None:
        """``passages``: ``(passage_id, text)`` pairs."""
        self.ids: list[str] = []
        self.starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for passage_id, text in passages:
            key = match_key(text)
            self.ids.append(passage_id)
            self.starts.append(offset)
            parts.append(key)
            offset += len(key) + len(_SEPARATOR)
        self.text = _SEPARATOR.join(parts)

    @classmethod
    def from_store(cls, store: IndexStore) -> QuoteLocator:
        """A locator over every passage of an index."""
        return cls((p.passage_id, p.text) for p in (store.passage(int(r)) for r in store.live_rows()))

    def passages_with(self, quote: str) -> list[str]:
        """Ids of the passages containing ``quote``, in index order."""
        key = match_key(quote)
        if not key:
            return []
        found: list[str] = []
        at = self.text.find(key)
        while at >= 0:
            i = bisect.bisect_right(self.starts, at) - 1
            found.append(self.ids[i])
            next_start = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
            at = self.text.find(key, next_start)
        return found
