"""A conversation as Markdown: each question, how it was read, the answer with its markers, and the sources."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from assistant.answer.citations import long_date
from assistant.ui.conversation import Turn, answer_segments
from assistant.ui.render import MODE_LABELS, paragraph_name

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&])")


def md(text: object) -> str:
    """Text with Markdown and HTML syntax escaped, so it reads the same rendered or raw."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def conversation_markdown(
    turns: Sequence[Turn], *, title: str = "Statement Assistant conversation", now: datetime | None = None
) -> str:
    """The finished turns as a Markdown document with numbered, UN-style references."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# {title}", "", f"Exported {stamp}. Answers quote the cited paragraphs verbatim unless marked as generated.", ""]
    for i, turn in enumerate((t for t in turns if t.state in {"done", "error"}), 1):
        lines += [f"## {i}. {md(turn.question)}", ""]
        if turn.error is not None:
            lines += [f"*Could not answer:* {md(turn.error)}", ""]
            continue
        record = turn.record or {}
        standalone = record.get("standalone_question")
        if standalone and " ".join(str(standalone).split()) != " ".join(turn.question.split()):
            lines.append(f"*Searched for:* “{md(standalone)}”  ")
        filters = record.get("filters") or {}
        if filters:
            described = "; ".join(
                f"{k.replace('_', ' ')}: {', '.join(map(str, v)) if isinstance(v, list) else v}" for k, v in filters.items()
            )
            lines.append(f"*Filters:* {md(described)}  ")
        if record.get("mode") and record.get("kind") != "chitchat":
            lines.append(f"*Answer mode:* {MODE_LABELS.get(record['mode'], record['mode'])}  ")
        lines.append("")
        if record.get("abstained"):
            lines += [f"**No answer found.** {md(record.get('answer'))}", ""]
            passages = record.get("passages") or []
            if passages:
                lines += ["Nearest passages (not an answer):", ""]
                for p in passages:
                    lines.append(f"- {md(p.get('reference'))}: {md(p.get('text'))}")
                lines.append("")
            continue
        segments = answer_segments(record)
        answer = " ".join(md(s.text) + "".join(f" [{n}]" for n in s.citations) for s in segments)
        lines += [answer or md(record.get("answer")), ""]
        citations = record.get("citations") or []
        if citations:
            lines += ["**Sources**", ""]
            for c in citations:
                detail = ", ".join(
                    str(x) for x in (c.get("doc_type"), long_date(c.get("date")), c.get("place"), paragraph_name(c).lower()) if x
                )
                section = f"; section {md(c.get('section'))}" if c.get("section") else ""
                flag = " (flagged as a wrong citation)" if int(c["n"]) in turn.wrong else ""
                lines.append(f"{c['n']}. {md(c.get('reference'))}: *{md(c.get('title'))}* ({md(detail)}{section}){flag}")
                if c.get("quote"):
                    lines.append(f"   > {md(c['quote'])}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
