"""What is searched when what a question names matches no indexed document."""

from __future__ import annotations

from assistant.interpret.relaxation import missing_statement, relax, relaxed_note
from assistant.models import Filters

INDEXED = {("2017", "remarks"), ("2016", "report")}


def _any(filters: Filters) -> bool:
    """Like the store: is any document of ``INDEXED`` allowed?"""
    return any(
        (not filters.date_from or filters.date_from[:4] <= year <= (filters.date_to or filters.date_from)[:4])
        and (not filters.doc_types or kind in filters.doc_types)
        and not filters.countries
        for year, kind in INDEXED
    )


def test_a_filter_that_matches_is_kept_whole() -> None:
    named = Filters(date_from="2016", date_to="2016", doc_types=("report",))
    assert relax(named, Filters(), _any).filters == named and relax(named, Filters(), _any).unmatched is None


def test_a_type_named_loosely_is_loosened_first_and_the_year_kept() -> None:
    """The 2017 statement is the 2017 remarks: the year stays a filter, the type becomes a preference."""
    named = Filters(date_from="2017", date_to="2017", doc_types=("statement",))
    got = relax(named, Filters(), _any)
    assert got.filters == Filters(date_from="2017", date_to="2017")
    assert got.unmatched == Filters(doc_types=("statement",))
    assert relaxed_note(got.unmatched, got.filters) == (
        "No document type statement is indexed among those dated 2017; searched those, preferring any that match."
    )


def test_a_year_no_document_has_is_searched_as_a_preference_over_everything() -> None:
    named = Filters(date_from="2009", date_to="2009", doc_types=("report",))
    got = relax(named, Filters(), _any)
    assert got.filters == Filters() and got.unmatched == named
    assert relaxed_note(named, got.filters).startswith("No document dated 2009; type report is indexed; searched all")


def test_the_askers_own_filters_are_never_loosened() -> None:
    given = Filters(doc_types=("report",))
    got = relax(Filters(date_from="2009", date_to="2009"), given, _any)
    assert got.filters == given and got.unmatched == Filters(date_from="2009", date_to="2009")


def test_only_a_countrys_statement_of_a_year_that_is_missing_is_not_in_the_corpus() -> None:
    said = missing_statement(Filters(date_from="1976", date_to="1976", countries=("BHS",)))
    assert said is not None and said.startswith("No statement by the Bahamas from 1976 is indexed")
    # a year or a type alone may belong to a document the question only refers to
    assert missing_statement(Filters(date_from="2009", date_to="2009", doc_types=("report",))) is None
    assert missing_statement(Filters(countries=("BHS",))) is None
    assert missing_statement(None) is None
