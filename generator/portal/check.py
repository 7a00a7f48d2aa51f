"""After a build: every public record got its page, every internal link resolves, and no
page or data file mentions a record the public may not see. Collects every problem."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.models.common import RECORD_ID
from generator.parallel import parallel_map
from generator.portal.html_check import POLICY, check_html
from generator.public.view import PublicView, Target

# Each pattern starts with what it matches literally and checks what comes before it
# afterwards (a lookbehind): the regex engine then skips ahead to candidates instead of
# trying every position of a page, which makes the checks several times faster.
_HREF = re.compile(r"""href(?<=\bhref)="([^"]*)\"""")
_ID_ATTR = re.compile(r"""id(?<=\bid)="([^"]*)\"""")
PARALLEL_FILES = 100  # below this, starting workers costs more than checking on one core
TEXT_SUFFIXES = (".html", ".json", ".xml", ".csv", ".ics", ".txt", ".js")


def page_file(site: Path, page: str, use_directory_urls: bool = True) -> Path:
    """The HTML file MkDocs writes for a docs-relative Markdown page."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index") or not use_directory_urls:
        return site / f"{stem}.html"
    return site / stem / "index.html"


@dataclass(frozen=True)
class Scan:
    """What one output file holds for the checks, found by regular expressions (their costly part)."""

    hrefs: tuple[str, ...]  # distinct link targets as written (HTML files)
    ids: frozenset[str]  # element ids, unescaped (HTML files)
    hidden: tuple[str, ...]  # records it mentions that the public may not see


def scan(name: str, text: str, hidden: frozenset[str]) -> Scan:
    """``name``: the file's path in the site (its suffix says whether it is HTML)."""
    page = name.endswith(".html")
    return Scan(
        tuple(sorted(set(_HREF.findall(text)))) if page else (),
        frozenset(html.unescape(i) for i in _ID_ATTR.findall(text)) if page else frozenset(),
        tuple(sorted({m for m in RECORD_ID.findall(html.unescape(text)) if m in hidden})),
    )


def hidden_ids(view: PublicView) -> frozenset[str]:
    return frozenset(rid for rid in view.corpus.by_id if rid not in view.ids)


def check_site(site: Path, view: PublicView, use_directory_urls: bool = True, base_path: str = "/", policy: str = POLICY) -> list[str]:
    """Every problem of the built site. ``base_path``: the path of the site URL, which
    absolute links (as in 404.html) start with; ``policy``: the Content-Security-Policy every
    page must carry (``generator.portal.html_check``). Files are scanned on every core."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    tree = _Tree.of(site)
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file())
    known = dict(zip(names, parallel_map(partial(_scan_file, site, hidden_ids(view)), names, min_items=PARALLEL_FILES), strict=True))
    pages = [name for name in names if name.endswith(".html")]
    links = [problem for found in parallel_map(partial(_links, base, tree, known), pages, min_items=PARALLEL_FILES) for problem in found]
    leaks = [f"{name}：提及了非公开记录 {'、'.join(known[name].hidden)}" for name in names if known[name].hidden]
    return _record_pages(site, view, use_directory_urls, known) + links + leaks + check_html(site, base, policy)


def _scan_file(site: Path, hidden: frozenset[str], name: str) -> Scan:
    return scan(name, (site / name).read_text(encoding="utf-8-sig", errors="replace"), hidden)


def _record_pages(site: Path, view: PublicView, use_directory_urls: bool, known: Mapping[str, Scan]) -> list[str]:
    problems = []
    for rid in sorted(view.ids):
        target = view.target(rid)
        if target is None:
            problems.append(f"公开记录 {rid} 没有对应的页面")
            continue
        problems += _target_problems(site, target, use_directory_urls, f"公开记录 {rid}", known)
    return problems


def _target_problems(site: Path, target: Target, use_directory_urls: bool, who: str, known: Mapping[str, Scan]) -> list[str]:
    name = page_file(site, target.page, use_directory_urls).relative_to(site).as_posix()
    if name not in known:
        return [f"{who} 的页面 {name} 没有生成"]
    if target.anchor and target.anchor not in known[name].ids:
        return [f"{who} 在页面 {name} 中没有锚点 #{target.anchor}"]
    return []


@dataclass(frozen=True)
class _Tree:
    """The built site, listed once: link targets are looked up here, not on disk."""

    root: str  # the site folder, resolved
    files: frozenset[str]
    dirs: frozenset[str]

    @classmethod
    def of(cls, site: Path) -> _Tree:
        root = str(site.resolve())
        files: set[str] = set()
        dirs: set[str] = set()
        for folder, _, names in os.walk(root):
            dirs.add(folder)
            files.update(os.path.join(folder, name) for name in names)
        return cls(root, frozenset(files), frozenset(dirs))


def _links(base: str, tree: _Tree, known: Mapping[str, Scan], where: str) -> list[str]:
    """Broken links of the page at ``where``. Paths are normalised as strings against the
    listed site (MkDocs writes no symbolic links): a national portal has ~10⁵ links."""
    folder = os.path.dirname(os.path.join(tree.root, where))
    problems = []
    for raw in known[where].hrefs:
        href = html.unescape(raw)
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # external, or an anchor on the same page
        path = unquote(parts.path)
        if path.startswith("/"):
            path = path.removeprefix(base) if path.startswith(base) else "/.."  # outside the site: reported below
            target = os.path.normpath(os.path.join(tree.root, path))
        else:
            target = os.path.normpath(os.path.join(folder, path))
        if href.endswith("/") or target in tree.dirs:
            target = os.path.join(target, "index.html")
        if not target.startswith(tree.root + os.sep) or target not in tree.files:
            problems.append(f"{where}：链接 {href} 指向的文件不存在")
        elif parts.fragment and target.endswith(".html") and unquote(parts.fragment) not in _target_ids(tree, known, target):
            problems.append(f"{where}：链接 {href} 的锚点不存在")
    return problems


def _target_ids(tree: _Tree, known: Mapping[str, Scan], target: str) -> frozenset[str]:
    name = os.path.relpath(target, tree.root).replace(os.sep, "/")
    return known[name].ids if name in known else frozenset()
