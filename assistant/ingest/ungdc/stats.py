"""Corpus statistics: speeches and paragraphs, beside naive splits (every line, blank-line blocks), and parse time."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from assistant.ingest.ungdc.paragraphs import LINE_SPACE
from assistant.ingest.ungdc.speeches import iter_ungdc
from assistant.text.patterns import SENTENCE_END_RE


def corpus_stats(root: Path, **selection: Any) -> dict[str, Any]:
    """Count speeches and paragraphs, naive splits (every line, blank-line blocks) beside the reconstruction."""
    counts = dict.fromkeys(("speeches", "with_speaker", "paragraphs", "open_paragraphs", "lines", "open_lines",
                            "blocks", "open_blocks"), 0)  # fmt: skip
    decades: dict[str, list[int]] = {}
    wall = cpu = 0.0
    speeches = iter_ungdc(root, **selection)
    while True:
        t0, c0 = time.perf_counter(), time.process_time()
        item = next(speeches, None)
        wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
        if item is None:
            break
        doc, text = item
        lines = [t for t in (x.strip(LINE_SPACE) for x in re.split(r"\r\n|[\r\n\f]", text)) if t]
        blocks = [b.strip(LINE_SPACE) for b in re.split(r"(?:\r\n|[\r\n\f])[ \t]*(?:\r\n|[\r\n\f])", text) if b.strip(LINE_SPACE)]
        for name, items in (("paragraphs", [p.text for p in doc.passages]), ("lines", lines), ("blocks", blocks)):
            counts[name] += len(items)
            counts[f"open_{name}"] += sum(not SENTENCE_END_RE.search(t) for t in items)
        counts["speeches"] += 1
        counts["with_speaker"] += doc.meta.speaker is not None
        decade = decades.setdefault(f"{doc.meta.extra['year'] // 10 * 10}s", [0, 0, 0])
        decade[0], decade[1], decade[2] = decade[0] + 1, decade[1] + len(doc.passages), decade[2] + len(lines)
    n = max(counts["speeches"], 1)
    return {
        "speeches": counts["speeches"],
        "speeches_with_speaker": counts["with_speaker"],
        "paragraphs": counts["paragraphs"],
        "paragraphs_per_speech": round(counts["paragraphs"] / n, 1),
        "unterminated_share": round(counts["open_paragraphs"] / max(counts["paragraphs"], 1), 3),
        "naive_lines": counts["lines"],
        "naive_lines_unterminated_share": round(counts["open_lines"] / max(counts["lines"], 1), 3),
        "naive_blocks": counts["blocks"],
        "naive_blocks_unterminated_share": round(counts["open_blocks"] / max(counts["blocks"], 1), 3),
        "parse_seconds_wall": round(wall, 1),
        "parse_seconds_cpu": round(cpu, 1),
        "per_decade": {
            d: {"speeches": s, "paragraphs": p, "per_speech": round(p / s, 1), "lines_per_speech": round(li / s, 1)}
            for d, (s, p, li) in sorted(decades.items())
        },
    }
