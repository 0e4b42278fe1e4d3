"""Country names: the English name of each State (or the EU) as the Assembly called it in a given year."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_countries() -> dict[str, Any]:
    """The table in ``assistant/data/ungdc_countries.json``: ``names`` by code and dated ``former_names``.

    Read once per process and shared: callers only read it.
    """
    data = resources.files("assistant").joinpath("data/ungdc_countries.json").read_text(encoding="utf-8")
    return json.loads(data)


def country_name(code: str, year: int, table: dict[str, Any] | None = None) -> str:
    """The English name of the State (or the EU) with ``code``, as the Assembly called it in ``year``."""
    table = table or load_countries()
    for first, last, name in table["former_names"].get(code, []):
        if first <= year <= last:
            return str(name)
    return str(table["names"].get(code, code))


def with_article(name: str) -> str:
    """The name as it reads after "of": "the United Kingdom ...", "the Netherlands", but "Brazil"."""
    base = name.split(" (", maxsplit=1)[0]
    needs = re.search(r"\b(Republic|Kingdom|Union|States|Emirates|Federation|See|State)\b", base) or base in {
        "Bahamas",
        "Comoros",
        "Congo",
        "Gambia",
        "Maldives",
        "Marshall Islands",
        "Netherlands",
        "Niger",
        "Philippines",
        "Sudan",
    }
    return f"the {name}" if needs and not base.startswith("The ") else name
