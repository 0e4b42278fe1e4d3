"""Which passage rows a filter leaves: the metadata test applied to the whole index at once."""

from __future__ import annotations

import numpy as np

from assistant.index.store import IndexStore
from assistant.models import Filters


def allowed_rows(store: IndexStore, filters: Filters) -> np.ndarray | None:
    """Passage rows whose documents pass ``filters`` (None when nothing is filtered)."""
    if filters.is_empty():
        return None
    docs = np.array([filters.allows(m) for m in store.all_documents], dtype=bool)
    return np.flatnonzero(docs[store.passage_doc] & store.live)
