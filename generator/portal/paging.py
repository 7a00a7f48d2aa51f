"""Index pages that stay light at any size: an index (榜单, 公示, 项目, 决策记录) whose rows fit
on one page is that page; a longer one is split by year, newest first, and within a year into
pages of at most ``PAGE_ROWS`` rows. Its first page then keeps what concerns the whole set
(filters, the year index) and the rows live on the year pages:

    lists/index.md       filters and years      (everything, when it fits)
    lists/2024.md        2024, rows 1–300
    lists/2024-2.md      2024, rows 301–600

Pure data: the templates print it, and the filters' data (``generator.portal.filters``) is
split the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Generic, TypeVar

PAGE_ROWS = 300  # rows of one index page: ~100–250 KB of HTML
T = TypeVar("T")


@dataclass(frozen=True)
class Sheet(Generic[T]):
    """One page of a split index."""

    uri: str
    year: int
    number: int  # 1-based, within its year
    items: tuple[T, ...]
    prev: str | None = None  # the page before (newer), across years
    next: str | None = None  # the page after (older)


@dataclass(frozen=True)
class Year:
    year: int
    count: int  # items of that year
    uris: tuple[str, ...]  # its pages, in order


@dataclass(frozen=True)
class Paged(Generic[T]):
    """An index: ``whole`` when every item is on the first page (``uri``); otherwise its
    items are on ``sheets``, listed by ``years``."""

    uri: str
    items: tuple[T, ...]
    whole: bool
    years: tuple[Year, ...] = ()
    sheets: tuple[Sheet[T], ...] = field(default=())

    def year(self, year: int) -> Year:
        return next(y for y in self.years if y.year == year)


def folder_of(uri: str) -> str:
    """Where an index's year pages go: beside ``lists/index.md`` (``lists/``), or in a folder
    named as ``decisions.md`` (``decisions/``)."""
    return uri.removesuffix("index.md") if uri.endswith("/index.md") or uri == "index.md" else uri.removesuffix(".md") + "/"


def paginate(
    uri: str,
    items: Iterable[T],
    year_of: Callable[[T], int],
    size: int = PAGE_ROWS,
    rows: Callable[[T], int] = lambda _: 1,
    count: Callable[[list[T]], int] = len,
) -> Paged[T]:
    """Split ``items`` (in the index's order) by year, newest first (the order within a year
    kept), into pages of at most ``size`` rows (``rows``: how many one item takes; an item
    heavier than a page gets a page of its own; ``count``: how many things a year's items are)."""
    items = tuple(sorted(items, key=lambda i: -year_of(i)))
    if sum(rows(i) for i in items) <= size:
        return Paged(uri, items, True)
    folder = folder_of(uri)
    years, plan = [], []
    for year, found in groupby(items, key=year_of):
        pages = _fill(list(found), size, rows)
        uris = tuple(f"{folder}{year}.md" if n == 0 else f"{folder}{year}-{n + 1}.md" for n in range(len(pages)))
        years.append(Year(year, count([i for p in pages for i in p]), uris))
        plan += [(u, year, n + 1, tuple(p)) for n, (u, p) in enumerate(zip(uris, pages, strict=True))]
    sheets = tuple(
        Sheet(u, year, number, part, plan[i - 1][0] if i else None, plan[i + 1][0] if i + 1 < len(plan) else None)
        for i, (u, year, number, part) in enumerate(plan)
    )
    return Paged(uri, items, False, tuple(years), sheets)


def _fill(items: Sequence[T], size: int, rows: Callable[[T], int]) -> list[list[T]]:
    pages: list[list[T]] = [[]]
    used = 0
    for item in items:
        weight = rows(item)
        if pages[-1] and used + weight > size:
            pages.append([])
            used = 0
        pages[-1].append(item)
        used += weight
    return pages


def page_url(page: str, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site) of a docs-relative Markdown page, as MkDocs makes it."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def window(numbers: int, current: int, around: int = 2) -> list[int | None]:
    """Page numbers to link in a pager: the first, the last and those near ``current``; None
    where numbers are left out (printed as …)."""
    keep = {1, numbers, *range(current - around, current + around + 1)}
    out: list[int | None] = []
    for n in range(1, numbers + 1):
        if n in keep:
            out.append(n)
        elif out and out[-1] is not None:
            out.append(None)
    return out
