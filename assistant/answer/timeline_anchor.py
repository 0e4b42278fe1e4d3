"""Where a first (latest) mention may start: a statement whose passages hold the topic, or one the decision is sure of.

One entry that only resembles the topic would otherwise decide the answer to "when did X first …": the timeline
(`assistant.answer.timeline`) and its calibration (`assistant.evaluate.timeline_calibrate`) anchor alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar

from assistant.answer.timeline_entry import EntryEvidence

# A first (latest) mention's passage holds at least this IDF-weighted share of the topic's terms: fitted with the
# rule's threshold then (0.46) on the 161 questions read by then (0.4 / 0.45 / 0.5 / 0.55 / 0.6 got the first year right
# for 126 / 125 / 126 / 124 / 121; 0.5 with the best precision); kept, not refitted, with the learned entry decision
# (docs/timeline.md)
ANCHOR_COVERAGE = 0.5
# ... or the entry decision is at least this sure of it (the topic said in other words): on every part read (382
# questions, out of fold at the threshold 0.25), 0.6 / 0.8 / 0.9 / never got the first year right for 285 / 284 /
# 280 / 278 of them, recall 0.881 / 0.879 / 0.876 / 0.873, precision 0.899 / 0.902 / 0.904 / 0.901
ANCHOR_PROBABILITY = 0.8
# ... and its passages hold the topic's adjacent word pairs at least this share as well as the column's best
# (`lexical.phrase_share`): "international information security" is not first raised by a 1946 passage on
# information for the Security Council. Chosen on the 400 questions read by the twenty-second part (out of fold at
# 0.25, 0 / 0.5 / 1 got the first year right for 296 / 299 / 296; docs/timeline.md), kept since. Any of the
# statement's passages the search read may hold them, not only the quoted one.
PHRASE_OF_BEST = 0.5


def holds_topic(evidence: EntryEvidence, best_phrase: float) -> bool:
    """Whether a statement's passages hold the topic: most of its terms, and its word pairs nearly as well as the best."""
    return evidence.anchored and evidence.phrase >= PHRASE_OF_BEST * best_phrase


def holding_topic(column: Sequence[EntryEvidence]) -> list[bool]:
    """For each statement of a column, whether it holds the topic (`holds_topic`, against the column's best)."""
    best_phrase = max((e.phrase for e in column), default=0.0)
    return [holds_topic(e, best_phrase) for e in column]


def anchors(anchored: bool, probability: float) -> bool:
    """Whether a statement may be a first (latest) mention: its passage holds the topic's terms, or it is sure."""
    return anchored or probability >= ANCHOR_PROBABILITY


class _Anchorable(Protocol):
    @property
    def anchored(self) -> bool: ...


A = TypeVar("A", bound=_Anchorable)


def anchor_mentions(ordered: list[A], kind: str) -> list[A]:
    """For a first (latest) mention: the entries from the first (up to the latest) that may be one (`anchors`).

    One entry that only resembles the topic would otherwise decide the answer to "when did X first ...".
    """
    if kind not in ("first_mention", "latest_mention") or not any(s.anchored for s in ordered):
        return ordered
    if kind == "first_mention":
        start = next(i for i, s in enumerate(ordered) if s.anchored)
        return ordered[start:]
    end = max(i for i, s in enumerate(ordered) if s.anchored)
    return ordered[: end + 1]
