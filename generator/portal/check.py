"""After a build: every public record got its page, every internal link resolves, and no
file of the site mentions what the public may not see (``generator.public.leaks``): generated
and hand-written pages, copied static files, data files, feeds, the search index and the
sitemap. Collects every problem."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.parallel import parallel_map
from generator.portal.html_check import POLICY, check_html
from generator.public.leaks import Secrets, readable
from generator.public.view import PublicView, Target

# Each pattern starts with what it matches literally and checks what comes before it
# afterwards (a lookbehind): the regex engine then skips ahead to candidates instead of
# trying every position of a page, which makes the checks several times faster.
_HREF = re.compile(r"""href(?<=\bhref)="([^"]*)\"""")
_ID_ATTR = re.compile(r"""id(?<=\bid)="([^"]*)\"""")
PARALLEL_FILES = 100  # below this, starting workers costs more than checking on one core
RUN = 50  # files scanned one after another by one worker
BLOCK = b"\n<"  # where a page is split into the parts that repeat from page to page


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
    leaks: tuple[str, ...]  # what it mentions that the public may not see, as ``Secrets.find`` names it


def scan(name: str, raw: bytes, secrets: Secrets, seen: frozenset[bytes] = frozenset()) -> Scan:
    """``name``: the file's path in the site (its suffix says whether it is HTML). ``seen``:
    parts of a page (split where a line starts with a tag) already searched for secrets, found
    in none, and skipped here (the theme's header and navigation repeat on every page)."""
    page = name.endswith(".html")
    text = raw.decode("utf-8-sig", errors="replace") if page else ""
    searched = BLOCK.join(b for b in raw.split(BLOCK) if b not in seen) if seen and page else raw
    return Scan(
        tuple(sorted(set(_HREF.findall(text)))) if page else (),
        frozenset(html.unescape(i) for i in _ID_ATTR.findall(text)) if page else frozenset(),
        tuple(secrets.find(readable(name, searched))),
    )


def _scan_files(site: Path, secrets: Secrets, names: Sequence[str]) -> list[Scan]:
    """Consecutive files (pages of one folder share most of their parts), each page searched
    only for the parts the page before did not have, while that page had no leak."""
    out = []
    seen: frozenset[bytes] = frozenset()
    for name in names:
        raw = (site / name).read_bytes()
        found = scan(name, raw, secrets, seen)
        seen = frozenset(raw.split(BLOCK)) if name.endswith(".html") and not found.leaks else frozenset()
        out.append(found)
    return out


def leak_problem(name: str, leaks: Sequence[str]) -> str:
    return f"{name}：提及了不公开的信息（{'；'.join(leaks)}）"


def check_site(
    site: Path,
    view: PublicView,
    use_directory_urls: bool = True,
    base_path: str = "/",
    secrets: Secrets | None = None,
    policy: str = POLICY,
) -> list[str]:
    """Every problem of the built site. ``base_path``: the path of the site URL, which
    absolute links (as in 404.html) start with; ``secrets``: what no file may mention (made
    from ``view`` when not given); ``policy``: the Content-Security-Policy every page must
    carry (``generator.portal.html_check``). Every file is scanned, on every core."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    tree = _Tree.of(site)
    secrets = secrets or Secrets.of(view)
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    runs = [names[i : i + RUN] for i in range(0, len(names), RUN)]
    scans = parallel_map(partial(_scan_files, site, secrets), runs, min_items=PARALLEL_FILES // RUN, chunk=1)
    known = dict(zip(names, (s for run in scans for s in run), strict=True))
    pages = [name for name in names if name.endswith(".html")]
    links = [problem for found in parallel_map(partial(_links, base, tree, known), pages, min_items=PARALLEL_FILES) for problem in found]
    leaks = [leak_problem(name, known[name].leaks) for name in names if known[name].leaks]
    return _record_pages(site, view, use_directory_urls, known) + links + leaks + check_html(site, base, policy)


def leaks_in(files: Sequence[tuple[str, bytes]], secrets: Secrets) -> list[str]:
    """The leak check on files not yet written (``jiebang export``): one problem per file."""
    found = parallel_map(partial(_leaks_of, secrets), files, min_items=PARALLEL_FILES, chunk=1)
    return [leak_problem(name, leaks) for (name, _), leaks in zip(files, found, strict=True) if leaks]


def _leaks_of(secrets: Secrets, file: tuple[str, bytes]) -> list[str]:
    return secrets.find(readable(*file))


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
