"""Turning record values into page text: escaping, sanitised Markdown, money and dates.

Every value a template prints passes through :func:`escape` (the Jinja environment's
``finalize``), which writes each ASCII punctuation mark as a numeric character
reference. The result is inert both as Markdown (no emphasis, link, heading, table or
attribute syntax survives) and as HTML (no tag, attribute or entity survives), so one
escaper serves Markdown paragraphs, table cells and raw HTML blocks alike. Only values
marked safe (:class:`markupsafe.Markup`, made here or by the link helpers) pass as-is.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import markdown
import nh3
from markupsafe import Markup

_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation mark
_REFERENCES = {ord(c): f"&#{ord(c)};" for c in map(chr, range(128)) if _PUNCT.fullmatch(c)}

# What a sanitised Markdown field may contain: text structure and plain links, nothing active.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "hr",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def escape(value: Any) -> Markup:
    """One line of record text, inert in Markdown and HTML; ``None`` prints nothing."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = " ".join(str(value).split())  # runs of whitespace as one space, none at either end
    return Markup(text.translate(_REFERENCES))


def paragraphs(value: Any) -> Markup:
    """Multi-line plain text: blank lines part paragraphs, single line breaks are kept."""
    blocks = re.split(r"\n\s*\n", str(value or "").strip())
    return Markup("\n\n".join("<br>\n".join(escape(line) for line in b.splitlines() if line.strip()) for b in blocks if b.strip()))


def sanitised_markdown(value: Any) -> Markup:
    """A Markdown field rendered to HTML and cleaned by nh3, as a raw HTML block."""
    html = markdown.markdown(str(value or ""), extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    body = "\n".join(line for line in clean.splitlines() if line.strip())
    return Markup(f'<div class="jb-prose">\n{body}\n</div>')


def yuan(amount: int | None) -> str:
    """Money as officials write it: 10 万元, 12,345 元."""
    if amount is None:
        return "—"
    if amount >= 10000 and amount % 100 == 0:
        wan = amount / 10000
        return f"{wan:g} 万元"
    return f"{amount:,} 元"


def cn_date(value: dt.date | None) -> str:
    """2024年5月20日."""
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"
