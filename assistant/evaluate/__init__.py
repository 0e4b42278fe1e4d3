"""Offline evaluation: QA sets and BEIR benchmarks run through the real assistant, scored, compared and reported.

The stages read from the file list: ``qa_sets`` (load and validate) ->
``run`` (ask every question under every configuration) -> ``score`` (per
question, with the formulas of ``metrics``) -> ``report`` (results.jsonl,
summary.json, report.md) ; ``compare`` and ``gate`` read finished runs;
``beir`` is the retrieval-only path; ``cli`` wires them to ``python -m assistant eval``.
"""
