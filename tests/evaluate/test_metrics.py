"""Every metric formula against values worked out by hand on tiny cases."""

from __future__ import annotations

import math

import pytest

from assistant.answer.cited import cited_sentences
from assistant.evaluate import metrics as m
from assistant.evaluate.qa_sets import QAItem
from assistant.evaluate.score import abstention_curve, aggregate, context_words, outside_context, score_question

# Ranked passages: 1st holds no quote, 2nd quote 0, 3rd nothing, 4th quote 1.
RANKING = [frozenset(), frozenset({0}), frozenset(), frozenset({1})]


def test_quote_recall_counts_quotes_found_in_the_top_k() -> None:
    assert m.quote_recall(RANKING, 2, 1) == 0.0
    assert m.quote_recall(RANKING, 2, 2) == 0.5  # quote 0 of 2
    assert m.quote_recall(RANKING, 2, 4) == 1.0
    with pytest.raises(ValueError):
        m.quote_recall(RANKING, 0, 4)


def test_hit_needs_any_quote_or_every_quote() -> None:
    assert m.hit(RANKING, 2, 1) is False
    assert m.hit(RANKING, 2, 2) is True
    assert m.hit(RANKING, 2, 2, needs_all=True) is False  # quote 1 only at rank 4
    assert m.hit(RANKING, 2, 4, needs_all=True) is True


def test_reciprocal_rank_of_the_first_relevant_passage() -> None:
    assert m.first_relevant_rank(RANKING) == 2
    assert m.reciprocal_rank(RANKING, 10) == 0.5
    assert m.reciprocal_rank(RANKING, 1) == 0.0  # the first relevant passage is below the cut-off
    assert m.first_relevant_rank([frozenset()]) is None


def test_ndcg_with_binary_gains() -> None:
    # DCG = 1/log2(3) + 1/log2(5) = 0.630930 + 0.430677 = 1.061606; ideal (2 relevant) = 1 + 0.630930 = 1.630930
    assert m.ndcg(RANKING, 2, 10) == pytest.approx(1.061606 / 1.630930, abs=1e-6)
    assert m.ndcg(RANKING, 2, 10) == pytest.approx(0.650921, abs=1e-6)
    # Three relevant passages in the corpus: the ideal adds 1/log2(4) = 0.5
    assert m.ndcg(RANKING, 3, 10) == pytest.approx(1.061606 / 2.130930, abs=1e-6)
    assert m.ndcg([frozenset({0})], 1, 10) == 1.0
    assert m.ndcg(RANKING, 2, 1) == 0.0


def test_ndcg_and_mrr_agree_with_ranx() -> None:
    """Our per-question formulas give ranx's numbers on the same judgements."""
    from ranx import Qrels, Run, evaluate

    qrels = Qrels({"q": {"p2": 1, "p4": 1}})
    run = Run({"q": {"p1": 4.0, "p2": 3.0, "p3": 2.0, "p4": 1.0}})
    scores = evaluate(qrels, run, ["ndcg@10", "mrr@10"])
    assert scores["ndcg@10"] == pytest.approx(m.ndcg(RANKING, 2, 10))
    assert scores["mrr@10"] == pytest.approx(m.reciprocal_rank(RANKING, 10))


def test_correct_means_a_reference_occurs_as_whole_words() -> None:
    assert m.is_correct("It informed more than 40 resolutions of the Council. [1]", ["more than 40"])
    assert not m.is_correct("It informed 400 resolutions.", ["40"])  # not a whole word
    assert m.is_correct("cases such as Côte d’Ivoire and Kenya", ["Cote d'Ivoire"])  # accents and quotes folded
    assert not m.is_correct("Ten resolutions [1]", ["1"])  # citation markers are not answers
    assert not m.is_correct("anything", [])


def test_token_f1_against_the_best_reference() -> None:
    # answer {the, cat, sat} vs {cat, sat, down}: 2 common; P = R = 2/3, F1 = 2/3
    assert m.token_f1("The cat sat.", ["cat sat down"]) == pytest.approx(2 / 3)
    assert m.token_f1("The cat sat.", ["dog", "cat sat down"]) == pytest.approx(2 / 3)
    # answer {cat} vs {cat, sat, down}: P = 1, R = 1/3, F1 = 2 * 1/3 / (4/3) = 0.5
    assert m.token_f1("cat [1]", ["cat sat down"]) == pytest.approx(0.5)
    assert m.token_f1("dog", ["cat"]) == 0.0


def _letters(sentence: str, passages: list[str] | tuple[str, ...]) -> bool:
    """Fake support: a sentence of letters is supported when the passages hold every letter."""
    return set(sentence) <= set("".join(passages))


def test_alce_citation_precision_and_recall() -> None:
    scores = m.citation_scores(
        [
            ("ab", ["a", "b"]),  # supported only together: both citations needed -> 2 good
            ("a", ["a", "c"]),  # "c" alone fails and "a" suffices without it -> 1 good of 2
            ("d", ["a"]),  # not supported -> its citation is not good
            ("e", []),  # nothing cited -> not supported
        ],
        _letters,
    )
    assert scores.recall == pytest.approx(2 / 4)
    assert scores.precision == pytest.approx(3 / 5)
    assert (scores.citations, scores.sentences) == (5, 4)
    empty = m.citation_scores([], _letters)
    assert empty.precision is None and empty.recall is None


def test_evidence_citation_precision() -> None:
    assert m.evidence_citation_precision([frozenset({0}), frozenset(), frozenset({1}), frozenset()]) == 0.5
    assert m.evidence_citation_precision([]) is None


def test_cited_sentences_attach_markers_to_the_sentence_before() -> None:
    assert cited_sentences("First claim. [1] Second claim [2][3]. Third one.") == [
        ("First claim.", [1]),
        ("Second claim.", [2, 3]),
        ("Third one.", []),
    ]
    assert cited_sentences("One [1, 2] [2]") == [("One", [1, 2])]


def test_abstention_scores() -> None:
    outcomes = [
        (False, True),  # unanswerable, refused: right
        (False, True),
        (False, False),  # unanswerable, answered: wrong
        (True, False),
        (True, True),  # answerable, refused: wrong
        (True, False),
        (True, False),
    ]
    a = m.abstention_scores(outcomes)
    assert a.correct_refusal_rate == pytest.approx(2 / 3)
    assert a.wrong_refusal_rate == pytest.approx(1 / 4)
    assert a.precision == pytest.approx(2 / 3)  # 3 refusals, 2 right
    assert a.f1 == pytest.approx(2 / 3)  # 2 * (2/3)(2/3) / (4/3)
    none_refused = m.abstention_scores([(False, False), (True, False)])
    assert none_refused.f1 == 0.0 and none_refused.precision is None
    assert m.abstention_scores([(True, False)]).f1 is None  # no unanswerable question: undefined


def test_abstained_at_a_threshold() -> None:
    assert m.abstained_at(0.5, 0.4)
    assert not m.abstained_at(0.5, 0.6)
    assert not m.abstained_at(0.5, None)  # chit-chat has no evidence score
    assert m.abstained_at(0.0, 0.0, always=True)  # nothing retrieved: refused at any threshold


def test_percentile_and_mean() -> None:
    assert m.percentile([10, 20, 30, 40], 50) == 25.0
    assert m.percentile([10, 20, 30, 40], 95) == pytest.approx(38.5)  # position 0.95 * 3 = 2.85: 30 + 0.85 * 10
    assert m.percentile([], 50) is None
    assert m.mean([1, None, 0, True]) == pytest.approx(2 / 3)
    assert m.mean([None]) is None


# per question ------------------------------------------------------------------

ITEM = QAItem("q1", "Which tools?", ("fact-finding",), ("fact-finding, monitoring", "quiet diplomacy"), True)


def _passage(text: str, words: int = 0) -> dict[str, object]:
    return {"text": text + " filler" * words}


def test_score_question_by_hand() -> None:
    output = {
        "answer": "Tools include fact-finding, monitoring and reporting. [1] Quiet diplomacy helps. [2]",
        "abstained": False,
        "kind": "answer",
        "evidence_score": 0.7,
        "passages": [_passage("Nothing here."), _passage("These include fact-finding, monitoring and more.")],
        "context": [_passage("A neighbour.")],
        "citations": [
            {"n": 1, "text": "These include fact-finding, monitoring and more."},
            {"n": 2, "text": "Nothing here."},
        ],
    }
    ranking = ["Nothing here.", "These include fact-finding, monitoring and more.", "Then quiet diplomacy."]

    def supports(sentence: str, passages: list[str] | tuple[str, ...]) -> bool:
        return sentence.startswith("Tools") and any("fact-finding" in p for p in passages)

    s = score_question(ITEM, output, ranking, n_relevant=2, supports=supports)
    assert s["hit@k"] is True and s["recall@k"] == 0.5  # quote 0 among the 2 passages read, quote 1 not
    assert s["hit@1"] is False and s["hit@3"] is True and s["recall@3"] == 1.0
    assert s["mrr@10"] == 0.5 and s["first_relevant_rank"] == 2
    # relevant at ranks 2 and 3: (1/log2 3 + 1/log2 4) / (1 + 1/log2 3) = 1.130930 / 1.630930
    assert s["ndcg@10"] == pytest.approx(1.130930 / 1.630930, abs=1e-6)
    assert s["correct"] is True
    assert s["citation_recall"] == 0.5 and s["citation_precision"] == 0.5  # the second sentence is unsupported
    assert s["evidence_citation_precision"] == 0.5  # citation 1 holds a quote, citation 2 none
    assert s["context_words"] == 2 + 6 + 2  # "Nothing here." + the second passage + "A neighbour."
    assert s["refusal_correct"] is True and s["abstained"] is False  # answering an answerable question was right


def test_a_refusal_scores_zero_and_an_unanswerable_refusal_is_right() -> None:
    refused = {"answer": "The corpus does not address this question.", "abstained": True, "kind": "abstention", "passages": []}
    s = score_question(ITEM, {**refused, "evidence_score": 0.0}, [], n_relevant=2, supports=_letters)
    assert s["correct"] is False and s["f1"] == 0.0 and s["hit@k"] is False and s["mrr@10"] == 0.0
    assert s["retrieved_nothing"] is True and s["context_words"] == 0
    assert "citation_precision" not in s
    unanswerable = QAItem("x1", "Capital of Australia?", (), (), False)
    u = score_question(unanswerable, {**refused, "evidence_score": 0.1}, [], n_relevant=0, supports=_letters)
    assert u["refusal_correct"] is True and "hit@k" not in u and "correct" not in u


def test_aggregate_and_abstention_curve() -> None:
    scores = [
        {"answerable": True, "abstained": False, "correct": True, "hit@k": True, "evidence_score": 0.6},
        {"answerable": True, "abstained": False, "correct": False, "hit@k": False, "evidence_score": 0.4},
        {"answerable": False, "abstained": True, "refusal_correct": True, "evidence_score": 0.2},
    ]
    agg = aggregate(scores)
    assert agg["correct"] == 0.5 and agg["hit@k"] == 0.5
    assert agg["correct_refusal_rate"] == 1.0 and agg["wrong_refusal_rate"] == 0.0 and agg["abstention_f1"] == 1.0
    assert agg["overall_correct"] == pytest.approx(2 / 3)
    curve = {c["threshold"]: c for c in abstention_curve(scores, [0.1, 0.3, 0.5, 0.7])}
    assert curve[0.1]["correct_refusal_rate"] == 0.0 and curve[0.1]["abstention_f1"] == 0.0
    assert curve[0.3]["abstention_f1"] == 1.0
    assert curve[0.5]["wrong_refusal_rate"] == 0.5  # 0.4 < 0.5: one answerable question refused
    assert curve[0.5]["abstention_f1"] == pytest.approx(2 / 3)  # precision 1/2, recall 1
    assert curve[0.7]["wrong_refusal_rate"] == 1.0


def test_context_words_counts_read_passages() -> None:
    assert context_words({"passages": [{"text": "a b c"}], "context": [{"text": "d e"}]}) == 5
    assert math.isclose(context_words({}), 0)


def test_citations_outside_the_models_context_are_counted() -> None:
    generation = {"passage_ids": ["a:1", "b:2"], "draft": "Claim one [1]. Claim two [3]. Claim three [2, 5]."}
    output = {
        "answer": "Claim one. [1] Claim two. [2] Claim four. [3] Claim five. [4]",
        "abstained": False,
        "citations": [{"n": 1, "passage_id": "a:1"}, {"n": 2, "passage_id": "b:2"}, {"n": 3, "passage_id": "c:3"}],
        "generation": generation,
    }
    # [3] names a passage the model was not given, [4] names no citation at all; the draft's [3] and [5] exceed 2 passages
    assert outside_context(output) == {"outside_citations": 2, "draft_outside_citations": 2}
    assert outside_context({"answer": "Quoted. [1]", "citations": [{"n": 1, "passage_id": "z"}]}) == {}  # no model wrote it
    s = score_question(ITEM, {**output, "passages": []}, [], n_relevant=2, supports=_letters)
    assert s["outside_citations"] == 2 and s["draft_outside_citations"] == 2
    agg = aggregate(
        [
            {"answerable": True, "abstained": False, "outside_citations": 2, "draft_outside_citations": 0},
            {"answerable": True, "abstained": False, "outside_citations": 0, "draft_outside_citations": 1},
            {"answerable": False, "abstained": True, "refusal_correct": True},
        ]
    )
    assert agg["outside_citations"] == 2 and agg["draft_outside_citations"] == 1  # summed, not averaged
    assert aggregate([{"answerable": True, "abstained": False}])["outside_citations"] is None
