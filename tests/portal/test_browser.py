"""The built portal in headless Chromium: the 榜单 index and a list page render, the filters
work, a Chinese search finds the list, the 申报指南 prints cleanly, markup injected into
records never runs, no page asks another site for anything, and the Content-Security-Policy
reports no violation on the portal's own pages. Debian's chromium only (``.ci/test`` installs
it when CI=true); locally the test is skipped when chromium is missing, in CI it fails."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.portal.build import build_portal, publish
from generator.portal.pipeline import PortalBuild
from generator.records.demo import create_demo
from tests.conftest import REPO
from tests.history.history_repo import build_history_repo
from tests.portal.conftest import AS_OF, build
from tests.portal.searchbox import search
from tests.security.payloads import controls_admitted, hostile_records

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


# Every Content-Security-Policy violation of a page, kept on the window (read after each load).
REPORT_VIOLATIONS = """window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.effectiveDirective + " " + e.blockedURI + " " + (e.sample || "")));"""


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page that records every dialog (alert, confirm), script error, console message and request."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(REPORT_VIOLATIONS)
    tab = context.new_page()
    tab.dialogs, tab.errors, tab.console = [], [], []
    tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("console", lambda m: tab.console.append(m.text))
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
    assert [r.locator("td[data-label=编号]").inner_text() for r in rows.all() if r.is_visible()] == ["L-2024-001"]
    assert page.errors == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("grade=major", ["L-2024-004"]),
        ("grade=重大项目", ["L-2024-004"]),
        ("status=awarded", ["L-2024-001"]),
        ("status=published&industry=智能科技", ["L-2024-005"]),
        ("status=nonsense", ["L-2024-001", "L-2024-004", "L-2024-005"]),
    ],
)
def test_filter_links_take_codes_and_labels(page: Any, portal: str, query: str, expected: list[str]) -> None:
    page.goto(portal + "lists/?" + query)
    rows = page.locator("#jb-lists tbody tr")
    assert [r.locator("td[data-label=编号]").inner_text() for r in rows.all() if r.is_visible()] == expected
    assert page.locator(".jb-count").inner_text() == f"共 {len(expected)} 项"


@pytest.fixture(scope="module")
def paged_portal(portal_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal fixture with one list per index page: the 榜单 index lists years, the
    filters read the chunked data of every list."""
    site, _ = publish(PortalBuild(portal_root, as_of=AS_OF, check=False, page_rows=1), tmp_path_factory.mktemp("paged") / "public")
    server, url = serve(site)
    yield url
    server.shutdown()
    server.server_close()


def test_filters_work_across_every_year_page(page: Any, paged_portal: str) -> None:
    page.goto(paged_portal + "lists/")
    assert page.locator("#jb-lists").is_hidden() and page.locator(".jb-count").inner_text() == "共 3 项"
    page.select_option("select[name=industry]", "智能科技")
    rows = page.locator("#jb-lists tbody tr")
    rows.first.wait_for()
    assert [r.locator("td[data-label=编号]").inner_text() for r in rows.all()] == ["L-2024-001", "L-2024-005"]
    assert page.locator(".jb-count").inner_text() == "共 2 项"
    assert "industry=%E6%99%BA%E8%83%BD%E7%A7%91%E6%8A%80" in page.url
    assert rows.nth(1).locator("td").first.inner_text() == "编码器标定装置<script>window.__xss = 1</script>"  # text, never markup
    page.goto(paged_portal + "lists/?grade=major")
    rows.first.wait_for()
    assert [r.locator("td[data-label=编号]").inner_text() for r in rows.all()] == ["L-2024-004"]
    page.locator("#jb-lists a").click()
    page.wait_for_url(paged_portal + "lists/L-2024-004/")
    page.goto(paged_portal + "lists/2024-2/")
    assert [r.locator("td[data-label=编号]").inner_text() for r in page.locator("table.jb-rows tbody tr").all()] == ["L-2024-004"]
    page.locator(".jb-pager a", has_text="较早").first.click()
    page.wait_for_url(paged_portal + "lists/2024-3/")
    assert page.evaluate("window.__xss") is None and page.errors == [] and violations(page, "lists") == []


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
    hrefs = search(page, word)
    assert any(expected in h for h in hrefs), hrefs
    assert page.evaluate("window.__xss") is None  # L-2024-005's hostile title is among the 编码器 results
    assert page.dialogs == []


def test_injected_markup_never_runs(page: Any, portal: str) -> None:
    for path in ("", "lists/", "lists/L-2024-005/", "calls/C-2024-02/", "lists/L-2024-005/?hl=%3Cscript%3Ewindow.__xss%3D1%3C/script%3E"):
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


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The generated demo repository built into public/ (what ``bash .ci/build`` does), served."""
    if not (REPO / "records" / "program.yaml").is_file():
        pytest.skip("the demo records are not in this checkout")
    root = tmp_path_factory.mktemp("demo") / "demo"
    create_demo(root)
    site = build_portal(root, REPO / "public")
    server, url = serve(site)
    yield site, url
    server.shutdown()
    server.server_close()


def test_home_page_screenshot_of_the_demo_portal(browser: Any, demo: tuple[Path, str]) -> None:
    """Saves public/screenshot.png of the home page for the documentation."""
    site, url = demo
    tab = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab.goto(url)
    assert tab.locator(".jb-figure").count() == 6
    tab.screenshot(path=str(site / "screenshot.png"), full_page=True)
    tab.close()
    assert (site / "screenshot.png").read_bytes().startswith(b"\x89PNG")


# Cells whose text the browser laid out on more than one line.
BROKEN = """sel => Array.from(document.querySelectorAll(sel)).filter(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size > 1;
}).map(el => el.textContent)"""


def test_the_list_index_reads_on_a_phone(browser: Any, demo: tuple[Path, str]) -> None:
    """At 390 px the 榜单 index scrolls only downwards: every list is a card showing its title,
    status and subsidy; dates and ids are never broken. Saves public/lists-390.jpg (the
    documentation's docs/images/lists-390.jpg)."""
    site, url = demo
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN", is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    tab.goto(url + "lists/")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    rows = tab.locator("#jb-lists tbody tr")
    assert rows.count() >= 10
    for row in rows.all():
        for cell in ("榜单名称", "状态", "财政资助"):
            box = row.locator(f"td[data-label={cell}]").bounding_box()
            assert box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell, row.inner_text())
    assert rows.first.locator("td[data-label=财政资助]").evaluate("td => getComputedStyle(td, '::before').content") != "none"
    assert rows.first.locator("td[data-label=榜单名称]").evaluate("td => getComputedStyle(td, '::before').content") == "none"
    assert tab.evaluate(BROKEN, "#jb-lists td.jb-nowrap") == []
    tab.select_option("select[name=status]", index=1)  # the filters still work on a phone
    assert 0 < len([r for r in rows.all() if r.is_visible()]) < rows.count()
    tab.goto(url + "lists/")
    tab.screenshot(path=str(site / "lists-390.jpg"), full_page=True, type="jpeg", quality=80)
    context.close()
    assert (site / "lists-390.jpg").read_bytes().startswith(b"\xff\xd8")


@pytest.fixture(scope="module")
def history_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal of a records repository with a history (tests/history/history_repo.py)."""
    repo = build_history_repo(tmp_path_factory.mktemp("history") / "repo")
    server, url = serve(build_portal(repo, repo.parent / "public"))
    yield url
    server.shutdown()
    server.server_close()


def test_a_printed_call_has_no_history_commits_or_badges(page: Any, history_portal: str) -> None:
    page.goto(history_portal + "calls/C-2024-01/")
    history = page.locator("h2", has_text="历史")
    on_screen = page.evaluate("document.querySelector('article').innerText")
    assert history.is_visible() and re.search(r"提交 [0-9a-f]{10}\b", on_screen) and page.locator(".jb-unapproved").first.is_visible()
    page.emulate_media(media="print")
    assert not history.is_visible()
    printed = page.evaluate("document.querySelector('article').innerText")
    assert "历史" not in printed and not re.search(r"\b[0-9a-f]{10}\b", printed) and "PR #" not in printed
    assert "一、申报时间" in printed and "附件1" in printed
    for hidden in (".jb-history-section", ".jb-unapproved", ".jb-print"):
        assert all(not el.is_visible() for el in page.locator(hidden).all()), hidden
    page.goto(history_portal + "lists/L-2024-001/")
    assert not page.locator(".jb-badges").is_visible() and not page.locator("h2", has_text="历史").is_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")


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


@pytest.fixture(scope="module")
def hostile_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The portal built from the review's hostile records (tests/security/payloads.py)."""
    with controls_admitted():
        site = build(hostile_records(tmp_path_factory.mktemp("hostile") / "repo"))
    server, url = serve(site)
    yield url
    server.shutdown()
    server.server_close()


def point_at(page: Any, element: Any) -> None:
    """Move the mouse onto ``element`` (no waiting for the theme's animations to settle)."""
    box = element.bounding_box()
    if box and box["width"] and box["height"]:
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(100)


def provoke(page: Any) -> None:
    """What a visitor does that the review's payloads wait for: scroll until the header shows
    the page's title, point at it and at every link of the page's text, and tab through them."""
    page.mouse.wheel(0, 800)
    page.wait_for_timeout(500)
    topics = page.locator(".md-header__topic")
    if topics.count():
        point_at(page, topics.last)
    for link in page.locator("article a").all()[:20]:
        if link.is_visible():
            point_at(page, link)
            link.focus()
    page.wait_for_timeout(500)


@pytest.mark.parametrize(
    "path",
    [
        "lists/L-2024-001/",  # A1: an <img onerror> written into <title>
        "notices/R-2024-002/",
        "projects/P-2024-001/",
        "calls/C-2024-02/",  # A2: a <base> that would load every script from the attacker
        "lists/L-2024-004/",  # A3: a meta refresh to another site
        "calls/C-2024-01/",  # A4: a link title with markup; javascript: links hidden by control characters
        "lists/L-2024-005/",  # a title too long for the header, with markup
    ],
)
def test_hostile_records_run_no_script_and_reach_no_other_site(page: Any, hostile_portal: str, path: str) -> None:
    page.goto(hostile_portal + path)
    page.wait_for_timeout(300)
    provoke(page)
    for link in page.locator(".jb-prose a", has_text="控制符").all():  # javascript: once the browser drops the character
        link.click()
        page.wait_for_timeout(200)
    assert not page.title().startswith("XSS"), page.title()
    assert page.url == hostile_portal + path  # no redirect
    for link in page.locator("article a[href]").all():
        href = link.get_attribute("href") or ""
        assert href.startswith(("https://", "mailto:", "../", "#")) or not href.split("/")[0].count(":"), href
    assert [u for u in page.requests if not u.startswith(hostile_portal)] == []
    assert page.dialogs == [] and page.errors == [] and not [m for m in page.console if "XSS" in m]


def violations(page: Any, path: str) -> list[str]:
    return [f"{path}: {v}" for v in page.evaluate("window.__csp || []")]


def test_the_portal_reports_no_policy_violation_and_keeps_working(page: Any, portal: str) -> None:
    found = []
    page.goto(portal)
    found += violations(page, "home")
    page.goto(portal + "lists/")
    page.select_option("select[name=grade]", index=1)
    assert "grade=" in page.url
    found += violations(page, "lists")
    page.goto(portal + "lists/L-2024-001/")
    link = page.locator("a.headerlink").nth(1)
    link.hover()
    assert link.get_attribute("title") == "本节链接"  # a plain title: the browser's own tooltip
    found += violations(page, "list")
    page.goto(portal + "calls/C-2024-02/")
    page.evaluate("() => { window.__prints = 0; window.print = () => { window.__prints += 1 } }")
    page.click("button.jb-print")
    assert page.evaluate("window.__prints") == 1
    found += violations(page, "call")
    page.goto(portal + "notices/R-2024-002/")
    found += violations(page, "notice")
    page.goto(portal + "projects/P-2024-001/")
    assert page.locator("progress.jb-progress").get_attribute("value") == "100"
    assert page.locator("progress.jb-progress").bounding_box()["width"] > 100  # type: ignore[index]
    found += violations(page, "project")
    page.goto(portal)
    assert search(page, "编码器")
    found += violations(page, "search")
    assert found == []
    assert page.errors == [] and not [m for m in page.console if "Content Security Policy" in m]
    assert [u for u in page.requests if not u.startswith(portal)] == []


class _NotFound(_Quiet):
    """A host that answers every missing address below ``mount`` with the site's 404.html, as
    GitHub Pages does (and any other missing address with its own plain error)."""

    mount = "/jiebang/"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / self.mount.strip("/") / "404.html"
        if code != 404 or not page.is_file() or not self.path.startswith(self.mount):
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize(
    "mount",
    [
        "/jiebang/",  # the path of the fixture's address, https://example.org/jiebang/
        "/preview/pr-12/",  # another path than site_url says
        "/",  # a host's root
    ],
)
@pytest.mark.parametrize("missing", ["nothing-here", "lists/L-2099-001/deep/"])
def test_404_works_wherever_the_site_is_served(page: Any, site: Path, tmp_path: Path, mount: str, missing: str) -> None:
    """Served under any path, the 404 page of a missing address at any depth loads the theme's
    stylesheet and scripts from the site, its scripts find the site's root, its links lead
    into the site, and the policy reports nothing."""
    served = tmp_path / "host"  # what the host serves at its root
    if mount == "/":
        served.symlink_to(site)
    else:
        (served / mount.strip("/")).parent.mkdir(parents=True)
        (served / mount.strip("/")).symlink_to(site)
    handler = type("Host", (_NotFound,), {"mount": mount})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(served)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        response = page.goto(origin + mount + missing)
        assert response.status == 404
        page.wait_for_function("!document.documentElement.classList.contains('no-js')")  # the theme's bundle ran
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"  # its stylesheet
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).borderBottomStyle") == "solid"  # the portal's
        assert page.evaluate("String(window.__md_scope)") == origin + mount
        assert page.locator("article h1").inner_text().removesuffix("¶") == "页面不存在"
        assert page.locator(".md-tabs a", has_text="榜单").evaluate("a => a.href") == origin + mount + "lists/"
        assert violations(page, "404") == [] and page.errors == []
        assert [u for u in page.requests if not u.startswith(origin + "/")] == []  # nothing from any other site
        page.locator("article a", has_text="榜单").click()
        page.wait_for_url(origin + mount + "lists/")
        assert page.locator("#jb-lists tbody tr").count() == 3
    finally:
        server.shutdown()
        server.server_close()
