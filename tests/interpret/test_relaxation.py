"""What is searched when what a question names matches no indexed document."""

from __future__ import annotations

from assistant.interpret.relaxation import missing_statement, relax, relaxed_note
from assistant.models import Filters

# (year, type, country) of the documents of a small index
INDEXED = {("2017", "remarks", ""), ("2016", "report", ""), ("2019", "statement", "IRL"), ("2023", "statement", "IRL")}


def _any(filters: Filters) -> bool:
    """Like the store: is any document of ``INDEXED`` allowed?"""
    lo = (filters.date_from or "0000")[:4]
    hi = (filters.date_to or filters.date_from or "9999")[:4]
    return any(
        lo <= year <= hi
        and (not filters.doc_types or kind in filters.doc_types)
        and (not filters.countries or country in filters.countries)
        for year, kind, country in INDEXED
    )


def test_a_filter_that_matches_is_kept_whole() -> None:
    named = Filters(date_from="2016", date_to="2016", doc_types=("report",))
    got = relax(named, Filters(), _any)
    assert got.filters == named and got.unmatched is None and got.missing is None


def test_a_type_no_document_has_is_loosened_first_and_the_year_kept() -> None:
    """The 2017 speech is the 2017 remarks when no document of the index is a speech."""
    named = Filters(date_from="2017", date_to="2017", doc_types=("speech",))  # no document is a speech
    got = relax(named, Filters(), _any)
    assert got.filters == Filters(date_from="2017", date_to="2017")
    assert got.unmatched == Filters(doc_types=("speech",))
    assert relaxed_note(got.unmatched, got.filters) == (
        "No document type speech is indexed among those dated 2017; searched those, preferring any that match."
    )


def test_a_type_indexed_in_another_year_loosens_both() -> None:
    """'His 2016 remarks' when the remarks are of 2017: which one was meant is unclear, so neither filters."""
    named = Filters(date_from="2016", date_to="2016", doc_types=("remarks",))
    got = relax(named, Filters(), _any)
    assert got.filters == Filters() and got.unmatched == named


def test_a_year_no_document_has_is_searched_as_a_preference_over_everything() -> None:
    named = Filters(date_from="2009", date_to="2009", doc_types=("report",))
    got = relax(named, Filters(), _any)
    assert got.filters == Filters() and got.unmatched == named and got.missing is None
    assert relaxed_note(named, got.filters).startswith("No document dated 2009; type report is indexed; searched all")


def test_the_askers_own_filters_stay_when_the_questions_match_nothing() -> None:
    given = Filters(doc_types=("report",))
    got = relax(Filters(date_from="2009", date_to="2009"), given, _any)
    assert got.filters == given and got.unmatched == Filters(date_from="2009", date_to="2009")


def test_a_countrys_statement_of_a_year_that_is_missing_is_not_in_the_corpus() -> None:
    got = relax(Filters(date_from="2021", date_to="2021", countries=("IRL",)), Filters(), _any)
    assert got.missing == Filters(date_from="2021", date_to="2021", countries=("IRL",))
    said = missing_statement(got.missing)
    assert said is not None and said.startswith("No statement by Ireland from 2021 is indexed")
    # a country alone is never a missing statement, and a country is no ranking preference
    alone = relax(Filters(countries=("BHS",)), Filters(), _any)
    assert alone.missing is None and relaxed_note(alone.unmatched or Filters(), alone.filters).endswith("searched all documents.")


def test_a_statement_is_not_missing_when_it_is_indexed_or_another_year_asked_about_is() -> None:
    # the asker's own filter (another document) emptied the search, not the statement's absence
    asked = Filters(doc_ids=("ungdc/IRL_74_2019",))  # a document this small index does not hold
    got = relax(Filters(date_from="2023", date_to="2023", countries=("IRL",)), asked, lambda f: not f.doc_ids and _any(f))
    assert got.missing is None
    # the asker set the year, the question the country: Ireland's 2021 statement is still missing
    got = relax(Filters(countries=("IRL",)), Filters(date_from="2021", date_to="2021"), _any)
    assert got.missing == Filters(date_from="2021", date_to="2021", countries=("IRL",))
    # "in 2021 and 2023": the 2023 statement is indexed
    got = relax(Filters(date_from="2021", date_to="2021", countries=("IRL",)), Filters(), _any, ("2023",))
    assert got.missing is None
