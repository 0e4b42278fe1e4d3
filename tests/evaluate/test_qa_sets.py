"""QA files: JSON Lines and CSV, every problem reported by line, evidence checked against the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import DatasetError
from assistant.evaluate.evidence import QuoteLocator, contains_quote, quotes_in
from assistant.evaluate.qa_sets import load_qa_set, read_qa_file, require_evidence

GOOD = {
    "id": "a1",
    "question": "How many?",
    "answers": ["more than 40"],
    "evidence": ["more than 40 resolutions"],
    "answerable": True,
}
NONE = {"id": "x1", "question": "Capital of Australia?", "answers": [], "evidence": [], "answerable": False}


def _write(tmp_path: Path, lines: list[object], name: str = "qa.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    history = [{"role": "user", "content": "Earlier?"}, {"role": "assistant", "content": "Yes."}]
    path = _write(tmp_path, [GOOD, "", {**NONE, "history": history}, {**GOOD, "id": "a2", "multi_evidence": "all"}])
    qa = load_qa_set(path)
    assert [i.id for i in qa.items] == ["a1", "x1", "a2"]
    assert [i.line for i in qa.items] == [1, 3, 4]  # the blank line 2 is skipped but counted
    assert qa.answerable == 2 and qa.items[2].needs_all_evidence and not qa.items[0].needs_all_evidence
    assert qa.items[1].history[0]["content"] == "Earlier?"
    assert len(qa.sha256) == 64 and not qa.warnings


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            GOOD,
            '{"id": "a2", "question": "Broken"',  # line 2: not JSON
            {**NONE, "id": "a1"},  # line 3: duplicate id
            [1, 2],  # line 4: not an object
            {"question": "No id", "answers": [], "evidence": []},  # line 5: missing id and answerable
            {**GOOD, "id": "a6", "answers": "more than 40", "answerable": "yes"},  # line 6: wrong types
            {**GOOD, "id": "a7", "evidence": []},  # line 7: answerable without evidence
            {**NONE, "id": "a8", "answers": ["x"]},  # line 8: unanswerable with an answer
            {**GOOD, "id": "a9", "multi_evidence": "some", "history": [{"role": "bot"}]},  # line 9
        ],
    )
    with pytest.raises(DatasetError) as caught:
        load_qa_set(path)
    message = str(caught.value)
    assert caught.value.exit_code == 2
    for expected in (
        "line 2: not valid JSON",
        "line 3 (a1): duplicate id 'a1' (first on line 1)",
        "line 4: expected a JSON object",
        "line 5: missing fields: id, answerable",
        "line 6 (a6): answers must be a list of non-empty strings",
        "line 6 (a6): answerable must be true or false, not 'yes'",
        "line 7 (a7): an answerable question needs at least one evidence quote",
        "line 8 (a8): an unanswerable question must have empty answers and evidence",
        'line 9 (a9): multi_evidence must be "all" or absent',
        "line 9 (a9): history must be a list",
    ):
        assert expected in message, expected
    assert "nothing was run" in message


def test_unknown_fields_warn_and_review_flags_fail(tmp_path: Path) -> None:
    path = _write(tmp_path, [{**GOOD, "notes": "x"}, {**NONE, "id": "fb-1", "needs_review": True, "feedback": {}}])
    _, problems, warnings, _ = read_qa_file(path)
    assert warnings == ["line 1: unknown field ignored: notes"]
    assert [str(p) for p in problems] == [
        "line 2 (fb-1): marked needs_review by the feedback export: fill in answers and evidence, "
        "then set needs_review to false (or export with --confirmed-only)"
    ]


def test_empty_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="line 1: the file has no questions"):
        load_qa_set(_write(tmp_path, [""]))
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"id": "caf\xe9"}\n')
    with pytest.raises(DatasetError, match="line 2 is not UTF-8"):
        load_qa_set(bad)
    with pytest.raises(DatasetError, match="cannot read the QA file"):
        load_qa_set(tmp_path / "missing.jsonl")


def test_csv_with_the_same_columns(tmp_path: Path) -> None:
    path = tmp_path / "qa.csv"
    path.write_text(
        "id,question,answers,evidence,answerable,multi_evidence\n"
        'c1,How many?,"[""more than 40"", ""40""]",more than 40 resolutions,true,\n'
        "c2,Which?,ISIL | Boko Haram,ISIL|Boko Haram,yes,all\n"
        "c3,Capital of Australia?,,,false,\n"
        "c4,Broken?,x,y,maybe,\n",
        encoding="utf-8",
    )
    items, problems, _, _ = read_qa_file(path)
    assert [i.id for i in items] == ["c1", "c2", "c3"]
    assert items[0].answers == ("more than 40", "40")
    assert items[1].answers == ("ISIL", "Boko Haram") and items[1].needs_all_evidence
    assert items[2].answerable is False and items[2].answers == ()
    assert [str(p) for p in problems] == ["line 5 (c4): answerable must be true or false, not 'maybe'"]
    header_only = tmp_path / "bad.csv"
    header_only.write_text("id,question\nq,Q\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="line 1: the CSV header lacks the columns answers, evidence, answerable"):
        load_qa_set(header_only)


def test_quotes_match_folding_case_whitespace_and_curly_quotes() -> None:
    passage = "He pledged to translate the principle “from words into\n deeds”. It is   DONE."
    assert contains_quote(passage, 'translate the principle "from words into deeds"')
    assert contains_quote(passage, "it is done")
    assert not contains_quote(passage, "into deeds now")
    assert not contains_quote(passage, "   ")
    assert quotes_in(passage, ["nothing", "IT IS DONE", "pledged"]) == frozenset({1, 2})


def test_locator_finds_every_passage_and_never_across_two() -> None:
    locator = QuoteLocator([("p1", "Alpha beta."), ("p2", "Gamma alpha beta."), ("p3", "delta")])
    assert locator.passages_with("alpha BETA") == ["p1", "p2"]
    assert locator.passages_with("beta. gamma") == []  # the end of p1 and the start of p2 are not one text
    assert locator.passages_with("delta") == ["p3"]


def test_evidence_missing_from_the_corpus_is_a_dataset_error(tmp_path: Path) -> None:
    path = _write(tmp_path, [GOOD, {**GOOD, "id": "a2", "evidence": ["more than 40 resolutions", "a quote nobody wrote"]}])
    qa = load_qa_set(path)
    locator = QuoteLocator([("p1", "It informed more than 40 resolutions of the Council.")])
    with pytest.raises(DatasetError) as caught:
        require_evidence(qa, locator)
    assert "line 2 (a2): evidence quote found in no indexed passage: “a quote nobody wrote”" in str(caught.value)
    assert "line 1" not in str(caught.value)
