"""Attacks on what counts as public over time (SPEC §7): text from before publication, personal
data removed later, records restricted since, and leaks into hand-written pages and data files.

Each test builds a records repository with scripted commits and then reads every file the
portal (or ``jiebang export``) wrote, decoded as a reader would see it.
"""

from __future__ import annotations

import gzip
import html
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.exceptions import Abort

from generator.cli import main
from generator.portal.build import build_portal
from tests.conftest import apply_edits, git, make_records
from tests.portal.conftest import page, portal_records

CALL = "records/calls/C-2024-01.yaml"
LIST = "records/lists/L-2024-001.yaml"
Edits = Mapping[str, Sequence[Sequence[str]]]


def commit(root: Path, date: str, message: str, edit: Edits | None = None, write: Mapping[str, str] | None = None) -> str:
    apply_edits(root, edit, write)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=f"{date}T10:00:00+08:00")
    return git(root, "rev-parse", "HEAD").strip()


def repository(root: Path, first: Edits | None = None, day: str = "2024-07-15") -> Path:
    """The base record set as one commit (its 公示 R-2024-002 is out from 2024-07-08)."""
    make_records(root, edit=first)
    git(root, "init", "-q", "-b", "main")
    commit(root, day, "Initial records")
    return root


def visible(site: Path) -> Iterator[tuple[str, str]]:
    """(path, text) of every file under the site as a reader sees it: gzip opened, JSON strings
    unescaped, HTML entities decoded, the search index's zero-width spaces removed."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix in (".png", ".ico", ".woff", ".woff2"):
            continue
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig", errors="replace")
        if path.suffix == ".json":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        yield path.relative_to(site).as_posix(), html.unescape(text).replace("\u200b", "")


def shown(site: Path, url: str) -> str:
    """The text of a page, tags dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", page(site, url)))


def mentions(site: Path, *needles: str) -> list[tuple[str, str]]:
    return [(rel, n) for rel, text in visible(site) for n in needles if n in text]


def test_a_mobile_number_removed_later_is_in_no_built_file(tmp_path: Path) -> None:
    root = repository(tmp_path / "repo")
    commit(root, "2024-07-20", "Contact for the call (#1)", {CALL: [['phone: "023-65311234"', 'phone: "13912345678"']]})
    commit(root, "2024-07-22", "Office phone again (#2)", {CALL: [['phone: "13912345678"', 'phone: "023-65311234"']]})
    now = build_portal(root, tmp_path / "now")
    then = build_portal(root, tmp_path / "then", revision="2024-07-21")  # the records held the number that day
    for site in (now, then):
        assert mentions(site, "13912345678", "139****5678") == []
    assert "联系方式 第1项 › 联系电话：023-65311234 → 〔已隐去〕" in shown(now, "calls/C-2024-01")
    assert "〔已隐去〕" in shown(then, "calls/C-2024-01")


def test_a_name_committed_by_mistake_is_removed_by_a_redaction_record(tmp_path: Path) -> None:
    root = repository(tmp_path / "repo")
    office = "office: 区科技局成果转化科"
    mistake = commit(root, "2024-07-20", "Contact person (#1)", {CALL: [[office, f"{office}（联系人李小明）"]]})
    commit(root, "2024-07-22", "No names (#2)", {CALL: [[f"{office}（联系人李小明）", office]]})
    assert mentions(build_portal(root, tmp_path / "before"), "李小明"), "P001 does not know names: the call's history shows it"
    entry = f"kind: redactions\nentries:\n  - {{commit: '{mistake[:10]}', record: C-2024-01, field: 'contacts[0].office', reason: 误录个人姓名}}\n"
    commit(root, "2024-07-25", "Redact a name (#3)", write={"records/redactions.yaml": entry})
    now = build_portal(root, tmp_path / "now")
    then = build_portal(root, tmp_path / "then", revision="2024-07-21")
    for site in (now, then):
        assert mentions(site, "李小明") == []
    assert "联系方式 第1项 › 联系科室：区科技局成果转化科 → 〔已隐去〕" in shown(now, "calls/C-2024-01")


def test_a_list_restricted_after_publication_takes_its_past_with_it(tmp_path: Path) -> None:
    named = [["按要求填写后报送。", "按要求填写后报送。本批次含 L-2024-001 高精度伺服电机绝对值编码器研制。"]]
    root = repository(tmp_path / "repo", first={CALL: named})
    milestone = {"records/milestones/M-2024-001-1.yaml": [["[完成工程样机]", "[完成工程样机, 提交测试报告]"]]}
    commit(root, "2024-07-20", "A milestone deliverable (#1)", milestone)
    commit(
        root,
        "2024-08-01",
        "Take down L-2024-001 (#2)\n\nApproved-by: 王五\nPolicy-Override: C005 L-2024-001 应需求单位要求撤下 L-2024-001 高精度伺服电机绝对值编码器研制（重庆大学）",
        {LIST: [["restricted: false", "restricted: true"]], CALL: [[new, old] for old, new in named]},
    )
    now = build_portal(root, tmp_path / "now")
    then = build_portal(root, tmp_path / "then", revision="2024-07-25")  # when the list and its project were public
    secrets = (
        "L-2024-001",
        "高精度伺服电机绝对值编码器研制",
        "B-2024-001",
        "R-2024-002",
        "P-2024-001",
        "M-2024-001-1",
        "A-2024-001-1",
        "重庆大学",
        "张三",
    )
    for site in (now, then):
        assert mentions(site, *secrets) == []
        assert not (site / "lists" / "L-2024-001").exists() and not (site / "projects" / "P-2024-001").exists()
    assert "本批次含 〔非公开记录〕 〔非公开信息〕。" in shown(then, "calls/C-2024-01")  # the call's text then, cleaned now
    log = shown(now, "decisions")
    assert "例外 C005：应需求单位要求撤下 〔非公开记录〕 〔非公开信息〕（〔非公开信息〕）" in log  # a reason in history never fails a build
    assert "另有 1 条非公开记录的变更" in log


def test_text_from_a_draft_never_appears(tmp_path: Path) -> None:
    draft = [
        ["status: awarded", "status: draft"],
        ["title: 高精度伺服电机绝对值编码器研制", "title: 草拟名称甲乙"],
        ["bottleneck: 23 位以上绝对值编码器依赖进口。", "bottleneck: 草稿才有的说法。"],
    ]
    root = repository(tmp_path / "repo", first={LIST: draft}, day="2024-05-12")
    published = [[new, old] for old, new in draft]
    commit(root, "2024-05-20", "Publish L-2024-001 (#1)", {LIST: published})
    commit(
        root,
        "2024-07-15",
        "Notice out (#2)",
        {"records/bids/B-2024-001.yaml": [["plan_summary: 采用多圈", "plan_summary: 改写后的方案：采用多圈"]]},
    )
    site = build_portal(root, tmp_path / "site")
    assert mentions(site, "草拟名称甲乙", "草稿才有的说法", "改写后的方案") == []
    history = shown(site, "lists/L-2024-001")
    assert "2024年5月20日　公开　PR #1" in history and "2024年5月12日" not in history
    log = shown(site, "decisions")
    assert "2024年5月12日" in log and "另有 10 条非公开记录的变更" not in log  # the draft's commit names no record


def test_the_leak_check_reads_hand_written_pages_and_copied_files(tmp_path: Path, mkdocs_log: pytest.LogCaptureFixture) -> None:
    root = portal_records(
        tmp_path / "repo",
        write={
            "site/docs/x.md": "# 说明\n\n特定范围某型专用\n惯性传感器研制的进展，请咨询王某。\n",  # a hard-wrapped title
            "site/docs/data/extra.csv": "单位\n未入选申报单位乙\n",
        },
    )
    with pytest.raises(Abort):
        build_portal(root, root / "public", check=False)
    text = mkdocs_log.text
    assert "x/index.html：提及了不公开的信息（L-2024-002 的名称；R-2024-001 的评审专家姓名）" in text
    assert "data/extra.csv：提及了不公开的信息（B-2024-004 的揭榜单位）" in text
    # the search index's text of the page (a gzip file of Pagefind's, whatever its name) is read too
    assert re.search(r"pagefind/fragment/[^/：]+\.pf_fragment：提及了不公开的信息（L-2024-002 的名称", text)
    assert not (root / "public").exists()


def test_export_refuses_a_data_file_naming_a_hidden_record(tmp_path: Path, mkdocs_log: pytest.LogCaptureFixture) -> None:
    root = make_records(
        tmp_path / "repo", edit={LIST: [["benchmark: 对标国外同类产品。", "benchmark: 对标国外同类产品，参见 B-2024-002。"]]}
    )
    out = tmp_path / "data"
    result = CliRunner().invoke(main, ["export", "--root", str(root), "--out", str(out)])
    assert result.exit_code == 1
    assert "records.json：提及了不公开的信息（记录 B-2024-002）" in result.output
    assert "lists.csv：提及了不公开的信息（记录 B-2024-002）" in result.output
    assert "开放数据中出现了不公开的信息，未写出任何文件" in result.output
    assert not out.exists() or list(out.iterdir()) == []
    with pytest.raises(Abort):
        build_portal(root, root / "public")
    assert "data/records.json：提及了不公开的信息（记录 B-2024-002）" in mkdocs_log.text
