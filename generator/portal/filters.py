"""The 榜单 index's filters (所属产业, 项目等级, 状态, and 榜单类别 and 发榜方 where a programme
has more than one), over every public list however many.

Each filter has a code per choice and a Chinese label (``?grade=major`` and ``?grade=重大项目``
select alike; the address the script writes back uses the code). When the index fits on one
page the script filters that page's rows (each ``<tr>`` carries its codes as ``data-…``).
When it is split into year pages (``generator.portal.paging``), the first page carries the
filters and no rows; the script reads ``lists/filter/manifest.json`` (the columns, and per
chunk its file, its row count and how many rows have each code of each filter) and then only
the chunks that can hold a match, one after another until a page of results is full.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

import orjson

from generator.portal import labels, views
from generator.portal.paging import folder_of, page_url
from generator.portal.rows import LIST_COLUMNS, Row
from generator.public.view import PublicView

CHUNK_ROWS = 1000  # ~150 KB of JSON, ~25 KB compressed
MAX_ISSUERS = 30  # a 发榜方 filter only while its choices fit a menu


@dataclass(frozen=True)
class Filter:
    name: str  # the query parameter and the row's data-… attribute
    title: str
    choices: tuple[tuple[str, str], ...]  # (code, label), in the menu's order


def list_filters(view: PublicView) -> list[Filter]:
    lists, program = view.lists, view.program
    industries = views.choices(lists, "industry", program.industries if program else [])
    policy = view.corpus.policy
    grades = dict.fromkeys([*(policy.grades if policy else []), *sorted({lst.grade for lst in lists})])
    used = {views.list_state(view, lst) for lst in lists}
    found = [
        Filter("industry", "所属产业", tuple((i, i) for i in industries)),
        Filter("grade", "项目等级", tuple((g, views.grade_label(view, g)) for g in grades)),
        Filter("status", "状态", tuple((s, label) for s, label in labels.LIST_STATE.items() if s in used)),
    ]
    tracks = sorted({lst.track for lst in lists})
    if len(tracks) > 1:
        found.append(Filter("track", "榜单类别", tuple((t, labels.TRACK.get(t, t)) for t in tracks)))
    issuers = sorted({views.issuer_name(view, lst) for lst in lists})
    if 1 < len(issuers) <= MAX_ISSUERS:
        found.append(Filter("issuer", "发榜方", tuple((i, i) for i in issuers)))
    return found


def manifest_path(index: str) -> str:
    """The filters' manifest of an index page (``lists/index.md`` → ``lists/filter/manifest.json``)."""
    return f"{folder_of(index)}filter/manifest.json"


def files(index: str, rows: list[Row], filters: list[Filter], use_directory_urls: bool = True) -> list[tuple[str, bytes]]:
    """(path in the site, content) of the manifest and every chunk, rows in the index's order.
    A chunk row: the record page's address (from the site's root), the cells in column
    order, the filter codes in filter order; plain text, which the script writes as text."""
    folder = manifest_path(index).rsplit("/", 1)[0] + "/"
    names = [f.name for f in filters]
    out, chunks = [], []
    for start in range(0, len(rows), CHUNK_ROWS):
        part = rows[start : start + CHUNK_ROWS]
        name = f"{start // CHUNK_ROWS + 1}.json"
        data = [[page_url(r.page, use_directory_urls), *(r.cells[c.key] for c in LIST_COLUMNS), *(r.codes[n] for n in names)] for r in part]
        out.append((folder + name, orjson.dumps(data)))
        facets = {n: dict(sorted(Counter(r.codes[n] for r in part).items())) for n in names}
        chunks.append({"file": name, "rows": len(part), "facets": facets})
    manifest = {
        "root": "../" * folder.count("/"),  # from the manifest's folder to the site's root
        "columns": [asdict(c) for c in LIST_COLUMNS],
        "filters": names,
        "chunks": chunks,
    }
    out.append((folder + "manifest.json", orjson.dumps(manifest)))
    return out
