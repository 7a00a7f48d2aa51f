"""Messages an official can act on: the real field, the real line, no English words."""

from __future__ import annotations

import re

from generator.records.files import check_file
from tests.conftest import BASE

LIST = (BASE / "records/lists/L-2024-001.yaml").read_text(encoding="utf-8")
PATH = "records/lists/L-2024-001.yaml"


def findings(text: str) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.column, d.rule, d.message) for d in check_file(PATH, text.encode("utf-8")).diagnostics]


def test_a_bad_date_inside_an_optional_object_names_the_date() -> None:
    got = findings(LIST.replace("date: 2024-05-10", "date: 2024-05-32"))
    assert got == [(26, 27, "S003", "取值“2024-05-32”不是有效日期，应为 YYYY-MM-DD（如 2024-06-30）。")]
    got = findings(LIST.replace('decision: {body: 区科技局党组会, date: 2024-05-10, ref: "党组会纪要〔2024〕9号"}', "decision: 党组会"))
    assert got == [(26, 1, "S003", "取值“党组会”的类型应为键值映射。")]


def test_a_full_width_colon_is_reported_on_its_own_line() -> None:
    got = findings(LIST.replace("industry: 智能科技", "industry：智能科技"))
    assert got == [(9, 1, "S001", "“industry”后面是全角冒号“：”：YAML 只认半角冒号加空格，请改为“industry: ”。")]
    got = findings(LIST.replace("  - {id: I1,", "  - id： I1\n  - {id: I1,"))
    assert got == [(13, 5, "S003", "“id”后面是全角冒号“：”，所以这一行被读成了文本：YAML 只认半角冒号加空格，请改为“id: ”。")]


def test_syntax_errors_carry_no_english_words() -> None:
    for broken in ("title: [未闭合\n", 'title: "a\\qb"\n', "a: b: c\n", "- a\nb: c\n"):
        (message,) = [f[3] for f in findings(broken)]
        assert message.startswith("YAML 语法错误："), message
        assert not re.search(r"[A-Za-z]{3,}", message.removeprefix("YAML")), message
