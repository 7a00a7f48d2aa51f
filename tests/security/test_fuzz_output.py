"""Property tests of every output context (SPEC §7 Output): random text with markup, quotes,
Markdown, control characters and Unicode line separators in titles, names and Markdown
fields never becomes live markup, a link the policy refuses, an ill-formed feed, an extra
calendar line or a spreadsheet formula.

The fast property renders the pages (``render_pages``) and converts their Markdown with
the extensions MkDocs uses; a few full builds add the theme (titles, navigation, search)."""

from __future__ import annotations

import copy
import csv
import io
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markdown
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from mkdocs.exceptions import MkDocsException
from selectolax.lexbor import LexborHTMLParser

from generator import export
from generator.errors import CannotRun
from generator.models import KINDS
from generator.models.corpus import Corpus
from generator.portal import atom, ical
from generator.portal.html_check import check_html, page_problems
from generator.portal.pages import environment, render_pages
from generator.portal.plugin import EXTENSIONS
from generator.public.view import PublicView
from tests.portal.conftest import AS_OF, build, portal_records
from tests.security.payloads import controls_admitted

TOKENS = [
    "<x-jb data-jb=1>", "</x-jb>", "<script>", "</title>", "<base href=//evil.example/>", "<!--", "-->", "<![CDATA[",
    '"', "'", "<", ">", "&", "&lt;", "&#60;", "&#x3C;", "&amp;lt;", " onerror=", " data-jb=2 ", "{: data-jb=3}",
    "javascript:", "java\vscript:", "[链接](javascript:void(0))", "[链接](java\u2028script:x)", "[链接](//evil.example/)",
    "](", "[", "`", "*", "_", "#", "|", "\\", "=", "+", "-", "@", ";", ",", "\n", "\r", "\r\n", "\t",
    "\x00", "\x02", "\x03", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u200b", "\ufeff",
    "BEGIN:VEVENT", "中文", "榜单", "a", " ",
]  # fmt: skip
TEXT = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), min_size=1, max_size=10).map("".join).filter(bool)
# (file, field path) of the values drawn: titles, names, plain text and Markdown.
FIELDS = [
    ("records/program.yaml", ("portal", "title")),
    ("records/program.yaml", ("issuer",)),
    ("records/lists/L-2024-001.yaml", ("title",)),
    ("records/lists/L-2024-001.yaml", ("end_user", "name")),
    ("records/lists/L-2024-001.yaml", ("bottleneck",)),
    ("records/lists/L-2024-001.yaml", ("indicators", 0, "name")),
    ("records/lists/L-2024-001.yaml", ("eligibility", "notes")),
    ("records/lists/L-2024-004.yaml", ("amendments", 0, "summary")),
    ("records/calls/C-2024-01.yaml", ("title",)),
    ("records/calls/C-2024-01.yaml", ("how_to_apply",)),
    ("records/calls/C-2024-01.yaml", ("materials", 0)),
    ("records/bids/B-2024-001.yaml", ("lead", "name")),
    ("records/bids/B-2024-001.yaml", ("principal_investigator", "name")),
    ("records/milestones/M-2024-001-1.yaml", ("deliverables", 0)),
]
VALUES = st.tuples(*[TEXT for _ in FIELDS])
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
SITE = "https://example.org/jiebang/"


@cache
def documents() -> dict[str, dict[str, Any]]:
    """The portal fixture's records as data, read once."""
    with tempfile.TemporaryDirectory() as folder:
        root = portal_records(Path(folder))
        return {p.relative_to(root).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(root.rglob("*.yaml"))}


def with_values(values: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    docs = copy.deepcopy(documents())
    for (path, field), value in zip(FIELDS, values, strict=True):
        node: Any = docs[path]
        for key in field[:-1]:
            node = node[key]
        node[field[-1]] = value
    return docs


def live(html: str) -> list[str]:
    """What in ``html`` could only have come from drawn text read as markup."""
    tree = LexborHTMLParser(html)
    return [node.tag or "" for node in tree.css("x-jb, [data-jb], base, iframe")]


@cache
def templates() -> jinja2.Environment:
    return environment()  # compiled once, as a build compiles them once


@cache
def converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=list(EXTENSIONS), extension_configs={"tables": {"use_align_attribute": True}})


def outputs(docs: dict[str, dict[str, Any]]) -> Iterator[tuple[str, bytes]]:
    records = [KINDS[doc["kind"]].model.model_validate(doc) for doc in docs.values()]
    view = PublicView(Corpus(records), AS_OF)
    for page in render_pages(view, templates()):
        yield page.uri, converter().reset().convert(page.markdown).encode("utf-8")
    yield from ((f"data/{name}", content) for name, content in export.files(view, ("csv",)))
    yield "feed.xml", atom.feed(view, SITE, lambda t: SITE + t.page)
    yield "calendar.ics", ical.calendar(view, SITE, lambda t: SITE + t.page)


def assert_inert(name: str, content: bytes) -> None:
    """``content`` (a rendered page's HTML, or a data file) holds nothing live."""
    if name.endswith(".md"):  # a page's own HTML, before the theme (check_html judges whole pages)
        assert page_problems(name, content.decode("utf-8"), policy=None) == []
    if name.endswith((".md", ".html")):
        assert live(content.decode("utf-8")) == [], name
    elif name.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
        assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_START)], name
    elif name == "feed.xml":
        root = ET.fromstring(content)
        assert not [e for e in root.iter() if "x-jb" in e.tag], name
    elif name == "calendar.ics":
        assert re.search(rb"\r(?!\n)|(?<!\r)\n", content) is None
        lines = content.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]
        assert all(re.match(r"[A-Z][A-Z0-9-]*[;:]", line) for line in lines), lines
        assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 3


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VALUES)
def test_drawn_text_stays_inert_in_every_rendered_output(values: tuple[str, ...]) -> None:
    for name, content in outputs(with_values(values)):
        assert_inert(name, content)


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow], phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(VALUES)
def test_every_full_build_that_succeeds_passes_the_check_and_holds_no_live_payload(values: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for path, doc in with_values(values).items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
        try:
            with controls_admitted():  # the outputs alone must hold, whatever S008 would refuse
                site = build(root)
        except CannotRun:
            reject()  # a record the loader refused: no build to judge
        except MkDocsException as exc:  # the post-build checks refused what the build wrote
            raise AssertionError(f"the build wrote pages its own check refuses: {exc}") from exc
        assert check_html(site, "/jiebang/") == []
        for path in sorted(site.rglob("*")):
            if path.suffix in (".html", ".csv", ".xml", ".ics") and path.name != "sitemap.xml":
                assert_inert(path.relative_to(site).as_posix(), path.read_bytes())
