"""The learned reading of questions that ask for years: its weights, its fit, and where the reader asks it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.errors import UsageError
from assistant.evaluate.intent_calibrate import _fit, collect
from assistant.interpret.countries import CountryNames
from assistant.interpret.timeline import read_timeline
from assistant.interpret.timeline_intent import CLASSES, IntentModel, load_intent, normalise

NAMES = CountryNames({"Cambodia": "KHM", "Yemen": "YEM", "Brazil": "BRA", "Chile": "CHL", "Malta": "MLT"})
# a model that never reads a question as asking for years: the phrasings alone
NEVER = IntentModel({}, [], [[], [], []], [0.0, 0.0, 0.0], 0.99)
PROJECT = Path(__file__).resolve().parents[2]


def test_the_packaged_model_loads_and_was_fitted_on_no_held_out_part_not_yet_run() -> None:
    model = load_intent()
    assert 0.5 <= model.threshold < 1
    files = model.fitted["files"]
    assert any("timeline/" in f for f in files) and any("trust/" in f for f in files)
    # the parts held out when it was fitted (written after it, run once against it) and the abstention test parts
    # are never fitted on
    assert not any(f"ungdc_test{n}." in f for f in files for n in (31, 32, 33, 34, 35, 36, 37))
    assert not any("trust/" in f and "_test" in f for f in files)


def test_countries_years_and_decades_become_placeholders() -> None:
    assert normalise("When did Cambodia first raise it in the 1990s, or in 2004?") == (
        "when did  zcountry  first raise it in the  zdecade , or in  zyear ?"
    )
    assert "zcountry" in normalise("the united states and the Byelorussian Soviet Socialist Republic")
    assert "zcountry" not in normalise("what did us officials say")


def _records(tmp_path: Path) -> Path:
    ordinary = [
        "What did Brazil say about the Amazon in its 2019 speech?",
        "Which fund did the Secretary-General announce in 2014?",
        "How many refugees did Chile mention in 1990?",
        "What is the responsibility to protect?",
    ]
    over_time = [
        "Which general debate speeches of Chile mention copper since 1970?",
        "How has Brazil's position on the Amazon changed over the years?",
        "List every general debate speech of Malta on the sea-bed.",
    ]
    first = ["When did Malta first raise the sea-bed?", "When did Cambodia first mention the Mekong, and later?"]
    lines = []
    for n, (q, kind) in enumerate(
        [*((q, None) for q in ordinary), *((q, "timeline") for q in over_time), *((q, "first_mention") for q in first)]
    ):
        record = {"id": f"q{n}", "question": q, "answers": ["x"], "evidence": ["a quote of some words"], "answerable": True}
        if kind:
            record |= {"kind": kind, "timeline": [{"year": 2000, "evidence": "a quote of some words"}], "first_year": 2000}
        lines.append(json.dumps(record))
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_its_probabilities_are_scikit_learns(tmp_path: Path) -> None:
    examples = collect(_records(tmp_path))
    assert [e.label for e in examples].count("first_mention") == 2 and [e.label for e in examples].count("ordinary") == 4
    vectorizer, fitted = _fit([e.question for e in examples], [e.label for e in examples])
    model = IntentModel(
        {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
        [float(v) for v in vectorizer.idf_],
        [[float(w) for w in row] for row in fitted.coef_],
        [float(b) for b in fitted.intercept_],
        0.7,
    )
    questions = ["When did Chile first mention copper?", "What did Malta say in 1990?", "nothing it knows"]
    expected = fitted.predict_proba(vectorizer.transform([normalise(q) for q in questions]))
    for q, row in zip(questions, expected, strict=True):
        got = model.probabilities(q)
        assert [got[c] for c in CLASSES] == pytest.approx(list(row), abs=1e-9)
    again = IntentModel.from_json(model.to_json())
    assert again.probabilities(questions[0]) == pytest.approx(model.probabilities(questions[0]), abs=1e-5)


def test_the_command_refits_on_a_small_set_and_the_model_is_read_back(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _records(tmp_path)
    second = tmp_path / "more.jsonl"
    second.write_text(first.read_text(encoding="utf-8").replace('"id": "q', '"id": "r'), encoding="utf-8")
    out = tmp_path / "intent.json"
    assert main(["calibrate-intent", str(first), str(second), "--out", str(out), "--max-ordinary", "0"]) == 0
    model = load_intent(out)
    assert model.fitted["files"] == [str(first), str(second)] and model.fitted["questions"]["ordinary"] == 8
    assert 0.5 <= model.threshold < 1
    assert "Wrote" in capsys.readouterr().out


def test_the_command_refuses_what_it_cannot_fit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _records(tmp_path)
    assert main(["calibrate-intent", str(path), str(path)]) != 0
    assert "named twice" in capsys.readouterr().err
    assert main(["calibrate-intent", str(path), "--max-ordinary", "2"]) != 0
    assert "--max-ordinary" in capsys.readouterr().err
    only_ordinary = tmp_path / "ordinary.jsonl"
    only_ordinary.write_text(
        "".join(line + "\n" for line in path.read_text(encoding="utf-8").splitlines() if '"timeline"' not in line),
        encoding="utf-8",
    )
    assert main(["calibrate-intent", str(only_ordinary), str(path), "--out", str(tmp_path / "m.json")]) != 0
    assert "ordinary, timeline and first-mention" in capsys.readouterr().err


def test_an_unreadable_model_is_a_usage_error_naming_the_fix(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match="calibrate-intent"):
        load_intent(broken)
    lopsided = tmp_path / "lopsided.json"
    data = json.loads(load_intent().to_json())
    data["idf"] = data["idf"][:-1]
    lopsided.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match="inconsistent"):
        load_intent(lopsided)


@pytest.mark.parametrize(
    ("question", "speaker", "topic", "kind"),
    [
        (
            "cambodia + mekong cooperation - list every general debate speech that mentions it",
            "cambodia",
            "mekong cooperation",
            "timeline",
        ),
        (
            "brazil: amazon deforestation, all general debate statements that mention it",
            "brazil",
            "amazon deforestation",
            "first_mention",
        ),
    ],
)
def test_a_way_of_asking_no_phrasing_knows_is_read_by_the_model(question: str, speaker: str, topic: str, kind: str) -> None:
    assert read_timeline(question, NAMES, NEVER) is None  # the phrasings alone miss it
    ask = read_timeline(question, NAMES)
    assert ask is not None and ask.kind == kind
    assert [c.label for c in ask.columns] == [speaker] and ask.topic == topic


@pytest.mark.parametrize(
    "question",
    [
        "What did Brazil say about the Amazon?",
        "Has light pollution come up in the General Debate?",  # no speaker, no statements named
        "How does the Secretary-General define the responsibility to protect?",
        # questions about the statements themselves, which the model alone reads as asking for years
        "Who delivered Chile's general debate speeches?",
        "Which of Chile's general debate statements are missing?",
        "Who writes the general debate statements?",
        "Do you have Brazil's general debate statements?",
        # a yes-or-no about one topic, a request to summarise, a question about one dated statement
        "Did Yemen mention climate finance in the general debate?",
        "Summarise Brazil's general debate statements on the Amazon.",
        "What did Chile say in its 2009 speech about copper?",
    ],
)
def test_ordinary_questions_stay_ordinary(question: str) -> None:
    assert read_timeline(question, NAMES) is None


@pytest.mark.parametrize(
    "question",
    [
        "which brazil general debate statements mention the Amazon, every year?",  # the model says yes …
        "cambodia + mekong cooperation - list every general debate speech that mentions it",
    ],
)
def test_the_gate_lets_the_model_read_only_questions_that_ask_for_years_and_say_so(question: str) -> None:
    assert read_timeline(question, NAMES) is not None
    assert read_timeline(question.replace("every year", "").replace("list every", "a"), NAMES, NEVER) is None
    # … but not without a word asking for years ("every", "list", "first", "years" …)
    assert read_timeline(question.replace("every year", "please").replace("list every", "a"), NAMES) is None


def test_a_model_file_of_the_wrong_shape_is_a_usage_error(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    for text in ("[]", "null", json.dumps({**json.loads(load_intent().to_json()), "vocabulary": {"a": 0, "b": 99999}})):
        wrong.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match="calibrate-intent"):
            load_intent(wrong)


def test_the_command_refuses_a_folder_as_out_and_a_file_named_twice_in_two_spellings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _records(tmp_path)
    assert main(["calibrate-intent", str(path), str(_records_copy(path)), "--out", str(tmp_path)]) != 0
    assert "--out" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    assert main(["calibrate-intent", path.name, f"./{path.name}", "--out", "m.json"]) != 0
    assert "named twice" in capsys.readouterr().err


def _records_copy(path: Path) -> Path:
    copy = path.with_name("more.jsonl")
    copy.write_text(path.read_text(encoding="utf-8").replace('"id": "q', '"id": "r'), encoding="utf-8")
    return copy
