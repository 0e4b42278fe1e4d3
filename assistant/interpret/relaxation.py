"""What is searched when what a question names matches no indexed document.

A year, a document type or a speaking country read from a question never empties the search. When no
indexed document has them, they become ranking preferences and the answer says so ("No document dated 2009;
type report is indexed"). A type no document has at all is loosened first: "the 2017 statement" finds the 2017
remarks, still only among the documents of 2017. One case is not a preference but an answer: a question about
what a country said in its statement of a given year, when no such statement is indexed, is answered "not in
the corpus". Another country's words, or the same country's words in another year, would not answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.ingest.ungdc.countries import country_name, with_article
from assistant.models import Filters, Preferences

AnyDocument = Callable[[Filters], bool]  # whether any indexed document passes a filter


@dataclass(frozen=True)
class Relaxed:
    """The filters searched; what the question named that matched nothing; a statement asked about that is missing."""

    filters: Filters
    unmatched: Filters | None = None  # searched as a preference instead (None when everything matched)
    missing: Filters | None = None  # a country and year with no statement indexed: the answer is "not in the corpus"


def relax(named: Filters, given: Filters, any_document: AnyDocument, preferred_years: tuple[str, ...] = ()) -> Relaxed:
    """The search's filters: ``given`` (the asker's) with ``named`` (read from the question), loosened until some document matches.

    ``preferred_years``: years the question mentions besides its filter ("in 2022 and 2023"); a statement of
    one of them is not missing.
    """
    merged = given.merged(named)
    if named.is_empty() or any_document(merged):
        return Relaxed(merged)
    missing = _missing(merged, any_document, preferred_years)
    if named.doc_types and not any_document(Filters(doc_types=named.doc_types)):
        # a type no document has ("statement" where there are remarks): loose wording, so keep the rest
        typeless = replace(named, doc_types=())
        if not typeless.is_empty() and any_document(given.merged(typeless)):
            return Relaxed(given.merged(typeless), Filters(doc_types=named.doc_types), missing)
    return Relaxed(given, named, missing)


def _missing(merged: Filters, any_document: AnyDocument, preferred_years: tuple[str, ...]) -> Filters | None:
    """The country and year of ``merged`` when no statement has them (nor a country's statement of a preferred year)."""
    if not merged.countries or not (merged.date_from or merged.date_to):
        return None
    statement = Filters(countries=merged.countries, date_from=merged.date_from, date_to=merged.date_to)
    if any_document(statement):
        return None  # the statement is indexed: some other filter emptied the search
    if any(any_document(Filters(countries=merged.countries, date_from=y, date_to=y)) for y in preferred_years):
        return None  # "in 2022 and 2023": the other year's statement is indexed
    return statement


def missing_statement(missing: Filters | None) -> str | None:
    """What to tell the asker when the question is about a country's statement of a year that is not indexed."""
    if missing is None:
        return None
    first = (missing.date_from or missing.date_to or "")[:4]
    last = (missing.date_to or missing.date_from or "")[:4]
    years = first if first == last else f"{first} to {last}"
    names = " or ".join(with_article(country_name(code, int(first))) for code in missing.countries)
    return (
        f"No statement by {names} from {years} is indexed, so the corpus cannot say what was said there; "
        "the nearest passages are shown instead."
    )


def relaxed_note(unmatched: Filters, searched: Filters) -> str:
    """What the answer says about a filter that matched nothing, and what was searched instead."""
    preferring = ", preferring any that match" if unmatched.date_from or unmatched.date_to or unmatched.doc_types else ""
    if searched.is_empty():
        return f"No document {unmatched.describe()} is indexed; searched all documents{preferring}."
    return f"No document {unmatched.describe()} is indexed among those {searched.describe()}; searched those{preferring}."


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
