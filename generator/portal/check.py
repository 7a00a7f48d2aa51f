"""After a build: every public record got its page, every internal link resolves, and no
page or data file mentions a record the public may not see. Collects every problem."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.models.common import ID_PATTERNS
from generator.portal.public import PublicView, Target
from generator.records.batch import fork_map

# Each pattern starts with what it matches literally and checks what comes before it
# afterwards (a lookbehind): the regex engine then skips ahead to candidates instead of
# trying every position of a page, which makes the checks several times faster.
_HREF = re.compile(r"""href(?<=\bhref)="([^"]*)\"""")
_ID_ATTR = re.compile(r"""id(?<=\bid)="([^"]*)\"""")
_KIND_IDS = [p.strip("^$") for k, p in ID_PATTERNS.items() if k != "program"]  # each starts with its capital letter
RECORD_ID = re.compile(r"[A-Z](?<![A-Za-z0-9-][A-Z])(?:" + "|".join(f"(?<={p[0]}){p[1:]}" for p in _KIND_IDS) + r")(?![0-9-])")
PARALLEL_FILES = 100  # below this, starting workers costs more than checking on one core
TEXT_SUFFIXES = (".html", ".json", ".xml", ".csv", ".ics", ".txt", ".js")


def page_file(site: Path, page: str, use_directory_urls: bool = True) -> Path:
    """The HTML file MkDocs writes for a docs-relative Markdown page."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index") or not use_directory_urls:
        return site / f"{stem}.html"
    return site / stem / "index.html"


@cache
def _ids(path: Path) -> frozenset[str]:
    return frozenset(html.unescape(i) for i in _ID_ATTR.findall(path.read_text(encoding="utf-8")))


def check_site(site: Path, view: PublicView, use_directory_urls: bool = True, base_path: str = "/") -> list[str]:
    """``base_path``: the path of the site URL, which absolute links (as in 404.html) start with."""
    _ids.cache_clear()
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    tree = _Tree.of(site)
    hidden = frozenset(rid for rid in view.corpus.by_id if rid not in view.ids)
    paths = sorted(p for p in site.rglob("*") if p.suffix in TEXT_SUFFIXES and p.is_file())
    found = fork_map(partial(_file_problems, site, base, tree, hidden), paths, PARALLEL_FILES)
    links = [problem for broken, _ in found for problem in broken]
    leaks = [leak for _, leak in found if leak]
    return _record_pages(site, view, use_directory_urls) + links + leaks


def _file_problems(site: Path, base: str, tree: _Tree, hidden: frozenset[str], path: Path) -> tuple[list[str], str | None]:
    """One output file's broken links, and its mention of records the public may not see."""
    text = path.read_text(encoding="utf-8-sig", errors="replace")  # each file read once for both checks
    links = _links(site, path, base, tree, text) if path.suffix == ".html" else []
    leaked = sorted({m for m in RECORD_ID.findall(html.unescape(text)) if m in hidden})
    return links, f"{path.relative_to(site).as_posix()}：提及了非公开记录 {'、'.join(leaked)}" if leaked else None


def _record_pages(site: Path, view: PublicView, use_directory_urls: bool) -> list[str]:
    problems = []
    for rid in sorted(view.ids):
        target = view.target(rid)
        if target is None:
            problems.append(f"公开记录 {rid} 没有对应的页面")
            continue
        problems += _target_problems(site, target, use_directory_urls, f"公开记录 {rid}")
    return problems


def _target_problems(site: Path, target: Target, use_directory_urls: bool, who: str) -> list[str]:
    path = page_file(site, target.page, use_directory_urls)
    if not path.is_file():
        return [f"{who} 的页面 {path.relative_to(site).as_posix()} 没有生成"]
    if target.anchor and target.anchor not in _ids(path):
        return [f"{who} 在页面 {path.relative_to(site).as_posix()} 中没有锚点 #{target.anchor}"]
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


def _links(site: Path, page: Path, base: str, tree: _Tree | None = None, text: str | None = None) -> list[str]:
    """Broken links of one page (``text``: its content, when already read). Paths are normalised
    as strings against the listed site (MkDocs writes no symbolic links): a national portal has ~10⁵ links."""
    tree = tree or _Tree.of(site)
    text = page.read_text(encoding="utf-8") if text is None else text
    where = page.relative_to(site).as_posix()
    folder = os.path.dirname(os.path.join(tree.root, where))
    problems = []
    for raw in sorted(set(_HREF.findall(text))):
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
        elif parts.fragment and os.path.splitext(target)[1] == ".html" and unquote(parts.fragment) not in _ids(Path(target)):
            problems.append(f"{where}：链接 {href} 的锚点不存在")
    return problems
