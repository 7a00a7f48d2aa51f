"""Search figures: the size of the portal's search index per page it indexes, and the bytes a
reader's browser downloads for one query, against the whole index.

For every size up to --portal-max the portal is built once (``jiebang build``). The site is
served on the loopback by ``http.server``, which records the size of every file it sends;
Debian's chromium (headless, driven by playwright) opens the home page in a fresh profile,
and once the page has loaded, one query is typed into the search box in the header. What
the query costs is every file under ``pagefind/`` sent from then until the results are
shown: on a visit's first query the query engine (``pagefind.js``, its WebAssembly, the
entry and metadata files), then the index chunks the query's words fall in and the
fragments of the results shown. Three queries are made, each in a fresh profile: a list's
id, its end user's full name and the Chinese word its title is about, taken from the middle
list of the set. The reference is the whole index: every file under ``pagefind/``.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from benchmarks import data, pools
from benchmarks.figures import Context, Row, available, label
from benchmarks.portal import built_site

BUNDLE = "pagefind"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
QUERY = "input[data-jb-search-query]"  # the search box (generator/portal/theme/partials/search.html)
META = "[data-jb-search-result] .md-search-result__meta"  # its line "找到 N 个结果"
DONE = re.compile("找到|没有|不可用")
ENGINE = re.compile(r"^(pagefind\.js|pagefind-entry\.json|wasm\..*|pagefind\..*\.pf_meta)$")  # fetched once a visit
TIMEOUT = 120.0  # seconds for one query's results


def search_figures(ctx: Context) -> list[Row]:
    """Index bytes per page and bytes fetched per query, at every size up to --portal-max."""
    title = "search index, bytes per page indexed"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not available("generator.portal.search"):
        return [Row(title, "—", "not available yet: no search index")]
    if not (available("playwright") and Path(chromium).is_file()):
        return [Row(title, "—", "not available: needs playwright (test extra) and Debian's chromium")]
    rows: list[Row] = []
    for lists in [n for n in ctx.sizes if n <= ctx.portal_max] or [min(ctx.sizes)]:
        site, files = built_site(ctx, lists)
        root, _ = data.programme(ctx.work, lists)
        sizes = {p.relative_to(site / BUNDLE).as_posix(): p.stat().st_size for p in (site / BUNDLE).rglob("*") if p.is_file()}
        total, count = sum(sizes.values()), indexed(site)
        engine = sum(size for name, size in sizes.items() if ENGINE.match(name))
        fetched = fetched_per_query(site, queries(root), chromium)
        median = statistics.median(fetched.values())
        size = f"{label(lists, files)}, {count:,} pages"
        rows.append(
            Row(
                title, size, f"{total / count:,.0f} B", f"{kb(total)} in {len(sizes):,} files", None, "", None, f"engine {kb(engine)} of it"
            )
        )
        each = "; ".join(f"{q} {kb(b)}" for q, b in fetched.items())
        share = median / total
        rows.append(Row("search, bytes fetched per query vs the whole index", size, kb(median), kb(total), share, "", None, each))
    return rows


def indexed(site: Path) -> int:
    """Pages in the index, as Pagefind's entry file counts them."""
    entry = json.loads((site / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(int(language["page_count"]) for language in entry["languages"].values())


def queries(root: Path) -> list[str]:
    """The middle list's id, its end user's name and the subject of its title."""
    paths = sorted((root / "records" / "lists").rglob("*.yaml"))
    record = yaml.safe_load(paths[len(paths) // 2].read_text(encoding="utf-8"))
    subject = next(record["title"].removesuffix(a) for a in pools.ACTIONS if record["title"].endswith(a))
    return [record["id"], record["end_user"]["name"], subject]


def kb(size: float) -> str:
    return f"{size / 1024:,.1f} KB" if size < 1024**2 else f"{size / 1024**2:,.2f} MB"


class _Counting(http.server.SimpleHTTPRequestHandler):
    """Serves the site and records (path, bytes) of every file it sends."""

    server: _Server

    def copyfile(self, source: Any, outputfile: Any) -> None:
        self.server.sent.append((self.path, os.fstat(source.fileno()).st_size))
        super().copyfile(source, outputfile)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    sent: list[tuple[str, int]]


@contextmanager
def served(site: Path) -> Iterator[tuple[str, list[tuple[str, int]]]]:
    server = _Server(("127.0.0.1", 0), partial(_Counting, directory=str(site)))
    server.sent = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.sent
    finally:
        server.shutdown()
        server.server_close()


def fetched_per_query(site: Path, asked: list[str], chromium: str) -> dict[str, int]:
    """Bytes under /pagefind/ each query fetched, each in a fresh browser profile."""
    from playwright.sync_api import sync_playwright

    out: dict[str, int] = {}
    with served(site) as (url, sent), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for query in asked:
                context = browser.new_context(locale="zh-CN")
                page = context.new_page()
                page.goto(url, wait_until="load")
                start = len(sent)
                _search(page, query)
                out[query] = sum(size for path, size in sent[start:] if path.startswith(f"/{BUNDLE}/"))
                context.close()
        finally:
            browser.close()
    return out


def _search(page: Any, query: str) -> None:
    """Type ``query`` into the search box and wait for its results (a poll: the page's
    policy forbids evaluating strings)."""
    page.fill(QUERY, query)
    deadline = time.monotonic() + TIMEOUT
    while not DONE.search(page.locator(META).inner_text()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"no search result for {query!r} within {TIMEOUT:.0f} s")
        page.wait_for_timeout(100)
    if not page.locator(META).inner_text().startswith("找到"):
        raise RuntimeError(f"the search for {query!r} found nothing: {page.locator(META).inner_text()!r}")
