"""Views of a timeline answer for the templates: the dated, cited entries per column and a bar chart per column.

A timeline record (`assistant.answer.records.answer_record`, kind ``"timeline"``) has ``timeline`` entries in
date order, ``counts`` (statements addressing the topic per year, against the year's statements) and
``columns`` (the speakers compared side by side; ``[""]`` or none for one timeline). This module turns them
into plain dicts; ``templates/timeline.html`` draws them, escaping every value. The chart's geometry is
computed here, so the template only places numbers: bar positions are percentages of the chart's width (the
chart stretches with its column while its text keeps its size), heights are pixels.
"""

from __future__ import annotations

import math
from typing import Any

from assistant.answer.citations import long_date

CHART_TOP = 20  # px above the tallest bar: room for its "3 of 5" label
CHART_PLOT = 96  # px: the height of a bar for the year with the most statements
CHART_AXIS = 18  # px below the bars: the years
MAX_LABELLED_YEARS = 10  # a chart spanning more years shows its numbers in tooltips and its summary, not above every bar
MAX_YEAR_TICKS = 8  # years written under a long chart
BAR_SHARE = 0.7  # of a year's slot, the bar's width


def timeline_view(record: dict[str, Any], index: int, turn_id: str) -> dict[str, Any]:
    """The columns of a timeline answer: each with its name, its entries (cited) and its chart."""
    entries = [e for e in record.get("timeline") or [] if isinstance(e, dict)]
    counts = [c for c in record.get("counts") or [] if isinstance(c, dict)]
    names = [str(name) for name in record.get("columns") or []]
    for item in (*entries, *counts):  # an entry of a column the record does not list still shows
        name = str(item.get("column") or "")
        if name not in names and (name or not names):
            names.append(name)
    names = names or [""]
    citations = {int(c["n"]): c for c in record.get("citations", [])}
    years = [int(c["year"]) for c in counts] + [int(e["year"]) for e in entries]
    span = (min(years), max(years)) if years else (0, 0)
    scale = max([int(c.get("statements") or 0) for c in counts] + [int(c.get("addressing") or 0) for c in counts] + [1])
    columns = []
    for k, name in enumerate(names, 1):
        mine = [c for c in counts if str(c.get("column") or "") == name]
        column_id = f"t{index}-tl{k}"
        columns.append(
            {
                "id": column_id,
                "name": name,
                "entries": [_entry(e, citations, turn_id) for e in entries if str(e.get("column") or "") == name],
                "chart": chart_view(mine, span, scale, f"{column_id}-chart", name, room=len(names)) if mine else None,
            }
        )
    return {"columns": columns, "comparison": len(columns) > 1, "summary": summary_view(record, turn_id)}


def _entry(entry: dict[str, Any], citations: dict[int, dict[str, Any]], turn_id: str) -> dict[str, Any]:
    """One dated row: when, who, the verbatim quote, and the marker that opens the cited paragraph."""
    date = entry.get("date")
    n = entry.get("citation")
    cited = citations.get(int(n)) if isinstance(n, int) else None
    marker = _marker(cited, turn_id) if cited is not None else None
    return {
        "when": long_date(date) if date else str(entry.get("year", "")),
        "datetime": date or str(entry.get("year", "")),
        "year": entry.get("year"),
        "speaker": entry.get("speaker"),
        "title": entry.get("title"),
        "quote": str(entry.get("quote", "")),
        "first": bool(entry.get("first")),
        "latest": bool(entry.get("latest")),
        "marker": marker,
    }


def _marker(cited: dict[str, Any], turn_id: str) -> dict[str, Any]:
    """A citation marker that opens the cited paragraph in the viewer."""
    n = int(cited["n"])
    return {
        "n": n,
        "reference": str(cited.get("reference", "")),
        "open": {"doc": cited.get("doc_id"), "passage": cited.get("passage_id"), "turn": turn_id, "n": n},
    }


def summary_view(record: dict[str, Any], turn_id: str) -> list[dict[str, Any]]:
    """The generated paragraph above a timeline (generative mode): its checked sentences, each with its markers."""
    if not record.get("summary"):
        return []
    citations = {int(c["n"]): c for c in record.get("citations", [])}
    return [
        {
            "text": str(s.get("text", "")),
            "markers": [_marker(citations[int(n)], turn_id) for n in s.get("citations", []) if int(n) in citations],
        }
        for s in record.get("sentences") or []
        if isinstance(s, dict) and s.get("supported", True)
    ]


def _pct(value: float) -> str:
    """A percentage for an SVG attribute, short and locale-free."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def chart_view(
    counts: list[dict[str, Any]], span: tuple[int, int], scale: int, chart_id: str, name: str = "", *, room: int = 1
) -> dict[str, Any]:
    """A bar per year of ``counts`` on the years ``span``: the statements addressing the topic, over the year's statements.

    ``scale`` (the most statements any year has, in any column) is the full height, so the charts of a comparison
    are drawn to one scale; ``room`` charts share the width (side by side), so each writes fewer numbers.
    """
    first, last = span
    slots = last - first + 1
    labelled = slots <= max(1, MAX_LABELLED_YEARS // room)
    slot = 100 / slots
    base = CHART_TOP + CHART_PLOT
    bars = []
    for c in sorted(counts, key=lambda c: int(c["year"])):
        year, addressing, statements = int(c["year"]), int(c.get("addressing") or 0), int(c.get("statements") or 0)
        total_h = CHART_PLOT * max(statements, addressing) / scale
        hit_h = CHART_PLOT * addressing / scale
        x = (year - first) * slot
        bars.append(
            {
                "year": year,
                "addressing": addressing,
                "statements": statements,
                "x": _pct(x + slot * (1 - BAR_SHARE) / 2),
                "width": _pct(slot * BAR_SHARE),
                "center": _pct(x + slot / 2),
                "total_y": round(base - total_h, 2),
                "total_h": round(total_h, 2),
                "hit_y": round(base - hit_h, 2),
                "hit_h": round(hit_h, 2),
                "label_y": round(base - total_h - 5, 2),
                "label": f"{addressing} of {statements}",
                "tip": f"{year}: {addressing} of {statements} {_statements(statements, addressing)} the topic",
            }
        )
    step = 1 if labelled else math.ceil(slots / max(3, MAX_YEAR_TICKS // room))
    ticks = [{"year": y, "x": _pct((y - first + 0.5) * slot)} for y in range(first, last + 1, step)]
    addressing_total = sum(int(c.get("addressing") or 0) for c in counts)
    statements_total = sum(int(c.get("statements") or 0) for c in counts)
    whose = f" by {name}" if name else ""
    return {
        "id": chart_id,
        "bars": bars,
        "ticks": ticks,
        "labels": labelled,
        "height": base + CHART_AXIS,
        "base": base,
        "year_y": base + CHART_AXIS - 4,
        "title": f"Statements{whose} addressing the topic per year, {first}–{last}"
        if first != last
        else f"Statements{whose} addressing the topic in {first}",
        "desc": "; ".join(f"{b['year']}: {b['addressing']} of {b['statements']}" for b in bars),
        "summary": f"{addressing_total} of {statements_total} {_statements(statements_total, addressing_total, whose)} the topic.",
    }


def _statements(statements: int, addressing: int, whose: str = "") -> str:
    """The noun and verb the numbers need: "statements … address" or "statement … addresses"."""
    noun = "statement" if statements == 1 else "statements"
    return f"{noun}{whose} {'addresses' if addressing == 1 else 'address'}"
