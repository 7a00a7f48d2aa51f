"""The portal's full-text search: a Pagefind index (``generator.portal.pagefind``) built over
the finished site, queried by the search box in the header (``theme/partials/search.html``,
``assets/jiebang/search.js``). A query downloads the few index chunks and fragments it needs.

What is indexed is the content of each page the theme marks ``data-pagefind-body`` (not the
header, navigation or footer), read from a copy made for the index:

- **Every Han character is a word of its own.** Pagefind 1.5 segments Chinese with one
  dictionary when it indexes and the browser segments the query with another
  (``Intl.Segmenter``): 壳聚糖 indexed whole is not found when the browser splits the query
  into 壳|聚|糖. Indexed character by character, and queried the same way by the search box,
  every word is found; the box keeps only pages that hold each Chinese term of the query as a
  whole (Pagefind's exact-phrase search), so 编码器 does not match 编制 … 码 … 器.
- **Record ids are indexed whole.** The segmenter splits ``L-2024-001`` into L, 2024 and 001,
  so ``L-2024-001`` would find every page with an L and a 2024. Each page carries its ids in
  meta fields, which are not segmented: ``id`` (the records the page shows) and ``ids`` (every
  id it mentions); the box looks an id up as one word.
- **A record's own page ranks first** for its id, title and units: meta fields ``id``,
  ``name`` (the title of a list or call) and ``units`` (a list's end user and issuer, the
  winning units of a 公示), which the box weights above the text. Index pages and the home
  page weigh half, the rules page (whose examples name units and ids) a fifth.
- Headings' permalink signs (¶) and what mkdocs-material's search already skips
  (``data-search-exclude``: breadcrumbs) are left out.

The copy is only read by Pagefind: the published pages are unchanged. Pagefind's output is
written into the site before the post-build checks, which read it like every other file.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from generator.models import Bid, Call, ChallengeList
from generator.models.common import RECORD_ID
from generator.parallel import parallel_map
from generator.portal import pagefind
from generator.portal.check import page_file
from generator.public.view import PublicView

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"  # the same ranges as search.js
_GAP = re.compile(f"(?<=[{HAN}])(?=\\S)|(?<=\\S)(?=[{HAN}])")
LEFT_OUT = "a.headerlink, [data-search-exclude], [data-pagefind-ignore]"
RECORD_PAGE, OTHER_PAGE, RULES_PAGE = 1.0, 0.5, 0.2  # weights of a page's text
RULES = "rules.md"
PARALLEL_PAGES = 200  # below this, starting workers costs more than copying on one core


def spaced(text: str) -> str:
    """``text`` with a space on each side of every Han character: each is a word to Pagefind."""
    return _GAP.sub(" ", text)


@dataclass(frozen=True)
class Entry:
    """What the index knows of a page besides its text."""

    weight: float = OTHER_PAGE
    ids: tuple[str, ...] = ()  # the records the page shows
    names: tuple[str, ...] = ()  # their titles
    units: tuple[str, ...] = ()  # the units they are about

    def meta(self, mentioned: Iterable[str]) -> list[tuple[str, str]]:
        """(field, value) of the page's meta fields; ``mentioned``: the ids in its text."""
        fields = [("id", " ".join(self.ids)), ("ids", " ".join(sorted(set(mentioned)))), ("name", "；".join(self.names))]
        fields.append(("units", "；".join(self.units)))
        return [(key, spaced(value)) for key, value in fields if value]


def entries(view: PublicView, use_directory_urls: bool = True) -> dict[str, Entry]:
    """Each page's :class:`Entry` by its HTML file's path in the site; a page not named here
    (an index, the home page, a hand-written page) has the default one."""
    shown: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"ids": [], "names": [], "units": []})
    for rid in sorted(view.ids):
        target = view.target(rid)
        if target is None:
            continue
        found = shown[target.page]
        found["ids"].append(rid)
        rec = view.corpus.by_id[rid]
        if isinstance(rec, ChallengeList | Call):
            found["names"].append(rec.title)
        if isinstance(rec, ChallengeList):
            found["units"] += [rec.end_user.name] + ([rec.issuer.name] if rec.issuer else [])
        elif isinstance(rec, Bid):
            found["units"] += [unit.name for unit in (rec.lead, *rec.partners)]
    out = {_html(RULES, use_directory_urls): Entry(RULES_PAGE)}
    for page, found in shown.items():
        units = tuple(dict.fromkeys(found["units"]))
        out[_html(page, use_directory_urls)] = Entry(RECORD_PAGE, tuple(found["ids"]), tuple(found["names"]), units)
    return out


def _html(page: str, use_directory_urls: bool) -> str:
    return page_file(Path("."), page, use_directory_urls).as_posix()


def index_copy(page: str, entry: Entry = Entry()) -> str | None:
    """The copy of a built page that Pagefind indexes; None for a page without a part marked
    ``data-pagefind-body`` (404.html)."""
    tree = LexborHTMLParser(page)
    body = tree.css_first("[data-pagefind-body]")
    if body is None:
        return None
    for node in body.css(LEFT_OUT):
        node.decompose()
    mentioned: set[str] = set()
    for node in [n for n in body.traverse(include_text=True) if n.tag == "-text"]:  # collected first: replacing while walking is unsafe
        text = node.text_content or ""
        mentioned.update(RECORD_ID.findall(text))
        if _GAP.search(text):
            node.replace_with(spaced(text))
    return document(body.inner_html or "", entry.meta(mentioned), entry.weight)


def document(body: str, meta: Iterable[tuple[str, str]], weight: float = RECORD_PAGE) -> str:
    """An HTML document for Pagefind: ``body`` (HTML, its Chinese already spaced) with the
    meta fields ``meta`` (values as they are: Pagefind reads a value whole after the first
    colon) and its text's weight."""
    fields = "".join(f'<span data-pagefind-meta="{key}:{html.escape(value)}"></span>' for key, value in meta if value)
    return (
        '<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"></head><body><main data-pagefind-body>'
        f'{fields}<div data-pagefind-weight="{weight}">{body}</div></main></body></html>'
    )


def index_site(site: Path, view: PublicView, use_directory_urls: bool = True) -> int:
    """Write the search index of the built ``site`` into ``site/pagefind/``; the number of pages indexed."""
    known = entries(view, use_directory_urls)
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.is_file())
    names = [n for n in names if not n.startswith(pagefind.BUNDLE + "/")]
    with tempfile.TemporaryDirectory(prefix="jiebang-search-") as folder:
        copied = parallel_map(partial(_copy, str(site), folder, known), names, min_items=PARALLEL_PAGES)
        pagefind.index(Path(folder), site / pagefind.BUNDLE)
    return sum(copied)


def index_documents(site: Path, documents: Iterable[tuple[str, str]]) -> int:
    """Write the search index of ``(path, html)`` documents (:func:`document`) into
    ``site/pagefind/``; a result's address is its document's path. How many were indexed."""
    with tempfile.TemporaryDirectory(prefix="jiebang-search-") as folder:
        count = pagefind.write_documents(Path(folder), documents)
        pagefind.index(Path(folder), site / pagefind.BUNDLE)
    return count


def _copy(site: str, folder: str, known: Mapping[str, Entry], name: str) -> int:
    copy = index_copy((Path(site) / name).read_text(encoding="utf-8", errors="replace"), known.get(name, Entry()))
    if copy is None:
        return 0
    return pagefind.write_documents(Path(folder), [(name, copy)])
