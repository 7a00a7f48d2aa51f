"""The safe loader: S001, S002, S005 with their exact positions, and never a crash."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records.files import check_file
from generator.records.load import MAX_BYTES, parse
from generator.records.locate import dotted, locate

P = "records/lists/L-2024-001.yaml"


def one(raw: bytes) -> tuple[str, int, int, str]:
    doc, problems = parse(P, raw)
    assert doc is None and len(problems) == 1, problems
    d = problems[0]
    return d.rule, d.line, d.column, d.message


@pytest.mark.parametrize(
    ("raw", "rule", "line", "column"),
    [
        (b"kind: list\nid: [\n", "S001", 3, 1),  # unclosed flow sequence
        (b"kind: list\nneeds:\n\t- N-2024-001\n", "S001", 3, 1),  # tab indentation
        (b"\xef\xbb\xbfkind: list\n", "S001", 1, 1),  # BOM
        (b"kind: list\ntitle: \xc1\xe9\n", "S001", 2, 1),  # GBK, not UTF-8
        (b"kind: list\n---\nkind: need\n", "S001", 2, 1),  # two documents
        (b"kind: list\nid: L-2024-001\nfunding:\n  subsidy_cny: 1\n  subsidy_cny: 2\n", "S002", 5, 3),
        (b"kind: list\nid: !!python/object/apply:os.system [ls]\n", "S005", 2, 5),
        (b"kind: list\nid: !custom x\n", "S005", 2, 5),
        (b"a: &a [*a]\n", "S005", 1, 1),
        (b"x: " + b"[" * 40 + b"]" * 40 + b"\n", "S005", 1, 35),
    ],
)
def test_parse_findings(raw: bytes, rule: str, line: int, column: int) -> None:
    got = one(raw)
    assert got[:3] == (rule, line, column), got


def test_messages_are_chinese_and_name_the_problem() -> None:
    assert one(b"a: 1\na: 2\n")[3] == "重复的键“a”：第 1 行已定义过。YAML 会静默保留后者，请删除其一。"
    assert one(b"a:\n\t- 1\n")[3] == "缩进中含有制表符（Tab）。YAML 只允许用空格缩进。"
    assert "BOM" in one(b"\xef\xbb\xbfa: 1\n")[3]


def test_billion_laughs_is_refused_before_expansion() -> None:
    lol = b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lol += f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n".encode()
    rule, _, _, message = one(lol)
    assert rule == "S005" and "别名展开" in message


def test_oversized_file() -> None:
    rule, line, _, message = one(b"a: " + b"x" * MAX_BYTES + b"\n")
    assert (rule, line) == ("S005", 1) and "1 MiB" in message


def test_dates_stay_calendar_dates() -> None:
    doc, problems = parse(P, b"closes: 2024-06-30\nquoted: '2024-06-30'\nwhen: 2024-06-30T10:00:00+08:00\n")
    assert not problems and doc is not None
    assert doc.data["closes"] == dt.date(2024, 6, 30) and type(doc.data["closes"]) is dt.date
    assert doc.data["quoted"] == "2024-06-30"
    assert isinstance(doc.data["when"], dt.datetime)  # kept whole, so the schema rejects it


def test_locate_points_at_keys_and_items() -> None:
    doc, _ = parse(P, b"kind: list\nfunding:\n  subsidy_cny: 120000\nindicators:\n  - {id: I1, name: x}\n  - id: I2\n    name: y\n")
    assert doc is not None
    assert locate(doc.node, ("funding", "subsidy_cny")) == (3, 3)
    assert locate(doc.node, ("indicators", 1, "name")) == (7, 5)
    assert locate(doc.node, ("indicators", 0, "name")) == (5, 14)
    assert locate(doc.node, ("funding", "missing")) == (2, 1)  # nearest existing ancestor
    assert dotted(("indicators", 1, "name")) == "indicators[1].name"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(raw: bytes) -> None:
    doc, problems = parse(P, raw)
    assert doc is not None or problems
    assert all(p.rule in {"S001", "S002", "S005", "S008"} and p.line >= 1 for p in problems)
    assert doc is None or all(p.rule == "S008" for p in problems)  # S008 alone comes with the document


TOKENS = [*"ab:-[]{},&*!|>'\"#\n\t 0123456789榜单", "  ", "- ", ": ", "&a ", "*a", "!!", "\n  ", "2024-06-30"]
yaml_text = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)


@settings(max_examples=400, deadline=None)
@given(yaml_text)
def test_random_yaml_never_raises(text: str) -> None:
    doc, problems = parse(P, text.encode("utf-8"))
    assert doc is not None or problems
    assert doc is None or all(p.rule == "S008" for p in problems)


# Whole-file checks (parse, schema, model) on mutated real records: never a crash,
# always either a record or at least one finding with a position.
BASE_DIR = Path(__file__).parents[1] / "fixtures" / "base"
BASE_FILES = sorted((BASE_DIR / "records").rglob("*.yaml"))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=False), st.text(max_size=20), st.dates())
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=6
)


def _mutate(data: Any, path: list[Any], value: Any) -> Any:
    if not path or not isinstance(data, dict | list) or not data:
        return value
    if isinstance(data, dict):
        key = sorted(data, key=str)[path[0] % len(data)]
        return {**data, key: _mutate(data[key], path[1:], value)}
    i = path[0] % len(data)
    return [*data[:i], _mutate(data[i], path[1:], value), *data[i + 1 :]]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(BASE_FILES), st.lists(st.integers(0, 50), max_size=4), values)
def test_mutated_records_never_raise(path: Path, where: list[int], value: Any) -> None:
    rel = path.relative_to(BASE_DIR).as_posix()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    raw = yaml.safe_dump(_mutate(data, where, value), allow_unicode=True).encode("utf-8")
    result = check_file(rel, raw)
    assert (result.record is None) == bool(result.diagnostics)
    assert all(d.line >= 1 and d.column >= 1 and d.rule.startswith("S") for d in result.diagnostics)
