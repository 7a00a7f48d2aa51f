"""The ``jiebang`` MkDocs plugin: hands the pages and files of a portal build to MkDocs.

Enable it in ``mkdocs.yml`` (``plugins: [search, jiebang]``) and ``mkdocs build`` /
``mkdocs serve`` build the portal like any mkdocs-material site. The work is done by
``PortalBuild`` (``generator.portal.pipeline``); the plugin only

- gets the build's result: from ``jiebang build``, which ran the pipeline and set
  ``plugin.built`` (as mkdocs' own search plugin keeps its index on the instance), or by
  running the pipeline itself for ``mkdocs build`` and ``serve`` (``root`` option,
  default: the folder of ``mkdocs.yml``);
- adds the Markdown extensions, theme overrides, stylesheet and script its pages need, and
  the Content-Security-Policy every page carries (``generator.portal.html_check.POLICY``);
  turns off mkdocs-material's ``content.tooltips``, which renders text as HTML;
- searches with a Pagefind index (``generator.portal.search``), written after MkDocs has
  written the site: mkdocs-material's search plugin, whose index is one file every visitor
  downloads whole, and its ``search.highlight``, which marks single characters, are turned
  off, except in a site opened from disk (``--offline``), where Pagefind cannot fetch its
  index and mkdocs-material's search is kept (``generator.portal.offline``);
- adds the generated pages (record pages kept out of the navigation), the open data and
  the feeds; a page of the same path in the docs folder wins over a generated one;
- after MkDocs has written the site and the search index, fails when a public record has no page, an internal
  link does not resolve, any output mentions a record that is not public, or a page holds
  active content the theme and the plugin do not emit (``generator.portal.html_check``).
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import normalize_url

from generator.errors import CannotRun, RecordErrors
from generator.portal.check import check_site
from generator.portal.errorpage import error_page, write_error_site
from generator.portal.html_check import POLICY, PREVIEW_POLICY
from generator.portal.offline import OFFLINE_SHIM, offline_search
from generator.portal.pages import nav
from generator.portal.pipeline import Built, PortalBuild, web_url
from generator.portal.search import index_site

log = logging.getLogger("mkdocs.plugins.jiebang")
EXTENSIONS = ("tables", "attr_list", "md_in_html", "admonition", "toc")
PACKAGE = Path(__file__).parent
PACKAGE_DOCS = PACKAGE / "docs"
THEME = PACKAGE / "theme"
NOT_FOUND = "404.html"
TOOLTIPS = "content.tooltips"  # mkdocs-material writes a tooltip's text (a title, an overflowing heading) as HTML
HIGHLIGHT = "search.highlight"  # mkdocs-material marks the characters of a search on the page opened (?h=)
LUNR = "material/search"  # mkdocs-material's search plugin


class JiebangConfig(base.Config):
    root = c.Optional(c.Type(str))  # the records repo, relative to mkdocs.yml
    check = c.Type(bool, default=True)  # refuse to build when the records have errors


class JiebangPlugin(BasePlugin[JiebangConfig]):
    built: Built | None = None  # set by `jiebang build` before MkDocs runs
    offline: bool = False  # set by `jiebang build --offline`: a site to open from disk (file://)
    serving: bool = False  # `serve`: a failed build shows its report in the browser
    failure: str | None = None  # that report's page, while the build fails
    policy: str = POLICY  # the pages' Content-Security-Policy

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """MkDocs keeps a plugin with this hook across the rebuilds of one ``serve`` (and across
        the builds of one process): every run starts from nothing."""
        self.on_shutdown()
        self.serving = command == "serve"
        # MkDocs' live reload in `serve` is an inline script: the preview alone allows it.
        self.policy = PREVIEW_POLICY if self.serving else POLICY

    def on_shutdown(self) -> None:
        self.built, self.offline, self.serving, self.failure, self.policy = None, False, False, None, POLICY

    @event_priority(50)  # before mkdocs-material's search plugin, which it turns off (see _search)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._search(config)
        if self.built is None or self.serving:  # `mkdocs build` or `serve` (each rebuild): run the pipeline here
            try:
                self.built = PortalBuild(self.root(config), check=self.config.check).run(config.site_url, config.use_directory_urls)
                self.failure = None
            except (CannotRun, RecordErrors) as exc:
                if not self.serving:
                    raise PluginError(str(exc)) from exc
                log.error(f"门户未生成（浏览器中显示同样的报告）：\n{exc}")
                self.built, self.failure = None, error_page(str(exc), getattr(exc, "findings", ()))
                return config
        built = self.built
        program = built.view.program
        assert program is not None  # the pipeline refuses a record set without one
        # The theme prints these unescaped in places: they come from a record, so escape them here.
        config.site_name = html.escape(program.portal.title)
        config.site_url = config.site_url or (built.site_url if built.site_url != "/" else None)
        config.repo_url = config.repo_url or web_url(program.portal.repo_url)
        config.repo_name = config.repo_name or "记录仓库"
        config.site_description = config.site_description or html.escape(
            f"{program.issuer}科技攻关“揭榜挂帅”榜单、申报指南、公示与项目信息"
        )
        self._theme(config)
        self._markdown(config)
        logging.getLogger("jieba").setLevel(logging.WARNING)  # the search index segments Chinese with jieba
        config.extra["jiebang"] = {**built.extra(self.policy), "search": not self.offline}
        self._epoch_before = os.environ.get("SOURCE_DATE_EPOCH")
        if self._epoch_before is None:  # MkDocs dates the sitemap with it: the build's date, never the clock
            os.environ["SOURCE_DATE_EPOCH"] = str(built.epoch)
        return config

    def root(self, config: MkDocsConfig | None) -> Path:
        here = Path(config.config_file_path or ".").resolve().parent if config else Path(".").resolve()
        root = self.config.get("root")
        return (here / root).resolve() if root else here

    def _theme(self, config: MkDocsConfig) -> None:
        dirs = config.theme.dirs
        dirs.insert(1 if config.theme.custom_dir else 0, str(THEME))
        assert self.built is not None
        local = self.built.root / "site" / "overrides"
        if local.is_dir() and str(local.resolve()) not in {str(Path(d).resolve()) for d in dirs}:
            dirs.insert(0, str(local))
        config.extra_css.append("assets/jiebang/portal.css")
        config.extra_javascript.append("assets/jiebang/portal.js")
        if self.offline:  # search without a server: the worker runs in a frame (see file-worker.js)
            config.extra["polyfills"] = [*config.extra.get("polyfills", []), OFFLINE_SHIM]
        features = config.theme.get("features") or []
        if TOOLTIPS in features:
            log.warning(f"已关闭主题功能 {TOOLTIPS}：它把提示文字当作网页标记显示，记录中的标记会因此生效。")
            config.theme["features"] = [f for f in features if f != TOOLTIPS]
        if config.theme.get("font") is not False:
            log.info("已关闭网络字体：门户不从其他网站加载任何内容（内容安全策略也只允许本站资源）。")
            config.theme["font"] = False

    def _search(self, config: MkDocsConfig) -> None:
        """Pagefind's search box, or mkdocs-material's search in a site opened from disk."""
        lunr = config.plugins.get(LUNR)
        if lunr is not None:
            lunr.config.enabled = self.offline
        if not self.offline:
            config.extra_css.append("assets/jiebang/search.css")
            config.extra_javascript.append("assets/jiebang/search.js")
            config.theme["features"] = [f for f in config.theme.get("features") or [] if f != HIGHLIGHT]

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
        config.mdx_configs.setdefault("tables", {}).setdefault("use_align_attribute", True)  # align="…", not a style the policy blocks

    def on_template_context(self, context: Any, /, *, template_name: str, config: MkDocsConfig) -> Any:
        """404.html is served at any address, wherever the site is mounted: its links are
        written from the site's root, not from ``site_url`` (MkDocs' way), and the theme's
        ``notfound.js`` points them at the root it finds (``theme/404.html``)."""
        if template_name == NOT_FOUND:
            context["base_url"] = "."
            context["extra_css"] = [normalize_url(path, None, ".") for path in config.extra_css]
            context["extra_javascript"] = [normalize_url(str(script), None, ".") for script in config.extra_javascript]
        return context

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.failure is not None:  # only the theme's assets: every page is the error page
            return Files([f for f in files if not f.is_documentation_page()])
        assert self.built is not None
        local = sorted(f.src_uri for f in files.documentation_pages())
        for path in sorted(PACKAGE_DOCS.rglob("*")):
            uri = path.relative_to(PACKAGE_DOCS).as_posix()
            if path.is_file() and files.get_file_from_path(uri) is None:
                files.append(File(uri, str(PACKAGE_DOCS), config.site_dir, config.use_directory_urls))
        for page in self.built.pages:
            if files.get_file_from_path(page.uri) is None:
                inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
                files.append(File.generated(config, page.uri, content=page.markdown, inclusion=inclusion))
        for uri, content in self.built.files:
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, content=content))
        if config.nav is None:
            config.nav = nav(self.built.pages, [u for u in local if u != "index.md"])
        return files

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        root = self.built.root if self.built else self.root(config)
        for folder in ("records", "site/templates"):
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._restore_epoch()
        site = Path(config.site_dir)
        if self.failure is not None:
            write_error_site(site, self.failure)
            return
        assert self.built is not None
        if self.offline:
            offline_search(site)
        else:
            try:
                index_site(site, self.built.view, config.use_directory_urls)
            except CannotRun as exc:
                if not self.serving:
                    raise
                log.error(str(exc))
                write_error_site(site, error_page(str(exc)))
                return
        problems = check_site(
            site, self.built.view, config.use_directory_urls, urlsplit(config.site_url or "/").path, self.built.secrets, self.policy
        )
        if problems:
            message = "门户检查未通过：\n" + "\n".join(f"  {p}" for p in problems)
            if not self.serving:
                raise PluginError(message)
            log.error(message)
            write_error_site(site, error_page(message))
            return
        log.info(f"门户检查通过：{len(self.built.view.ids)} 条公开记录均有页面，站内链接均可访问。")

    def on_build_error(self, *, error: Exception) -> None:
        self._restore_epoch()

    def _restore_epoch(self) -> None:
        if getattr(self, "_epoch_before", "") is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
            self._epoch_before = ""
