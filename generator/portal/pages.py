"""The portal's pages as Markdown, rendered from Jinja2 templates over the public view.

Templates live in ``generator/portal/templates/``; a records repo may override any of them
by a file of the same name in ``site/templates/``. Per-record pages are kept out of the
navigation (reached from the index pages and from search), so that mkdocs-material, which
renders the whole navigation into every page, builds in time linear in the records.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.models.common import RECORD_ID
from generator.models.programme import percent as share_percent
from generator.parallel import parallel_map
from generator.portal import dictionary, labels, views
from generator.portal.text import cn_date, escape, paragraphs, percent, sanitised_markdown, yuan
from generator.public.view import PublicView
from generator.rules.catalogue import render as render_catalogue

TEMPLATES = Path(__file__).parent / "templates"

HistoryProvider = Callable[[str], Any]  # record id → its timeline, or None (then no 历史 section)
DecisionsProvider = Callable[[frozenset[str]], Any]  # public ids → the decision log (the 决策记录 page)


@dataclass(frozen=True)
class Providers:
    """Optional data from git history. ``history`` fills the 历史 section of each record
    page (rendered by ``history.md.j2``); ``decisions`` fills the 决策记录 page
    (``decisions.md.j2``). Both None: the section and the page are left out. ``ocds_note``:
    why the OCDS releases have no history (the 开放数据 page says so)."""

    history: HistoryProvider | None = None
    decisions: DecisionsProvider | None = None
    ocds_note: str | None = None


@dataclass(frozen=True)
class Page:
    uri: str  # docs-relative path of the Markdown source, e.g. lists/L-2024-003.md
    markdown: str
    in_nav: bool
    record: str | None = None  # the record the page is about


# Pages in the navigation, in order: (uri, title). decisions.md only with a decisions provider.
NAV: tuple[tuple[str, str], ...] = (
    ("index.md", "首页"),
    ("lists/index.md", "榜单"),
    ("calls/index.md", "申报指南"),
    ("notices/index.md", "公示"),
    ("projects/index.md", "项目"),
    ("decisions.md", "决策记录"),
    ("data.md", "开放数据"),
    ("rules.md", "规则说明"),
)


class RecordNotPublic(LookupError):
    """A template tried to link a record the public may not see: a bug, never shown."""


def environment(override_dirs: Sequence[Path] = ()) -> jinja2.Environment:
    """The templates' environment. Compiled templates are kept in memory only: a compiled
    template is Python code, and nothing read from a file may run as code."""
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(d)) for d in (*override_dirs, TEMPLATES) if d.is_dir()])
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,  # macros and blocks come back as Markup, so finalize leaves them alone
        finalize=escape,  # every printed value is escaped for Markdown and HTML at once
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # one environment per build: no need to look at a template's file again
    )
    env.filters.update(
        join=lambda items, sep="、": Markup(escape(sep)).join(escape(i) for i in items),
        paragraphs=paragraphs,
        markdown=sanitised_markdown,
        yuan=yuan,
        date=cn_date,
        percent=lambda pair: percent(*pair),
        share=share_percent,
        label=lambda code, table: table.get(code, code),
        field_title=labels.field_title,
        anchor=_anchor,
        is_web_url=lambda url: isinstance(url, str) and url.startswith(("https://", "http://")),
    )
    env.globals.update(labels=labels, views=views, link=_link, page_link=_page_link)
    return env


def _anchor(record_id: str) -> Markup:
    """A record id as an HTML id: ids match their kind's pattern, so they print as they are."""
    if not RECORD_ID.fullmatch(record_id):
        raise ValueError(f"not a record id: {record_id!r}")
    return Markup(record_id)


def relative(here: str, to: str, anchor: str | None = None) -> str:
    """A link from one docs-relative page to another, as MkDocs resolves and checks it."""
    path = _relpath(to, posixpath.dirname(here) or ".")
    return f"{path}#{anchor}" if anchor else path


@cache
def _relpath(to: str, start: str) -> str:
    """Pages sit in a handful of folders and link the same pages often: each pair is worked out once."""
    return posixpath.relpath(to, start)


@jinja2.pass_context
def _link(ctx: jinja2.runtime.Context, record_id: str, text: Any = None) -> Markup:
    target = ctx["view"].target(record_id)
    if target is None:
        raise RecordNotPublic(f"{ctx['page_uri']} links {record_id}, which is not public")
    return Markup(f"[{escape(record_id if text is None else text)}]({relative(ctx['page_uri'], target.page, target.anchor)})")


@jinja2.pass_context
def _page_link(ctx: jinja2.runtime.Context, uri: str, text: Any) -> Markup:
    return Markup(f"[{escape(text)}]({relative(ctx['page_uri'], uri)})")


PARALLEL_PAGES = 300  # below this, starting workers costs more than rendering on one core


def render_pages(view: PublicView, env: jinja2.Environment, providers: Providers = Providers()) -> list[Page]:
    """Every generated page: the index pages (in the nav) and one page per public record,
    rendered on every core for a large portal (``parallel_map``)."""
    common = {"view": view, "program": view.program, "as_of": view.as_of, "providers": providers}
    jobs = list(_jobs(view, providers))
    for template in env.list_templates(extensions=["j2"]):
        env.get_template(template)  # compiled once, before any worker starts

    def page(job: tuple[str, str, str | None, dict[str, Any]]) -> Page:
        template, uri, record, extra = job
        history = providers.history(record) if providers.history and record else None
        text = env.get_template(template).render(**common, page_uri=uri, record_id=record, history=history, **extra)
        return Page(uri, text, record is None, record)

    return parallel_map(page, jobs, min_items=PARALLEL_PAGES)


def _jobs(view: PublicView, providers: Providers) -> Iterator[tuple[str, str, str | None, dict[str, Any]]]:
    """(template, page uri, record id, extra context) of every page."""
    yield "home.md.j2", "index.md", None, {"figures": views.figures(view)}
    yield "lists.md.j2", "lists/index.md", None, {}
    yield "calls.md.j2", "calls/index.md", None, {}
    yield "notices.md.j2", "notices/index.md", None, {}
    yield "projects.md.j2", "projects/index.md", None, {}
    yield "data.md.j2", "data.md", None, dictionary.page_data(view, providers.ocds_note)
    program = view.program
    catalogue = render_catalogue("markdown", program.policy.citations if program else None, program.basis if program else None)
    head, _, rules = example_ids(catalogue).partition("\n## ")
    yield "rules.md.j2", "rules.md", None, {"intro": Markup(head.partition("\n")[2]), "catalogue": Markup("## " + rules)}
    if providers.decisions:
        yield "decisions.md.j2", "decisions.md", None, {"decisions": providers.decisions(view.ids)}
    for lst in view.lists:
        yield "list.md.j2", f"lists/{lst.id}.md", lst.id, {"lst": lst}
    for call in view.calls:
        yield "call.md.j2", f"calls/{call.id}.md", call.id, {"call": call}
    for group in view.notice_pages:  # a batch 公示 (one notice, several reviews) is one page
        if len(group) == 1:
            yield "notice.md.j2", f"notices/{group[0].id}.md", group[0].id, {"notice": group[0]}
        else:
            yield "notice_batch.md.j2", view.notice_page(group[0]).page, group[0].id, {"notices": group}
    for project in view.projects:
        yield "project.md.j2", f"projects/{project.id}.md", project.id, {"project": project}


def example_ids(text: str) -> str:
    """Record ids quoted as examples in rule documentation, written with the year as 20XX: an
    example must never read as a mention of a real record (which may not be public)."""
    return RECORD_ID.sub(lambda m: f"{m[0][:2]}20XX{m[0][6:]}", text)


def nav(pages: Iterable[Page], local: Sequence[str]) -> list[dict[str, str]]:
    """The navigation: the portal's sections, then any hand-written pages of the records repo."""
    present = {p.uri for p in pages} | set(local)
    entries = [{title: uri} for uri, title in NAV if uri in present]
    return entries + [uri for uri in local if uri not in {u for u, _ in NAV}]  # type: ignore[misc]
