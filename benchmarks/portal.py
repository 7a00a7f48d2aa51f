"""Portal figures: ``jiebang build`` time per page as the set grows, against plain
mkdocs-material building the same pages written by hand, and the heaviest page of HTML
(``--only pages`` measures that alone: one build per size).

The reference pages are the portal's own Markdown: one build of the portal, with a
MkDocs hook appended to its configuration, writes every page (generated or not) and the
navigation to a folder and stops. That folder is then built by ``mkdocs`` alone, as a
site written by hand would be: mkdocs-material with the same theme settings, the theme
overrides, stylesheet and script the plugin adds, the same Markdown extensions with the
same settings, the search plugin and the same navigation (the section pages; record
pages are outside it). The difference is what jiebang adds: reading and checking the
records, the view of what is public, rendering, open data, feeds, history and the
post-build checks.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from benchmarks import data
from benchmarks.figures import JIEBANG, Context, Row, available, label, repeat_for, secs
from benchmarks.measure import run

SLUGIFY = "SLUGIFY-PLACEHOLDER"
EPOCH = "1790784000"  # 2026-10-01 00:00 Beijing time: right after the synthetic programme's last event
HOOK = '''"""Writes the portal's pages and navigation, then stops the build (benchmarks only)."""
import json
import os
from pathlib import Path

from mkdocs.exceptions import Abort


def on_files(files, config):
    out = Path(os.environ["JIEBANG_BENCH_DUMP"])
    for f in files.documentation_pages(inclusion=lambda level: True):
        dest = out / "docs" / f.src_uri
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(f.content_string, encoding="utf-8")
    info = {"nav": config.nav, "site_name": config.site_name, "extensions": config.markdown_extensions}
    (out / "site.json").write_text(json.dumps(info, ensure_ascii=False, default=str), encoding="utf-8")
    raise Abort("pages written")
'''


WEIGHT_TARGET = 500 * 1024  # bytes of HTML: no public page above this at 10,000 lists
# The index pages and their year pages (lists/2024-2/index.html, decisions/2026/index.html).
INDEX_PAGE = re.compile(r"(lists|notices|projects|decisions)(/\d{4}(-\d+)?)?/index\.html")


def pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def weight(site: Path, lists: int, files: int) -> Row:
    """The heaviest HTML page of a built portal, with the page count and all pages' size."""
    found = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    size, path = max(found)
    index_size, index_path = max(f for f in found if INDEX_PAGE.fullmatch(f[1]))
    note = (
        f"{path}; heaviest index page {index_path} {index_size / 1024:,.0f} KB; "
        f"{len(found):,} pages, {sum(s for s, _ in found) / 2**20:,.0f} MiB of HTML"
    )
    return Row("heaviest HTML page", label(lists, files), f"{size / 1024:,.0f} KB", "—", None, "< 500 KB", size < WEIGHT_TARGET, note)


def page_weight_figures(ctx: Context) -> list[Row]:
    """The heaviest page at every size up to --portal-max, one ``jiebang build`` each."""
    if not available("generator.portal.build"):
        return [Row("heaviest HTML page", "—", "not available yet: no `jiebang build`")]
    rows = []
    for lists in [n for n in ctx.sizes if n <= ctx.portal_max] or [min(ctx.sizes)]:
        out, files = built_site(ctx, lists)
        rows.append(weight(out, lists, files))
    return rows


def built_site(ctx: Context, lists: int) -> tuple[Path, int]:
    """The portal of the synthetic programme of ``lists`` lists and its record count: the one
    an earlier figure of this run built (the timed builds of ``portal_figures``), else one
    ``jiebang build``."""
    root, files = data.programme(ctx.work, lists)
    out = ctx.work / f"portal-{lists}"
    if ctx.sites.get(lists) != out:
        data.committed(root)
        run([*JIEBANG, "build", "--root", str(root), "--out", str(out)], env={"SOURCE_DATE_EPOCH": EPOCH})
        ctx.sites[lists] = out
    return out, files


def reference_site(ctx: Context, root: Path, lists: int) -> Path:
    """The portal's pages as a plain mkdocs-material project; returns its mkdocs.yml."""
    from generator.portal.build import DEFAULT_CONFIG
    from generator.portal.html_check import POLICY
    from generator.portal.plugin import THEME

    where = ctx.work / f"reference-{lists}"
    shutil.rmtree(where, ignore_errors=True)
    (where / "empty").mkdir(parents=True)
    (where / "dump_hook.py").write_text(HOOK, encoding="utf-8")
    dump_config = {
        "INHERIT": str(DEFAULT_CONFIG),
        "docs_dir": "empty",
        "site_dir": "unused",
        "hooks": ["dump_hook.py"],
        "plugins": ["search", {"jiebang": {"root": str(root)}}],
    }
    (where / "dump.yml").write_text(yaml.safe_dump(dump_config, allow_unicode=True), encoding="utf-8")
    run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(where / "dump.yml")],
        env={"JIEBANG_BENCH_DUMP": str(where), "SOURCE_DATE_EPOCH": EPOCH},
        check=False,
    )
    info = json.loads((where / "site.json").read_text(encoding="utf-8"))
    theme = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    # What the plugin sets up, written by hand: its theme overrides, stylesheet and script,
    # and the same settings of the Markdown extensions (the slugify function as a YAML tag).
    toc = {"permalink": True, "permalink_title": "本节链接", "slugify": SLUGIFY}
    config: dict[str, Any] = {
        "site_name": info["site_name"],
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": {**theme["theme"], "custom_dir": str(THEME)},
        "extra_css": ["assets/jiebang/portal.css"],
        "extra_javascript": ["assets/jiebang/portal.js"],
        "extra": {"jiebang": {"csp": POLICY}},  # the policy the theme overrides print
        "plugins": ["search"],
        "markdown_extensions": [
            {"toc": toc} if name == "toc" else {"tables": {"use_align_attribute": True}} if name == "tables" else name
            for name in info["extensions"]
        ],
        "nav": info["nav"],
        "not_in_nav": "/**",
        "validation": theme.get("validation", {}),
    }
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False).replace(
        SLUGIFY, "!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}"
    )
    (where / "mkdocs.yml").write_text(text, encoding="utf-8")
    return where / "mkdocs.yml"


def portal_figures(ctx: Context) -> list[Row]:
    """Time per page at every size up to --portal-max; the largest against plain mkdocs."""
    title = "portal build, time per page"
    if not available("generator.portal.build"):
        return [Row(title, "—", "not available yet: no `jiebang build`")]
    rows: list[Row] = []
    per_page: dict[int, float] = {}
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    sizes = [n for n in ctx.sizes if n <= ctx.portal_max] or [min(ctx.sizes)]
    for lists in sizes:
        root, files = data.programme(ctx.work, lists)
        data.committed(root)  # a records repository is a git repository: pages carry its history
        out = ctx.work / f"portal-{lists}"
        ref_yml = reference_site(ctx, root, lists)
        build = [*JIEBANG, "build", "--root", str(root), "--out", str(out)]
        plain = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ref_yml)]
        sides = [partial(_seconds, build, env), partial(_seconds, plain, env)]
        if ctx.earlier is not None:  # the same build by the earlier version, into a folder of its own
            past = [*JIEBANG, "build", "--root", str(root), "--out", str(ctx.work / f"portal-{lists}-{ctx.earlier.rev}")]
            sides.append(partial(_seconds, past, {**env, **ctx.earlier.env}))
        ours, theirs, *was = ctx.rounds(repeat_for(ctx, files), *sides)
        count, ref_count = pages(out), pages(ref_yml.parent / "site")
        ctx.sites[lists] = out
        heaviest = weight(out, lists, files)
        per_page[lists] = ours.median / count
        growth = per_page[lists] / per_page[sizes[0]]
        last = lists == sizes[-1] and len(sizes) > 1
        rows.append(
            Row(
                title,
                f"{label(lists, files)}, {count:,} pages",
                f"{per_page[lists] * 1000:.3g} ms",
                f"{per_page[sizes[0]] * 1000:.3g} ms at {sizes[0]:,} lists",
                growth,
                "≤ 1.5 (largest vs smallest)" if last else "",
                growth <= 1.5 if last else None,
                f"build {secs(ours.median)}; {len(ours.values)} run(s)",
            )
        )
        overhead = ours.median / theirs.median
        rows.append(
            Row(
                "portal build vs mkdocs-material, same pages by hand",
                f"{label(lists, files)}, {ref_count:,} pages",
                secs(ours.median),
                secs(theirs.median),
                overhead,
                "< 1.25",
                overhead < 1.25,
                f"jiebang build includes checking the records; {len(ours.values)} run(s)",
            )
        )
        if ctx.earlier is not None:
            rows.append(ctx.earlier.same(label(lists, files), was[0], theirs))
            rows.append(ctx.earlier.beside("portal build", label(lists, files), ours.median, was[0].median))
        rows.append(heaviest)
    return rows


def _seconds(cmd: list[str], env: dict[str, str]) -> float:
    return run(cmd, env=env).seconds
