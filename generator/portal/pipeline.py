"""One build of the portal, read top to bottom: ``PortalBuild.run``.

    load the records         the work tree, or git objects at a revision (``--as-of``)
    check them               every rule; records with errors publish nothing
    the public view          which records the public may see on the build's date
    history                  each public record's versions and the decision log, from git
    OCDS releases            each change of what the public could read about a list's process, from git
    pages                    Markdown from the templates, one page per public record and the indexes
    open data and feeds      records.json, CSV, the data dictionary, OCDS, feed.xml, calendar.ics

The result (:class:`Built`) is plain data: pages as (path, Markdown) and files as (path,
bytes). The MkDocs plugin only hands them to MkDocs (``generator.portal.plugin``);
:meth:`Built.write_sources` writes them into a docs folder so that another builder that
reads ``mkdocs.yml`` but runs no MkDocs plugins (Zensical) could build the same pages.

The build's date decides what is public (a 公示 shows from its first day) and the days left
to a deadline. It is, in order: the date asked for, the date of ``SOURCE_DATE_EPOCH``, the
date of the last commit when the records are in git, else today — in Beijing time. So two
builds of the same commit give the same files.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from generator import export, ocds
from generator.dates import SHANGHAI, today
from generator.errors import CannotRun, RecordErrors
from generator.git.repo import DATE, GitRecords, head_time
from generator.history.as_of import present
from generator.history.provider import history_providers
from generator.layout import RECORDS
from generator.portal import atom, dictionary, ical
from generator.portal.pages import Page, Providers, RecordNotPublic, environment, render_pages
from generator.portal.text import cn_date
from generator.public.leaks import Secrets
from generator.public.view import PublicView, Target
from generator.records.tree import Loaded, load_at, load_tree
from generator.reporters import REPORTERS
from generator.rules.catalogue import render as render_catalogue
from generator.urls import web_address
from generator.validate import report_for

FEEDS = ("feed.xml", "calendar.ics")


@dataclass(frozen=True)
class Built:
    """What a build made, before MkDocs renders it."""

    root: Path  # the records repository
    view: PublicView
    epoch: int  # SOURCE_DATE_EPOCH for MkDocs (it dates the sitemap): the commit's time, or the build date's midnight
    site_url: str  # absolute, ends with "/"; "/" when the programme names no web address
    pages: list[Page]  # generated Markdown pages
    files: list[tuple[str, bytes]]  # (path in the site, content): open data and feeds
    revision: str | None = None  # the commit the records were read from (``--as-of``)
    secrets: Secrets | None = None  # what the leak check looks for (None: made from ``view``)

    def extra(self, policy: str) -> dict[str, str]:
        """What the theme overrides read from ``extra.jiebang`` of ``mkdocs.yml``: the issuer and
        date of the footer and the Content-Security-Policy of every page."""
        program = self.view.program
        return {"issuer": program.issuer if program else "", "as_of": cn_date(self.view.as_of), "csp": policy}

    def write_sources(self, docs: Path) -> list[Path]:
        """Write the pages and files into a docs folder (pages of the same path already there win)."""
        written = []
        for path, content in [(p.uri, p.markdown.encode("utf-8")) for p in self.pages] + self.files:
            target = docs / path
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            written.append(target)
        return written


class PortalBuild:
    """One portal build of the records repository at ``root``.

    ``revision``: read the records from git at this date or revision (``--as-of``), the
    work tree untouched; ``as_of``: the date to build for, when not the default above.
    ``check``: refuse records with errors (``jiebang validate``)."""

    def __init__(self, root: Path, *, revision: str | None = None, as_of: dt.date | None = None, check: bool = True) -> None:
        self.root = root.resolve()
        self.revision = revision
        self.as_of = as_of
        self.check = check

    def run(self, site_url: str | None = None, use_directory_urls: bool = True) -> Built:
        """The whole build; ``site_url`` overrides the programme's ``portal.base_url``."""
        loaded, day, commit = self.load()
        self.require_no_errors(loaded)
        view, secrets, redacted = self.public(loaded, day, commit)
        releases = self.releases(view, commit, secrets, redacted)
        providers, secrets = self.history(view, commit, secrets, redacted)
        pages = self.pages(view, replace(providers, ocds_note=releases.note))
        url = site_url or web_url(view.program.portal.base_url if view.program else "") or "/"
        files = data_files(view, url, use_directory_urls, releases)
        epoch = source_epoch(self.root) if commit is None else None
        if epoch is None or dt.datetime.fromtimestamp(epoch, SHANGHAI).date() != view.as_of:
            epoch = int(dt.datetime.combine(view.as_of, dt.time(), SHANGHAI).timestamp())
        return Built(self.root, view, epoch, url, pages, files, commit, secrets)

    def load(self) -> tuple[Loaded, dt.date, str | None]:
        """The records, the build's date, and the commit they were read from (None: the work tree)."""
        if not (self.root / RECORDS).is_dir():
            raise CannotRun(f"找不到 {self.root / RECORDS}：请在记录仓库的根目录运行，或用 --root 指定。")
        if self.revision is None:
            return load_tree(self.root), self.as_of or as_of_date(source_epoch(self.root)), None
        src = GitRecords(self.root)
        commit = src.resolve(self.revision)
        day = dt.date.fromisoformat(self.revision) if DATE.match(self.revision) else commit.committed_datetime.astimezone(SHANGHAI).date()
        return load_at(src, commit), self.as_of or day, commit.hexsha

    def require_no_errors(self, loaded: Loaded) -> None:
        """Records with errors publish nothing. Records read at a past revision are not
        judged again: they were checked by the rules of their day, and the portal shows
        them as they stood."""
        if self.check and self.revision is None:
            report = report_for(loaded, (), self.root)
            if report.exit_code:
                raise RecordErrors(
                    REPORTERS["text"](report) + "\n记录有错误，未生成任何公开内容：请先修正（jiebang validate）。", report.sorted()
                )

    def public(self, loaded: Loaded, day: dt.date, commit: str | None) -> tuple[PublicView, Secrets, frozenset[str] | None]:
        """What the public may see on ``day``; what identifies the records it may not see (less
        the rule catalogue's examples, which the portal shows on purpose); and (read at a past
        revision) the texts HEAD's redaction record withholds. Records read at a past revision
        show only what is also public at HEAD, their texts cleaned (``generator.history.as_of``)."""
        fixed = [render_catalogue("markdown")]
        if commit is None:
            view = public_view(loaded, day)
            return view, Secrets.of(view, fixed), None
        now = present(self.root, loaded.corpus, day)
        return public_view(replace(loaded, corpus=now.corpus), day, now.withheld), now.secrets.without(fixed), now.redacted

    def history(self, view: PublicView, commit: str | None, secrets: Secrets, redacted: frozenset[str] | None) -> tuple[Providers, Secrets]:
        """The history providers, and what the leak check looks for in the output (less the
        approvers' names: the decision log shows them on purpose)."""
        found = history_providers(self.root, view, commit or "HEAD", secrets, redacted)
        return Providers(found.history, found.decisions), secrets.without(found.found.approvers())

    def releases(self, view: PublicView, commit: str | None, secrets: Secrets, redacted: frozenset[str] | None) -> ocds.Releases:
        """The OCDS releases of every public process from the main line (at ``commit``, else
        HEAD), past texts cleaned as history cleans them; the present state only, with a
        note, when there is no history."""
        return ocds.releases_of(self.root, view, commit or "HEAD", secrets, redacted, view.corpus if commit is None else None)

    def pages(self, view: PublicView, providers: Providers) -> list[Page]:
        """The generated pages; a broken template (a records repo may have its own) or a link
        to a record that is not public stops the build with the template's file and line."""
        try:
            return render_pages(view, environment([self.root / "site" / "templates"]), providers)
        except jinja2.TemplateSyntaxError as exc:
            raise CannotRun(f"生成页面失败：{exc.filename or exc.name}:{exc.lineno}: {exc.message}") from exc
        except (jinja2.TemplateError, RecordNotPublic) as exc:
            raise CannotRun(f"生成页面失败：{exc}") from exc


def public_view(loaded: Loaded, as_of: dt.date, withheld: frozenset[str] = frozenset()) -> PublicView:
    if loaded.corpus.program is None:
        raise CannotRun("缺少有效的 records/program.yaml：门户标题、发榜单位和政策参数都来自它。")
    return PublicView(loaded.corpus, as_of, withheld)


def data_files(
    view: PublicView, site_url: str, use_directory_urls: bool = True, releases: ocds.Releases | None = None
) -> list[tuple[str, bytes]]:
    """The open-data files (as ``jiebang export`` writes them) and the feeds, by path in the site."""

    def url(target: Target) -> str:
        return site_url + page_url(target.page, use_directory_urls) + (f"#{target.anchor}" if target.anchor else "")

    out = [(f"data/{name}", content) for name, content in open_data_files(view, export.FORMATS, releases)]
    out.append((FEEDS[0], atom.feed(view, site_url, url)))
    out.append((FEEDS[1], ical.calendar(view, site_url, url)))
    return out


def open_data_files(view: PublicView, formats: tuple[str, ...], releases: ocds.Releases | None = None) -> list[tuple[str, bytes]]:
    """The open-data files by name: ``export``'s and, with the CSV files, their data dictionary."""
    out = list(export.files(view, formats, releases))
    if "csv" in formats:
        out.append((dictionary.FILE, dictionary.csv_bytes(dictionary.dictionary(view))))
    return out


def page_url(page: str, use_directory_urls: bool = True) -> str:
    """The URL (relative to the site) of a docs-relative Markdown page, as MkDocs makes it."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/" if use_directory_urls else f"{stem}.html"


def web_url(url: str) -> str | None:
    """An address from program.yaml that the portal may use (``generator.urls.web_address``),
    ending with "/", or None. Records read at a past revision were not validated again."""
    address = web_address(url)
    if address is None:
        return None
    return address if address.endswith("/") else address + "/"


def source_epoch(root: Path) -> int | None:
    """SOURCE_DATE_EPOCH, else the committer time of HEAD when ``root`` is in git."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(env) if env.isdigit() else head_time(root)


def as_of_date(epoch: int | None) -> dt.date:
    return dt.datetime.fromtimestamp(epoch, SHANGHAI).date() if epoch is not None else today()
