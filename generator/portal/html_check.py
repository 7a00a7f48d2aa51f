"""The post-build HTML check (SPEC §7 Output): every HTML file of the built site, hand-written
pages included, parsed the way a browser parses it (the HTML5 algorithm, by the Lexbor
engine through selectolax), must

- carry the portal's Content-Security-Policy (:data:`POLICY`) once, in ``<head>``, before
  ``<title>`` and before anything that loads (a policy in a ``<meta>`` element governs only
  what follows it, and only inside ``<head>``);
- hold nothing active that the theme and the plugin do not emit: no ``<base>``, no other
  ``<meta http-equiv>``, no event-handler attribute (``on…``), no script but the site's own
  files under ``assets/`` and the theme's ``__config`` data block, no link target or source
  ``generator.urls.allowed_link`` refuses (``javascript:``, ``data:``, ``//other.site``), no
  ``<iframe>``, ``<object>``, ``<embed>`` or form but the theme's search box and the national filters (neither submits), and no inline
  style (the policy would block it), no stylesheet, icon or preload from another site.

Escaping is the first line of defence; this check is the second, and fails the build.
"""

from __future__ import annotations

import posixpath
from functools import partial
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from generator.parallel import parallel_map
from generator.urls import allowed_link

# 'wasm-unsafe-eval': the search (Pagefind, generator/portal/search.py) runs its query engine,
# WebAssembly from the site's own pagefind/ folder, in a worker, and in the page itself where a
# worker cannot start; compiling WebAssembly needs this keyword. It allows no evaluation of
# strings ('unsafe-eval' stays off), and only scripts the policy already allows can compile.
POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
# `jiebang serve` only: MkDocs' live reload is an inline script it adds to every page it serves.
PREVIEW_POLICY = POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
CSP = "content-security-policy"

FORBIDDEN = frozenset({"base", "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "style"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite", "data", "background", "xlink:href", "ping"})
LOADS = frozenset({"stylesheet", "icon", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "manifest"})
BEFORE_POLICY = frozenset({"title", "script", "link", "style", "base", "meta"})  # none may come before the policy
WATCHED = FORBIDDEN | {"form", "script"}  # elements wrong even without an attribute
SEARCH_FORM = {"class": "md-search__form", "name": "search"}  # mkdocs-material's search box: no action, submits nowhere
FILTER_FORM = "jb-national-filters"  # the national 榜单 filters' form (id): read by its script, submits nowhere
SUBMITS = frozenset({"action", "method", "target", "formaction"})


def _own_form(attributes: dict[str, str | None]) -> bool:
    return attributes == SEARCH_FORM or (attributes.get("id") == FILTER_FORM and not SUBMITS.intersection(attributes))


ERROR_PAGES = frozenset({"404.html"})  # served at any address below the site: "../" may lead up to its root
PARALLEL_FILES = 200  # below this, starting workers costs more than checking on one core


def check_html(site: Path, base_path: str = "/", policy: str = POLICY) -> list[str]:
    """Every problem of every HTML file under ``site``, checked on every core. ``base_path``:
    the path of the site's URL, which absolute links (as in 404.html) start with."""
    base = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.is_file())
    found = parallel_map(partial(_check_file, str(site), base, policy), names, min_items=PARALLEL_FILES)
    return [problem for problems in found for problem in problems]


def _check_file(site: str, base: str, policy: str, name: str) -> list[str]:
    with open(Path(site) / name, encoding="utf-8-sig", errors="replace") as f:
        return page_problems(name, f.read(), base, policy)


def page_problems(name: str, html: str, base: str = "/", policy: str | None = POLICY) -> list[str]:
    """The problems of one page; ``name`` is its path in the site. ``policy`` None: a fragment
    of a page, which carries no policy of its own."""
    tree = LexborHTMLParser(html)
    problems: list[str] = []
    policies = 0
    for node in tree.root.traverse() if tree.root else ():
        tag, attributes = node.tag or "", node.attributes
        if tag == "meta" and "http-equiv" in attributes:
            if policy is not None and _is_policy(node, policy):
                policies += 1
                continue
            problems.append(f"不允许的 <meta http-equiv={_show(attributes['http-equiv'])}>")
        elif policy is not None and not policies and tag in BEFORE_POLICY:
            problems.append(f"<{tag}> 出现在内容安全策略之前")
        if attributes or tag in WATCHED:
            problems += _element_problems(tag, attributes, name, base)
    if policy is not None and policies != 1:
        problems.append(f"应在 <head> 开头有且只有一条内容安全策略，实有 {policies} 条")
    return [f"{name}：{problem}" for problem in problems]


def _is_policy(node: LexborNode, policy: str) -> bool:
    attributes, parent = node.attributes, node.parent
    in_head = parent is not None and parent.tag == "head"
    return in_head and (attributes.get("http-equiv") or "").lower() == CSP and attributes.get("content") == policy


def _element_problems(tag: str, attributes: dict[str, str | None], name: str, base: str) -> list[str]:
    problems = [f"<{tag}> 带有事件处理属性 {key}" for key in attributes if key.lower().startswith("on")]
    if tag in FORBIDDEN or (tag == "form" and not _own_form(attributes)):
        problems.append(f"不允许的元素 <{tag}>")
    if "style" in attributes:
        problems.append(f"<{tag}> 带有内联样式（内容安全策略会拦截）")
    for key in sorted(URL_ATTRIBUTES.intersection(attributes)):
        if not allowed_link(attributes[key] or ""):
            problems.append(f"<{tag}> 的 {key} 指向不允许的地址 {_show(attributes[key])}")
    if tag == "script" and allowed_link(attributes.get("src") or "") and not _own_script(attributes, name, base):
        problems.append("不是门户自身发出的脚本：" + (f"src={_show(attributes['src'])}" if "src" in attributes else "内联脚本"))
    rel, href = (attributes.get("rel") or "").lower().split(), attributes.get("href") or ""
    if tag == "link" and LOADS.intersection(rel) and _in_site(href, name, base) is None:
        problems.append(f"<link rel={_show(' '.join(rel))}> 从站外加载 {_show(href)}")
    return problems


def _own_script(attributes: dict[str, str | None], name: str, base: str) -> bool:
    """A script file of the site's own assets, or the theme's configuration data block."""
    if "src" in attributes:
        path = _in_site(attributes["src"] or "", name, base)
        return path is not None and path.startswith("assets/")
    return attributes == {"id": "__config", "type": "application/json"}


def _in_site(url: str, name: str, base: str) -> str | None:
    """The site-relative path ``url`` names from the page ``name``, or None when it is on
    another site or outside this one."""
    if not url or not allowed_link(url) or ":" in url.split("/", 1)[0] or url.startswith("#"):
        return None
    path = url.split("#", 1)[0].split("?", 1)[0]
    if path.startswith("/"):
        if not path.startswith(base):
            return None
        path = posixpath.normpath(path[len(base) :] or ".")
    else:
        while name in ERROR_PAGES and path.startswith("../"):
            path = path[3:]
        path = posixpath.normpath(posixpath.join(posixpath.dirname(name), path))
    return None if path == ".." or path.startswith("../") else path


def _show(value: str | None) -> str:
    text = repr(value or "")
    return text if len(text) <= 80 else text[:77] + "…"
