"""Index pages that stay light at any size: the split by year and into pages, the 榜单 filters'
chunked data, the 决策记录 in parts, the 申报指南 annexes in volumes, one label per status."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from benchmarks import synth
from generator.history.provider import Change, Decision, DecisionLogView, LogEntryView, LogRecordView
from generator.portal import filters, indexes, views
from generator.portal.pages import Page, Providers, environment, nav, render_pages
from generator.portal.paging import Paged, page_url, paginate, window
from generator.public.view import PublicView
from generator.records.tree import load_tree
from tests.portal.conftest import AS_OF, portal_records
from tests.portal.test_pages import text


def paged_pages(corpus, size: int, providers: Providers | None = None, as_of: dt.date = AS_OF) -> dict[str, Page]:  # type: ignore[no-untyped-def]
    found = render_pages(PublicView(corpus, as_of), environment(), providers or Providers(), page_rows=size)
    return {p.uri: p for p in found}


def test_an_index_that_fits_is_one_page() -> None:
    paged = paginate("lists/index.md", [("a", 2024), ("b", 2023)], lambda i: i[1], size=2)
    assert paged.whole and paged.sheets == () and [i[0] for i in paged.items] == ["a", "b"]


def test_a_long_index_is_split_by_year_newest_first_then_into_pages() -> None:
    items = [(f"x{n}", 2023) for n in range(3)] + [(f"y{n}", 2024) for n in range(5)]
    paged: Paged[tuple[str, int]] = paginate("lists/index.md", items, lambda i: i[1], size=2)
    assert not paged.whole
    assert [s.uri for s in paged.sheets] == ["lists/2024.md", "lists/2024-2.md", "lists/2024-3.md", "lists/2023.md", "lists/2023-2.md"]
    assert [[i[0] for i in s.items] for s in paged.sheets] == [["y0", "y1"], ["y2", "y3"], ["y4"], ["x0", "x1"], ["x2"]]
    assert [(y.year, y.count, len(y.uris)) for y in paged.years] == [(2024, 5, 3), (2023, 3, 2)]
    first, last = paged.sheets[0], paged.sheets[-1]
    assert first.prev is None and first.next == "lists/2024-2.md" and paged.sheets[3].prev == "lists/2024-3.md"
    assert last.next is None and last.number == 2
    decisions = paginate("decisions.md", items, lambda i: i[1], size=4)
    assert [s.uri for s in decisions.sheets] == ["decisions/2024.md", "decisions/2024-2.md", "decisions/2023.md"]


def test_rows_of_unequal_weight_and_an_item_heavier_than_a_page() -> None:
    items = [("big", 2024, 7), ("a", 2024, 1), ("b", 2024, 2), ("c", 2024, 2)]
    paged = paginate("p/index.md", items, lambda i: i[1], size=4, rows=lambda i: i[2])
    assert [[i[0] for i in s.items] for s in paged.sheets] == [["big"], ["a", "b"], ["c"]]


def test_pager_numbers_and_page_addresses() -> None:
    assert window(3, 1) == [1, 2, 3]
    assert window(20, 10) == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert page_url("lists/2024-2.md") == "lists/2024-2/" and page_url("lists/2024-2.md", False) == "lists/2024-2.html"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    return load_tree(portal_records(tmp_path_factory.mktemp("paging") / "repo")).corpus


def test_split_index_pages_keep_every_list_once_and_stay_out_of_the_nav(corpus) -> None:  # type: ignore[no-untyped-def]
    found = paged_pages(corpus, 2)
    sheets = [u for u in found if u.startswith("lists/2024")]
    assert sheets == ["lists/2024.md", "lists/2024-2.md"]
    listed = [
        rid
        for u in sheets
        for rid in ("L-2024-001", "L-2024-004", "L-2024-005")
        if f"{rid}</td>" in found[u].markdown.replace("&#45;", "-")
    ]
    assert sorted(listed) == ["L-2024-001", "L-2024-004", "L-2024-005"]  # each list on exactly one page
    assert not any(found[u].in_nav for u in sheets)
    assert [e for e in nav(found.values(), []) if "lists/index.md" in e.values()] == [{"榜单": "lists/index.md"}]
    landing = found["lists/index.md"].markdown
    assert 'data-manifest="filter&#47;manifest&#46;json"' in landing and "<tbody>" not in landing  # no rows: they are on the year pages
    assert "共 3 项，按年度分页列出；筛选条件作用于全部榜单" in text(found["lists/index.md"])
    assert "| [2024年](2024.md) | 3 项 | 共 2 页： [1](2024.md) [2](2024-2.md) |" in landing
    year = text(found["lists/2024-2.md"])
    assert "榜单：2024年（第 2 页）" in year and "‹ 较新" in year and "较早" not in year


def test_one_page_index_rows_carry_their_filter_codes(corpus) -> None:  # type: ignore[no-untyped-def]
    page = paged_pages(corpus, 300)["lists/index.md"].markdown
    assert "data-manifest" not in page
    assert '<tr data-industry="生命健康" data-grade="major" data-status="published">' in page  # the codes of the filters shown
    assert '<option value="major">重大项目</option>' in page and '<option value="awarded">已揭榜</option>' in page


def test_filter_data_has_every_list_in_chunks_with_counts(corpus, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(filters, "CHUNK_ROWS", 2)
    view = PublicView(corpus, AS_OF)
    assert indexes.filter_files(view, 300) == []  # one page holds every row
    files = dict(indexes.filter_files(view, 2))
    manifest = json.loads(files["lists/filter/manifest.json"])
    assert manifest["root"] == "../../" and manifest["filters"] == ["industry", "grade", "status"]
    assert [c["key"] for c in manifest["columns"]] == ["title", "status", "subsidy", "id", "industry", "grade", "deadline", "bids"]
    assert [c["rows"] for c in manifest["chunks"]] == [2, 1]
    assert manifest["chunks"][0]["facets"]["grade"] == {"key": 1, "major": 1}
    rows = [r for c in manifest["chunks"] for r in json.loads(files[f"lists/filter/{c['file']}"])]
    assert [r[0] for r in rows] == ["lists/L-2024-001/", "lists/L-2024-004/", "lists/L-2024-005/"]
    assert rows[1][1:] == [
        "医疗器械低温等离子灭菌设备研制",
        "征集中",
        "30 万元",
        "L-2024-004",
        "生命健康",
        "重大项目",
        "2024年7月31日",
        "1",
        "生命健康",
        "major",
        "published",
    ]
    offline = dict(indexes.filter_files(view, 2, use_directory_urls=False))
    assert json.loads(offline["lists/filter/1.json"])[0][0] == "lists/L-2024-001.html"


def test_one_label_per_status(tmp_path: Path) -> None:
    """A published list whose call has closed reads 已截止, as a closed list does; its code is closed."""
    corpus = load_tree(portal_records(tmp_path / "repo")).corpus
    after = PublicView(corpus, dt.date(2024, 8, 15))  # C-2024-02 closed on 2024-07-31
    lst = next(x for x in after.lists if x.id == "L-2024-004")
    assert (lst.status, views.list_state(after, lst), views.status_label(after, lst)) == ("published", "closed", "已截止")
    statuses = next(f for f in filters.list_filters(after) if f.name == "status").choices
    assert statuses == (("closed", "已截止"), ("awarded", "已揭榜"))
    assert not [p.uri for p in paged_pages(corpus, 300, as_of=dt.date(2024, 8, 15)).values() if "申报已截止" in p.markdown]


def log_entry(day: dt.date, records: int, changes: int = 0) -> LogEntryView:
    decision = Decision(day, "0123456789", None, 12, None, True, "已验证签名：张科长（合并）", (), (), ())
    change = Change("status", "状态", "changed", "approved", "published")
    return LogEntryView(decision, tuple(LogRecordView("L-2024-001", "list", "修改", (change,) * changes) for _ in range(records)), 2)


def test_a_long_decision_log_is_split_by_year_and_an_entry_into_parts(corpus) -> None:  # type: ignore[no-untyped-def]
    log = DecisionLogView((log_entry(dt.date(2025, 1, 5), 1), log_entry(dt.date(2024, 6, 1), 7), log_entry(dt.date(2024, 5, 1), 1, 2)))
    found = paged_pages(corpus, 5, Providers(None, lambda public: log))
    assert [u for u in found if u.startswith("decisions")] == [
        "decisions.md",
        "decisions/2025.md",
        "decisions/2024.md",
        "decisions/2024-2.md",
        "decisions/2024-3.md",
    ]
    assert not any(found[u].in_nav for u in found if u.startswith("decisions/"))
    landing = found["decisions.md"].markdown
    assert "共 3 项决定，按年度由近及远分页列出" in landing
    assert "| [2025年](decisions/2025.md) | 1 项 | 1 页 |" in landing
    assert (
        "| [2024年](decisions/2024.md) | 2 项 | 共 3 页： [1](decisions/2024.md) [2](decisions/2024-2.md) [3](decisions/2024-3.md) |"
        in landing
    )
    first = text(found["decisions/2024.md"])
    assert "决策记录：2024年（第 1 页）" in first and "（共 7 条记录，第 1/2 部分）" in first and "非公开记录" not in first
    assert first.count("L-2024-001：修改") == 4
    second = text(found["decisions/2024-2.md"])
    assert "（共 7 条记录，第 2/2 部分）" in second and second.count("L-2024-001：修改") == 3 and "另有 2 条非公开记录的变更" in second
    last = text(found["decisions/2024-3.md"])
    assert "2024年5月1日" in last and "部分" not in last and last.count("状态：已确定 → 征集中") == 2


def test_a_call_with_many_lists_prints_its_annexes_in_volumes(corpus, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(indexes, "ANNEX_LISTS", 1)
    found = paged_pages(corpus, 300)
    call = text(found["calls/C-2024-02.md"])
    assert "附件分 2 册" in call and "附件1：医疗器械低温等离子灭菌设备研制" in call and "附件2" not in call
    volume = found["calls/C-2024-02-2.md"]
    assert not volume.in_nav and volume.record is None
    shown = text(volume)
    assert "附件第 2 册" in shown and "附件2：编码器标定装置" in shown and "一、最终用户（需求单位）" in shown


INDEX_PAGE = re.compile(r"((lists|notices|projects)/(index|\d{4}(-\d+)?)|decisions(/\d{4}(-\d+)?)?)\.md")


def test_a_large_programme_has_no_heavy_index_or_decision_page(tmp_path: Path) -> None:
    """A programme of 120 lists and a decision log of 300 decisions, with pages of 30 rows:
    no index or decision-log page holds more than 30 rows or 30 KB, and every list, 公示,
    project and decided record is on exactly one of them (the filters' data on all of them)."""
    synth.write_programme(tmp_path, 120)
    view = PublicView(load_tree(tmp_path).corpus, synth.NOW)
    ids = [lst.id for lst in view.lists]
    change = Change("status", "状态", "changed", "approved", "published")
    imported = LogEntryView(log_entry(dt.date(2024, 1, 2), 0).decision, tuple(LogRecordView(i, "list", "新建", ()) for i in ids), 0)
    later = [
        LogEntryView(
            log_entry(dt.date(2026 - n % 3, 1 + n % 12, 1 + n % 28), 0).decision,
            (LogRecordView(ids[n % len(ids)], "list", "修改", (change,)),),
            0,
        )
        for n in range(300)
    ]
    log = DecisionLogView((*sorted(later, key=lambda e: e.decision.date, reverse=True), imported))
    found = render_pages(view, environment(), Providers(None, lambda public: log), page_rows=30)
    index = {p.uri: p.markdown for p in found if INDEX_PAGE.fullmatch(p.uri)}
    assert sum(len(m.encode()) for u, m in index.items() if u.startswith("lists/")) > 60 * 1024  # one page would be heavy
    for uri, page in index.items():
        rows = len(re.findall(r"^ *- .*：", page, re.M)) if uri.startswith("decisions") else page.count("<tr") - page.count("<thead>")
        assert rows <= 30 and len(page.encode()) <= 30 * 1024, (uri, rows, len(page.encode()))
    for folder, records in (("lists", view.lists), ("notices", view.notices), ("projects", view.projects)):
        shown = [r.id for r in records for u, m in index.items() if u.startswith(f"{folder}/") and r.id in m.replace("&#45;", "-")]
        assert sorted(shown) == sorted(r.id for r in records), folder
    decided = sum(len(re.findall(r"^- .*：(新建|修改)$", m, re.M)) for u, m in index.items() if u.startswith("decisions/"))
    assert decided == len(ids) + 300
    manifest = json.loads(dict(indexes.filter_files(view, 30))["lists/filter/manifest.json"])
    assert sum(c["rows"] for c in manifest["chunks"]) == len(ids)
