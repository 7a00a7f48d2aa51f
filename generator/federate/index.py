"""The data behind the 榜单 filters: every list as a compact row, in chunks by province.

``data/index/manifest.json`` names the columns, the Chinese label of each code, and per
chunk its file, its number of rows and how many of them have each value of each filter.
The filter script (``assets/national/filters.js``, no inline script) loads the manifest,
then only the chunks that can hold a match, one after another until a page is full: at
10⁵ lists a filter by province reads one or two chunks of ~2,000 rows, never the whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from typing import Any

import orjson

from generator.federate.views import UNKNOWN_PROVINCE, Row

CHUNK_ROWS = 2000
COLUMNS = ("id", "title", "url", "programme", "province", "level", "industry", "status", "mode", "grade_label", "track", "year", "subsidy_cny", "total_cny")  # fmt: skip
FILTERS = (
    ("province", "省份"),
    ("level", "层级"),
    ("industry", "产业"),
    ("status", "状态"),
    ("mode", "组织模式"),
    ("grade_label", "等级"),
    ("track", "类别"),
)


def _value(row: Row, name: str) -> str:
    value = row[name]
    if name == "province":
        return str(value or "未注明省份")
    return "" if value is None else str(value)


def files(rows: list[Row], names: dict[str, str], labels: dict[str, dict[str, str]]) -> Iterator[tuple[str, bytes]]:
    """(path in the site, content) of the manifest and every chunk. ``names``: programme → display name."""
    by_province = sorted(rows, key=lambda r: (r["province_code"] or UNKNOWN_PROVINCE, -r["year"], r["id"]))
    chunks: list[dict[str, Any]] = []
    for code, found in groupby(by_province, key=lambda r: r["province_code"] or UNKNOWN_PROVINCE):
        rows_here = list(found)
        for start in range(0, len(rows_here), CHUNK_ROWS):
            part = rows_here[start : start + CHUNK_ROWS]
            name = f"lists-{code}-{start // CHUNK_ROWS + 1}.json"
            data = [[_cell(r, c, names) for c in COLUMNS] for r in part]
            yield f"data/index/{name}", orjson.dumps(data)
            facets = {f: dict(sorted(Counter(_value(r, f) for r in part).items())) for f, _ in FILTERS}
            chunks.append({"file": name, "rows": len(part), "facets": facets})
    manifest = {"columns": list(COLUMNS), "labels": labels, "filters": [f for f, _ in FILTERS], "chunks": chunks}
    yield "data/index/manifest.json", orjson.dumps(manifest)


def _cell(row: Row, column: str, names: dict[str, str]) -> Any:
    if column == "programme":
        return names.get(row["programme"], row["programme"])
    return _value(row, column) if column in dict(FILTERS) else row[column]


def facets(rows: list[Row], labels: dict[str, dict[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Each filter's choices: (value, label with its count), most common first."""
    out = {}
    for name, _ in FILTERS:
        counts = Counter(_value(r, name) for r in rows)
        shown = labels.get(name, {})
        out[name] = [(v, f"{shown.get(v, v) or '未注明'}（{n}）") for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return out
