"""The abstention decision: the signals it reads and the logistic confidence, computed by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from assistant.answer.abstain import AbstentionModel, answer_type_present, load_model, profile, signals_for
from assistant.errors import UsageError
from assistant.models import DocumentMeta, Hit, Passage, Signals, Span
from assistant.retrieve.rerank import Evidence
from assistant.retrieve.search import SearchResult

# evidence scores by hand (weights 0.3 window, 0.4 sentence, 0.3 coverage)
TOP = Evidence(dense=0.6, sentence=0.8, sentence_index=0, coverage=0.5)  # 0.18 + 0.32 + 0.15 = 0.65
SECOND = Evidence(dense=0.4, sentence=0.5, sentence_index=1, coverage=0.2)  # 0.12 + 0.20 + 0.06 = 0.38


def signals(**values: float) -> Signals:
    base = dict.fromkeys(Signals.__dataclass_fields__, 0.0)
    return Signals(**{**base, **values})  # type: ignore[arg-type]


def result(kind: str = "paragraph") -> SearchResult:
    meta = DocumentMeta(doc_id="d", source="d.txt")
    passage = Passage("d#p1", "d", 0, "1", kind, "Two countries joined.", None, (Span(0, 21),))
    return SearchResult(
        hits=[Hit(passage, meta, 0.65)],
        query_vec=np.zeros(4, dtype=np.float32),
        evidence={3: TOP, 7: SECOND},
        rows=[3, 7],
        first_stage_ranks={"dense": {7: 1, 3: 2}, "bm25": {3: 1}},
        searched=50,
    )


def test_evidence_scores_are_the_weighted_sums() -> None:
    assert TOP.score == pytest.approx(0.65) and SECOND.score == pytest.approx(0.38)
    assert Evidence(0.6, 0.8, 0, 0.5, partial=True).score == pytest.approx(0.65 - 1.0)  # ranks after every full one


def test_signals_of_a_search() -> None:
    s = signals_for("How many countries joined the initiative?", result(), ("Two countries joined.", 0.75), passages=200)
    assert s.evidence == pytest.approx(0.65) and (s.dense, s.sentence, s.coverage) == (0.6, 0.8, 0.5)
    assert s.best_sentence == 0.75 and s.answer_type == 1.0  # "two" answers "how many"
    assert s.dense_rank == 0.5 and s.bm25_rank == 1.0  # 1 / rank of row 3 in each retriever
    assert s.agree == 0.0  # dense put row 7 first, BM25 row 3
    assert s.margin == pytest.approx(0.65 - 0.38)
    assert s.filtered == 1.0 and s.searched_share == pytest.approx(math.log10(50 / 200))  # -0.602
    assert s.title == 0.0 and s.log_passages == pytest.approx(2.30103)
    assert s.question_terms == 4.0  # many, countries, joined, initiative
    assert s.relaxed == 0.0


def test_scope_contrast_reads_the_whole_index_evidence_not_the_ranking_score() -> None:
    s = signals_for("How many countries joined the initiative?", result(), ("Two countries joined.", 0.75), passages=200)
    assert s.scope_contrast == 0.0  # no unfiltered search: nothing to compare
    unfiltered = result()
    unfiltered.evidence = {5: Evidence(dense=0.9, sentence=0.9, sentence_index=0, coverage=0.9), 3: TOP}  # 0.90, 0.65
    unfiltered.hits[0] = Hit(unfiltered.hits[0].passage, unfiltered.hits[0].meta, 0.03)  # an RRF-scale ranking score
    s = signals_for("How many countries joined?", result(), None, passages=200, unfiltered=unfiltered)
    assert s.scope_contrast == pytest.approx(0.65 - 0.90)  # the statement holds less than the index does elsewhere
    unfiltered.evidence = {}
    assert signals_for("How many?", result(), None, passages=200, unfiltered=unfiltered).scope_contrast == 0.0


def test_signals_without_a_sentence_and_on_a_title_block() -> None:
    s = signals_for("Who led it?", result(kind="title"), None, passages=50, relaxed=True)
    assert s.best_sentence == pytest.approx(0.325)  # half the passage's evidence
    assert s.answer_type == 0.0 and s.title == 1.0 and s.relaxed == 1.0
    assert s.filtered == 0.0 and s.searched_share == 0.0  # the search saw all 50 passages


@pytest.mark.parametrize(
    ("question", "sentence", "present"),
    [
        ("How many countries joined?", "Many countries joined.", False),
        ("How many countries joined?", "It was joined by 12 countries.", True),
        ("And how much did it cost?", "Millions were spent.", True),
        ("When was the report issued?", "It was issued in the spring.", False),
        ("When was the report issued?", "It was issued 3 weeks ago.", False),  # a small number is not a year
        ("In what year was it issued?", "It was issued in 1999.", True),
        ("Who led the veto initiative?", "No number here.", True),  # asks for no particular type
    ],
)
def test_answer_type(question: str, sentence: str, present: bool) -> None:
    assert answer_type_present(question, sentence) is present


MODEL = AbstentionModel(
    features=("evidence", "best_sentence"),
    mean=(0.5, 0.5),
    scale=(0.25, 0.5),
    coef=(2.0, 1.0),
    intercept=-0.5,
    thresholds={"seed": 0.4, "large": 0.6},
    fitted={"command": "python -m assistant calibrate"},
)


def test_confidence_is_the_logistic_of_the_standardised_signals() -> None:
    # x = ((0.75 - 0.5) / 0.25, (0.5 - 0.5) / 0.5) = (1, 0); z = 2 * 1 + 1 * 0 - 0.5 = 1.5
    assert MODEL.confidence(signals(evidence=0.75, best_sentence=0.5)) == pytest.approx(1 / (1 + math.exp(-1.5)))  # 0.8176
    # x = (0, -1); z = -1.5
    assert MODEL.confidence(signals(evidence=0.5, best_sentence=0.0)) == pytest.approx(0.1824, abs=1e-4)
    # signals the model does not read change nothing
    assert MODEL.confidence(signals(evidence=0.75, best_sentence=0.5, margin=9.0)) == pytest.approx(0.8176, abs=1e-4)


def test_extreme_signals_do_not_overflow() -> None:
    assert MODEL.confidence(signals(evidence=1e6)) == pytest.approx(1.0)
    assert 0.0 < MODEL.confidence(signals(evidence=-1e6)) < 1e-20  # z clamped at -50


def test_thresholds_per_corpus_size() -> None:
    assert (profile(19_999), profile(20_000)) == ("seed", "large")
    assert MODEL.threshold(500) == 0.4 and MODEL.threshold(50_000) == 0.6
    seed_only = AbstentionModel(("evidence",), (0.0,), (1.0,), (1.0,), 0.0, {"seed": 0.45})
    assert seed_only.threshold(50_000) == 0.45


def test_the_model_round_trips_through_json(tmp_path: Path) -> None:
    path = tmp_path / "abstention.json"
    path.write_text(MODEL.to_json(), encoding="utf-8")
    assert load_model(path) == MODEL


def test_unreadable_or_foreign_models_say_how_to_refit(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match=r"python -m assistant calibrate"):
        load_model(broken)
    foreign = tmp_path / "foreign.json"
    data = json.loads(MODEL.to_json())
    data["features"] = ["evidence", "moon_phase"]
    foreign.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match="does not fit this version's signals"):
        load_model(foreign)


def test_the_packaged_model_reads_known_signals() -> None:
    model = load_model()
    assert set(model.features) <= set(Signals.__dataclass_fields__)
    assert "seed" in model.thresholds and 0.0 < model.confidence(signals(evidence=0.5, best_sentence=0.5)) < 1.0


def test_the_names_a_question_gives_are_its_capitalised_key_terms_but_not_the_setting() -> None:
    from assistant.answer.abstain import question_names
    from assistant.text.lexical import key_terms

    def names(q: str) -> list[str]:
        return question_names(q, key_terms(q))

    assert names("What did delegations say about the toxic waste buried at Love Canal?") == ["love", "canal"]
    assert names("What did the Secretary-General say about NATO's intervention in Kosovo?") == ["nato", "kosovo"]
    # the words of the setting, a word opening a sentence and a question typed in lower case give none
    assert names("What did the General Assembly hear? Famine was raised in the Security Council.") == []
    assert names("what did they say about kosovo") == []
    # capitals that mark nothing: a question typed in capitals, the calendar; a title opens no sentence
    assert names("WHAT DID THE DELEGATES SAY ABOUT NUCLEAR TESTING") == []
    assert names("What did Mr. Annan say in September about the Élysée Treaty?") == ["annan", "elyse", "treati"]
