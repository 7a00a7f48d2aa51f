"""The national portal rendered by MkDocs (mkdocs-material), with the programme portal's
look: its theme overrides and stylesheet, with the national footer and filter script in
front. The pages are written into a temporary docs folder first (pages are data before
they are MkDocs); downloads and charts are written into the built site afterwards.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path

from generator.federate.pages import NAV, Page
from generator.portal.html_check import POLICY
from generator.portal.plugin import THEME as PORTAL_THEME

HERE = Path(__file__).parent
CONFIG = HERE / "mkdocs.yml"
THEME = HERE / "theme"


def render_site(pages: Iterable[Page], site: Path, *, title: str, site_url: str | None, issuer: str, as_of: str) -> None:
    """Build the pages into ``site`` (an empty staging folder)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    pages = list(pages)
    with tempfile.TemporaryDirectory(prefix="jiebang-national-") as docs:
        for page in pages:
            target = Path(docs) / page.uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.markdown, encoding="utf-8")
        config = load_config(config_file=str(CONFIG), docs_dir=docs, site_dir=str(site), site_name=title, site_url=site_url)  # type: ignore[arg-type]
        config.theme.dirs[0:0] = [str(THEME), str(PORTAL_THEME)]
        config.nav = [{name: uri} for uri, name in NAV if any(p.uri == uri for p in pages)]  # type: ignore[assignment]
        config.not_in_nav = _not_in_nav(p.uri for p in pages if not p.in_nav)  # type: ignore[assignment]
        # csp: the programme portal's policy (the same scripts and styles); search: the header's search box, over the index of generator/federate/search.py
        config.extra["jiebang"] = {"issuer": issuer, "as_of": as_of, "search": True, "search_shards": True, "csp": POLICY}
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()


def _not_in_nav(uris: Iterable[str]) -> object:
    from mkdocs.config.config_options import PathSpec

    folders = sorted({"/" + uri.split("/")[0] + "/" for uri in uris if "/" in uri})
    return PathSpec().run_validation("\n".join(folders))
