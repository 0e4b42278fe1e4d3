"""Evaluator feedback from the chat: thumbs up/down, a reason and wrong-citation flags, kept in SQLite.

Each answer has one row, updated as the evaluator changes their mind; the row
also keeps what was asked, what was answered, the citations and the
configuration, so a problem can be replayed. ``python -m assistant feedback
export`` turns the rows into a QA file in the evaluation format
(``../shared/eval/README.md``): confirmed answers become ready benchmark cases,
the rest are marked ``needs_review`` with the evaluator's reason.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import UsageError
from assistant.settings import Settings

FILE_NAME = "feedback.sqlite"
RATINGS = ("up", "down")

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    session TEXT NOT NULL DEFAULT '',
    rating TEXT CHECK (rating IN ('up', 'down') OR rating IS NULL),
    reason TEXT NOT NULL DEFAULT '',
    wrong_citations TEXT NOT NULL DEFAULT '[]',
    question TEXT NOT NULL,
    standalone_question TEXT,
    history TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    citations TEXT NOT NULL DEFAULT '[]',
    passages TEXT NOT NULL DEFAULT '[]',
    config TEXT NOT NULL DEFAULT '{}'
);
"""

# What a citation keeps in the database: enough to show and to re-check it, not the scores.
CITATION_FIELDS = ("n", "passage_id", "doc_id", "title", "date", "doc_type", "paragraph", "section", "reference", "quote", "text")


@dataclass
class Feedback:
    """An evaluator's judgement of one answer, with the answer itself."""

    answer_id: str
    question: str
    answer: str
    abstained: bool
    rating: str | None = None
    reason: str = ""
    wrong_citations: list[int] = field(default_factory=list)
    standalone_question: str | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    passages: list[dict[str, Any]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    session: str = ""
    created_at: str = ""
    updated_at: str = ""

    def __post_init__(self) -> None:
        if self.rating is not None and self.rating not in RATINGS:
            raise UsageError(f"rating {self.rating!r} is not one of {', '.join(RATINGS)}")

    @classmethod
    def from_answer(
        cls,
        answer_id: str,
        record: dict[str, Any],
        *,
        question: str | None = None,
        history: list[dict[str, str]] | None = None,
        config: dict[str, Any] | None = None,
        session: str = "",
    ) -> Feedback:
        """Feedback for an `Answer.to_dict()` record, with no judgement yet."""
        return cls(
            answer_id=answer_id,
            question=question or str(record.get("question", "")),
            answer=str(record.get("answer", "")),
            abstained=bool(record.get("abstained")),
            standalone_question=record.get("standalone_question"),
            history=list(history or []),
            citations=[{k: c.get(k) for k in CITATION_FIELDS} for c in record.get("citations", [])],
            passages=[{k: p.get(k) for k in CITATION_FIELDS if k not in {"n", "quote"}} for p in record.get("passages", [])],
            config=dict(config or {}),
            session=session,
        )


class FeedbackStore:
    """The feedback database (``<data_dir>/feedback.sqlite``); safe to share between threads.

    A reason longer than ``max_reason_chars`` (the setting ``max_feedback_chars``) is refused, never stored.
    """

    def __init__(self, path: Path, *, max_reason_chars: int | None = None) -> None:
        self.path = path
        self.max_reason_chars = max_reason_chars
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise UsageError(
                f"cannot open the feedback database {path} ({exc}); set ASSISTANT_DATA_DIR to a writable folder"
            ) from exc

    @classmethod
    def for_settings(cls, settings: Settings) -> FeedbackStore:
        """The store in the settings' data folder."""
        return cls(Path(settings.data_dir) / FILE_NAME, max_reason_chars=settings.max_feedback_chars)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        return db

    def save(self, item: Feedback) -> None:
        """Insert or update the feedback on one answer; `UsageError` for a reason over the limit (nothing stored)."""
        if self.max_reason_chars is not None and len(item.reason.strip()) > self.max_reason_chars:
            raise UsageError(
                f"the reason is {len(item.reason.strip()):,} characters long; the limit is {self.max_reason_chars:,} "
                "(max_feedback_chars): shorten it"
            )
        now = datetime.now(UTC).isoformat(timespec="seconds")
        row = {
            "answer_id": item.answer_id,
            "created_at": item.created_at or now,
            "updated_at": now,
            "session": item.session,
            "rating": item.rating,
            "reason": item.reason.strip(),
            "wrong_citations": json.dumps(sorted(set(item.wrong_citations))),
            "question": item.question,
            "standalone_question": item.standalone_question,
            "history": json.dumps(item.history, ensure_ascii=False),
            "answer": item.answer,
            "abstained": int(item.abstained),
            "citations": json.dumps(item.citations, ensure_ascii=False),
            "passages": json.dumps(item.passages, ensure_ascii=False),
            "config": json.dumps(item.config, ensure_ascii=False, default=str),
        }
        columns = ", ".join(row)
        updates = ", ".join(f"{k} = excluded.{k}" for k in row if k not in {"answer_id", "created_at"})
        with self._lock, self._connect() as db:
            db.execute(
                f"INSERT INTO feedback ({columns}) VALUES ({', '.join('?' * len(row))}) "
                f"ON CONFLICT(answer_id) DO UPDATE SET {updates}",
                tuple(row.values()),
            )

    def get(self, answer_id: str) -> Feedback | None:
        """The feedback on one answer, or None."""
        with self._connect() as db:
            found = db.execute("SELECT * FROM feedback WHERE answer_id = ?", (answer_id,)).fetchone()
        return None if found is None else _from_row(found)

    def all(self) -> list[Feedback]:
        """Every stored feedback, oldest first."""
        with self._connect() as db:
            rows = db.execute("SELECT * FROM feedback ORDER BY created_at, answer_id").fetchall()
        return [_from_row(r) for r in rows]


def _from_row(row: sqlite3.Row) -> Feedback:
    data = dict(row)
    for key in ("wrong_citations", "history", "citations", "passages", "config"):
        data[key] = json.loads(data[key])
    data["abstained"] = bool(data["abstained"])
    return Feedback(**data)


# export ----------------------------------------------------------------------


def is_judged(item: Feedback) -> bool:
    """Whether the evaluator said anything about the answer."""
    return bool(item.rating or item.reason or item.wrong_citations)


def qa_case(item: Feedback) -> dict[str, Any]:
    """One QA record in the evaluation format.

    A thumbs-up with no wrong citation is a confirmed case: the cited quotes are
    the evidence and the key facts (or, for an abstention, the question is
    unanswerable). Anything else needs a person to fill in ``answers`` and
    ``evidence``; the evaluator's reason and the rejected quotes say what went wrong.
    """
    wrong = set(item.wrong_citations)
    kept = [str(c["quote"]) for c in item.citations if c.get("quote") and c.get("n") not in wrong]
    rejected = [str(c.get("quote") or c.get("text") or "") for c in item.citations if c.get("n") in wrong]
    confirmed = item.rating == "up" and not wrong
    case: dict[str, Any] = {"id": f"fb-{item.answer_id[:12]}", "question": item.question}
    if confirmed and item.abstained:
        case.update(answers=[], evidence=[], answerable=False)
    elif confirmed:
        case.update(answers=kept, evidence=kept, answerable=True)
    else:
        case.update(answers=[], evidence=[], answerable=True)
    if item.history:
        case["history"] = item.history
    case["needs_review"] = not confirmed
    case["feedback"] = {
        "rating": item.rating,
        "reason": item.reason,
        "assistant_answer": item.answer,
        "abstained": item.abstained,
        "standalone_question": item.standalone_question,
        "cited": [c.get("reference") for c in item.citations],
        "wrong_citations": [c.get("reference") for c in item.citations if c.get("n") in wrong],
        "rejected_evidence": rejected,
        "config": item.config,
        "created_at": item.created_at,
    }
    return case


def export_qa(store: FeedbackStore, out: Path, *, confirmed_only: bool = False) -> tuple[int, int]:
    """Write the judged feedback as JSONL QA cases; return (confirmed, needing review)."""
    cases = [qa_case(item) for item in store.all() if is_judged(item)]
    if confirmed_only:
        cases = [c for c in cases if not c["needs_review"]]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for case in cases:
            f.write(json.dumps(case, ensure_ascii=False) + "\n")
    review = sum(1 for c in cases if c["needs_review"])
    return len(cases) - review, review


# command line ----------------------------------------------------------------
