"""Driving the search box in the header (theme/partials/search.html, assets/jiebang/search.js)
in a browser test. The page's policy forbids evaluating strings, so the wait is a poll."""

from __future__ import annotations

import re
import time
from typing import Any

QUERY = "input[data-jb-search-query]"
META = "[data-jb-search-result] .md-search-result__meta"
RESULTS = "[data-jb-search-result] .md-search-result__item a"
DONE = re.compile("找到|没有|不可用")


def search(page: Any, query: str, timeout: float = 20.0) -> list[str]:
    """Type ``query`` into the search box of the open page; the results' links, best first."""
    links = page.locator(RESULTS)
    deadline = time.monotonic() + timeout
    page.fill(QUERY, "")  # the box empties the results of an earlier query first
    while (links.count() or DONE.search(page.locator(META).inner_text())) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.fill(QUERY, query)  # Chinese arrives as inserted text, as an input method delivers a finished word
    while True:
        meta = page.locator(META).inner_text()
        if DONE.search(meta) and (links.count() or not re.search("找到|含有", meta)):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"no search result for {query!r} within {timeout} s: {meta!r}")
        page.wait_for_timeout(100)
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


def summary(page: Any) -> str:
    """The line above the results (how many were found)."""
    return str(page.locator(META).inner_text()).strip()
