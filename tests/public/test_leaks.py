"""The leak check's identifying strings, and reading files as a reader sees them."""

from __future__ import annotations

import gzip
import json

from generator.public.leaks import Secrets, readable
from generator.public.view import PublicView


def test_identifying_strings_of_what_is_not_public(view: PublicView) -> None:
    secrets = Secrets.of(view)
    assert {"L-2024-002", "L-2024-003", "B-2024-002", "R-2024-001", "N-2024-001"} <= set(secrets.ids)
    assert not {"L-2024-001", "B-2024-001", "R-2024-002", "shapingba"} & set(secrets.ids)
    labels = {label for label in secrets.strings.values()}
    assert {"L-2024-002 的名称", "L-2024-003 的名称", "B-2024-004 的揭榜单位", "B-2024-004 的项目负责人"} <= labels
    assert secrets.strings["特定范围某型专用惯性传感器研制"] == "L-2024-002 的名称"
    assert "吕未选" in secrets.strings and "王某" in secrets.strings  # an unselected PI; a panel member (never public)
    # a unit that lost here but is named by a public record is not secret, nor is its code
    assert "重庆星衡精密机电有限公司" not in secrets.strings and "12500000450400321J" not in secrets.strings
    assert "高精度伺服电机绝对值编码器研制" not in secrets.strings


def test_find_ignores_whitespace_and_names_no_secret(view: PublicView) -> None:
    secrets = Secrets.of(view)
    assert secrets.find("见 L-2024-002 与 L-2024-001，特定范围某型\n  专用惯性传感器研制") == ["L-2024-002 的名称", "记录 L-2024-002"]
    assert secrets.find("XL-2024-002 不是编号，L-2024-0021 也不是") == []
    assert secrets.without(["专家王某"]).find("王某") == []


def test_redact_replaces_hidden_ids_and_strings(view: PublicView) -> None:
    secrets = Secrets.of(view)
    assert (
        secrets.redact("撤下 L-2024-002 特定范围某型专用惯性传感器研制，保留 L-2024-001")
        == "撤下 〔非公开记录〕 〔非公开信息〕，保留 L-2024-001"
    )
    assert secrets.redact("特定范围某型专用 惯性传感器研制") == "〔非公开信息〕"  # found only with whitespace ignored: all withheld


def test_files_are_read_as_a_reader_sees_them() -> None:
    index = json.dumps({"docs": [{"text": "特定\u200b范围"}]})  # ensure_ascii: \\u escapes
    assert "特定\u200b范围" in readable("search/search_index.json", index.encode())
    assert readable("sitemap.xml.gz", gzip.compress(b"<loc>a&amp;b</loc>")) == "<loc>a&b</loc>"
    assert (
        readable("calendar.ics", "SUMMARY:特定范围某型专用惯\r\n 性传感器\\, 研制".encode()) == "SUMMARY:特定范围某型专用惯性传感器, 研制"
    )
    assert readable("lists/index.html", b"<a href='?q=%E7%89%B9%E5%AE%9A'>&#x7279;</a>") == "<a href='?q=特定'>特</a>"
    assert readable("assets/logo.png", b"\x89PNG") == ""
    assert readable("data/lists.csv", "\ufeff名称\n".encode()) == "名称\n"


def test_the_search_index_files_are_opened_whatever_their_names(view: PublicView) -> None:
    """Pagefind writes gzip files named .pf_fragment, .pf_index, .pf_meta, each starting
    (inside the gzip) with its marker; a fragment is JSON with the page's text, the Chinese
    spaced character by character for the index (generator/portal/search.py)."""
    fragment = {"url": "/x/", "content": '特 定 \u200b范 围 某 型 专 用 惯 性 传 感 器 研 制 "引号"', "meta": {"title": "L-2024-002"}}
    raw = gzip.compress(b"pagefind_dcd" + json.dumps(fragment).encode())
    text = readable("pagefind/fragment/zh_1a2b3c4.pf_fragment", raw)
    assert "特 定 范 围" in text.replace("\u200b", "") and '"引号"' in text and "pagefind_dcd" not in text  # JSON read
    assert Secrets.of(view).find(text) == ["L-2024-002 的名称", "记录 L-2024-002"]
    chunk = gzip.compress(b"pagefind_dcd\x82\x63l2024002\x64\xe7\x89\xb9")  # CBOR: words as UTF-8 strings
    assert "l2024002" in readable("pagefind/index/zh_1.pf_index", chunk)
    assert readable("pagefind/wasm.unknown.pagefind", gzip.compress(b"\x00asm")) == "\x00asm"
