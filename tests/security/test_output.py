"""Attacks on what the portal writes (SPEC §7 Output), from the portal's security review:
markup in titles and in every free-text field, link targets, a programme address with a
double slash, CSV formulas, control characters in the feed and line breaks in the calendar.
Each builds the portal from hostile records without the validation gate (as a ``--as-of``
build of an old revision does) and asserts on the files a visitor downloads, parsed the way
a browser, a spreadsheet, a feed reader or a calendar would."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser

from generator.cli import main
from generator.errors import CannotRun
from generator.portal.html_check import POLICY
from generator.portal.pipeline import web_url
from tests.conftest import make_records
from tests.portal.conftest import build, portal_records
from tests.security.payloads import A1, A2, A3, FEED_CONTROLS, FORMULAS, ICS_INJECTION, LONG, controls_admitted, hostile_records, set_field

SITE_NAME = "沙坪坝区科技攻关“揭榜挂帅”"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with controls_admitted():
        return build(hostile_records(tmp_path_factory.mktemp("hostile") / "repo"))


def dom(site: Path, url: str) -> LexborHTMLParser:
    path = site / url if url.endswith(".html") else site / url / "index.html"
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def handlers(tree: LexborHTMLParser) -> list[str]:
    return [f"{node.tag} {name}" for node in tree.root.traverse() for name in node.attributes if name.lower().startswith("on")]


def features(tree: LexborHTMLParser) -> list[str]:
    node = tree.css_first("script#__config")
    assert node is not None
    return list(json.loads(node.text())["features"])


@pytest.mark.parametrize("url", ["lists/L-2024-001/", "notices/R-2024-002/", "projects/P-2024-001/"])
def test_a1_a_title_that_closes_the_title_element_prints_as_text(hostile: Path, url: str) -> None:
    tree = dom(hostile, url)
    assert tree.css_first("title").text().endswith(f"齿轮检测系统{A1.removeprefix('齿轮检测系统')} - {SITE_NAME}")
    assert handlers(tree) == [] and tree.css("img") == []


def test_a2_a_base_element_in_a_title_prints_as_text(hostile: Path) -> None:
    tree = dom(hostile, "calls/C-2024-02/")
    assert tree.css("base") == []
    assert tree.css_first("title").text() == f"{A2} - {SITE_NAME}"


def test_a3_a_refresh_in_a_title_prints_as_text(hostile: Path) -> None:
    tree = dom(hostile, "lists/L-2024-004/")
    assert [m.attributes.get("http-equiv") for m in tree.css("meta[http-equiv]")] == ["Content-Security-Policy"]
    assert tree.css_first("title").text() == f"{A3} - {SITE_NAME}"


def test_a4_and_long_titles_reach_no_tooltip_that_renders_html(hostile: Path) -> None:
    """mkdocs-material's tooltips write a link's title, and the text of any title too long for
    the header, back into the page as HTML: the portal turns them off, and sanitised
    Markdown keeps no link title."""
    link = dom(hostile, "calls/C-2024-01/").css_first('a[href="https://example.org/apply"]')
    assert link is not None and "title" not in link.attributes
    for url in ("", "lists/L-2024-005/", "calls/C-2024-01/", "404.html"):
        assert "content.tooltips" not in features(dom(hostile, url)), url
    assert dom(hostile, "lists/L-2024-005/").css_first("title").text() == f"{LONG} - {SITE_NAME}"


def test_links_are_only_http_mailto_or_relative_after_control_characters_go(hostile: Path) -> None:
    prose = dom(hostile, "calls/C-2024-01/").css_first(".jb-prose")
    links = [(a.text(), a.attributes.get("href")) for a in prose.css("a")]
    assert links == [
        ("网上申报系统", "https://example.org/apply"),
        ("控制符一", None),
        ("控制符二", None),
        ("控制符三", None),
        ("控制符四", None),
        ("另一网站", None),
        ("电话", None),
        ("邮件", "mailto:kjj@example.org"),
        ("开放数据", "../../data/"),
    ]


def test_every_page_carries_the_policy_before_anything_it_governs(hostile: Path) -> None:
    for path in sorted(hostile.rglob("*.html")):
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        policies = tree.css('meta[http-equiv="Content-Security-Policy"]')
        assert [m.attributes["content"] for m in policies] == [POLICY], path
        assert policies[0].parent.tag == "head", path
        first = tree.head.css_first("title, script, link, style, base, meta[http-equiv]")
        assert first is not None and first.attributes.get("http-equiv") == "Content-Security-Policy", path
        inline = [s for s in tree.css("script") if "src" not in s.attributes and s.attributes.get("type") != "application/json"]
        assert inline == [] and tree.css("[style], style") == [], path
    assert "'unsafe-inline'" not in POLICY and "default-src 'none'" in POLICY and "base-uri 'none'" in POLICY


def test_a5_a_programme_address_with_a_double_slash_is_refused_and_never_used(tmp_path: Path) -> None:
    """MkDocs makes the path of the site's address (here ``//evil.example/``) the base of every
    script and stylesheet of 404.html: a protocol-relative address of another site."""
    double = "https://example.org//evil.example/"
    root = make_records(tmp_path / "repo", edit={"records/program.yaml": [["https://example.org/jiebang/", double]]})
    result = CliRunner().invoke(main, ["validate", "--root", str(root)])
    findings = [line for line in result.output.splitlines() if ": error " in line]
    assert len(findings) == 1 and findings[0].startswith("records/program.yaml:9:") and " S003 " in findings[0] and double in findings[0]
    with pytest.raises(CannotRun, match=r"program\.yaml"):
        build(root, tmp_path / "out")  # without the validation gate, as for an old revision: nothing is built
    assert not (tmp_path / "out").exists()
    assert web_url(double) is None and web_url("https://example.org/jiebang") == "https://example.org/jiebang/"


def csv_cells(site: Path) -> dict[str, list[dict[str, str]]]:
    return {
        p.stem: list(csv.DictReader(io.StringIO(p.read_bytes().decode("utf-8-sig"), newline="")))
        for p in sorted((site / "data").glob("*.csv"))
    }


def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(hostile: Path) -> None:
    tables = csv_cells(hostile)
    lst = next(r for r in tables["lists"] if r["id"] == "L-2024-001")
    assert lst["eligibility.notes"] == "'" + FORMULAS["notes"]
    assert (lst["benchmark"], lst["impact"], lst["bottleneck"]) == ("'" + FORMULAS["benchmark"], "'" + FORMULAS["impact"], "'\t=1+1")
    assert next(r for r in tables["lists"] if r["id"] == "L-2024-004")["end_user.name"] == "'" + FORMULAS["end_user"]
    assert next(r for r in tables["calls"] if r["id"] == "C-2024-02")["materials"].startswith("'\r=1+1")
    risky = [(name, k, v) for name, rows in tables.items() for row in rows for k, v in row.items() if v.startswith(FORMULA_START)]
    assert risky == []


def test_open_data_page_explains_the_quote_in_chinese(hostile: Path) -> None:
    text = dom(hostile, "data/").css_first("article").text()
    assert "单引号" in text and "公式" in text


def test_feed_stays_well_formed_with_control_characters(hostile: Path) -> None:
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring((hostile / "feed.xml").read_bytes())
    summaries = [e.findtext("a:summary", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "指标I2考核方式更正" + "\ufffd" * (len(FEED_CONTROLS) - len("指标I2考核方式更正")) in summaries
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert f"发布榜单：{A1}" in titles  # markup is text to a feed reader


def test_calendar_lines_cannot_be_injected(hostile: Path) -> None:
    raw = (hostile / "calendar.ics").read_bytes()
    assert re.search(rb"\r(?!\n)|(?<!\r)\n", raw) is None  # every line ends with CRLF, no lone CR or LF
    lines = raw.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]
    assert all(re.match(r"[A-Z][A-Z0-9-]*[;:]", line) for line in lines), lines
    assert lines.count("BEGIN:VEVENT") == 3  # two deadlines and one 公示 window
    calendar: Any = icalendar.Calendar.from_ical(raw)
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    injected = ICS_INJECTION.replace("\r", "\n").replace("\x0b", "\n").replace("\u2028", "\n")
    assert f"申报截止：{injected}" in summaries
    assert not [e for e in calendar.walk("VEVENT") if "evil.example" in str(e.get("URL", ""))]


def test_hand_written_pages_are_checked_too(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo")
    (root / "site" / "docs").mkdir(parents=True)
    (root / "site" / "docs" / "guide.md").write_text("# 办事指南\n\n<img src=x onerror=\"document.title='XSS'\">\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0 and "guide/index.html：<img> 带有事件处理属性 onerror" in result.output, result.output
    assert not (tmp_path / "out").exists()


MARK = "<x-jb data-jb=1>'\"&lt;x-jb data-jb=2&gt;"  # a tag and an attribute only markup could create
ENUM_OR_ID = re.compile(r"[A-Z]-\d{4}-\d{2,3}(-\d+)?|[a-z][a-z-]*|https?://\S+|I\d+|\d+")


def _mark(value: Any, key: str = "") -> Any:
    """Append the marker to every free-text leaf (not to ids, codes, enums, dates or numbers)."""
    if isinstance(value, dict):
        return {k: _mark(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark(v, key) for v in value]
    if isinstance(value, str) and key not in ("kind", "id", "credit_code", "phone") and not ENUM_OR_ID.fullmatch(value):
        return value + MARK
    return value


def test_markup_in_every_free_text_field_stays_text_in_every_output(tmp_path: Path) -> None:
    root = portal_records(tmp_path / "repo")
    marked = 0
    for path in sorted((root / "records").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "program.yaml":
            data["portal"] = {**_mark(data["portal"]), "base_url": data["portal"]["base_url"], "repo_url": data["portal"]["repo_url"]}
            data = {**data, **{k: _mark(data[k], k) for k in ("issuer", "region", "basis")}}
        else:
            data = _mark(data)
        marked += yaml.safe_dump(data, allow_unicode=True).count("x-jb data-jb=1")
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert marked > 100
    site = build(root)
    for path in sorted(site.rglob("*.html")):
        tree = LexborHTMLParser(path.read_text(encoding="utf-8"))
        assert tree.css("x-jb, [data-jb]") == [] and handlers(tree) == [], path
    ET.fromstring((site / "feed.xml").read_bytes())
    assert "x-jb" in (site / "feed.xml").read_text(encoding="utf-8")  # the marker reached it, as text
    risky = [v for rows in csv_cells(site).values() for row in rows for v in row.values() if v.startswith(FORMULA_START)]
    assert risky == []


def test_set_field_replaces_exactly_one_line(tmp_path: Path) -> None:
    path = tmp_path / "records" / "x.yaml"
    path.parent.mkdir()
    path.write_text("a: 1\nb: 2\n", encoding="utf-8")
    set_field(tmp_path, "records/x.yaml", r"^b: .*$", "b: 3")
    assert path.read_text(encoding="utf-8") == "a: 1\nb: 3\n"
    with pytest.raises(AssertionError):
        set_field(tmp_path, "records/x.yaml", r"^c: .*$", "c: 1")


def test_control_characters_in_hostile_records_are_refused_first(tmp_path: Path) -> None:
    """The first line of defence: S008 refuses the payloads that hide behind control characters,
    with the file and line; the outputs above hold even when such a value gets through."""
    from generator.validate import validate

    root = hostile_records(tmp_path / "repo")
    found = {(d.path, d.rule) for d in validate(root).findings}
    assert ("records/calls/C-2024-01.yaml", "S008") in found  # the \v and U+2028 links, the calendar CRs
    assert ("records/lists/L-2024-004.yaml", "S008") in found  # the feed's control characters
