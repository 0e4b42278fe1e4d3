"""Timeline and summary answers over the real seed index: dated, cited, verbatim, in order."""

from __future__ import annotations

import pytest

from assistant.answer.records import answer_record
from assistant.answer.verify import match_key
from assistant.text.patterns import is_masthead

R2P_CHANGE = "How has the Secretary-General's position on the responsibility to protect changed between 2011 and 2017?"


def _verbatim(answer) -> None:  # type: ignore[no-untyped-def]
    """Every entry quotes its cited paragraph word for word, and no entry is a masthead line."""
    cited = {c.n: c for c in answer.citations}
    for entry in answer.timeline:
        citation = cited[entry.citation]
        assert citation.hit.meta.doc_id == entry.doc_id
        assert match_key(entry.quote) in match_key(citation.hit.passage.text)
        assert not is_masthead(entry.quote)


def test_the_r2p_timeline_has_one_dated_entry_per_statement(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask(R2P_CHANGE)
    assert answer.kind == "timeline" and not answer.abstained
    assert [e.year for e in answer.timeline] == [2011, 2013, 2015, 2016, 2017]
    assert [e.date for e in answer.timeline] == sorted(e.date for e in answer.timeline)
    assert [(e.first, e.latest) for e in answer.timeline] == [
        (True, False),
        (False, False),
        (False, False),
        (False, False),
        (False, True),
    ]
    _verbatim(answer)
    assert [(c.year, c.addressing, c.statements) for c in answer.counts] == [(y, 1, 1) for y in (2011, 2013, 2015, 2016, 2017)]
    lines = answer.text.splitlines()
    assert lines[0].startswith("5 of 5 statements address this, first in 2011, latest in 2017")
    assert [line[:4] for line in lines[1:]] == ["2011", "2013", "2015", "2016", "2017"]  # dated lines, in order
    record = answer_record(answer)
    assert record["kind"] == "timeline" and len(record["timeline"]) == 5
    assert set(record["timeline"][0]) >= {"date", "doc_id", "title", "speaker", "citation", "quote"}
    assert record["counts"][0] == {"year": 2011, "addressing": 1, "statements": 1, "column": ""}
    assert [c["n"] for c in record["citations"]] == [e["citation"] for e in record["timeline"]]


def test_a_timeline_that_left_statements_unread_says_its_counts_are_a_lower_bound(seed_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import assistant.answer.timeline as timeline
    from assistant.answer.timeline_text import PARTIAL_NOTICE

    def lower_bound(answer) -> bool:  # type: ignore[no-untyped-def]
        return any(n.startswith(PARTIAL_NOTICE) for n in answer.notices)

    whole = seed_assistant.ask(R2P_CHANGE)
    assert not lower_bound(whole)  # five statements, every one read
    monkeypatch.setattr(timeline, "MAX_SCORED", 2)  # as a wide scope would: only the most promising statements read
    partial = seed_assistant.ask(R2P_CHANGE)
    assert partial.kind == "timeline" and len(partial.timeline) <= 2 and lower_bound(partial)
    assert sum(c.addressing for c in partial.counts) <= 2 and sum(c.statements for c in partial.counts) == 5
    assert partial.notices[-1].endswith("name a speaker or a shorter period to read every one.")


def test_the_sentence_budget_keeps_the_most_promising_statements(seed_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Where sentences are embedded per question (no stored vectors), at most SENTENCE_WORDS words are, best first."""
    import assistant.answer.timeline as timeline
    from assistant.answer.timeline_text import PARTIAL_NOTICE
    from assistant.index.store import IndexStore

    monkeypatch.setattr(IndexStore, "has_sentence_vectors", property(lambda self: False))
    monkeypatch.setattr(timeline, "SENTENCE_WORDS", 1)  # room for the first statement only
    seed_assistant.searcher.sentences.forget()
    first = seed_assistant.ask(R2P_CHANGE)
    again = seed_assistant.ask(R2P_CHANGE)  # its sentences now remembered: the same statements all the same
    assert first.kind == "timeline" and len(first.timeline) == 1
    assert [e.doc_id for e in again.timeline] == [e.doc_id for e in first.timeline]
    assert any(n.startswith(PARTIAL_NOTICE) for n in first.notices)
    _verbatim(first)


def test_a_wide_scope_embeds_within_the_smaller_wide_budget(seed_assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Over a scope searched through the first stage (every country), the wide budget applies, not the column's."""
    import assistant.answer.timeline as timeline
    from assistant.index.store import IndexStore

    monkeypatch.setattr(IndexStore, "has_sentence_vectors", property(lambda self: False))
    monkeypatch.setattr(timeline, "EXHAUSTIVE_ROWS", 10)  # the seed index's few hundred passages count as a wide scope
    seed_assistant.searcher.sentences.forget()
    assert len(seed_assistant.ask(R2P_CHANGE).timeline) >= 2  # the column budget has room for several statements
    monkeypatch.setattr(timeline, "WIDE_SENTENCE_WORDS", 1)  # ... the wide one for the first only
    seed_assistant.searcher.sentences.forget()
    wide = seed_assistant.ask(R2P_CHANGE)
    assert wide.kind == "timeline" and len(wide.timeline) == 1
    _verbatim(wide)


def test_a_first_mention_starts_at_the_first_statement_that_addresses_the_topic(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask(
        "In which year does the Human Rights Up Front initiative first come up, and is it mentioned again later?"
    )
    assert answer.kind == "timeline"
    assert answer.timeline[0].year == 2015 and answer.timeline[0].first
    assert all(e.year >= 2015 for e in answer.timeline)
    assert any("Human Rights Up Front" in e.quote for e in answer.timeline)
    _verbatim(answer)


def test_the_period_bounds_the_timeline(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask(
        "How did the Secretary-General's view of the responsibility to protect change between 2015 and 2016?"
    )
    assert [e.year for e in answer.timeline] == [2015, 2016]
    assert [c.year for c in answer.counts] == [2015, 2016]


def test_a_topic_no_statement_addresses_is_refused_with_the_count_searched(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask("How has the Secretary-General's position on cryptocurrency mining evolved since 2011?")
    assert answer.abstained and answer.kind == "abstention" and not answer.timeline
    assert any("5 searched" in n for n in answer.notices)


def test_the_2016_reports_recommendations_come_from_its_sections_three_to_five(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask("Summarize the 2016 report's recommendations")
    assert answer.kind == "summary" and not answer.abstained
    assert len(answer.citations) >= 3
    for citation in answer.citations:
        assert citation.hit.meta.doc_id == "004_44fea8a60e0f5565"  # none from another document
        assert (citation.hit.passage.section or "").split(".")[0] in {"III", "IV", "V"}
    orders = [c.hit.passage.order for c in answer.citations]
    assert orders == sorted(orders)  # in document order
    for sentence in answer.sentences or ():
        assert match_key(sentence.text) in match_key(answer.citations[sentence.citations[0] - 1].hit.passage.text)


def test_the_main_points_of_one_message(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask("What are the main points of the 2015 message?")
    assert answer.kind == "summary"
    assert {c.hit.meta.doc_id for c in answer.citations} == {"000_2da93208c23d15a9"}
    assert len(answer.citations) >= 2


@pytest.mark.parametrize("question", ["Summarize the message", "Give me a summary of the 2019 report"])
def test_a_summary_of_no_single_document_asks_which(seed_assistant, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask(question)
    assert answer.kind == "clarify" and not answer.citations
    assert answer.choices and all(m.title in answer.text for m in answer.choices)
    if "message" in question and "2019" not in question:
        assert sorted(m.date or "" for m in answer.choices) == ["2013-09-27", "2015-09-30"]
    assert answer_record(answer)["choices"][0]["doc_id"] == answer.choices[0].doc_id


def test_an_undated_statement_is_never_an_entry(fake_settings) -> None:  # type: ignore[no-untyped-def]
    """Every statement is let through (threshold -1): the undated one still has no place on the timeline."""
    from conftest import write_small_corpus

    from assistant.index.builder import ingest
    from assistant.pipeline import Assistant

    settings = fake_settings.with_overrides(timeline_threshold=-1.0)
    write_small_corpus(settings.corpus_dir)
    (settings.corpus_dir / "undated.txt").write_text(
        "Clean water is a human right, and water for every person on the planet needs cooperation.\n", encoding="utf-8"
    )
    ingest(settings, progress=False)
    assistant = Assistant(settings)
    assert any(m.date is None for m in assistant.store.documents)
    answer = assistant.ask("How has the position on clean water for every person changed over the years?")
    assert answer.kind == "timeline" and answer.timeline
    assert all(e.date and e.year > 1900 for e in answer.timeline)
    assert "undated" not in {e.doc_id for e in answer.timeline}
    assert sum(c.addressing for c in answer.counts) == len(answer.timeline)


def test_a_speaker_the_index_does_not_have_is_named_in_the_refusal(seed_assistant) -> None:  # type: ignore[no-untyped-def]
    answer = seed_assistant.ask("How did Kofi Annan's position on the responsibility to protect change over the years?")
    assert answer.abstained and not answer.timeline
    assert answer.notices == ("No statement by Kofi Annan is indexed.",)


def _country_assistant(tmp_path, code: str, paragraphs: dict[int, str]):  # type: ignore[no-untyped-def]
    """The real assistant over a real index of one country's speeches, one paragraph of ``paragraphs`` a year."""
    from conftest import settings_for, write_speech

    from assistant.index.builder import ingest
    from assistant.ingest.ungdc.speeches import iter_ungdc
    from assistant.pipeline import Assistant

    root = tmp_path / "ungdc"
    filler = "The Assembly must also address development, trade and the reform of the international financial system."
    for year, text in paragraphs.items():
        write_speech(root, code, year - 1945, year, f"{filler}\n\n{text}\n\n{filler}\n")
    settings = settings_for(tmp_path / "index")
    ingest(settings, list(iter_ungdc(root)), progress=False, corpus_name="ungdc")
    return Assistant(settings)


def test_a_timeline_finds_the_older_hyphenated_spelling_of_its_topic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """'peacekeeping' also finds the statements that wrote 'peace-keeping', through the real index and model."""
    from assistant.retrieve.rerank import TermStatistics

    assistant = _country_assistant(
        tmp_path,
        "URY",
        {
            1975: "Uruguay has sent officers to the peace-keeping operations of the United Nations in Cyprus and Kashmir.",
            1985: "Peace-keeping forces deserve the support of every Member State, and Uruguay will keep contributing troops.",
            1995: "The Organization's peace-keeping operations need stable financing; Uruguay's contingents serve in several.",
            2005: "Uruguay is proud that its blue helmets serve in peacekeeping missions in Haiti and the Congo.",
            2015: "Peacekeeping remains the Organization's most visible work, and Uruguay one of its largest contributors.",
        },
    )
    terms = TermStatistics(assistant.store)
    assert terms.forms("peacekeep") == ("peacekeep",)  # the plain statistics, as ordinary questions use them
    assert terms.with_spellings().forms("peacekeep") == ("peacekeep", "peace-keep")
    answer = assistant.ask("How has Uruguay spoken about peacekeeping over the years?")
    assert answer.kind == "timeline"
    assert [e.year for e in answer.timeline] == [1975, 1985, 1995, 2005, 2015]
    _verbatim(answer)


def test_a_first_mention_is_not_an_earlier_passage_holding_the_topics_words_apart(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """'international information security' first comes up where the words stand together, not in 1950's
    'information to the Security Council', though that passage holds most of them; through the real index."""
    import assistant.answer.timeline_anchor as timeline_anchor

    assistant = _country_assistant(
        tmp_path,
        "RUS",
        {
            1950: "The Soviet Union is prepared to submit this information to the Security Council.",
            1970: "Disarmament talks between the great Powers must continue, and the Soviet Union will take part in them.",
            1998: "Russia's initiative to launch a discussion on ways to achieve international information security serves the same goal.",
            2000: "Russia will table a draft resolution on international information security and the use of telecommunications.",
            2011: "In the age of new technologies, international information security has become a challenge for all of us.",
        },
    )
    question = "When did Russia first raise international information security in the general debate?"
    answer = assistant.ask(question)
    assert answer.kind == "timeline"
    assert [e.year for e in answer.timeline if e.first] == [1998], [(e.year, e.confidence) for e in answer.timeline]
    assert all(e.year >= 1998 for e in answer.timeline)
    _verbatim(answer)
    # the word pairs decide it: asked of the terms alone, the 1950 passage would be the first mention
    monkeypatch.setattr(timeline_anchor, "PHRASE_OF_BEST", 0.0)
    assert [e.year for e in assistant.ask(question).timeline if e.first] == [1950]


def test_a_statement_that_uses_only_the_bracketed_name_is_an_entry(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """'Mother Earth (Pachamama)': a statement that says only 'Pachamama' is read against that name too, and is
    surer for it; through the real index and model."""
    import assistant.interpret.timeline as reader

    assistant = _country_assistant(
        tmp_path,
        "BOL",
        {
            1990: "Bolivia calls for the cancellation of the external debt that weighs on the poorest countries.",
            1996: "The rights of indigenous peoples over their lands must be respected on this earth of ours.",
            2006: "Bolivia defends the rights of Mother Earth against those who would turn nature into merchandise.",
            2009: "Our peoples honour the Pachamama, and the Pachamama cannot be bought or sold by anyone.",
            2012: "This Assembly must recognise the rights of Mother Earth in a universal declaration.",
            2015: "Climate finance must reach the countries that suffer most from a crisis they did not cause.",
        },
    )
    question = "When did Bolivia first speak of the rights of Mother Earth (Pachamama) in the general debate? Later years too."
    answer = assistant.ask(question)
    assert answer.kind == "timeline"
    assert [e.year for e in answer.timeline] == [2006, 2009, 2012], [(e.year, e.confidence) for e in answer.timeline]
    assert answer.reading is not None and any("also as “Pachamama”" in note for note in answer.reading.notes)
    _verbatim(answer)
    # read against the whole topic only ("rights Mother Earth Pachamama"), the statement that says only one of the
    # names is less sure: its most confident reading counts
    sure = {e.year: e.confidence for e in answer.timeline}
    monkeypatch.setattr(reader, "_alternatives", lambda *args: ())
    plain = {e.year: e.confidence for e in assistant.ask(question + " ").timeline}
    assert plain.get(2009, 0.0) < sure[2009] - 0.1, (plain, sure)
    assert plain[2006] <= sure[2006] and plain[2012] <= sure[2012]
