"""Turning record values into page text: escaping, sanitised Markdown, money and dates.

Every value a template prints passes through :func:`escape` (the Jinja environment's
``finalize``), which writes each ASCII punctuation mark as a numeric character
reference. The result is inert both as Markdown (no emphasis, link, heading, table or
attribute syntax survives) and as HTML (no tag, attribute or entity survives), so one
escaper serves Markdown paragraphs, table cells and raw HTML blocks alike. Only values
marked safe (:class:`markupsafe.Markup`, made here or by the link helpers) pass as-is.

Control characters never reach a page (:func:`printable`), whatever validation let through,
and a sanitised Markdown field keeps only the links ``generator.urls.allowed_link`` admits.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import markdown
import nh3
from markupsafe import Markup

from generator.urls import allowed_link

_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation mark
_REFERENCES = {ord(c): f"&#{ord(c)};" for c in map(chr, range(128)) if _PUNCT.fullmatch(c)}

# What a sanitised Markdown field may contain: text structure and plain links, nothing active.
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "hr",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
# No title on any element ("*" replaces nh3's default lang and title): mkdocs-material's
# tooltips, when a configuration turns them on, render a title as HTML.
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}, "th": {"align"}, "td": {"align"}, "*": set()}
URL_SCHEMES = {"http", "https", "mailto"}  # nh3's own check; ``_link_filter`` applies the portal's policy
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(value: str) -> str:
    """``value`` with every control character but tab, line feed and carriage return (and every
    code point no document may hold) replaced by U+FFFD, the replacement character."""
    return _CONTROLS.sub("\ufffd", value)


def escape(value: Any) -> Markup:
    """One line of record text, inert in Markdown and HTML; ``None`` prints nothing."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = " ".join(str(value).split())  # runs of whitespace as one space, none at either end
    return Markup(printable(text).translate(_REFERENCES))


def paragraphs(value: Any) -> Markup:
    """Multi-line plain text: blank lines part paragraphs, single line breaks are kept."""
    blocks = re.split(r"\n\s*\n", str(value or "").strip())
    return Markup("\n\n".join("<br>\n".join(escape(line) for line in b.splitlines() if line.strip()) for b in blocks if b.strip()))


def sanitised_markdown(value: Any) -> Markup:
    """A Markdown field rendered to HTML and cleaned by nh3, as a raw HTML block."""
    html = markdown.markdown(
        printable(str(value or "")),
        extensions=["tables", "sane_lists"],
        extension_configs={"tables": {"use_align_attribute": True}},  # align="…", not a style the policy blocks
        output_format="html",
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_link_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    body = "\n".join(line for line in clean.split("\n") if line.strip())  # only line feeds: a U+2028 inside a link stays put
    return Markup(f'<div class="jb-prose">\n{body}\n</div>')


def _link_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3's hook for each kept attribute (value unescaped): a link target the portal does not allow is dropped."""
    return None if attribute == "href" and not allowed_link(value) else value


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
