"""A generated paragraph above a timeline: how the position changed, every sentence checked like any generated answer.

The model reads the timeline's cited paragraphs (dated, in date order: the first and latest entries and those
evenly between them, at most ``SUMMARY_PASSAGES``) and writes a few sentences with a ``[n]`` after each; the
generative answerer (`assistant.answer.generative.answerer`) checks every sentence against the paragraph it cites
and drops those it does not support. The sentences kept sit above the timeline, their markers renumbered to the
timeline's own citations, so a marker in the summary opens the same paragraph as the entry it rests on. The
timeline stays whole and exact whatever the model writes; without a model, or when no sentence survives the
check, it stands alone with a notice saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from assistant.answer.generative.answerer import generative_answer
from assistant.answer.generative.drafts import OnToken
from assistant.embed.base import Embedder
from assistant.models import Answer, CheckedSentence, Citation, QuotedSentence
from assistant.settings import Settings

SUMMARY_PASSAGES = 4  # entries the model reads: each costs ~250 prompt tokens, seconds on two cores


def with_summary(settings: Settings, embedder: Embedder | None, timeline: Answer, on_token: OnToken | None = None) -> Answer:
    """``timeline`` with a checked, generated summary of the change above it, or as it was with a notice saying why not."""
    if timeline.kind != "timeline":
        return timeline
    if len(timeline.citations) < 2:
        return _alone(timeline, "a summary of how it changed needs two entries or more")
    read = spread(timeline.citations, SUMMARY_PASSAGES)
    base = replace(
        timeline,
        kind="answer",
        hits=tuple(c.hit for c in read),
        citations=tuple(read),
        sentences=tuple(q for q in map(_quoted, read) if q is not None),  # each excerpt keeps the entry's quote
        notices=(),
        mode="extractive",
        requested_mode=None,
        fallback=None,
    )
    # the model reads exactly these paragraphs, and the timeline already quotes each: no sentence is added verbatim
    local = settings.model_copy(update={"llm_passages": len(read), "llm_quote_evidence": False, "llm_refusal_retry": False})
    written = generative_answer(local, embedder, base, on_token)
    timings = {**timeline.timings_ms, **{k: v for k, v in written.timings_ms.items() if k not in timeline.timings_ms}}
    checked = [s for s in written.sentences or () if isinstance(s, CheckedSentence)]
    kept = [s for s in checked if s.supported]
    left_out = [*(s for s in checked if not s.supported), *(written.dropped_sentences or ())]  # marked ones too
    if written.mode != "generative" or written.kind != "answer" or not kept:
        return replace(_alone(timeline, _why_not(settings, written)), generation=written.generation, timings_ms=timings)
    number = {c.hit.passage.passage_id: c.n for c in timeline.citations}
    sentences = _renumbered(kept, number)
    summary = " ".join((f"{s.text} " + "".join(f"[{n}]" for n in s.citations)).strip() for s in sentences)
    model = written.generation.model if written.generation else "the model"
    notice = (
        f"The paragraph above the timeline was written by {model} from the cited paragraphs; every sentence was checked "
        "against the paragraph it cites."
        + (f" {len(left_out)} sentence(s) the paragraphs do not support were left out." if left_out else "")
    )
    return replace(
        timeline,
        text=f"{summary}\n\n{timeline.text}",
        summary=summary,
        sentences=sentences,
        notices=(*timeline.notices, notice),
        mode="generative",
        requested_mode=None,
        fallback=None,
        generation=written.generation,
        dropped_sentences=_renumbered(left_out, number),
        timings_ms=timings,
    )


def _quoted(citation: Citation) -> QuotedSentence | None:
    """The entry's quote as a sentence of its paragraph (what the model's excerpt of the paragraph keeps), if found."""
    quote = citation.quote or ""
    start = citation.hit.passage.text.find(quote) if quote else -1
    return QuotedSentence(quote, (citation.n,), start, start + len(quote)) if start >= 0 else None


def _why_not(settings: Settings, written: Answer) -> str:
    """Why no summary: what the generation recorded, in a few words, or the answerer's own reason (with its fix)."""
    reason = written.generation.fallback if written.generation else ""
    return {
        "timeout": f"the model did not finish within {settings.llm_timeout_s:g} s",
        "error": "the model failed while writing it",
        "refusal": "the model found nothing in the paragraphs to summarise",
        "unsupported": "no sentence the model wrote is supported by the paragraph it cites",
    }.get(reason) or (written.fallback or "the model wrote no sentence the paragraphs support").rstrip(". ")


def spread(citations: tuple[Citation, ...], most: int) -> list[Citation]:
    """At most ``most`` of ``citations`` (one timeline's, in date order): the first, the latest and those evenly between."""
    if len(citations) <= most:
        return list(citations)
    picks = sorted({round(i * (len(citations) - 1) / (most - 1)) for i in range(most)})
    return [citations[i] for i in picks]


def _renumbered(sentences: Sequence[CheckedSentence], number: dict[str, int]) -> tuple[CheckedSentence, ...]:
    """``sentences`` citing the timeline's numbers (by the passages they name) instead of the model's."""
    return tuple(replace(s, citations=tuple(number[p] for p in s.passage_ids if p in number)) for s in sentences)


def _alone(timeline: Answer, why: str) -> Answer:
    """The timeline without a summary, saying why (it stays exact quotes)."""
    why = why[0].lower() + why[1:]
    return replace(
        timeline,
        notices=(*timeline.notices, f"No generated summary ({why}); the timeline is exact quotes."),
        mode="extractive",
        requested_mode="generative",
        fallback=f"No generated summary: {why}.",
    )
