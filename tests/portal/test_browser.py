"""The built portal in headless Chromium: the 榜单 index and a list page render, the filters
work, a Chinese search finds the list, the 申报指南 prints cleanly, and markup injected into
records never runs. Debian's chromium only (``.ci/test`` installs it when CI=true); locally
the test is skipped when chromium is missing, in CI it fails."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.portal.build import build_portal
from tests.conftest import REPO
from tests.portal.conftest import build

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        reason = "Debian's chromium is not installed (apt-get install chromium); .ci/test installs it when CI=true"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    path = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=path, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def portal(site: Path) -> Iterator[str]:
    server, url = serve(site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that records every dialog (alert, confirm) and every script error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.dialogs, tab.errors = [], []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.requests = []
    tab.on("request", lambda r: tab.requests.append(r.url))
    yield tab
    context.close()


def test_list_index_renders_and_filters(page: Any, portal: str) -> None:
    page.goto(portal + "lists/")
    assert page.locator("h1").inner_text().removesuffix("¶") == "榜单"
    rows = page.locator("#jb-lists tbody tr")
    assert rows.count() == 3
    page.select_option("select[name=industry]", "生命健康")
    visible = [r.inner_text() for r in rows.all() if r.is_visible()]
    assert len(visible) == 1 and "医疗器械低温等离子灭菌设备研制" in visible[0]
    assert page.locator(".jb-count").inner_text() == "共 1 项"
    assert "industry=%E7%94%9F%E5%91%BD%E5%81%A5%E5%BA%B7" in page.url
    page.goto(portal + "lists/?status=" + "已揭榜")
    assert [r.inner_text().split("\t")[0] for r in rows.all() if r.is_visible()] == ["L-2024-001"]
    assert page.errors == []


def test_list_page_renders_the_eight_items(page: Any, portal: str) -> None:
    page.goto(portal + "lists/")
    page.click("text=医疗器械低温等离子灭菌设备研制")
    page.wait_for_url("**/lists/L-2024-004/")
    assert page.locator("h1").inner_text().startswith("医疗器械低温等离子灭菌设备研制")
    headings = page.locator("article h3").all_inner_texts()
    assert [h[:2] for h in headings[:8]] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"]
    assert page.locator("text=指标I2考核方式更正为第三方检测报告").first.is_visible()
    assert page.title().startswith("医疗器械低温等离子灭菌设备研制")


@pytest.mark.parametrize(("word", "expected"), [("编码器", "lists/L-2024-001/"), ("灭菌", "lists/L-2024-004/")])
def test_chinese_search_finds_the_list(page: Any, portal: str, word: str, expected: str) -> None:
    page.goto(portal)
    query = "input[data-md-component=search-query]"
    page.fill(query, word)  # Chinese arrives as inserted text, without the keyup the search box listens to
    page.press(query, "End")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached", timeout=20000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any(h.endswith(expected) or expected in h for h in hrefs), hrefs
    assert page.evaluate("window.__xss") is None  # L-2024-005's hostile title is among the 编码器 results
    assert page.dialogs == []


def test_injected_markup_never_runs(page: Any, portal: str) -> None:
    for path in ("", "lists/", "lists/L-2024-005/", "calls/C-2024-02/", "search/search_index.json"):
        page.goto(portal + path)
        assert page.evaluate("window.__xss") is None, path
    page.goto(portal + "lists/L-2024-005/")
    assert page.locator("h1").inner_text().startswith("编码器标定装置<script>window.__xss = 1</script>")
    assert page.locator("article script, article img, article iframe").count() == 0
    page.goto(portal + "calls/C-2024-02/")
    assert page.locator("article a[href^='javascript']").count() == 0
    assert page.locator("article a[href='https://example.org/form.docx']").count() == 1
    assert page.dialogs == [] and page.errors == []
    assert [u for u in page.requests if not u.startswith(portal)] == []  # no request leaves the portal


def test_call_prints_as_a_clean_a4_document(page: Any, portal: str) -> None:
    page.goto(portal + "calls/C-2024-02/")
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer", ".jb-print"):
        assert not page.locator(chrome).first.is_visible(), chrome
    assert page.locator("h1").is_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")


def test_home_page_screenshot_of_the_demo_portal(browser: Any, tmp_path: Path) -> None:
    """Builds the shipped records/ into public/ (what ``bash .ci/build`` does) and saves
    public/screenshot.png of the home page for the documentation."""
    if not (REPO / "records" / "program.yaml").is_file():
        pytest.skip("the demo records are not in this checkout")
    site = build_portal(REPO)
    server, url = serve(site)
    try:
        tab = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab.goto(url)
        assert tab.locator(".jb-figure").count() == 6
        tab.screenshot(path=str(site / "screenshot.png"), full_page=True)
        tab.close()
    finally:
        server.shutdown()
        server.server_close()
    assert (site / "screenshot.png").read_bytes().startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def offline_site(portal_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal fixture built to be opened from disk (``jiebang build --offline``)."""
    return build(portal_root, tmp_path_factory.mktemp("offline") / "public", offline=True)


def test_offline_preview_browses_and_searches_from_disk(page: Any, offline_site: Path) -> None:
    home = (offline_site / "index.html").as_uri()
    page.goto(home)
    page.click(".md-tabs >> text=榜单")
    assert page.url == (offline_site / "lists" / "index.html").as_uri()  # a file, not a folder: opens under file://
    page.click("text=医疗器械低温等离子灭菌设备研制")
    assert page.url == (offline_site / "lists" / "L-2024-004.html").as_uri()
    page.goto(home)
    query = "input[data-md-component=search-query]"
    page.fill(query, "灭菌")
    page.press(query, "End")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached", timeout=20000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any("lists/L-2024-004.html" in h for h in hrefs), hrefs
    assert [u for u in page.requests if not u.startswith("file:")] == []  # nothing from any other site
    assert page.errors == []
