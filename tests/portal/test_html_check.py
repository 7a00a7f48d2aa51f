"""The post-build HTML check (generator.portal.html_check): each kind of active content the
theme and the plugin never emit fails it; what they do emit passes; the policy must come
first in <head>."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.portal.html_check import POLICY, PREVIEW_POLICY, check_html, page_problems
from generator.portal.plugin import JiebangPlugin

HEAD = f'<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="{POLICY}"><meta charset="utf-8">'
OWN = (
    '<title>榜单</title><link rel="stylesheet" href="../../assets/stylesheets/main.css"><link rel="icon" href="../../assets/images/favicon.png">'
    '<link rel="canonical" href="https://example.org/jiebang/lists/L-2024-001/">'
    '<script src="../../assets/jiebang/md-scope.js"></script></head><body>'
    '<form class="md-search__form" name="search"><input name="query"></form>'
    '<a href="https://example.org/">外链</a> <a href="mailto:kjj@example.org">邮件</a> <a href="../">上级</a>'
    '<img src="../../assets/images/logo.png" alt=""><progress value="30" max="100">30%</progress>'
    '<script id="__config" type="application/json">{"base": "../.."}</script>'
    '<script src="/jiebang/assets/javascripts/bundle.js"></script>'
)
NAME = "lists/L-2024-001/index.html"


def page(body: str = "", head: str = "") -> str:
    return HEAD + head + OWN + body + "</body></html>"


def test_what_the_theme_and_the_plugin_emit_passes() -> None:
    assert page_problems(NAME, page(), "/jiebang/") == []


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ('<base href="https://evil.example/">', "不允许的元素 <base>"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "不允许的 <meta http-equiv='refresh'>"),
        ('<img src=x onerror="alert(1)">', "<img> 带有事件处理属性 onerror"),
        ("<svg><animate onbegin=alert(1)></animate></svg>", "<animate> 带有事件处理属性 onbegin"),
        ("<p ONMOUSEOVER=alert(1)>x</p>", "<p> 带有事件处理属性 onmouseover"),
        ("<script>alert(1)</script>", "不是门户自身发出的脚本：内联脚本"),
        ('<script src="https://evil.example/x.js"></script>', "不是门户自身发出的脚本：src='https://evil.example/x.js'"),
        ('<script src="//evil.example/x.js"></script>', "<script> 的 src 指向不允许的地址 '//evil.example/x.js'"),
        ('<script src="../../search/search_index.json"></script>', "不是门户自身发出的脚本：src='../../search/search_index.json'"),
        ('<script src="../../../../assets/x.js"></script>', "不是门户自身发出的脚本：src='../../../../assets/x.js'"),
        ('<script type="application/json">{}</script>', "不是门户自身发出的脚本：内联脚本"),
        ('<a href="javascript:alert(1)">x</a>', "<a> 的 href 指向不允许的地址 'javascript:alert(1)'"),
        ('<a href="java&#x0B;script:alert(1)">x</a>', "<a> 的 href 指向不允许的地址 'java\\x0bscript:alert(1)'"),
        ('<a href="java\nscript:alert(1)">x</a>', "<a> 的 href 指向不允许的地址 'java\\nscript:alert(1)'"),
        ('<img src="data:image/svg+xml,<svg/onload=alert(1)>">', "<img> 的 src 指向不允许的地址"),
        ('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "<a> 的 xlink:href 指向不允许的地址"),
        ('<button formaction="javascript:alert(1)">x</button>', "<button> 的 formaction 指向不允许的地址"),
        ('<iframe src="https://evil.example/"></iframe>', "不允许的元素 <iframe>"),
        ('<object data="x.swf"></object>', "不允许的元素 <object>"),
        ('<embed src="x.swf">', "不允许的元素 <embed>"),
        ('<form action="https://evil.example/"><input name="password"></form>', "不允许的元素 <form>"),
        ('<form class="md-search__form" name="search" action="https://evil.example/"></form>', "不允许的元素 <form>"),
        ('<form id="jb-national-filters" action="https://evil.example/"></form>', "不允许的元素 <form>"),
        ('<form id="jb-national-filters" method="post"></form>', "不允许的元素 <form>"),
        ("<style>body{background:url(https://evil.example/)}</style>", "不允许的元素 <style>"),
        ('<div style="width: 30%">x</div>', "<div> 带有内联样式（内容安全策略会拦截）"),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', "<link rel='stylesheet'> 从站外加载 'https://evil.example/x.css'"),
        ('<link rel="preconnect" href="https://fonts.gstatic.com">', "<link rel='preconnect'> 从站外加载"),
    ],
)
def test_active_content_fails(markup: str, problem: str) -> None:
    problems = page_problems(NAME, page(markup), "/jiebang/")
    assert len(problems) == 1 and problems[0].startswith(f"{NAME}：{problem}"), problems


def test_a_title_breakout_is_found_as_a_browser_would_parse_it() -> None:
    html = HEAD + "<title>齿轮</title><img alt=\">\" src=x onerror=document.title='XSS'> - 站名</title>" + OWN + "</body></html>"
    assert page_problems(NAME, html, "/jiebang/") == [f"{NAME}：<img> 带有事件处理属性 onerror"]


@pytest.mark.parametrize(
    ("html", "problem"),
    [
        (page().replace(HEAD, "<!doctype html><html><head><meta charset='utf-8'>"), "应在 <head> 开头有且只有一条内容安全策略，实有 0 条"),
        (
            page(head=f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'),
            "应在 <head> 开头有且只有一条内容安全策略，实有 2 条",
        ),
        (page().replace("script-src 'self'", "script-src 'self' 'unsafe-inline'"), "不允许的 <meta http-equiv='Content-Security-Policy'>"),
        (
            page().replace(HEAD, '<!doctype html><html><head><title>t</title><meta charset="utf-8">' + HEAD[HEAD.index("<meta http") :]),
            "<title> 出现在内容安全策略之前",
        ),
    ],
)
def test_the_policy_comes_once_first_in_head(html: str, problem: str) -> None:
    assert any(p == f"{NAME}：{problem}" for p in page_problems(NAME, html, "/jiebang/")), page_problems(NAME, html, "/jiebang/")


def test_a_policy_outside_head_does_not_count() -> None:
    html = '<!doctype html><html><head><title>t</title></head><body><img src="a.png">' + HEAD[HEAD.index("<meta http") :] + "</body></html>"
    assert f"{NAME}：应在 <head> 开头有且只有一条内容安全策略，实有 0 条" in page_problems(NAME, html)


def test_the_preview_policy_is_the_policy_plus_inline_scripts() -> None:
    """MkDocs' live reload is an inline script it adds to each page it serves: ``jiebang serve`` alone allows it."""
    assert PREVIEW_POLICY == POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'") != POLICY
    plugin = JiebangPlugin()
    plugin.on_startup(command="build", dirty=False)
    assert plugin.policy == POLICY
    plugin.on_startup(command="serve", dirty=False)
    assert plugin.policy == PREVIEW_POLICY
    assert page_problems(NAME, page().replace(POLICY, PREVIEW_POLICY), "/jiebang/", PREVIEW_POLICY) == []


def test_a_fragment_needs_no_policy() -> None:
    assert page_problems(NAME, "<p>正文</p>", policy=None) == []
    assert page_problems(NAME, "<p onclick=x>正文</p>", policy=None) == [f"{NAME}：<p> 带有事件处理属性 onclick"]


def test_every_html_file_of_a_site_is_checked(tmp_path: Path) -> None:
    (tmp_path / "lists" / "L-2024-001").mkdir(parents=True)
    (tmp_path / "lists" / "L-2024-001" / "index.html").write_text(page(), encoding="utf-8")
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.html").write_text(page("<img src=x onerror=alert(1)>").replace("../../", "../"), encoding="utf-8")
    (tmp_path / "static.html").write_text("<p>手写的静态页面</p>", encoding="utf-8")
    (tmp_path / "data.json").write_text('{"x": "<script>"}', encoding="utf-8")
    assert check_html(tmp_path, "/jiebang/") == [
        "guide/index.html：<img> 带有事件处理属性 onerror",
        "static.html：应在 <head> 开头有且只有一条内容安全策略，实有 0 条",
    ]
