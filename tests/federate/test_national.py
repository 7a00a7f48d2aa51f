"""A federation of the demo programmes builds: Shapingba read from its records repository,
the Hainan programme from a URL, and a broken source isolated; the national portal and
open data are what a reader, an analyst and a bureau would look at; the search box finds a
list by its id, a unit's name or a Chinese word (in headless Chromium)."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from generator.cli import main
from generator.federate import search as search_index
from tests.conftest import REPO
from tests.federate.conftest import federation_yaml, planted, published, write_json
from tests.portal.searchbox import search, summary
from tests.portal.test_browser import browser, serve, violations  # noqa: F401  (a fixture)
from tests.portal.test_browser import page as tab  # noqa: F401  (fixture; its own name is taken by pages here)


@dataclass(frozen=True)
class Built:
    root: Path
    site: Path
    result: Result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, shapingba: dict[str, Any], hainan: dict[str, Any], server: Any) -> Built:
    base, served, _ = server
    write_json(served / "hainan" / "records.json", published(hainan))
    root = tmp_path_factory.mktemp("federation")
    broken = dict(shapingba, program={**shapingba["program"], "id": "broken"})
    broken["lists"] = [{**broken["lists"][0], "funding": {"subsidy_cny": "十万"}}]
    write_json(root / "broken.json", broken)
    config = federation_yaml(
        root,
        [("shapingba", str(REPO)), ("hainan-jbgs", f"{base}hainan/records.json"), ("broken", "broken.json")],
        base_url="https://example.org/national/",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search_index, "SHARD_SIZE", 1)  # a shard per programme: the search box merges them
        result = CliRunner().invoke(main, ["federate", str(config), "--cache", str(root / "cache")])
    return Built(root, root / "national", result)


def test_a_broken_source_is_reported_by_name_and_the_rest_build(built: Built) -> None:
    assert built.result.exit_code == 1, built.result.output
    lines = built.result.output.splitlines()
    assert "shapingba：已更新" in lines and "hainan-jbgs：已更新" in lines
    broken = next(line for line in lines if line.startswith("broken："))
    assert "未能汇总" in broken and "lists.0.funding.subsidy_cny" in broken and "整数" in broken
    home = (built.site / "index.html").read_text(encoding="utf-8")
    assert "本次未能汇总" in home and "broken" in home
    programmes = pq.read_table(built.site / "data" / "programmes.parquet").column("programme").to_pylist()
    assert programmes == ["shapingba", "hainan-jbgs"]


def test_ids_are_namespaced_and_lists_link_to_their_own_portal(built: Built, hainan: dict[str, Any]) -> None:
    lists = pq.read_table(built.site / "data" / "lists.parquet").to_pylist()
    ids = [r["id"] for r in lists]
    assert len(ids) == len(set(ids)) and all(r["id"] == f"{r['programme']}/{r['list_id']}" for r in lists)
    assert "shapingba/L-2024-001" in ids and {f"hainan-jbgs/{lst['id']}" for lst in hainan["lists"]} <= set(ids)
    first = next(r for r in lists if r["id"] == "shapingba/L-2024-001")
    assert first["url"] == "https://example.org/jiebang/lists/L-2024-001/"
    page = (built.site / "lists" / "50" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://example.org/jiebang/lists/L-2024-001/"' in page
    assert not (built.site / "lists" / "L-2024-001").exists()  # no national copy of a record page


def test_divisions_and_levels_come_from_the_programme_or_its_end_users(built: Built) -> None:
    rows = {r["programme"]: r for r in pq.read_table(built.site / "data" / "programmes.parquet").to_pylist()}
    assert (rows["hainan-jbgs"]["division"], rows["hainan-jbgs"]["province"], rows["hainan-jbgs"]["level"]) == (
        "460000",
        "海南省",
        "provincial",
    )
    assert rows["hainan-jbgs"]["division_from"] == "program"
    shapingba = rows["shapingba"]  # an export without §8 fields: the end users' credit codes say where
    assert (shapingba["division"], shapingba["province"], shapingba["county"], shapingba["level"]) == ("500106", "重庆市", "沙坪坝区", None)
    assert shapingba["division_from"] == "end-users"
    page = (built.site / "programmes" / "shapingba" / "index.html").read_text(encoding="utf-8")
    assert "重庆市沙坪坝区" in page and "由需求单位统一社会信用代码推定" in page


def test_restricted_records_travel_as_counts_only(built: Built) -> None:
    withheld = {(r["programme"], r["kind"]): r["count"] for r in pq.read_table(built.site / "data" / "withheld.parquet").to_pylist()}
    assert withheld[("shapingba", "list")] == 1
    everything = "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in built.site.rglob("*") if p.suffix in (".html", ".json", ".csv", ".xml")
    )
    assert "L-2024-010" not in everything  # the demo's restricted list
    stats = (built.site / "stats" / "index.html").read_text(encoding="utf-8")
    assert "未公开记录" in stats


def test_the_planted_near_duplicate_is_found_across_programmes(built: Built, hainan: dict[str, Any]) -> None:
    planted_id = planted(hainan)
    rows = list(csv.DictReader(io.StringIO((built.site / "data" / "similar.csv").read_text(encoding="utf-8-sig"))))
    pairs = {(r["leader"], r["member"]): float(r["score"]) for r in rows}
    assert pairs.get(("shapingba/L-2024-003", planted_id), 0) >= 0.5, pairs
    page = html.unescape((built.site / "similar" / "index.html").read_text(encoding="utf-8"))
    assert "整机多机协同柔性装配机器人系统研制及示范应用" in page and "阈值 0.5" in page
    assert f"{hainan['program']['portal']['base_url']}lists/{hainan['planted']}/" in page


def test_parquet_answers_the_readme_duckdb_query(built: Built) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    query = re.search(r"```sql\n(.*?)```", readme[readme.index("## A national view") :], re.S)
    assert query, "the README documents a DuckDB query"
    sql = query.group(1).replace("national/data/", f"{built.site.as_posix()}/data/")
    found = duckdb.sql(sql).fetchall()
    assert ("重庆市", 12, pytest.approx(0.083, abs=0.001)) in [(r[0], r[1], r[2]) for r in found]


def test_the_merged_json_and_csv_hold_the_same_lists(built: Built, hainan: dict[str, Any]) -> None:
    planted_id = planted(hainan)
    doc = json.loads((built.site / "data" / "national.json").read_text(encoding="utf-8"))
    assert (doc["format"], doc["version"], doc["federation"]) == ("jiebang-national-data", 1, "cn")
    rows = list(csv.DictReader(io.StringIO((built.site / "data" / "lists.csv").read_text(encoding="utf-8-sig"))))
    assert [r["id"] for r in rows] == [r["id"] for r in doc["lists"]]
    row = next(r for r in doc["lists"] if r["id"] == planted_id)
    assert (row["track"], row["others_cny"], row["total_cny"]) == ("tackle", 300000, row["subsidy_cny"] + row["end_user_cny"] + 300000)
    funding = [r for r in doc["funding"] if r["list"] == planted_id]
    assert {r["source"] for r in funding} == {"subsidy", "end-user", "government"}


# mkdocs-material's own inline scripts (its bootstrap and its anchor fix), on every page of any portal
THEME_INLINE = ("__md_scope=new URL(", "var target=document.getElementById(location.hash.slice(1))")


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.sources: list[str] = []
        self._in: bool = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            found = dict(attrs)
            if found.get("src"):
                self.sources.append(found["src"] or "")
            elif found.get("type") != "application/json":
                self._in = True

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = False


def test_pages_are_light_and_run_only_the_portals_own_scripts(built: Built) -> None:
    for page in built.site.rglob("*.html"):
        assert page.stat().st_size < 500 * 1024, page
        parser = _Scripts()
        parser.feed(page.read_text(encoding="utf-8"))
        assert all(s.startswith(THEME_INLINE) for s in parser.inline), page
        assert all(not re.match(r"(https?:)?//", src) for src in parser.sources), page
    lists = (built.site / "lists" / "index.html").read_text(encoding="utf-8")
    assert "assets/national/filters.js" in lists and 'id="jb-national-filters"' in lists
    for chart in (built.site / "stats").glob("*.svg"):
        text = chart.read_text(encoding="utf-8")
        assert "<script" not in text and "href" not in text and "<text" in text, chart


def test_filters_read_chunked_data(built: Built, hainan: dict[str, Any]) -> None:
    manifest = json.loads((built.site / "data" / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert [f for f in manifest["filters"]] == ["province", "level", "industry", "status", "mode", "grade_label", "track"]
    by_file = {c["file"]: c for c in manifest["chunks"]}
    found = [c for c in manifest["chunks"] if c["facets"]["province"].get("海南省")]
    rows = [r for c in found for r in json.loads((built.site / "data" / "index" / c["file"]).read_text(encoding="utf-8"))]
    assert len(rows) == sum(c["rows"] for c in found) == len(hainan["lists"]) and set(by_file)
    assert manifest["labels"]["status"]["unclaimed"] == "无人揭榜"


def test_unclaimed_lists_have_a_page_and_a_feed(built: Built) -> None:
    feed = (built.site / "unclaimed.xml").read_text(encoding="utf-8")
    assert "无人揭榜：中药配方颗粒特征图谱快速检测方法研究" in feed  # Shapingba's L-2024-005
    assert "urn:jiebang:shapingba/L-2024-005" in feed
    page = html.unescape((built.site / "unclaimed" / "index.html").read_text(encoding="utf-8"))
    assert "中药配方颗粒特征图谱快速检测方法研究" in page and "重庆市" in page


def test_statistics_by_province_with_charts_and_csv(built: Built) -> None:
    rows = list(csv.DictReader(io.StringIO((built.site / "stats" / "by-province.csv").read_text(encoding="utf-8-sig"))))
    chongqing = next(r for r in rows if r["分组"] == "重庆市")
    assert (chongqing["榜单数"], chongqing["已揭榜"], chongqing["无人揭榜"]) == ("12", "6", "1")
    assert chongqing["揭榜率"] == f"{6 / 7:.4f}"
    svg = (built.site / "stats" / "province-lists.svg").read_text(encoding="utf-8")
    assert "榜单数（按省份）" in svg and "重庆市" in svg and "海南省" in svg
    page = (built.site / "stats" / "index.html").read_text(encoding="utf-8")
    assert 'src="province-claim.svg"' in page and (built.site / "stats" / "province-claim.svg").is_file()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("href", "src"):
            value = found.get(name)
            if value and tag in ("a", "img", "link", "script") and not re.match(r"[a-z]+:|#|/", value):
                self.targets.append(value.split("#")[0].split("?")[0])


def test_every_link_within_the_portal_resolves(built: Built) -> None:
    broken = []
    for page in built.site.rglob("*.html"):
        if page.name == "404.html":
            continue  # absolute links from the site's address
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for target in parser.targets:
            path = (page.parent / target).resolve()
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{page.relative_to(built.site)} → {target}")
    assert broken == []


def test_search_indexes_every_list_and_programme(built: Built, hainan: dict[str, Any]) -> None:
    found = {}
    for path in built.site.glob("pagefind/**/fragment/*.pf_fragment"):
        fragment = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[fragment["url"]] = fragment
    lists = pq.read_table(built.site / "data" / "lists.parquet").column("id").to_pylist()
    assert set(found) == {f"/lists/{i}.html" for i in lists} | {"/programmes/shapingba/", "/programmes/hainan-jbgs/"}
    meta = found["/lists/shapingba/L-2024-003.html"]["meta"]
    assert meta["link"] == "https://example.org/jiebang/lists/L-2024-003/"  # the list's page on its own portal
    assert meta["id"] == "L-2024-003 shapingba/L-2024-003" and "".join(meta["place"].split()) == "重庆市沙坪坝区·已揭榜"
    assert "重庆智埔机器人有限公司" in "".join(meta["units"].split())  # the winning unit
    assert not (built.site / "lists" / "shapingba").exists()  # the documents are the index's only
    bundle = built.site / "pagefind"  # chunked: an entry file, index chunks and one fragment per document
    assert (bundle / "pagefind-entry.json").is_file() and list((bundle / "index").glob("*.pf_index"))
    assert json.loads((bundle / "shards.json").read_text()) == ["pagefind/shards/1/"]  # in shards, each a bundle
    assert (bundle / "shards" / "1" / "pagefind-entry.json").is_file()
    assert "/lists/hainan-jbgs/L-2025-004.html" in {
        json.loads(gzip.decompress(p.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
        for p in (bundle / "shards" / "1" / "fragment").glob("*.pf_fragment")
    }


def test_an_unchanged_federation_indexes_no_shard_again(built: Built, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> int:
        raise AssertionError("a shard was indexed again")

    monkeypatch.setattr(search_index, "SHARD_SIZE", 1)
    monkeypatch.setattr(search_index, "index_documents", refuse)
    again = built.root / "again"
    result = CliRunner().invoke(
        main, ["federate", str(built.root / "federation.yaml"), "--out", str(again), "--cache", str(built.root / "cache")]
    )
    assert result.exit_code == 1, result.output  # the broken source, as in the first run
    assert sorted(p.relative_to(again).as_posix() for p in again.glob("pagefind/**/*") if p.is_file()) == sorted(
        p.relative_to(built.site).as_posix() for p in built.site.glob("pagefind/**/*") if p.is_file()
    )


@pytest.fixture(scope="module")
def national(built: Built) -> Iterator[str]:
    server, url = serve(built.site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("L-2024-006", "https://example.org/jiebang/lists/L-2024-006/"),  # an id leads to the list on its own portal
        ("shapingba/L-2024-003", "https://example.org/jiebang/lists/L-2024-003/"),  # a namespaced id
        ("壳聚糖", "https://example.org/jiebang/lists/L-2024-006/"),  # 可降解壳聚糖基急救止血敷料研制及产业化
        ("南繁育种", "https://example.org/hainan-jbgs/lists/L-2025-004/"),  # 南繁育种田间高通量表型采集机器人, Hainan's
        ("重庆西永智联电子科技有限公司", "https://example.org/jiebang/lists/L-2024-003/"),  # an end user's full name
    ],
)
def test_national_search_finds_the_list(tab: Any, national: str, query: str, expected: str) -> None:  # noqa: F811
    tab.goto(national)
    hrefs = search(tab, query)
    assert hrefs and hrefs[0] == expected, hrefs
    assert summary(tab).startswith("找到")
    assert violations(tab, query) == [] and tab.errors == []
    assert [u for u in tab.requests if not u.startswith(national)] == []  # the index is the portal's own
