"""The national portal's pages as Markdown, from Jinja2 templates (``templates/national/``),
with the programme portal's environment: every printed value escaped for Markdown and
HTML at once, money and dates written as officials write them.

A list links to its page on its own programme's portal; the national portal has no page
per list. Pages in the navigation are the section indexes; the pages of a paginated
index and the programme pages are reached from them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markupsafe
from markupsafe import Markup

from generator.federate.stats import DIMENSIONS, SOURCES
from generator.federate.tables import NATIONAL_TABLES
from generator.portal import labels
from generator.portal.pages import environment
from generator.portal.pipeline import page_url, web_url
from generator.portal.text import escape

TEMPLATES = Path(__file__).parent / "templates"
NAV = (
    ("index.md", "首页"),
    ("lists/index.md", "榜单"),
    ("programmes/index.md", "方案"),
    ("stats/index.md", "统计"),
    ("similar/index.md", "同质化"),
    ("unclaimed/index.md", "无人揭榜"),
    ("data.md", "开放数据"),
    ("join.md", "加入汇总"),
)
LEVEL = labels.LEVEL
TRACK = labels.TRACK


@dataclass(frozen=True)
class Page:
    uri: str
    markdown: str
    in_nav: bool


def share(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def external(url: Any, text: Any) -> Markup:
    """A link to another site (a programme's portal), or the text alone when the address is not http(s)."""
    if isinstance(url, str) and web_url(url if url.endswith("/") else url + "/"):
        return Markup(f'<a href="{markupsafe.escape(url)}">{escape(text)}</a>')  # an http(s) URL without quotes or spaces
    return escape(text)


def render(context: dict[str, Any]) -> list[Page]:
    """Every page of the national portal. ``context`` holds what the templates read:
    federation, national figures, lists, provinces, groups, programmes and files."""
    env = environment([TEMPLATES])
    env.filters.update(share=share)
    env.globals.update(external=external, LEVEL=LEVEL, TRACK=TRACK, SOURCES=SOURCES, DIMENSIONS=DIMENSIONS, TABLES=NATIONAL_TABLES)
    env.globals.update(status_label=lambda s: labels.LIST_STATUS.get(s, s), mode_label=lambda m: labels.MODE.get(m, m))
    out = []
    for template, uri, extra in _jobs(context):
        markdown = env.get_template(f"national/{template}").render(**context, **extra, page_uri=uri, rel=_rel(uri))
        out.append(Page(uri, markdown, uri in dict(NAV)))
    return out


def _rel(here: str) -> Callable[[str], str]:
    """A link from the page at ``here`` to a file of the site (a chart, a download) for raw
    HTML, which MkDocs does not rewrite: relative to the page's URL, not its source."""
    folder = posixpath.dirname(page_url(here).rstrip("/")) if not page_url(here).endswith("/") else page_url(here).rstrip("/")

    def rel(to: str) -> Markup:
        path = posixpath.relpath(to, folder or ".") + ("/" if to.endswith("/") else "")
        return Markup(markupsafe.escape(path))  # a path of ours, for an attribute

    return rel


def _jobs(context: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    yield "home.md.j2", "index.md", {}
    yield "lists.md.j2", "lists/index.md", {}
    for province in context["provinces"]:
        for page in province.pages:
            yield "province.md.j2", page.uri, {"province": province, "page": page}
    yield "programmes.md.j2", "programmes/index.md", {}
    for programme in context["programmes"]:
        yield "programme.md.j2", f"programmes/{programme['programme']}.md", {"p": programme}
    yield "stats.md.j2", "stats/index.md", {}
    for uri, groups, number, uris in context["similar_pages"]:
        yield "similar.md.j2", uri, {"groups": groups, "number": number, "uris": uris}
    for page in context["unclaimed_pages"]:
        yield "unclaimed.md.j2", page.uri, {"page": page}
    yield "data.md.j2", "data.md", {}
    yield "join.md.j2", "join.md", {}
