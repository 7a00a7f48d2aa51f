"""A programme's published records are another bureau's data: hostile input to the national
portal. Markup in a harvested title or unit name, and an address that tries to leave its
attribute or run script, end up as text; every national page passes the HTML check."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser

from generator.cli import main
from generator.federate.pages import external
from generator.portal.html_check import check_html
from tests.federate.conftest import federation_yaml, write_json

MARKUP = '<img src=x onerror="alert(1)">'


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "java\tscript:alert(1)",
        'https://evil.example/"onmouseover="alert(1)',
        "https://evil.example/'><script>alert(1)</script>",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_an_external_link_is_http_or_plain_text(url: str) -> None:
    html = str(external(url, MARKUP))
    tree = LexborHTMLParser(f"<p>{html}</p>")
    assert tree.css("img") == [] and tree.css("script") == []  # the text stays text
    for a in tree.css("a"):
        assert set(a.attributes) == {"href"} and a.attributes["href"].startswith("https://evil.example/")
    assert tree.css_first("p").text() == MARKUP


def test_hostile_harvested_values_are_text_on_every_national_page(tmp_path: Path, shapingba: dict[str, Any]) -> None:
    doc = copy.deepcopy(shapingba)
    doc["program"]["id"] = "hostile"
    doc["program"]["title"] = f"方案{MARKUP}"
    doc["program"]["issuer"] = "</td></tr></table><script>alert(1)</script>科技局"
    for lst in doc["lists"]:
        lst["title"] = f"{lst['title']}{MARKUP}"
        lst["end_user"]["name"] = f'{lst["end_user"]["name"]}"><svg onload=alert(1)>'
    config = federation_yaml(tmp_path, [("hostile", str(write_json(tmp_path / "hostile.json", doc)))])
    result = CliRunner().invoke(main, ["federate", str(config), "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 0, result.output
    site = tmp_path / "national"
    assert check_html(site) == []
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    assert any(MARKUP in LexborHTMLParser(text).body.text() for text in pages)  # shown, as text
    for text in pages:
        tree = LexborHTMLParser(text)
        assert not [n for n in tree.css("*") if any(k.startswith("on") for k in n.attributes)]
        assert not [n for n in tree.css("a") if (n.attributes.get("href") or "").lower().startswith(("javascript:", "data:"))]


def test_a_page_with_active_content_is_not_published(tmp_path: Path, shapingba: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: were a template to let markup through, the build stops before publishing."""
    from markupsafe import Markup

    from generator.federate import pages

    monkeypatch.setattr(pages, "external", lambda url, text: Markup(str(text)))  # an escaping bug, on purpose
    doc = copy.deepcopy(shapingba)
    doc["lists"][0]["title"] += MARKUP
    config = federation_yaml(tmp_path, [("shapingba", str(write_json(tmp_path / "s.json", doc)))])
    result = CliRunner().invoke(main, ["federate", str(config), "--cache", str(tmp_path / "cache")])
    assert result.exit_code == 2, result.output
    assert "全国汇总门户检查未通过，未发布" in result.output and "<img> 带有事件处理属性 onerror" in result.output
    assert not (tmp_path / "national").exists()
