"""Chinese full-text search: a Pagefind index built over a copy of every page in which each Han
character is a word and record ids sit whole in meta fields (``generator.portal.search``);
what the index holds and how it fails when Pagefind is missing. The browser side is in
``test_search_browser.py``."""

from __future__ import annotations

import gzip
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.errors import CannotRun
from generator.portal import pagefind
from generator.portal.search import RECORD_PAGE, RULES_PAGE, Entry, entries, index_copy, spaced
from generator.public.view import PublicView
from tests.conftest import make_records
from tests.portal.conftest import AS_OF


def fragments(site: Path) -> dict[str, dict[str, Any]]:
    """Each indexed page's fragment (its text and meta fields) by its address."""
    out = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd")
        found = json.loads(raw[len(b"pagefind_dcd") :])
        out[found["url"]] = found
    return out


def text(fragment: dict[str, Any]) -> str:
    """A fragment's text as the page shows it: without the index's spaces and zero-width spaces."""
    return "".join(fragment["content"].replace("\u200b", "").split())


def test_spaced_makes_each_han_character_a_word_and_leaves_ids_whole() -> None:
    assert spaced("高精度伺服电机（L-2024-001）第1批 ABS") == "高 精 度 伺 服 电 机 （L-2024-001） 第 1 批 ABS"
    assert spaced("𠀋字") == "𠀋 字"  # beyond the basic plane
    assert spaced("no Chinese") == "no Chinese"


PAGE = """<!DOCTYPE html><html lang="zh"><head><title>x</title></head><body>
<header>记录仓库</header>
<div class="md-content" data-pagefind-body><article>
<h1 id="t">壳聚糖敷料<a class="headerlink" href="#t">¶</a></h1>
<nav data-search-exclude>首页 › 榜单</nav>
<p>编号 L-2024-006，见 P-2024-006。&lt;script&gt;alert(1)&lt;/script&gt;</p>
</article></div><footer>开放数据</footer></body></html>"""


def test_the_copy_holds_the_content_spaced_with_its_meta_fields() -> None:
    copy = index_copy(PAGE, Entry(RECORD_PAGE, ("L-2024-006",), ("壳聚糖敷料",), ("重庆凤凰湖生物材料有限公司",)))
    assert copy is not None
    assert '<h1 id="t">壳 聚 糖 敷 料</h1>' in copy and "¶" not in copy
    assert "记录仓库" not in copy and "开放数据" not in copy and "榜单" not in copy  # header, footer, breadcrumbs
    assert "&lt;script&gt;" in copy and "<script" not in copy  # text from a record stays text
    assert '<span data-pagefind-meta="id:L-2024-006"></span>' in copy
    assert '<span data-pagefind-meta="ids:L-2024-006 P-2024-006"></span>' in copy
    assert '<span data-pagefind-meta="name:壳 聚 糖 敷 料"></span>' in copy
    assert '<span data-pagefind-meta="units:重 庆 凤 凰 湖 生 物 材 料 有 限 公 司"></span>' in copy
    assert '<div data-pagefind-weight="1.0">' in copy and '<html lang="zh">' in copy


def test_a_page_without_a_marked_body_is_not_indexed() -> None:
    assert index_copy("<html><body><h1>404 - Not found</h1></body></html>") is None


def test_each_record_page_names_its_records_and_their_units(corpus) -> None:  # type: ignore[no-untyped-def]
    found = entries(PublicView(corpus, AS_OF))
    lead = corpus.by_id["B-2024-001"]
    assert found["rules/index.html"].weight == RULES_PAGE
    lst = found["lists/L-2024-001/index.html"]
    assert lst.ids == ("L-2024-001",) and lst.names == ("高精度伺服电机绝对值编码器研制",)
    assert lst.units == (corpus.by_id["L-2024-001"].end_user.name,)
    notice = found["notices/R-2024-002/index.html"]
    assert notice.ids == ("B-2024-001", "R-2024-002") and notice.names == ()
    assert notice.units == tuple(dict.fromkeys(u.name for u in (lead.lead, *lead.partners)))
    project = found["projects/P-2024-001/index.html"]
    assert "P-2024-001" in project.ids and "M-2024-001-1" in project.ids and project.units == ()
    assert "lists/L-2024-002/index.html" not in found  # restricted: no page
    assert entries(PublicView(corpus, AS_OF), use_directory_urls=False)["lists/L-2024-001.html"].ids == ("L-2024-001",)


def test_the_built_site_has_a_chunked_index_and_no_single_index_file(site: Path) -> None:
    bundle = site / "pagefind"
    assert not (site / "search").exists()  # mkdocs-material's one-file index is off
    assert (bundle / "pagefind.js").is_file() and (bundle / "pagefind-worker.js").is_file()
    assert list((bundle / "index").glob("*.pf_index")) and list(bundle.glob("wasm.*.pagefind"))
    assert not [p.name for p in bundle.iterdir() if p.name.startswith(("pagefind-ui", "pagefind-component", "pagefind-modular"))]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in home and 'data-jb-search="pagefind/"' in home and "assets/jiebang/search.js" in home
    assert 'data-md-component="search"' not in home  # mkdocs-material's script does not start its own search


def test_the_index_holds_page_content_with_ids_in_meta_fields(site: Path) -> None:
    found = fragments(site)
    assert "/404.html" not in found and "/lists/L-2024-002/" not in found
    lst = found["/lists/L-2024-001/"]
    assert "高精度伺服电机绝对值编码器研制" in text(lst) and "¶" not in text(lst)
    assert "订阅（Atom）" not in text(lst) and "记录仓库的完整历史" in text(lst)  # the footer is chrome; the page says this
    assert lst["meta"]["id"] == "L-2024-001" and "L-2024-001" in lst["meta"]["ids"].split()
    assert lst["meta"]["title"].split() == list("高精度伺服电机绝对值编码器研制")  # each character a word
    hostile = found["/lists/L-2024-005/"]
    assert "编码器标定装置<script>window.__xss=1</script>" in text(hostile)  # as text, shown with textContent


def test_a_missing_or_failing_indexer_stops_the_build_in_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "nowhere" / "pagefind_extended"))
    with pytest.raises(CannotRun, match=r"PAGEFIND_BINARY_PATH 指向的搜索索引程序 .* 不存在"):
        pagefind.binary()
    failing = tmp_path / "pagefind_extended"
    failing.write_text("#!/bin/sh\necho 'Error: could not read site' >&2\nexit 3\n", encoding="utf-8")
    failing.chmod(failing.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(failing))
    with pytest.raises(
        CannotRun, match=r"搜索索引程序 Pagefind 运行失败（退出码 3），门户未发布。程序的输出：\nError: could not read site"
    ):
        pagefind.index(tmp_path, tmp_path / "out")
    root = make_records(tmp_path / "repo")
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--out", str(tmp_path / "public")])
    assert result.exit_code == 2, result.output
    assert "搜索索引程序 Pagefind 运行失败（退出码 3）" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "public").exists()  # nothing half-written


def test_without_the_wheel_and_the_path_the_message_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_wheel(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "pagefind_bin_extended":
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.delenv("PAGEFIND_BINARY_PATH", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_wheel)
    monkeypatch.setenv("PATH", "")
    with pytest.raises(CannotRun, match=r"找不到搜索索引程序 Pagefind（扩展版，含中文分词）.*pip install 'pagefind\[extended\]'"):
        pagefind.binary()
