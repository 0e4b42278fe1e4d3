"""Metadata filters: date range, document type, Secretary-General, speaker, document, corpus, country."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from assistant.errors import UsageError
from assistant.models import DocumentMeta
from assistant.store import IndexStore

ISO_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _casefold_all(values: tuple[str, ...]) -> set[str]:
    return {v.casefold() for v in values}


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to documents whose metadata match; empty fields match everything."""

    date_from: str | None = None  # inclusive; "2015", "2015-06" or "2015-06-01"
    date_to: str | None = None  # inclusive
    doc_types: tuple[str, ...] = ()
    secretaries_general: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()
    corpora: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO codes or names (General Debate corpus)

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None and not ISO_DATE_RE.match(value):
                raise UsageError(f"{name.replace('_', ' ')} {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
        if self.date_from and self.date_to and self._low(self.date_from) > self._high(self.date_to):
            raise UsageError(f"the date range {self.date_from} to {self.date_to} is empty; swap the dates")

    @staticmethod
    def _low(value: str) -> str:
        return value + "-01-01"[len(value) - 4 :] if len(value) < 10 else value

    @staticmethod
    def _high(value: str) -> str:
        return value + "-12-31"[len(value) - 4 :] if len(value) < 10 else value

    def is_empty(self) -> bool:
        """Whether no filter is set."""
        return not any(getattr(self, f.name) for f in fields(self))

    def allows(self, meta: DocumentMeta) -> bool:
        """Whether a document's metadata pass every filter."""
        if self.date_from or self.date_to:
            if not meta.date:
                return False
            if self.date_from and meta.date < self._low(self.date_from):
                return False
            if self.date_to and meta.date > self._high(self.date_to):
                return False
        if self.doc_types and meta.doc_type.casefold() not in _casefold_all(self.doc_types):
            return False
        if self.secretaries_general and (meta.secretary_general or "").casefold() not in _casefold_all(self.secretaries_general):
            return False
        if self.speakers:
            speaker = (meta.speaker or "").casefold()
            if not any(s in speaker for s in _casefold_all(self.speakers)):
                return False
        if self.doc_ids and meta.doc_id not in self.doc_ids and meta.source not in self.doc_ids:
            return False
        if self.corpora and meta.corpus not in self.corpora:
            return False
        if self.countries:
            wanted = _casefold_all(self.countries)
            have = {str(meta.extra.get("country_code", "")).casefold(), str(meta.extra.get("country", "")).casefold()}
            if not wanted & have:
                return False
        return True

    def merged(self, other: Filters) -> Filters:
        """This filter with the fields ``other`` sets added (``other`` wins on dates)."""
        values: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, tuple):
                values[f.name] = tuple(dict.fromkeys(mine + theirs))
            else:
                values[f.name] = theirs or mine
        return replace(self, **values)

    def describe(self) -> str:
        """A short human description, e.g. "dated 2015-01-01 to 2016-12-31; type report"."""
        parts = []
        if self.date_from or self.date_to:
            lo, hi = self.date_from, self.date_to
            if (
                lo
                and hi
                and lo[:4] == hi[:4]
                and self._low(lo).endswith("01-01")
                and self._high(hi).endswith("12-31")
                and len(lo) == len(hi) == 4
            ):
                parts.append(f"dated {lo}")
            else:
                parts.append(f"dated {lo or '…'} to {hi or '…'}")
        labels = (
            ("doc_types", "type"),
            ("secretaries_general", "Secretary-General"),
            ("speakers", "speaker"),
            ("doc_ids", "document"),
            ("corpora", "corpus"),
            ("countries", "country"),
        )
        for name, label in labels:
            value = getattr(self, name)
            if value:
                parts.append(f"{label} {' or '.join(value)}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """The filter as JSON-ready data (unset fields omitted)."""
        return {f.name: (list(v) if isinstance(v, tuple) else v) for f in fields(self) if (v := getattr(self, f.name))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        """Build from ``to_dict`` output; unknown keys are an error listing the known ones."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise UsageError(f"unknown filter {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return cls(**values)


def allowed_rows(store: IndexStore, filters: Filters) -> np.ndarray | None:
    """Passage rows whose documents pass ``filters`` (None when nothing is filtered)."""
    if filters.is_empty():
        return None
    docs = np.array([filters.allows(m) for m in store.all_documents], dtype=bool)
    return np.flatnonzero(docs[store.passage_doc] & store.live)
