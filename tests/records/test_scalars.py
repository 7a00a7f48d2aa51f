"""S008 at the loader: YAML 1.1 forms and control characters, on the fast and the full path."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import scalars
from generator.records.files import check_file
from generator.records.load import _Loader, parse

P = "records/lists/L-2024-001.yaml"


def s008(text: str) -> list[tuple[int, int, str]]:
    _doc, problems = parse(P, text.encode("utf-8"))
    assert all(p.rule == "S008" for p in problems), problems
    return [(p.line, p.column, p.message) for p in problems]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yes", 'YAML 1.1 写法 yes 会被读成布尔值：请加引号写成 "yes"，或写成 true/false。'),
        ("OFF", 'YAML 1.1 写法 OFF 会被读成布尔值：请加引号写成 "OFF"，或写成 true/false。'),
        ("0755", 'YAML 1.1 会把 0755 读成八进制数 493，YAML 1.2 读作 755：请写成不带前导零的整数 755，或加引号写成 "0755"。'),
        ("-030", 'YAML 1.1 会把 -030 读成八进制数 -24，YAML 1.2 读作 -30：请写成不带前导零的整数 -30，或加引号写成 "-030"。'),
        ("0x1F", '十六进制写法 0x1F：请写成十进制整数 31，或加引号写成 "0x1F"。'),
        ("0b101", 'YAML 1.1 会把二进制写法 0b101 读成 5，YAML 1.2 读作文本：请写成十进制整数 5，或加引号写成 "0b101"。'),
        ("1:30", 'YAML 1.1 会把 1:30 读成六十进制数 90，YAML 1.2 读作文本：请写成 90，或加引号写成 "1:30"。'),
        ("100_000", 'YAML 1.1 会把 100_000 读成 100000，YAML 1.2 读作文本：请写成不带下划线的整数 100000，或加引号写成 "100_000"。'),
        ("1_000.5", 'YAML 1.1 会把 1_000.5 读成 1000.5，YAML 1.2 读作文本：请写成不带下划线的数 1000.5，或加引号写成 "1_000.5"。'),
        ("1e5", '1e5 在 YAML 1.2 中是数 100000，在 YAML 1.1 中是文本：作文本请加引号写成 "1e5"，作数请写成 100000。'),
        ("09", '09 在 YAML 1.2 中是数 9，在 YAML 1.1 中是文本：作文本请加引号写成 "09"，作数请写成 9。'),
        ("0o17", '0o17 在 YAML 1.2 中是数 15，在 YAML 1.1 中是文本：作文本请加引号写成 "0o17"，作数请写成 15。'),
    ],
)
def test_each_form_says_how_to_write_it(value: str, message: str) -> None:
    assert s008(f"a: 1\nx: {value}\n") == [(2, 4, message)]


@pytest.mark.parametrize(
    "value",
    [
        "true",
        "False",
        "24",
        "-5",
        "+7",
        "0",
        "1.5",
        "-.inf",
        ".NaN",
        "~",
        "null",
        "",
        "2024-06-30",
        "y",
        "n",
        "Y",
        "NO_",
        "'on'",
        '"0755"',
        "!!str 12",
        "abc",
        "榜单",
        "1.2.3",
        "0x",
        "2024-6-3",
    ],
)
def test_what_both_versions_read_alike_passes(value: str) -> None:
    assert s008(f"x: {value}\n") == []


@pytest.mark.parametrize(
    ("escape", "shown"),
    [
        ("\\e", "\\x1b"),
        ("\\r", "\\r"),
        ("\\v", "\\v"),
        ("\\0", "\\x00"),
        ("\\x7f", "\\x7f"),
        ("\\x9b", "\\x9b"),
        ("\\N", "\\x85"),
        ("\\L", "\\u2028"),
        ("\\P", "\\u2029"),
    ],
)
def test_control_characters_in_a_string_are_found_at_the_string(escape: str, shown: str) -> None:
    (found,) = s008(f'a: [1, {{b: "x{escape}y"}}]\n')
    assert found[:2] == (1, 12) and f"控制字符 {shown}" in found[2]


def test_keys_are_checked_too() -> None:
    assert [f[:2] for f in s008('a: 1\n"k\\e": 2\non: 3\n')] == [(2, 1), (3, 1)]


def test_a_raw_line_break_of_yaml_1_1_cannot_hide_a_key_in_a_comment() -> None:
    text = "kind: list  # 注释\x85status: draft\n"
    assert yaml.safe_load(text) == {"kind": "list", "status": "draft"}  # what PyYAML alone would read
    doc, problems = parse(P, text.encode("utf-8"))
    assert doc is None and [(p.rule, p.line, p.column) for p in problems] == [("S008", 1, 17)]


def test_tabs_and_line_feeds_pass() -> None:
    assert s008('x: "a\\tb\\nc"\ny: |\n  多行\n  文本\n') == []


def test_s003_gives_way_to_s008_on_the_same_value_but_not_on_another() -> None:
    text = "kind: list\nid: L-2024-001\ntitle: no\ngrade: key\nunknown: off\n"
    result = check_file(P, text.encode("utf-8"))
    rules = [(d.rule, d.field) for d in result.diagnostics]
    assert ("S008", "title") in rules and ("S003", "title") not in rules  # one mistake, one finding
    assert ("S008", "unknown") in rules and ("S003", "unknown") in rules  # the key itself is a second mistake
    assert result.record is None and all(d.record == "L-2024-001" for d in result.diagnostics if d.rule == "S008")


def core(text: str) -> Any:
    """What a YAML 1.2 core-schema reader gives a plain scalar (10.3.2)."""
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return text.lower() == "true"
    number = scalars.core_number(text)
    return text if number is None else number


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return (type(a) is type(b) and a == b) or (type(a) in (int, float) and type(b) in (int, float) and a == b and not isinstance(a, bool))


plain = st.text(alphabet="0123456789_:.+-eExXbBoOaAfFnNyYsStTrRuUlL~", min_size=1, max_size=8)


@settings(max_examples=1500, deadline=None)
@given(plain)
def test_flagged_exactly_where_the_two_versions_differ(value: str) -> None:
    """Every plain scalar whose YAML 1.1 value differs from its YAML 1.2 value is S008; the
    only others are forms refused on purpose (hexadecimal, a leading zero)."""
    text = f"x: {value}\n"
    try:
        node = yaml.compose(text, Loader=_Loader)
        old = yaml.safe_load(text)["x"]
    except (yaml.YAMLError, ValueError, TypeError, KeyError):
        return
    if node is None or not isinstance(node, yaml.MappingNode) or node.value[0][1].tag == scalars.TIMESTAMP:
        return
    flagged = bool(s008(text))
    differ = not same(old, core(value))
    on_purpose = value.lstrip("+-").lower().startswith(("0x", "0")) and len(value.lstrip("+-")) > 1
    assert flagged == differ or (flagged and on_purpose), (value, old, core(value))
