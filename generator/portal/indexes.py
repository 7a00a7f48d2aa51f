"""The index pages (榜单, 公示, 项目, 决策记录) and the 申报指南 pages, split so that no page
grows with the records (``generator.portal.paging``): an index that fits on one page is that
page; a longer one lists its years and its rows live on year pages, and the 榜单 filters read
chunked data of every list (``generator.portal.filters``). A 申报指南 prints its lists in full
as annexes; a call with many lists has them in volumes of ``ANNEX_LISTS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from generator.models import Call
from generator.portal import filters, views
from generator.portal.paging import Paged, paginate
from generator.portal.rows import (
    LIST_COLUMNS,
    NOTICE_COLUMNS,
    PROJECT_COLUMNS,
    Column,
    Row,
    list_row,
    notice_row,
    project_row,
    record_year,
)
from generator.public.view import PublicView

Job = tuple[str, str, str | None, dict[str, Any]]
ANNEX_LISTS = 50  # lists printed in full on one page of a 申报指南 (~3–5 KB of HTML each)


def lists_index(view: PublicView, size: int) -> Paged[Any]:
    """Lists by the year of their id, newest year first; by id within a year."""
    ordered = sorted(view.lists, key=lambda lst: (-record_year(lst.id), lst.id))
    return paginate("lists/index.md", ordered, lambda lst: record_year(lst.id), size)


def list_jobs(view: PublicView, size: int) -> Iterator[Job]:
    """The 榜单 index with its filters, and its year pages."""
    lists = lists_index(view, size)
    extra = {"filters": filters.list_filters(view), "manifest": filters.manifest_path(lists.uri)}
    yield from _index_jobs("lists.md.j2", "榜单", lists, LIST_COLUMNS, partial(list_row, view), extra)


def notice_jobs(view: PublicView, size: int) -> Iterator[Job]:
    """The 公示 index (those in their window first), and its year pages."""
    notices = paginate("notices/index.md", view.notices, _notice_year, size)
    current = [notice_row(view, n) for n in views.current_notices(view)]
    yield from _index_jobs("notices.md.j2", "公示", notices, NOTICE_COLUMNS, partial(notice_row, view), {"current": current})


def project_jobs(view: PublicView, size: int) -> Iterator[Job]:
    """The 项目 index, and its year pages."""
    ordered = sorted(view.projects, key=lambda p: (-record_year(p.id), p.id))
    projects = paginate("projects/index.md", ordered, lambda p: record_year(p.id), size)
    yield from _index_jobs("projects.md.j2", "项目", projects, PROJECT_COLUMNS, partial(project_row, view))


def _index_jobs(
    template: str,
    title: str,
    paged: Paged[Any],
    columns: tuple[Column, ...],
    row: Callable[[Any], Row],
    extra: dict[str, Any] | None = None,
) -> Iterator[Job]:
    """An index page (its rows when they fit, else its years) and each year page (``sheet.md.j2``)."""
    common = {"columns": columns, "paged": paged}
    yield template, paged.uri, None, {**common, **(extra or {}), "rows": [row(i) for i in paged.items] if paged.whole else []}
    for sheet in paged.sheets:
        yield "sheet.md.j2", sheet.uri, None, {**common, "sheet": sheet, "rows": [row(i) for i in sheet.items], "title": title}


def _notice_year(notice: Any) -> int:
    return int(notice.publicity.start.year)


def filter_files(view: PublicView, size: int, use_directory_urls: bool = True) -> list[tuple[str, bytes]]:
    """The 榜单 filters' data, when the index is split into year pages (else the page holds every row)."""
    lists = lists_index(view, size)
    if lists.whole:
        return []
    rows = [list_row(view, lst) for lst in lists.items]
    return filters.files(lists.uri, rows, filters.list_filters(view), use_directory_urls)


@dataclass(frozen=True)
class Piece:
    """An entry of the decision log on one page: all its records, or (an entry changing more
    records than a page holds, such as a first import) a part of them."""

    entry: Any  # generator.history.provider.LogEntryView
    records: tuple[Any, ...]
    part: int  # 1-based
    parts: int

    @property
    def rows(self) -> int:
        return 1 + sum(1 + len(r.changes) for r in self.records)

    @property
    def hidden(self) -> int:
        """Changes to records that are not public, told once: on the entry's last part."""
        return int(self.entry.hidden) if self.part == self.parts else 0


def pieces(entry: Any, size: int) -> list[Piece]:
    parts: list[list[Any]] = [[]]
    used = 1
    for record in entry.records:
        weight = 1 + len(record.changes)
        if parts[-1] and used + weight > size:
            parts.append([])
            used = 1
        parts[-1].append(record)
        used += weight
    return [Piece(entry, tuple(p), n + 1, len(parts)) for n, p in enumerate(parts)]


UNAPPROVED_SHOWN = 20  # unapproved changes named on the decision log's first page; the rest on their year pages


def _decision_year(piece: Piece) -> int:
    return int(piece.entry.decision.date.year)


def decision_jobs(log: Any, size: int) -> Iterator[Job]:
    """The 决策记录: every approved change, newest first, by year and in pages of ``size`` rows."""
    found = [p for e in log.entries for p in pieces(e, size)]
    paged = paginate("decisions.md", found, _decision_year, size, rows=lambda p: p.rows, count=lambda ps: sum(p.part == 1 for p in ps))
    yield "decisions.md.j2", paged.uri, None, {"decisions": log, "paged": paged, "unapproved_shown": UNAPPROVED_SHOWN}
    for sheet in paged.sheets:
        yield "decisions_page.md.j2", sheet.uri, None, {"decisions": log, "paged": paged, "sheet": sheet}


def call_jobs(view: PublicView, call: Call) -> Iterator[Job]:
    """A 申报指南's page, with its first ``ANNEX_LISTS`` lists in full, and one page for each
    further volume of annexes."""
    lists = view.lists_of(call)
    volumes = [lists[i : i + ANNEX_LISTS] for i in range(0, len(lists), ANNEX_LISTS)] or [[]]
    uris = [f"calls/{call.id}.md"] + [f"calls/{call.id}-{n + 1}.md" for n in range(1, len(volumes))]
    for n, (uri, annexed) in enumerate(zip(uris, volumes, strict=True)):
        extra = {"call": call, "annexed": annexed, "first": n * ANNEX_LISTS + 1, "volume": n + 1, "volumes": uris}
        yield ("call.md.j2" if n == 0 else "call_annex.md.j2"), uri, (call.id if n == 0 else None), extra
