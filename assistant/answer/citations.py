"""Citations as people read and copy them: UN-style references and plain-text answers."""

from __future__ import annotations

from datetime import date

from assistant.models import Answer, DocumentMeta, Hit, Passage


def long_date(iso: str | None) -> str:
    """Write an ISO date the UN's way ("2016-07-22" -> "22 July 2016"); unknown dates stay as given."""
    if not iso:
        return "undated"
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B')} {d.year}"


def locator(passage: Passage) -> str:
    """Locate a passage in its document: "para. 49", "footnote 4" or "title block"."""
    if passage.kind == "footnote":
        return passage.label
    if passage.kind == "title":
        return "title block"
    return f"para. {passage.label}"


def reference(meta: DocumentMeta, passage: Passage) -> str:
    """A UN-style reference: "A/70/999–S/2016/620, para. 49", or title, place and date when there is no symbol."""
    if meta.symbol:
        return f"{meta.symbol}, {locator(passage)}"
    where = ", ".join(p for p in (meta.place, long_date(meta.date)) if p)
    return f"{meta.title} ({where}), {locator(passage)}"


def hit_reference(hit: Hit) -> str:
    """The reference of a hit."""
    return reference(hit.meta, hit.passage)


def format_answer(answer: Answer) -> str:
    """The answer as plain text for a terminal: answer, notes, then numbered references."""
    lines = [answer.text, ""]
    for note in answer.reading.notes if answer.reading else ():
        lines.append(f"({note})")
    for notice in answer.notices:
        lines.append(f"({notice})")
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            m, p = c.hit.meta, c.hit.passage
            section = f" — {p.section}" if p.section else ""
            lines.append(f"[{c.n}] {reference(m, p)} — {m.doc_type}, {long_date(m.date)}{section}")
            lines.append(f"    {m.source}, characters {p.start}-{p.end}")
    elif answer.abstained and answer.hits:
        lines.append("Nearest passages:")
        for hit in answer.hits:
            lines.append(f"- {hit_reference(hit)} (score {hit.score:.2f}): {hit.passage.text[:160]}…")
    return "\n".join(line for line in lines).rstrip()
