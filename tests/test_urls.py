"""The portal's one link policy (generator.urls): http(s), mailto or relative, judged after
removing every whitespace, control and format character; a programme's own web address."""

from __future__ import annotations

import pytest

from generator.urls import allowed_link, visible, web_address


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/apply",
        "http://example.org",
        "HTTPS://EXAMPLE.ORG/",
        "mailto:kjj@example.org",
        "../../data/",
        "lists/L-2024-001/#I1",
        "#anchor",
        "?industry=智能科技",
        "./a:b",
        "",
    ],
)
def test_allowed_links(url: str) -> None:
    assert allowed_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "java\vscript:alert(1)",
        "java\tscript:alert(1)",
        "java\u2028script:alert(1)",
        "java\u200bscript:alert(1)",  # a zero-width space (a format character)
        "\x01javascript:alert(1)",
        " javascript:alert(1)",
        "java\x00script:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "tel:02365311234",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        " //evil.example/",
        "a:b",
    ],
)
def test_refused_links(url: str) -> None:
    assert not allowed_link(url)


def test_visible_drops_every_invisible_character() -> None:
    assert visible(" j\ta\nv\ra\x0bs\x0cc\x85r\u2028i\u2029p\u200bt\ufeff:\x00\x1b\x7f ") == "javascript:"


@pytest.mark.parametrize(
    "url",
    ["https://example.org/jiebang/", "https://example.org", "http://127.0.0.1:8000/", "https://github.com/example/jiebang-records"],
)
def test_web_addresses(url: str) -> None:
    assert web_address(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org//evil.example/",  # MkDocs would load 404.html's scripts from //evil.example/
        "https:///evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
        "ftp://example.org/",
        "https://example.org/a b/",
        "https://example.org/\x0b/",
        'https://example.org/"onmouseover=alert(1)/',
        "https://example.org/<script>/",
        "https://user@example.org/",
        "https://example.org/?q=1",
        "https://example.org/#top",
        "https://example.org\\evil.example/",
        "",
    ],
)
def test_not_web_addresses(url: str) -> None:
    assert web_address(url) is None
