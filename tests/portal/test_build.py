"""Building the portal: nothing non-public reaches public/, every record gets its page,
broken links fail the build, and the same commit gives the same bytes."""

from __future__ import annotations

import datetime as dt
import html
import multiprocessing
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from mkdocs.exceptions import Abort

from generator.cli import main
from generator.errors import CannotRun
from generator.portal.build import build_portal
from generator.portal.check import check_site
from generator.public.view import PublicView
from tests.conftest import apply_edits, git, make_records
from tests.portal.conftest import AS_OF, build, page, portal_records, site_files


def secrets(corpus, as_of: dt.date = AS_OF) -> set[str]:  # type: ignore[no-untyped-def]
    """Every id, title, name and text the public must never see in this record set."""
    view = PublicView(corpus, as_of)
    public_titles = {r.title for r in [*view.lists, *view.calls]}
    out: set[str] = set()
    for rec in corpus:
        if rec.id in view.ids or rec.kind == "program":
            continue
        out.add(rec.id)
        title = getattr(rec, "title", None)
        if title and title not in public_titles:
            out.add(title)
    for need in corpus.needs:
        out |= {need.problem, need.impact}
    public_units = {u.name for b in corpus.bids if b.id in view.ids for u in [b.lead, *b.partners]} | {
        lst.end_user.name for lst in view.lists
    }
    public_people = {b.principal_investigator.name for b in corpus.bids if b.id in view.ids}
    for bid in corpus.bids:
        if bid.id not in view.ids:  # a unit that lost here may have won elsewhere
            out |= ({bid.lead.name} - public_units) | ({bid.principal_investigator.name} - public_people) | {bid.plan_summary}
    for review in corpus.reviews:
        out |= {m.name for m in review.panel} | {review.opinion}
    # a need's title may be part of its public list's (N-2026-005 in L-2026-004's): not a secret
    return {s for s in out if not any(s in t for t in public_titles)}


def test_no_file_under_public_mentions_what_is_not_public(site: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    hidden = secrets(corpus)
    assert {
        "L-2024-002",
        "特定范围某型专用惯性传感器研制",
        "草拟中的氢燃料电池双极板涂层研制",
        "吕未选",
        "李四",
        "王某",
        "A-2024-002-1",
    } <= hidden
    files = dict(site_files(site))
    assert {
        "sitemap.xml",
        "sitemap.xml.gz",
        "pagefind/pagefind-entry.json",
        "data/records.json",
        "data/lists.csv",
        "feed.xml",
        "calendar.ics",
    } <= set(files)
    assert any(rel.endswith(".pf_fragment") for rel in files)  # the search index's page texts are read too
    for rel, text in files.items():
        seen = "".join(html.unescape(text).replace("\u200b", "").split())  # the search index spaces and splits Chinese words
        leaked = sorted(s for s in hidden if "".join(s.split()) in seen)
        assert not leaked, f"{rel} mentions {leaked}"


def test_every_public_record_has_its_page(site: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    assert "L-2024-001" in page(site, "lists/L-2024-001")
    for rid in view.ids:
        target = view.target(rid)
        assert target is not None
        text = page(site, target.page.removesuffix(".md"))
        assert f'id="{target.anchor}"' in text if target.anchor else rid in html.unescape(text), rid
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "lists/L-2024-001/" in sitemap and "L-2024-002" not in sitemap and "L-2024-003" not in sitemap


def test_record_pages_stay_out_of_the_navigation(site: Path) -> None:
    home = page(site, "")
    assert 'href="lists/"' in home and "lists/L-2024-001/" not in home.split('<div class="md-content"')[0]


def test_post_build_check_reports_a_missing_page_and_a_broken_link(site: Path, corpus, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    copy = Path(shutil.copytree(site, tmp_path / "public"))
    (copy / "projects" / "P-2024-001" / "index.html").unlink()
    problems = check_site(copy, PublicView(corpus, AS_OF), base_path="/jiebang/")
    assert "公开记录 P-2024-001 的页面 projects/P-2024-001/index.html 没有生成" in problems
    assert "公开记录 M-2024-001-1 的页面 projects/P-2024-001/index.html 没有生成" in problems
    assert "lists/L-2024-001/index.html：链接 ../../projects/P-2024-001/ 指向的文件不存在" in problems


def test_a_record_page_that_is_not_produced_fails_the_build(tmp_path: Path, mkdocs_log: pytest.LogCaptureFixture) -> None:
    root = portal_records(tmp_path / "repo", write={"site/docs/projects/P-2024-001.md": "# 手写页\n\n没有里程碑锚点。\n"})
    with pytest.raises(Abort):
        build(root)
    assert "公开记录 M-2024-001-1 在页面 projects/P-2024-001/index.html 中没有锚点 #M-2024-001-1" in mkdocs_log.text


def test_broken_links_fail_the_build_and_strict_fails_on_warnings(tmp_path: Path, mkdocs_log: pytest.LogCaptureFixture) -> None:
    root = portal_records(tmp_path / "repo", write={"site/docs/about.md": "# 关于\n\n见[不存在的榜单](lists/L-2099-001.md)。\n"})
    with pytest.raises(Abort):
        build(root)
    assert "about/index.html：链接 lists/L-2099-001.md 指向的文件不存在" in mkdocs_log.text
    root = portal_records(tmp_path / "repo2", write={"site/docs/about.md": "# 关于\n\n见[下文](#不存在的小节)。\n"})
    build(root)  # a missing anchor on the same page is only a warning
    with pytest.raises(Abort):
        build(root, strict=True)


@pytest.mark.parametrize("jobs", ["1", "2"])  # pages scanned as written, on another process or here
def test_a_page_mentioning_a_hidden_record_fails_the_build(
    jobs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mkdocs_log: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", jobs)
    root = portal_records(tmp_path / "repo", write={"site/docs/about.md": "# 关于\n\n另见榜单 L-2024-002 与 L-2024-001。\n"})
    with pytest.raises(Abort):
        build(root)
    assert "about/index.html：提及了不公开的信息（记录 L-2024-002）" in mkdocs_log.text
    assert "L-2024-001" not in mkdocs_log.text.split("提及了不公开的信息")[1].splitlines()[0]
    assert not (root / "public").exists() and not multiprocessing.active_children()


def test_a_template_linking_a_hidden_record_or_broken_fails_the_build_cleanly(tmp_path: Path) -> None:
    root = portal_records(tmp_path / "repo", write={"site/templates/home.md.j2": "# 首页\n\n{{ link('L-2024-002') }}\n"})
    (root / "public").mkdir()
    (root / "public" / "index.html").write_text("the portal as last published", encoding="utf-8")
    with pytest.raises(CannotRun, match=r"生成页面失败：index\.md links L-2024-002, which is not public"):
        build(root)
    assert (root / "public" / "index.html").read_text(encoding="utf-8") == "the portal as last published"
    assert not multiprocessing.active_children()
    (root / "site/templates/home.md.j2").write_text("# 首页\n\n{% if %}\n", encoding="utf-8")
    with pytest.raises(CannotRun) as failed:
        build(root)
    assert (
        str(failed.value) == f"生成页面失败：{root / 'site/templates/home.md.j2'}:3: Expected an expression, got 'end of statement block'"
    )
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".public")) == []


def test_local_templates_and_pages_override_the_package(tmp_path: Path) -> None:
    root = portal_records(
        tmp_path / "repo",
        write={
            "site/templates/home.md.j2": "# {{ program.issuer }}门户\n\n本区定制首页，共 {{ view.lists|length }} 项榜单。\n",
            "site/docs/about.md": "# 关于本门户\n\n手写页面。\n",
        },
    )
    site = build(root)
    home = html.unescape(page(site, ""))
    assert "本区定制首页，共 3 项榜单。" in home
    assert 'href="about/"' in home and "关于本门户" in home  # a hand-written page joins the navigation


def test_mkdocs_build_uses_the_plugin(tmp_path: Path) -> None:
    root = portal_records(tmp_path / "repo")
    (root / "site" / "docs").mkdir(parents=True)
    (root / "site" / "docs" / "about.md").write_text("# 关于\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: 测试\ndocs_dir: site/docs\ntheme: {name: material, language: zh, features: [content.tooltips, navigation.top]}\n"
        "plugins: [search, {jiebang: {check: false}}]\n",
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Publish the 2024 lists (#7)\n\nApproved-by: 王科长 <wang@example.org>")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1720540800"}  # 2024-07-10 in Beijing
    mkdocs = Path(os.sys.executable).parent / "mkdocs"  # type: ignore[attr-defined]
    done = subprocess.run(
        [str(mkdocs), "build", "-q", "-d", str(tmp_path / "out")], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    list_page = (tmp_path / "out" / "lists" / "L-2024-001" / "index.html").read_text(encoding="utf-8")
    assert "高精度伺服电机绝对值编码器研制" in list_page
    assert "PR #7" in list_page and "王科长" in list_page  # the same history as `jiebang build`
    # mkdocs-material's tooltips render text as HTML, and web fonts come from another site: both off
    assert '"features": ["navigation.top"]' in list_page and "fonts.googleapis.com" not in list_page
    (root / "mkdocs.yml").write_text("site_name: 测试\ndocs_dir: site/docs\ntheme: {name: material}\n", encoding="utf-8")
    with pytest.raises(CannotRun, match="没有启用 jiebang 插件"):
        build_portal(root, tmp_path / "out2", check=False)


def test_two_builds_of_one_commit_are_identical_and_dated_by_the_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = portal_records(tmp_path / "repo")
    day = "2024-07-10T09:00:00+08:00"
    git(root, "init", "-q", date=day)
    git(root, "add", "records", date=day)
    git(root, "commit", "-q", "-m", "records", date=day)
    first = build_portal(root, tmp_path / "a", check=False)
    second = build_portal(root, tmp_path / "b", check=False)
    a, b = dict(site_files(first)), dict(site_files(second))
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    assert all((first / k).read_bytes() == (second / k).read_bytes() for k in a)
    assert "信息截至 2024年7月10日" in page(first, "")
    assert "<lastmod>2024-07-10</lastmod>" in a["sitemap.xml"]
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_cli_refuses_records_with_errors(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo", edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "记录有错误，未生成任何公开内容" in result.output
    assert "records/bids/B-2024-002.yaml:4:1: error R001 引用的榜单“L-2024-099”不存在。" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]  # nothing written, nothing left half-built
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "index.html").write_text("the portal as last published", encoding="utf-8")
    assert CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "out")]).exit_code == 1
    assert (tmp_path / "out" / "index.html").read_text(encoding="utf-8") == "the portal as last published"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "repo"]


def test_a_build_replaces_the_previous_site_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720540800")
    root = make_records(tmp_path / "repo")
    (tmp_path / "out" / "lists" / "L-2023-009").mkdir(parents=True)
    (tmp_path / "out" / "lists" / "L-2023-009" / "index.html").write_text("a page of an earlier build", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "lists" / "L-2024-001" / "index.html").is_file()
    assert not (tmp_path / "out" / "lists" / "L-2023-009").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "repo"]


def test_cli_builds_the_base_programme(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720540800")
    root = make_records(tmp_path / "repo")
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--strict"])
    assert result.exit_code == 0, result.output
    assert (root / "public" / "lists" / "L-2024-001" / "index.html").is_file()


@pytest.mark.slow
def test_the_demo_portal_publishes_nothing_that_is_not_public(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.records.tree import load_tree
    from tests.conftest import REPO

    if not (REPO / "records" / "program.yaml").is_file():
        pytest.skip("the demo records are not in this checkout")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735660800")  # 2025-01-01 in Beijing: every 2024 notice has started
    corpus = load_tree(REPO).corpus
    assert any(r.restricted for r in corpus)
    site = build_portal(REPO, tmp_path / "public")
    hidden = secrets(corpus, dt.date(2025, 1, 1))
    for rel, text in site_files(site):
        seen = html.unescape(text).replace("\u200b", "")
        assert not [s for s in hidden if s in seen], (rel, [s for s in hidden if s in seen])


def test_serve_watches_the_records_and_local_templates(tmp_path: Path) -> None:
    from generator.portal.plugin import JiebangPlugin

    root = portal_records(tmp_path / "repo", write={"site/templates/home.md.j2": "# 首页\n"})
    watched: list[str] = []

    class Server:
        def watch(self, path: str) -> None:
            watched.append(path)

    plugin = JiebangPlugin()
    plugin.load_config({"root": str(root)})
    plugin.on_serve(Server(), config=None, builder=None)  # type: ignore[arg-type]
    assert watched == [str(root / "records"), str(root / "site/templates")]


def test_programme_settings_are_escaped_where_the_theme_prints_them(tmp_path: Path) -> None:
    root = portal_records(
        tmp_path / "repo",
        edit={
            "records/program.yaml": [
                ["title: 沙坪坝区科技攻关“揭榜挂帅”", 'title: "揭榜<script>window.__xss=9</script>"'],
            ]
        },
    )
    home = page(build(root), "")
    assert "<script>window.__xss=9" not in home and "&lt;script&gt;window.__xss=9" in home
    apply_edits(root, {"records/program.yaml": [['base_url: "https://example.org/jiebang/"', 'base_url: "javascript:alert(1)"']]})
    with pytest.raises(CannotRun, match=r"program\.yaml"):  # not an address the portal may use: nothing is built
        build(root, tmp_path / "other")
