"""What the national pages show, as plain data: lists by province in pages of a few hundred
rows, programmes with their figures, groups of near-duplicates, unclaimed lists.

Every page stays light at 10⁵ lists: an index never holds more than ``PAGE_ROWS`` rows,
and a list's own page is its programme's (linked), never copied here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from generator.federate import similarity
from generator.federate.corpus import National
from generator.federate.tables import SIMILAR

PAGE_ROWS = 300
UNKNOWN_PROVINCE = "00"  # programmes whose province is not known
LIST_COLUMNS = (
    "id", "title", "url", "programme", "province_code", "province", "level", "industry", "grade_label", "status", "mode",
    "track", "year", "subsidy_cny", "total_cny", "closes",
)  # fmt: skip
Row = dict[str, Any]


@dataclass(frozen=True)
class Paged:
    """One page of an index: its Markdown path, its rows, and where it sits among its pages."""

    uri: str
    rows: list[Row]
    number: int  # 1-based
    pages: list[str]  # every page of the index, in order


def paged(folder: str, rows: list[Row], size: int = PAGE_ROWS) -> list[Paged]:
    """``folder/index.md``, ``folder/2.md``, …; one (empty) page when there are no rows."""
    count = max(1, -(-len(rows) // size))
    uris = [f"{folder}/index.md" if n == 1 else f"{folder}/{n}.md" for n in range(1, count + 1)]
    return [Paged(uris[n], rows[n * size : (n + 1) * size], n + 1, uris) for n in range(count)]


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    lists: int
    programmes: int
    pages: list[Paged]


def lists_rows(national: National) -> list[Row]:
    """Every list's summary row, newest year first, then by id."""
    rows: list[Row] = national.list_columns(*LIST_COLUMNS).to_pylist()
    rows.sort(key=lambda r: (-r["year"], r["id"]))
    return rows


def provinces(rows: list[Row]) -> list[Province]:
    by: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by[row["province_code"] or UNKNOWN_PROVINCE].append(row)
    out = [
        Province(
            code, found[0]["province"] or "未注明省份", len(found), len({r["programme"] for r in found}), paged(f"lists/{code}", found)
        )
        for code, found in by.items()
    ]
    return sorted(out, key=lambda p: (p.code == UNKNOWN_PROVINCE, p.code))


def unclaimed(rows: list[Row]) -> list[Row]:
    """无人揭榜 lists, the most recently closed first."""
    found = [r for r in rows if r["status"] == "unclaimed"]
    return sorted(found, key=lambda r: (r["closes"] is None, -(r["closes"].toordinal() if r["closes"] else 0), r["id"]))


@dataclass(frozen=True)
class Similar:
    number: int
    leader: Row
    members: list[tuple[Row, float]]
    programmes: int
    more: int  # members beyond those shown


def similar_groups(national: National, rows: list[Row], threshold: float) -> tuple[list[Similar], pa.Table]:
    """Groups of near-duplicate lists across programmes (shown ones capped at a page each) and
    the table of every (leader, member, score)."""
    ids, sigs = national.signatures()
    by_id = {r["id"]: r for r in rows}
    order = sorted(range(len(ids)), key=lambda i: (by_id[ids[i]]["year"], ids[i]))  # the earliest list leads
    ordered = [ids[i] for i in order]
    found = similarity.groups(sigs[order], [by_id[i]["programme"] for i in ordered], threshold)
    found.sort(key=lambda g: (-len(g.members), ordered[g.leader]))
    table: dict[str, list[Any]] = {"group": [], "leader": [], "member": [], "score": []}
    shown = []
    for n, g in enumerate(found, start=1):
        leader = ordered[g.leader]
        for m, score in g.members:
            table["group"].append(n)
            table["leader"].append(leader)
            table["member"].append(ordered[m])
            table["score"].append(round(score, 4))
        members = [(by_id[ordered[m]], score) for m, score in g.members[:PAGE_ROWS]]
        programmes = len({by_id[leader]["programme"], *(by_id[ordered[m]]["programme"] for m, _ in g.members)})
        shown.append(Similar(n, by_id[leader], members, programmes, max(0, len(g.members) - PAGE_ROWS)))
    return shown, pa.table(table, schema=SIMILAR.schema)


def similar_pages(groups: list[Similar]) -> list[tuple[str, list[Similar], int, list[str]]]:
    """Groups on pages of at most ``PAGE_ROWS`` rows: (uri, groups, number, every uri)."""
    pages: list[list[Similar]] = [[]]
    rows = 0
    for g in groups:
        size = len(g.members) + 1
        if pages[-1] and rows + size > PAGE_ROWS:
            pages.append([])
            rows = 0
        pages[-1].append(g)
        rows += size
    uris = ["similar/index.md" if n == 0 else f"similar/{n + 1}.md" for n in range(len(pages))]
    return [(uris[n], found, n + 1, uris) for n, found in enumerate(pages)]
