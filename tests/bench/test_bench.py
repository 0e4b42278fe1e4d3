"""The benchmark script runs end to end on a tiny corpus (the numbers themselves are not asserted: benchmarks are not timed tests)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assistant.settings import PROJECT_ROOT, Settings


def test_bench_runs_on_a_tiny_corpus_and_writes_json_and_markdown(tmp_path: Path) -> None:
    out = tmp_path / "results"
    subprocess.run([sys.executable, str(PROJECT_ROOT / "bench" / "run.py"), "--tiny", "--out", str(out)], check=True, timeout=600)
    result = json.loads((out / "tiny.json").read_text())
    ours, naive = result["ours"], result["naive"]
    assert result["machine"]["cores"] >= 1 and result["machine"]["cpu"]
    assert ours["documents"] == 2 and ours["paragraphs"] > 0 and ours["ingest_paragraphs_per_s"] > 0
    assert 0 < ours["retrieval_ms_p50"] <= ours["retrieval_ms_p95"] and ours["questions"] == 20
    assert ours["dense_recall_at_10"] == 1.0  # a small index is exact
    assert ours["remove_s"] > 0 and ours["add_s"] > 0 and ours["serving_peak_memory_mb"] > 0
    assert naive["chunks"] > 0 and naive["paragraphs"] == ours["paragraphs"]
    table = (out / "README.md").read_text()
    assert "| tiny | " in table and "`python bench/run.py --tiny`" in table


def test_an_ingest_log_gives_the_build_time_and_whether_it_resumed(tmp_path: Path) -> None:
    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    from run import logged_ingest_seconds

    log = tmp_path / "ingest.log"
    line = "Indexed 10957 documents, 375401 passages in 1837.8 s (10957 added; 163143 texts embedded, 220082 reused{})"
    log.write_text(line.format(", 220082 vectors from an interrupted build") + "\n")
    assert logged_ingest_seconds(log)[::2] == (1837.8, True)
    log.write_text(line.format("") + "\n")  # texts reused as duplicates within the corpus: not a resumed build
    assert logged_ingest_seconds(log)[::2] == (1837.8, False)


def test_the_recorded_command_leaves_out_the_output_folder_and_shortens_the_note() -> None:
    sys.path.insert(0, str(PROJECT_ROOT / "bench"))
    from run import _shown_arguments

    argv = ["--corpus", "ungdc", "--out", "/tmp/r", "--note", "a long remark", "--no-naive", "--out=/x"]
    assert _shown_arguments(argv) == ["--corpus", "ungdc", '--note "…"', "--no-naive"]


def test_the_timeline_bench_times_wide_sentence_budgets_side_by_side(seed_settings: Settings) -> None:
    """Each budget gets its own timings and entries; the shipped budget is back in place afterwards.

    (That the budget bounds what a wide timeline embeds is `tests/answer/test_timeline_answers.py`'s to show.)
    """
    from assistant.answer import timeline
    from bench import timeline as bench_timeline

    shipped = timeline.WIDE_SENTENCE_WORDS
    questions = [
        "When is the Special Adviser on the Responsibility to Protect first mentioned in these Secretary-General statements?",
        "What is the responsibility to protect?",  # an ordinary question: not timed
    ]
    result = bench_timeline.run(seed_settings.index_dir, questions, repeat=2, wide_words=[shipped, 1])
    assert shipped == timeline.WIDE_SENTENCE_WORDS and result["wide_words_shipped"] == result["wide_words_reported"] == shipped
    assert result["read_as_timeline"] == 1 and set(result["wide_words"]) == {str(shipped), "1"}
    row = next(r for r in result["rows"] if r["read_as_timeline"])
    assert [len(row["by_wide_words"][b]["timeline_ms"]) for b in (str(shipped), "1")] == [2, 2]
    # the seed index is far under 20,000 passages: a wide budget never applies, so both budgets find the same entries
    assert row["by_wide_words"]["1"]["entries"] == row["by_wide_words"][str(shipped)]["entries"] == row["entries"] > 0
    assert f"| {shipped:,} |" in bench_timeline.markdown(result, "python bench/timeline.py")
