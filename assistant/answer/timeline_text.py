"""A timeline as an answer: its dated lines, how the question was read, and what it says when it is partial."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assistant.answer.timeline import Timeline
from assistant.interpret.timeline import TimelineAsk
from assistant.models import Answer

PARTIAL_NOTICE = (
    "The counts are a lower bound: over this many statements, only those most likely to address the topic were "
    "read sentence by sentence"
)


def partial_notice(ask: TimelineAsk) -> str:
    """What a timeline that left statements unread says, with what would read every one."""
    named = any(c.label for c in ask.columns)
    return f"{PARTIAL_NOTICE}; {'a shorter period' if named else 'name a speaker or a shorter period'} to read every one."


def unchecked_notice(found: Timeline) -> tuple[str, ...]:
    """What a timeline says of the uncertain entries its model check had no time for (none: nothing)."""
    if not found.unchecked:
        return ()
    n = found.unchecked
    return (
        f"{n} uncertain {'entry was' if n == 1 else 'entries were'} not checked by the local model (it checks the "
        "least confident first, up to its limit); they stand as the entry decision kept them.",
    )


KIND_LABELS = {
    "timeline": "Timeline",
    "first_mention": "First mention",
    "latest_mention": "Latest mention",
    "compare": "Comparison",
}


def describe_ask(ask: TimelineAsk) -> str:
    """How the question was read, for the answer's notes."""
    who = " and ".join(c.label for c in ask.columns if c.label) or "every speaker"
    period = ask.period_text or "every year indexed"
    also = "".join(f", also as “{a}”" for a in ask.alternatives)
    return f"Read as a {KIND_LABELS[ask.kind].lower()} question: topic “{ask.topic}”{also}; {who}; {period}."


def timeline_text(ask: TimelineAsk, timeline: Timeline) -> str:
    """The timeline as plain text: a summary line per column, then one dated line per entry."""
    lines: list[str] = []
    for label in timeline.columns:
        entries = [e for e in timeline.entries if e.column == label]
        counts = [c for c in timeline.counts if c.column == label]
        statements = sum(c.statements for c in counts)
        who = f"{label}: " if label else ""
        if not statements:
            lines.append(f"{who}no statement in scope is indexed.")
            continue
        if not entries:
            lines.append(f"{who}none of the {statements} statements in scope addresses this.")
            continue
        first, last = entries[0], entries[-1]
        head = f"{who}{len(entries)} of {statements} statements address this"
        if ask.kind == "first_mention":
            head += f"; first in {first.year} ({first.title})"
        elif ask.kind == "latest_mention":
            head += f"; latest in {last.year} ({last.title})"
        else:
            head += f", first in {first.year}, latest in {last.year}"
        lines.append(head + ".")
        for e in entries:
            marks = [m for m, on in (("first mention", e.first), ("latest", e.latest)) if on]
            mark = f" ({', '.join(marks)})" if marks else ""
            speaker = f"{e.speaker}, " if e.speaker and not label else ""
            lines.append(f"{e.date or e.year} — {speaker}{e.title}{mark}: {e.quote} [{e.citation}]")
    return "\n".join(lines)


def timeline_answer(said: Answer, ask: TimelineAsk, found: Timeline) -> Answer:
    """``said`` (the refusal the pipeline starts from) made into the timeline answer, or a stated refusal if empty."""
    reading = said.reading
    if reading is not None:
        # the scope is the timeline's own (its speakers and period): the ordinary search's ranking notes do not apply
        kept = [n for n in reading.notes if not n.startswith(("Ranking ", "Filter from the question"))]
        reading = replace(reading, notes=(*kept, describe_ask(ask)))
    timings = {**said.timings_ms, **found.timings_ms}
    common: dict[str, Any] = {"counts": found.counts, "columns": found.columns, "reading": reading, "timings_ms": timings}
    if said.mode == "generative":
        fallback = "A timeline's entries are exact quotes; a generated summary is written only above a timeline of change."
        common.update(requested_mode="generative", fallback=fallback, mode="extractive")
    if not found.entries:
        scope = "in the period" if ask.period_text else "indexed"
        speakers = " or ".join(c for c in found.columns if c)
        if not found.in_scope:
            when = f" from {ask.period_text}" if ask.period_text else ""
            notice = f"No statement{' by ' + speakers if speakers else ''}{when} is indexed."
        else:
            notice = f"No statement {scope} addresses “{ask.topic}” clearly enough to quote ({found.in_scope} searched)."
        refusal = (notice,) if found.complete else (notice, partial_notice(ask))
        return replace(said, notices=refusal, kind="abstention", evidence_score=0.0, **common)
    notices = (*said.notices, *([partial_notice(ask)] if not found.complete else []), *unchecked_notice(found))
    if notices != said.notices:
        common["notices"] = notices
    return replace(
        said,
        text=timeline_text(ask, found),
        abstained=False,
        citations=found.citations,
        hits=tuple(c.hit for c in found.citations),
        kind="timeline",
        timeline=found.entries,
        evidence_score=max(e.confidence for e in found.entries),
        **common,
    )
