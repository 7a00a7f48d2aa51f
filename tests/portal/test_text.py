"""Record text on a page: escaped so no markup survives, Markdown fields sanitised."""

from __future__ import annotations

import datetime as dt

import markdown
import pytest

from generator.portal.text import cn_date, escape, paragraphs, sanitised_markdown, yuan

# The extensions the portal's pages are rendered with (the plugin adds them).
EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc"]

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[点我](javascript:alert(1))",
    "**粗体** _斜体_ `代码`",
    "{: onclick=alert(1) }",
    '<div markdown="1">*x*</div>',
    "&lt;script&gt;",
    "| a | b |",
]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize("value", HOSTILE)
def test_escaped_text_is_inert_in_a_paragraph_a_heading_and_a_table_cell(value: str) -> None:
    for template in ("{}", "# {}", "| 项 | 值 |\n|---|---|\n| 名称 | {} |"):
        html = render(template.format(escape(value)))
        for active in ("<script", "<img", "<a ", "<strong", "<em", "<code", "onclick=", "onerror=", "<div"):
            assert active not in html, (template, value, html)


def test_escaped_text_shows_the_original_characters() -> None:
    import html as std

    html = render(f"<p>{escape('<b>“卡点” & 5% *x*</b>')}</p>")
    assert std.unescape(html) == "<p><b>“卡点” & 5% *x*</b></p>"


def test_escape_joins_lines_and_prints_none_as_nothing() -> None:
    assert escape("第一行\n  第二行") == "第一行 第二行"
    assert escape(None) == ""


def test_paragraphs_keep_breaks_and_escape_each_line() -> None:
    html = render(str(paragraphs("- 不是列表\n# 不是标题\n\n第二段")))
    assert "<li>" not in html and "<h1" not in html
    assert html.count("<p>") == 2 and "<br" in html


def test_sanitised_markdown_keeps_structure_and_drops_anything_active() -> None:
    html = render(
        str(
            sanitised_markdown(
                "## 流程\n\n1. 下载[申报书](https://example.org/a.docx)\n2. **报送**\n\n"
                '<script>alert(1)</script>\n<a href="javascript:alert(2)" onclick="x()">坏链接</a>\n'
                '<iframe src="https://evil.example"></iframe><img src=x onerror=alert(3)>'
            )
        )
    )
    assert '<a href="https://example.org/a.docx" rel="noopener noreferrer nofollow">申报书</a>' in html
    assert "<ol>" in html and "<strong>报送</strong>" in html
    for active in ("<script", "javascript:", "onclick", "<iframe", "<img", "onerror"):
        assert active not in html


def test_money_and_dates_read_as_officials_write_them() -> None:
    assert yuan(100000) == "10 万元"
    assert yuan(15000) == "1.5 万元"
    assert yuan(12345) == "12,345 元"
    assert yuan(800) == "800 元"
    assert cn_date(dt.date(2024, 5, 20)) == "2024年5月20日"
