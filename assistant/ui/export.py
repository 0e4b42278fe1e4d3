"""A conversation as Markdown: each question, how it was read, the answer with its markers, and the sources.

`ExportFiles` keeps the files the chat's *Export* button serves: one folder per running chat, one file per
conversation (rewritten after each answer, deleted when the conversation is replaced), the folder removed when the
chat stops. The folder is made inside Gradio's cache, so Gradio serves the files where they are instead of copying
each export into a folder of its own.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import weakref
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from assistant.answer.citations import long_date
from assistant.ui.conversation import MARKER_RE, Turn, answer_segments
from assistant.ui.render import MODE_LABELS, paragraph_name

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&])")


def md(text: object) -> str:
    """Text with Markdown and HTML syntax escaped, so it reads the same rendered or raw."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def _cited_line(line: str) -> str:
    """A line of text with its ``[n]`` markers kept as markers, the rest escaped."""
    numbers = [n for group in MARKER_RE.findall(line) for n in re.findall(r"\d+", group)]
    return md(MARKER_RE.sub("", line)) + "".join(f" [{n}]" for n in numbers)


def conversation_markdown(
    turns: Sequence[Turn],
    *,
    title: str = "Statement Assistant conversation",
    now: datetime | None = None,
    max_turns: int | None = None,
) -> str:
    """The finished turns (the last ``max_turns`` of them) as a Markdown document with numbered, UN-style references."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# {title}", "", f"Exported {stamp}. Answers quote the cited paragraphs verbatim unless marked as generated.", ""]
    finished = [t for t in turns if t.state in {"done", "error"}]
    left_out = max(0, len(finished) - max_turns) if max_turns is not None else 0
    if left_out:
        lines += [f"*The first {left_out} questions are left out: an export holds the last {max_turns}.*", ""]
    for i, turn in enumerate(finished[left_out:], left_out + 1):
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
        if record.get("kind") == "timeline":  # the generated summary (labelled), then dated lines, one a line
            text = str(record.get("answer", ""))
            summary = record.get("summary")
            if summary and text.startswith(summary):
                said = [x for x in record.get("sentences") or [] if isinstance(x, dict) and x.get("supported", True)]
                shown = " ".join(md(x.get("text")) + "".join(f" [{n}]" for n in x.get("citations", [])) for x in said)
                lines += [f"*Generated summary, every sentence checked:* {shown or _cited_line(summary)}", ""]
                text = text[len(summary) :]
            lines += [f"- {_cited_line(line)}" for line in text.splitlines() if line.strip()] + [""]
        elif record.get("kind") == "clarify":  # the question back, and the documents it could mean
            choices = record.get("choices") or []
            lines += [md(record.get("answer")), ""]
            lines += [f"- {md(c.get('title'))} ({md(long_date(c.get('date')))}, {md(c.get('doc_type'))})" for c in choices]
            lines.append("")
        else:
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


class ExportFiles:
    """The export files of one running chat: one folder, made on first use, one file per conversation."""

    def __init__(self, root: Path, *, max_turns: int | None = None, keep_s: float = 86_400.0) -> None:
        self.root = root
        self.max_turns = max_turns
        self.keep_s = keep_s  # a conversation's file untouched this long is removed (its browser went away)
        self.folder: Path | None = None
        self._finalizer: weakref.finalize[..., ExportFiles] | None = None

    def write(self, turns: Sequence[Turn]) -> Path:
        """Write the conversation's Markdown over its previous export; its path."""
        path = self.path_for(turns)
        path.write_text(conversation_markdown(turns, max_turns=self.max_turns), encoding="utf-8")
        self._prune(keep=path)
        return path

    def path_for(self, turns: Sequence[Turn]) -> Path:
        """Where the conversation's export is written (the folder is made on first use)."""
        if self.folder is None:
            self.root.mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix="statement-assistant-export-", dir=self.root))
            self._finalizer = weakref.finalize(self, shutil.rmtree, self.folder, True)  # also at interpreter exit
        name = re.sub(r"[^0-9a-f]", "", turns[0].turn_id)[:16] if turns else "empty"
        return self.folder / f"conversation-{name}.md"

    def forget(self, turns: Sequence[Turn]) -> None:
        """Delete the conversation's export (it is being replaced by a new conversation)."""
        if self.folder is not None and turns:
            self.path_for(turns).unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the folder and every export in it."""
        if self._finalizer is not None:
            self._finalizer()
        self.folder = None

    def _prune(self, keep: Path) -> None:
        if self.folder is None:
            return
        cutoff = time.time() - self.keep_s
        for old in self.folder.glob("conversation-*.md"):
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
