"""The ``jiebang`` MkDocs plugin: pages, open data and feeds generated from ``records/``.

Enable it in ``mkdocs.yml`` (``plugins: [search, jiebang]``) and ``mkdocs build`` /
``mkdocs serve`` build the portal like any mkdocs-material site. The plugin

- reads the records (``root`` option, default: the folder of ``mkdocs.yml``), refuses to
  build when they have errors, and fixes the as-of date (see ``generator.portal.build``);
- adds the Markdown extensions, theme overrides, stylesheet and script its pages need;
- adds one generated page per public record (kept out of the navigation), the index
  pages, open data, ``feed.xml`` and ``calendar.ics``; a page of the same path in the
  docs folder wins over a generated one. The history and pages, and the data files, are
  made on two forked processes while this one loads jieba's dictionary for the search
  plugin (which would otherwise load it at its first page). MkDocs needs the pages
  first; the data files only when it copies static files (``on_env``), after reading
  every page, so they are made with lower priority, as are the rules of ``jiebang build``;
- after the build, fails when a public record has no page, an internal link does not
  resolve, or any output mentions a record that is not public. Each page is scanned for
  these checks on another process as MkDocs writes it.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel

from generator import export
from generator.dates import SHANGHAI
from generator.portal import feeds
from generator.portal.build import PACKAGE_DOCS, THEME, Inputs, PortalError, as_of_date, pending, public_view, source_epoch
from generator.portal.check import Scan, check_site, hidden_ids, scan_named
from generator.portal.pages import Page, Providers, environment, nav, render_pages
from generator.portal.public import Target
from generator.portal.text import cn_date
from generator.records.batch import LATER, Feed, Pending, fork_call
from generator.records.cache import cache_dir
from generator.validate import CannotRun

log = logging.getLogger("mkdocs.plugins.jiebang")
EXTENSIONS = ("tables", "attr_list", "md_in_html", "admonition", "toc")
FEEDS = ("feed.xml", "calendar.ics")


class JiebangConfig(base.Config):
    root = c.Optional(c.Type(str))  # the records repo, relative to mkdocs.yml
    check = c.Type(bool, default=True)  # refuse to build when the records have errors


class JiebangPlugin(BasePlugin[JiebangConfig]):
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        inputs = pending() or self._inputs_from(config)
        self.inputs = inputs
        epoch = source_epoch(inputs.root)
        as_of = inputs.as_of or as_of_date(epoch)
        try:
            self.view = public_view(inputs, as_of)
        except (PortalError, CannotRun) as exc:
            raise PluginError(str(exc)) from exc
        program = self.view.program
        assert program is not None  # public_view refuses a record set without one
        # The theme prints these unescaped in places: they come from a record, so escape them here.
        config.site_name = html.escape(program.portal.title)
        config.site_url = config.site_url or _web_url(program.portal.base_url)
        config.repo_url = config.repo_url or _web_url(program.portal.repo_url)
        config.repo_name = config.repo_name or "记录仓库"
        config.site_description = config.site_description or html.escape(
            f"{program.issuer}科技攻关“揭榜挂帅”榜单、申报指南、公示与项目信息"
        )
        self._theme(config)
        self._markdown(config)
        logging.getLogger("jieba").setLevel(logging.WARNING)  # the search index segments Chinese with jieba
        config.extra["jiebang"] = {"issuer": program.issuer, "as_of": cn_date(self.view.as_of)}
        self._epoch_before = os.environ.get("SOURCE_DATE_EPOCH")
        if self._epoch_before is None:  # MkDocs dates the sitemap with it: the as-of date, never the clock
            stamp = epoch if inputs.as_of is None and epoch is not None else dt.datetime.combine(as_of, dt.time(), SHANGHAI).timestamp()
            os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp))
        # On other cores the pages (after the history) and the data files are made, while
        # this one does what the search plugin would do at its first page.
        self.generating = (fork_call(self._pages), fork_call(partial(self._data_files, config), nice=LATER))
        _load_segmenter(config)
        return config

    def _pages(self) -> list[Page]:
        """The generated pages, with the records' history from git."""
        providers = self.inputs.providers
        if providers is None:  # `mkdocs build`, `serve`: the same history as `jiebang build`
            from generator.history.provider import history_providers

            found = history_providers(self.inputs.root, self.view.corpus, self.view.as_of)
            providers = Providers(found.history, found.decisions)
        cache = cache_dir(self.inputs.root)
        env = environment([self.inputs.root / "site" / "templates"], cache / "templates" if cache else None)
        return render_pages(self.view, env, providers)

    def _inputs_from(self, config: MkDocsConfig) -> Inputs:
        here = Path(config.config_file_path or ".").resolve().parent
        return Inputs(root=(here / self.config.root).resolve() if self.config.root else here, check=self.config.check)

    def _theme(self, config: MkDocsConfig) -> None:
        dirs = config.theme.dirs
        dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        local = self.inputs.root / "site" / "overrides"
        if local.is_dir() and str(local.resolve()) not in {str(Path(d).resolve()) for d in dirs}:
            dirs.insert(0, str(local))
        config.extra_css.append("assets/jiebang/portal.css")
        config.extra_javascript.append("assets/jiebang/portal.js")

    @staticmethod
    def _markdown(config: MkDocsConfig) -> None:
        from pymdownx.slugs import slugify

        for name in EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        toc = config.mdx_configs.setdefault("toc", {})
        toc.setdefault("slugify", slugify(case="lower"))  # keep Chinese headings readable in anchors
        toc.setdefault("permalink", True)
        toc.setdefault("permalink_title", "本节链接")

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        local = sorted(f.src_uri for f in files.documentation_pages())
        for path in sorted(PACKAGE_DOCS.rglob("*")):
            uri = path.relative_to(PACKAGE_DOCS).as_posix()
            if path.is_file() and files.get_file_from_path(uri) is None:
                files.append(File(uri, str(PACKAGE_DOCS), config.site_dir, config.use_directory_urls))
        self.pages = _result(self.generating[0])
        for page in self.pages:
            if files.get_file_from_path(page.uri) is None:
                inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
                files.append(File.generated(config, page.uri, content=page.markdown, inclusion=inclusion))
        # The data files' content is filled in by on_env, once made.
        self.data = {uri: File.generated(config, uri, content=b"") for uri in _data_names() if files.get_file_from_path(uri) is None}
        for file in self.data.values():
            files.append(file)
        if config.nav is None:
            config.nav = nav(self.pages, [u for u in local if u != "index.md"])
        return files

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        made = dict(_result(self.generating[1]))
        for uri, file in self.data.items():
            file.content_bytes = made[uri]
        self.scanning: Feed[tuple[str, str], tuple[str, Scan]] = Feed(partial(scan_named, hidden_ids(self.view)), nice=LATER)
        return env

    @event_priority(-100)  # after other plugins: the page as written
    def on_post_page(self, output: str, /, *, page: Any, config: MkDocsConfig) -> str:
        self.scanning.send((page.file.dest_uri, output))
        return output

    def _data_files(self, config: MkDocsConfig) -> list[tuple[str, bytes]]:
        site_url = config.site_url or "/"

        def url(target: Target) -> str:
            page = File(target.page, None, "", config.use_directory_urls).url
            return site_url + page + (f"#{target.anchor}" if target.anchor else "")

        out = [(f"data/{name}", content) for name, content in export.files(self.view)]
        out.append((FEEDS[0], feeds.atom(self.view, site_url, url)))
        out.append((FEEDS[1], feeds.icalendar(self.view, site_url, url)))
        return out

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        for folder in ("records", "site/templates"):
            if (self.inputs.root / folder).is_dir():
                server.watch(str(self.inputs.root / folder))
        return server

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._restore_epoch()
        site, base = Path(config.site_dir), urlsplit(config.site_url or "/").path
        problems = check_site(site, self.view, config.use_directory_urls, base, dict(self.scanning()))
        if problems:
            raise PluginError("门户检查未通过：\n" + "\n".join(f"  {p}" for p in problems))
        log.info(f"门户检查通过：{len(self.view.ids)} 条公开记录均有页面，站内链接均可访问。")

    def on_build_error(self, *, error: Exception) -> None:
        self._restore_epoch()
        for work in (*getattr(self, "generating", ()), getattr(self, "scanning", None)):
            if work is not None:
                work.cancel()

    def _restore_epoch(self) -> None:
        if getattr(self, "_epoch_before", "") is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self._epoch_before = ""


def _data_names() -> list[str]:
    """The files ``_data_files`` makes."""
    return [f"data/{name}" for name in export.names()] + list(FEEDS)


def _result(work: Pending[Any]) -> Any:
    try:
        return work()
    except (LookupError, jinja2.TemplateError) as exc:  # a link to a hidden record; a broken local template
        raise PluginError(f"生成页面失败：{exc}") from exc


def _load_segmenter(config: MkDocsConfig) -> None:
    """mkdocs-material's search plugin segments Chinese with jieba, which loads its
    dictionary (about a second) at the first page it indexes: load it now instead."""
    search = config.plugins.get("material/search")
    if search is None or not search.config.get("enabled", True):
        return
    try:
        import jieba
    except ImportError:
        return
    jieba.initialize()


def _web_url(url: str) -> str | None:
    """An http(s) address from program.yaml, or None (then MkDocs leaves the setting out)."""
    return url if re.fullmatch(r"https?://[^\s\"'<>`]+", url) else None
