"""Search on the demo portal (this repository's records/) in headless Chromium, as the public
uses it: the right record comes first for an id, a winning unit's full name and Chinese words;
the page a result opens marks the whole words it was found by; search works where a worker
cannot start (the query engine then compiles in the page, which the policy allows); no
request leaves the portal and the Content-Security-Policy reports nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.portal.build import build_portal
from tests.conftest import REPO
from tests.portal.searchbox import RESULTS, search, summary
from tests.portal.test_browser import REPORT_VIOLATIONS, browser, page, serve, violations  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (REPO / "records" / "program.yaml").is_file():
        pytest.skip("the demo records are not in this checkout")
    site = build_portal(REPO, tmp_path_factory.mktemp("demo") / "public")
    server, url = serve(site)
    yield url
    server.shutdown()
    server.server_close()


def path(href: str) -> str:
    return urlsplit(href).path


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("L-2024-003", "/lists/L-2024-003/"),  # an id: the list, not the pages that mention it
        ("L-2024-001", "/lists/L-2024-001/"),  # (the one-file index put both calls above it)
        ("重庆智埔机器人有限公司", "/notices/R-2024-017/"),  # a winning unit's full name: the 公示 that selected it
        ("重庆西永智联电子科技有限公司", "/lists/L-2024-003/"),  # an end user's full name: its list
        ("壳聚糖", "/lists/L-2024-006/"),  # 可降解壳聚糖基急救止血敷料研制及产业化
        ("微流控", "/lists/L-2024-002/"),  # 呼吸道病原体多重核酸快速检测微流控芯片研制
    ],
)
def test_the_right_record_comes_first(page: Any, demo: str, query: str, expected: str) -> None:  # noqa: F811
    page.goto(demo)
    hrefs = search(page, query)
    assert hrefs and path(hrefs[0]) == expected, hrefs
    assert "/rules/" not in [path(h) for h in hrefs[:3]]
    assert violations(page, query) == [] and page.errors == []
    assert [u for u in page.requests if not u.startswith(demo)] == []


def test_a_chinese_word_must_occur_whole(page: Any, demo: str) -> None:  # noqa: F811
    page.goto(demo)
    hrefs = search(page, "聚糖壳")  # the characters of 壳聚糖, in another order: no page holds it whole
    assert "以下" in summary(page) and "/lists/L-2024-006/" in [path(h) for h in hrefs]  # offered, said to be approximate
    assert search(page, "止血敷料") and summary(page).startswith("找到")


@pytest.mark.parametrize(("query", "opens"), [("重庆智埔机器人有限公司", "/notices/R-2024-017/"), ("壳聚糖", "/lists/L-2024-006/")])
def test_results_and_the_opened_page_mark_whole_words(page: Any, demo: str, query: str, opens: str) -> None:  # noqa: F811
    page.goto(demo)
    search(page, query)
    assert set(page.locator("[data-jb-search-result] mark").all_inner_texts()) == {query}
    page.locator(RESULTS).first.click()
    page.wait_for_url(f"**{opens}?hl=*")
    marks = page.locator("article mark.jb-hit").all_inner_texts()
    assert marks and set(marks) == {query}  # whole words, never single characters
    assert violations(page, opens) == [] and page.errors == []
    assert [u for u in page.requests if not u.startswith(demo)] == []


def test_search_works_where_no_worker_can_start(browser: Any, demo: str) -> None:  # noqa: F811
    context = browser.new_context(locale="zh-CN")
    context.add_init_script("delete window.Worker;\n" + REPORT_VIOLATIONS)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    try:
        tab.goto(demo)
        assert path(search(tab, "微流控")[0]) == "/lists/L-2024-002/"
        assert tab.evaluate("window.__csp") == [] and errors == []
    finally:
        context.close()


def test_the_search_box_sits_in_the_header_and_answers_the_keyboard(page: Any, demo: str) -> None:  # noqa: F811
    page.goto(demo + "lists/")
    box = page.locator(".md-header [data-jb-search] input[data-jb-search-query]")
    assert box.count() == 1
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.hasAttribute('data-jb-search-query')")
    assert page.evaluate("document.getElementById('__search').checked")
    search(page, "微流控")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lists/L-2024-002/?hl=*")
    assert page.locator("article mark.jb-hit").first.is_visible()


def test_the_index_is_fetched_in_parts(page: Any, demo: str, tmp_path: Path) -> None:  # noqa: F811
    page.goto(demo)
    search(page, "壳聚糖")
    fetched = [u for u in page.requests if "/pagefind/" in u]
    assert any("/pagefind/index/" in u for u in fetched) and any("/pagefind/fragment/" in u for u in fetched)
    assert not [u for u in page.requests if u.endswith("search_index.json")]
