"""What is searched when what a question names matches no indexed document.

A year, a document type or a speaking country read from a question never empties the search. When no
indexed document has them, they become ranking preferences and the answer says so ("No document dated 2009;
type report is indexed"). A type is loosened first: "the 2017 statement" finds the 2017 remarks, still
only among the documents of 2017. One case is not a preference but an answer: a question about what a
country said in its statement of a given year, when no such statement is indexed, is answered "not in the
corpus". Another country's words, or the same country's words in another year, would not answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.ingest.ungdc.countries import country_name, with_article
from assistant.models import Filters, Preferences


@dataclass(frozen=True)
class Relaxed:
    """The filters searched, and what the question named that matched nothing (None when everything matched)."""

    filters: Filters
    unmatched: Filters | None = None


def relax(named: Filters, given: Filters, any_document: Callable[[Filters], bool]) -> Relaxed:
    """The search's filters: ``given`` (the asker's) with ``named`` (read from the question), loosened until some document matches.

    ``any_document`` says whether any indexed document passes a filter.
    """
    merged = given.merged(named)
    if named.is_empty() or any_document(merged):
        return Relaxed(merged)
    if named.doc_types:
        typeless = replace(named, doc_types=())
        if not typeless.is_empty() and any_document(given.merged(typeless)):
            return Relaxed(given.merged(typeless), Filters(doc_types=named.doc_types))
    return Relaxed(given, named)


def missing_statement(unmatched: Filters | None) -> str | None:
    """What to tell the asker when the question is about a country's statement of a year that is not indexed.

    None for anything else: a year or type alone may belong to a document the question only refers to
    ("the 2009 report that set out the three pillars"), which other documents can still answer.
    """
    if unmatched is None or not unmatched.countries or not (unmatched.date_from or unmatched.date_to):
        return None
    first = (unmatched.date_from or unmatched.date_to or "")[:4]
    last = (unmatched.date_to or unmatched.date_from or "")[:4]
    years = first if first == last else f"{first} to {last}"
    names = " or ".join(with_article(country_name(code, int(first))) for code in unmatched.countries)
    return (
        f"No statement by {names} from {years} is indexed, so the corpus cannot say what it said there; "
        "the nearest passages are shown instead."
    )


def relaxed_note(unmatched: Filters, searched: Filters) -> str:
    """What the answer says about a filter that matched nothing, and what was searched instead."""
    if searched.is_empty():
        return f"No document {unmatched.describe()} is indexed; searched all documents, preferring any that match."
    return f"No document {unmatched.describe()} is indexed among those {searched.describe()}; searched those, preferring any that match."


def preferences_from(filters: Filters, preferences: Preferences) -> Preferences:
    """``preferences`` widened with the years and document types of ``filters`` (a filter that matched nothing)."""
    years = list(preferences.years)
    if filters.date_from or filters.date_to:
        first = int((filters.date_from or filters.date_to or "0")[:4])
        last = int((filters.date_to or filters.date_from or "0")[:4])
        if 0 <= last - first <= 10:
            years += [str(y) for y in range(first, last + 1)]
    types = list(preferences.doc_types) + list(filters.doc_types)
    return Preferences(tuple(dict.fromkeys(years)), tuple(dict.fromkeys(types)))
