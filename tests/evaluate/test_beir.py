"""The BEIR path on a hand-made three-document corpus: temporary index, real retrieval, ranx metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import DatasetError
from assistant.evaluate.beir import load_beir, parsed_documents, ranx_scores

CORPUS = [
    {"_id": "d1", "title": "Cats", "text": "Domestic cats purr and chase mice around the barn."},
    {
        "_id": "d2",
        "title": "Solar power",
        "text": "Solar energy panels convert sunlight into electricity; solar panels are cheap.",
    },
    {"_id": "d3", "title": "Wind", "text": "Wind turbines produce energy on windy coasts."},
]
QUERIES = [
    {"_id": "q1", "text": "cats chase mice"},
    {"_id": "q2", "text": "solar energy panels"},
    {"_id": "q3", "text": "a query nobody judged"},
]
# q2's judged document is the wind one: every retriever ranks the solar document above it.
QRELS = "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\nq2\td1\t0\n"
# By hand: q1 finds d1 at rank 1 -> nDCG 1, MRR 1; q2 finds d3 at rank 2 -> nDCG 1/log2(3) = 0.630930, MRR 0.5.
EXPECTED = {"ndcg@10": (1 + 0.630930) / 2, "recall@100": 1.0, "mrr@10": 0.75}


def make_beir(folder: Path, qrels: str = QRELS, corpus: list[dict[str, str]] | None = None) -> Path:
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in corpus or CORPUS), encoding="utf-8")
    (folder / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in QUERIES), encoding="utf-8")
    (folder / "qrels" / "test.tsv").write_text(qrels, encoding="utf-8")
    return folder


def test_load_keeps_positive_judgements_and_notes_unjudged_queries(tmp_path: Path) -> None:
    beir = load_beir(make_beir(tmp_path / "b"))
    assert beir.qrels == {"q1": {"d1": 1}, "q2": {"d3": 1}}  # the score-0 line is not a relevant document
    assert list(beir.queries) == ["q1", "q2"]
    assert beir.ignored == ["1 queries have no relevant document in this split and are not scored"]
    docs = parsed_documents(beir)
    assert (docs[0][0].meta.doc_id, docs[0][0].passages[0].text) == (
        "d1",
        "Cats\nDomestic cats purr and chase mice around the barn.",
    )
    assert all(len(d.passages) == 1 and d.meta.corpus == "beir" for d, _ in docs)


def test_malformed_files_are_listed_by_line(tmp_path: Path) -> None:
    folder = make_beir(tmp_path / "b", qrels="query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td9\t1\nq7\td1\t1\nq1 d1 1\n")
    with (folder / "corpus.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"_id": "d4", "text": \n')
    with pytest.raises(DatasetError) as caught:
        load_beir(folder)
    message = str(caught.value)
    assert "line 4: corpus.jsonl: not valid JSON" in message
    assert "line 3: qrels/test.tsv: document 'd9' is not in corpus.jsonl" in message
    assert "line 4: qrels/test.tsv: query 'q7' is not in queries.jsonl" in message
    assert "line 5: qrels/test.tsv: expected query-id<TAB>corpus-id<TAB>integer score" in message
    with pytest.raises(DatasetError, match=r"dev\.tsv is missing"):
        load_beir(folder, "dev")


def test_ranx_scores_by_hand() -> None:
    means, per_query = ranx_scores(
        {"q1": {"d1": 1}, "q2": {"d3": 1}, "q3": {"d2": 1}}, {"q1": ["d1", "d2"], "q2": ["d2", "d3"], "q3": []}
    )
    assert per_query["q2"] == pytest.approx({"ndcg@10": 0.630930, "recall@100": 1.0, "mrr@10": 0.5}, abs=1e-6)
    assert per_query["q3"] == {"ndcg@10": 0.0, "recall@100": 0.0, "mrr@10": 0.0}  # nothing retrieved
    assert means["mrr@10"] == pytest.approx((1 + 0.5 + 0) / 3)


def test_eval_beir_end_to_end(tmp_path: Path) -> None:
    from assistant.cli import main

    folder = make_beir(tmp_path / "beir")
    out = tmp_path / "out"
    argv = [
        "eval",
        "--beir",
        str(folder),
        "--set",
        "retriever=bm25,hybrid",
        "--set",
        "reranker=none,evidence",
        "--out",
        str(out),
        "--quiet",
    ]
    assert main(argv) == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in summary["configurations"]] == ["bm25+none", "bm25+evidence", "hybrid+none", "hybrid+evidence"]
    for config in summary["configurations"]:
        assert config["metrics"] == pytest.approx(EXPECTED, abs=1e-4), config["name"]
    assert summary["beir"]["documents"] == 3 and summary["beir"]["queries"] == 2
    assert summary["index"]["corpus"] == "beir" and summary["packages"]["ranx"]
    records = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records[1]["id"] == "q2" and records[1]["ranking"][:2] == ["d2", "d3"]
    assert (out / "report.md").is_file() and (out / "metrics.png").stat().st_size > 0


def test_beir_refuses_answer_settings(tmp_path: Path) -> None:
    from assistant.cli import main

    assert main(["eval", "--beir", str(tmp_path), "--set", "k=3,5"]) == 2
