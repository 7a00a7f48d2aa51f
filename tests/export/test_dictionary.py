"""The open data documented for reuse: stable CSV column names, a data dictionary naming every
column and every code in Chinese (the page and ``data/dictionary.csv``), and the licence."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator import export
from generator.portal import dictionary
from generator.public.view import PublicView
from tests.conftest import FIXTURES
from tests.portal.conftest import AS_OF

COLUMNS = FIXTURES / "open-data" / "columns.json"  # the CSV columns of each open-data version, committed


def column_changes(committed: dict[str, object], current: dict[str, list[str]], version: int) -> list[str]:
    """Why the present CSV columns break the committed list: a column renamed or removed
    without a new version, or a column (or file) the list does not name yet."""
    files: dict[str, list[str]] = committed["files"]  # type: ignore[assignment]
    if committed["version"] != version:
        return [f"open data version {version}: write its columns to {COLUMNS.name} (version {committed['version']} is committed)"]
    found = [
        f"{name}: column {col} renamed or removed within version {version}: raise export.VERSION"
        for name, cols in files.items()
        for col in cols
        if col not in current.get(name, [])
    ]
    found += [
        f"{name}: column {col} is new: add it to {COLUMNS.name}"
        for name, cols in current.items()
        for col in cols
        if col not in files.get(name, [])
    ]
    return found


def current_columns() -> dict[str, list[str]]:
    full = export.schema()
    return {f"{t.name}.csv": export.columns(t, full) for t in export.TABLES}


def test_csv_column_names_are_stable_within_a_version() -> None:
    committed = json.loads(COLUMNS.read_text(encoding="utf-8"))
    assert column_changes(committed, current_columns(), export.VERSION) == []


def test_a_renamed_or_removed_column_fails_the_stability_check() -> None:
    committed = json.loads(COLUMNS.read_text(encoding="utf-8"))
    renamed = current_columns()
    renamed["lists.csv"] = [("subsidy" if c == "funding.subsidy_cny" else c) for c in renamed["lists.csv"]]
    assert column_changes(committed, renamed, export.VERSION) == [
        "lists.csv: column funding.subsidy_cny renamed or removed within version 1: raise export.VERSION",
        "lists.csv: column subsidy is new: add it to columns.json",
    ]
    assert column_changes(committed, current_columns(), export.VERSION + 1)  # a new version lists its columns anew


def test_every_column_and_every_code_has_its_chinese_name(corpus) -> None:  # type: ignore[no-untyped-def]
    files = dictionary.dictionary(PublicView(corpus, AS_OF))
    assert {f.name: [c.name for c in f.columns] for f in files} == current_columns()
    for f in files:
        for column in f.columns:
            assert column.title and column.title != column.name, (f.name, column.name)
            for code in column.codes:
                assert code.label and code.label != code.code, (f.name, column.name, code)  # a Chinese name, not the code again
    status = next(c for c in files[0].columns if c.name == "status")
    assert [(c.code, c.label) for c in status.codes][:4] == [
        ("draft", "草拟"),
        ("argued", "已论证"),
        ("approved", "已确定"),
        ("published", "征集中"),
    ]
    grade = next(c for c in files[0].columns if c.name == "grade")
    assert [(c.code, c.label) for c in grade.codes] == [("key", "重点项目"), ("major", "重大项目")]  # the programme's own grades
    others = next(c for c in files[0].columns if c.name == "funding.others")
    assert ("kind", "fund", "产业基金") in [(c.member, c.code, c.label) for c in others.codes]
    assert "JSON 数组，每项含 payer（" in others.description


def test_dictionary_csv_lists_every_column_once(site: Path) -> None:
    raw = (site / "data" / "dictionary.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["file"], r["column"]) for r in rows] == [(f, c) for f, cols in current_columns().items() for c in cols]
    check = next(r for r in rows if (r["file"], r["column"]) == ("milestones.csv", "check_result"))
    assert (check["title"], check["codes"]) == ("节点检查结果", "passed=通过；failed=未通过；（空）=待检查")
    payer = next(r for r in rows if (r["file"], r["column"]) == ("awards.csv", "payer.name"))
    assert payer["title"] == "出资方：单位名称"


def test_the_open_data_page_shows_the_dictionary_licence_and_ocds_reading(site: Path) -> None:
    html = HTMLParser((site / "data" / "index.html").read_text(encoding="utf-8"))
    [licence] = [a for a in html.css("article a") if a.text() == "知识共享署名 4.0 国际许可协议（CC BY 4.0）"]
    assert licence.attributes["href"] == "https://creativecommons.org/licenses/by/4.0/"
    assert [h.text(deep=False) for h in html.css("article h2")] == ["使用许可", "下载", "数据说明", "开放合同数据标准（OCDS）", "数据字典"]
    rows = {tuple(td.text() for td in tr.css("td")[:2]) for tr in html.css("article table tr")}
    assert ("funding.subsidy_cny", "资助强度：财政资助强度（元）") in rows and ("无人揭榜（unclaimed）", "unsuccessful") in rows
    text = html.css_first("article").text()
    assert "占位前缀" in text  # the demo prefix is not registered
    assert "记录不在 git 仓库中" in text  # this site was built from a folder: OCDS releases without history
