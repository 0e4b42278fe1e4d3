"""QA sets: read JSON Lines or CSV, and validate every record before anything runs.

Problems are collected, not raised one at a time, so an evaluator fixes a
file in one pass: each names its line, the question id and what to change.
The format is described in ``docs/evaluation.md``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import DatasetError
from assistant.evaluate.evidence import QuoteLocator

REQUIRED = ("id", "question", "answers", "evidence", "answerable")
OPTIONAL = ("multi_evidence", "history", "timeline", "first_year")
# Written by `python -m assistant feedback export`: the review flag is checked, the evaluator's notes are kept aside.
FEEDBACK_FIELDS = ("needs_review", "feedback")
# What a question set's authors record about each question (eval/trust/README.md); kept in the file, not scored here.
ANNOTATIONS = (
    "kind",
    "doc",
    "split",
    "note",
    "overlap",
    "unusual",
    "absent",
    "searched_terms",
    "period",
    "topic",
)
ROLES = ("user", "assistant")
MAX_LISTED = 50  # problems listed in an error message; the rest are counted


@dataclass(frozen=True)
class GoldEntry:
    """One year of a gold timeline: a verbatim quote of the statement that addresses the topic that year."""

    year: int
    evidence: str
    doc: str | None = None  # the document's id, when the set's authors recorded it
    speaker: str | None = None  # in a comparison: whose timeline it belongs to


@dataclass(frozen=True)
class QAItem:
    """One question of a QA set."""

    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    answerable: bool
    multi_evidence: str | None = None  # "all": every evidence quote is needed
    history: tuple[dict[str, str], ...] = ()
    line: int = 0  # where it starts in the file, from 1
    timeline: tuple[GoldEntry, ...] = ()  # a timeline question's gold entries (docs/evaluation.md, "Timelines")
    first_year: int | None = None  # the year of the first mention

    @property
    def needs_all_evidence(self) -> bool:
        """Whether every evidence quote must be retrieved (else any one suffices)."""
        return self.multi_evidence == "all"


@dataclass(frozen=True)
class Problem:
    """Something wrong with a QA file, located by line."""

    line: int
    message: str
    item_id: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" ({self.item_id})" if self.item_id else "")
        return f"{where}: {self.message}"


@dataclass
class QASet:
    """The validated questions of one file."""

    path: Path
    items: list[QAItem]
    sha256: str
    warnings: list[str] = field(default_factory=list)

    @property
    def answerable(self) -> int:
        """How many questions are answerable."""
        return sum(item.answerable for item in self.items)


def load_qa_set(path: Path) -> QASet:
    """Read and validate a QA file; `DatasetError` (exit code 2) listing every problem if any."""
    items, problems, warnings, digest = read_qa_file(path)
    if problems:
        raise DatasetError(problem_report(path, problems))
    return QASet(path, items, digest, warnings)


def require_evidence(qa: QASet, locator: QuoteLocator) -> None:
    """`DatasetError` listing the evidence quotes of ``qa`` that no indexed passage contains."""
    problems = check_evidence(qa.items, locator)
    if problems:
        raise DatasetError(problem_report(qa.path, problems))


def problem_report(path: Path, problems: list[Problem]) -> str:
    """One message listing the problems of a file, with the way to fix them."""
    shown = "\n".join(f"  {p}" for p in problems[:MAX_LISTED])
    more = f"\n  … and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return (
        f"{path}: {len(problems)} problem{'s' * (len(problems) != 1)} in the QA file; nothing was run. "
        f"Fix these lines (format: docs/evaluation.md):\n{shown}{more}"
    )


def read_qa_file(path: Path) -> tuple[list[QAItem], list[Problem], list[str], str]:
    """Items, problems, warnings and the sha256 of a ``.jsonl`` or ``.csv`` QA file."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DatasetError(f"cannot read the QA file {path}: {exc.strerror or exc}; check the path") from exc
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DatasetError(f"{path}: line {line} is not UTF-8; save the file as UTF-8") from exc
    records = _csv_records(text) if Path(path).suffix.lower() == ".csv" else _jsonl_records(text)
    items: list[QAItem] = []
    problems: list[Problem] = []
    warnings: list[str] = []
    first_seen: dict[str, int] = {}
    for line, record in records:
        if isinstance(record, Problem):
            problems.append(record)
            continue
        item, found, unknown = parse_record(record, line)
        problems.extend(found)
        if unknown:
            warnings.append(f"line {line}: unknown field{'s' * (len(unknown) > 1)} ignored: {', '.join(unknown)}")
        if item is None:
            continue
        if item.id in first_seen:
            problems.append(Problem(line, f"duplicate id {item.id!r} (first on line {first_seen[item.id]})", item.id))
            continue
        first_seen[item.id] = line
        items.append(item)
    if not records:
        problems.append(Problem(1, "the file has no questions"))
    return items, sorted(problems, key=lambda p: p.line), warnings, digest


def _jsonl_records(text: str) -> list[tuple[int, dict[str, Any] | Problem]]:
    out: list[tuple[int, dict[str, Any] | Problem]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            out.append((n, Problem(n, f"not valid JSON ({exc.msg} at column {exc.colno})")))
            continue
        if not isinstance(record, dict):
            out.append((n, Problem(n, f"expected a JSON object {{...}}, found {type(record).__name__}")))
            continue
        out.append((n, record))
    return out


def _csv_records(text: str) -> list[tuple[int, dict[str, Any] | Problem]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [(1, Problem(1, f"the CSV header lacks the column{'s' * (len(missing) > 1)} {', '.join(missing)}"))]
    out: list[tuple[int, dict[str, Any] | Problem]] = []
    try:
        for row in reader:
            line = reader.line_num  # the row's last line: its only one, unless a quoted cell spans lines
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue
            if None in row:
                out.append((line, Problem(line, f"more cells than the header has columns ({len(header)})")))
                continue
            out.append((line, _csv_values(row, line)))
    except csv.Error as exc:
        out.append((reader.line_num, Problem(reader.line_num, f"malformed CSV ({exc})")))
    return out


def _csv_values(row: dict[str, Any], line: int) -> dict[str, Any] | Problem:
    """A CSV row as the JSON record it stands for (list cells: a JSON array, or items separated by "|")."""
    record: dict[str, Any] = {k: v for k, v in row.items() if v not in (None, "") or k in REQUIRED}
    for key in ("answers", "evidence"):
        if key in record:
            cell = (record[key] or "").strip()
            if cell.startswith("["):
                try:
                    record[key] = json.loads(cell)
                except json.JSONDecodeError as exc:
                    return Problem(line, f"{key}: not a valid JSON list ({exc.msg})", row.get("id") or None)
            else:
                record[key] = [part.strip() for part in cell.split("|") if part.strip()]
    if "answerable" in record:
        flag = (record["answerable"] or "").strip().lower()
        record["answerable"] = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(flag, flag)
    if "history" in record:
        try:
            record["history"] = json.loads(record["history"])
        except json.JSONDecodeError as exc:
            return Problem(line, f"history: not valid JSON ({exc.msg})", row.get("id") or None)
    return record


def parse_record(record: dict[str, Any], line: int) -> tuple[QAItem | None, list[Problem], list[str]]:
    """Check one record; the item (None if unusable), its problems and its unknown fields."""
    raw_id = record.get("id")
    item_id = str(raw_id) if isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool) and str(raw_id).strip() else None
    problems: list[Problem] = []

    def bad(message: str) -> None:
        problems.append(Problem(line, message, item_id))

    missing = [k for k in REQUIRED if k not in record]
    if missing:
        bad(f"missing field{'s' * (len(missing) > 1)}: {', '.join(missing)}")
    unknown = sorted(k for k in record if k not in REQUIRED + OPTIONAL + FEEDBACK_FIELDS + ANNOTATIONS)
    if record.get("needs_review") is True:
        bad(
            "marked needs_review by the feedback export: fill in answers and evidence, then set needs_review to false "
            "(or export with --confirmed-only)"
        )
    if "id" in record and item_id is None:
        bad("id must be a non-empty string")
    question = record.get("question")
    if "question" in record and (not isinstance(question, str) or not question.strip()):
        bad("question must be a non-empty string")
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("answers", "evidence"):
        value = record.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            bad(f"{key} must be a list of non-empty strings")
            value = []
        lists[key] = tuple(v.strip() for v in value)
    answerable = record.get("answerable")
    if "answerable" in record and not isinstance(answerable, bool):
        bad(f"answerable must be true or false, not {answerable!r}")
    elif answerable is True:
        if "answers" in record and not lists["answers"]:
            bad("an answerable question needs at least one answer")
        if "evidence" in record and not lists["evidence"]:
            bad("an answerable question needs at least one evidence quote")
    elif answerable is False and (lists["answers"] or lists["evidence"]):
        bad("an unanswerable question must have empty answers and evidence")
    multi = record.get("multi_evidence")
    if multi not in (None, "all"):
        bad(f'multi_evidence must be "all" or absent, not {multi!r}')
    history = record.get("history") or []
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and t.get("role") in ROLES and isinstance(t.get("content"), str) for t in history
    ):
        bad('history must be a list of {"role": "user" | "assistant", "content": "..."} objects')
        history = []
    timeline, first_year = _gold_timeline(record, bad)
    if problems or item_id is None or not isinstance(question, str) or not isinstance(answerable, bool):
        return None, problems, unknown
    item = QAItem(
        id=item_id,
        question=question.strip(),
        answers=lists["answers"],
        evidence=lists["evidence"],
        answerable=answerable,
        multi_evidence=multi,
        history=tuple({"role": t["role"], "content": t["content"]} for t in history),
        line=line,
        timeline=timeline,
        first_year=first_year,
    )
    return item, [], unknown


def _gold_timeline(record: dict[str, Any], bad: Callable[[str], None]) -> tuple[tuple[GoldEntry, ...], int | None]:
    """The optional ``timeline`` (a list of ``{year, evidence[, doc, speaker]}``) and ``first_year`` of a record."""
    entries: list[GoldEntry] = []
    raw = record.get("timeline", [])
    if not isinstance(raw, list):
        bad('timeline must be a list of {"year": YYYY, "evidence": "..."} objects')
        raw = []
    for n, entry in enumerate(raw, 1):
        year, evidence = (entry.get("year"), entry.get("evidence")) if isinstance(entry, dict) else (None, None)
        if not isinstance(year, int) or isinstance(year, bool) or not isinstance(evidence, str) or not evidence.strip():
            bad(f'timeline entry {n} must be {{"year": YYYY, "evidence": "a quote"}} (a whole year and a non-empty quote)')
            continue
        doc, speaker = entry.get("doc"), entry.get("speaker")
        entries.append(
            GoldEntry(
                year, evidence.strip(), doc if isinstance(doc, str) else None, speaker if isinstance(speaker, str) else None
            )
        )
    first_year = record.get("first_year")
    if first_year is not None and (not isinstance(first_year, int) or isinstance(first_year, bool)):
        bad(f"first_year must be a whole year, not {first_year!r}")
        first_year = None
    return tuple(entries), first_year


def check_evidence(items: list[QAItem], locator: QuoteLocator) -> list[Problem]:
    """Evidence quotes that occur in no passage of the indexed corpus: a dataset error, not a miss."""
    problems = []
    for item in items:
        for quote in (*item.evidence, *(g.evidence for g in item.timeline)):
            if not locator.passages_with(quote):
                shown = quote if len(quote) <= 120 else quote[:117] + "…"
                problems.append(
                    Problem(
                        item.line, f"evidence quote found in no indexed passage: “{shown}” (check the quote or --index)", item.id
                    )
                )
    return problems
