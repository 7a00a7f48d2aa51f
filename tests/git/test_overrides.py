"""The one ``Policy-Override`` grammar (SPEC §7): the forms officials type, and what is refused."""

from __future__ import annotations

import pytest

from generator.git.overrides import Override, Rejected, overrides_in, parse_override

REASON = "（2025）渝0106民初123号民事裁定书要求删除"


@pytest.mark.parametrize(
    ("value", "rule", "ids", "reason"),
    [
        (f"C001 L-2024-003 {REASON}", "C001", ("L-2024-003",), REASON),
        (f"C001: L-2024-003 {REASON}", "C001", ("L-2024-003",), REASON),
        (f"C001：L-2024-003 {REASON}", "C001", ("L-2024-003",), REASON),  # full-width colon
        (f"C001\u3000L-2024-003\u3000{REASON}", "C001", ("L-2024-003",), REASON),  # full-width spaces
        (f"C001 L-2024-003 L-2024-004 {REASON}", "C001", ("L-2024-003", "L-2024-004"), REASON),
        (f"C001：L-2024-003，L-2024-004、B-2024-011：{REASON}", "C001", ("L-2024-003", "L-2024-004", "B-2024-011"), REASON),
        (f"Ｃ００５ Ｌ－２０２４－００３ {REASON}", "C005", ("L-2024-003",), REASON),  # full-width letters, digits, dash
        (f"c004 r-2024-006 {REASON}", "C004", ("R-2024-006",), REASON),
        (
            "C001 M-2024-003-1 A-2024-003-12 C-2024-01 项目终止后清理",
            "C001",
            ("M-2024-003-1", "A-2024-003-12", "C-2024-01"),
            "项目终止后清理",
        ),
        ("C001 L-2024-003因法院裁定删除", "C001", ("L-2024-003",), "因法院裁定删除"),
        ("C002 L-2024-003 合并到 L-2024-009 发布", "C002", ("L-2024-003",), "合并到 L-2024-009 发布"),  # ids after the reason are text
    ],
)
def test_the_forms_officials_type(value: str, rule: str, ids: tuple[str, ...], reason: str) -> None:
    got = parse_override(value)
    assert isinstance(got, Override), got
    assert (got.rule, got.ids, got.reason, got.text) == (rule, ids, reason, value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            f"F001 L-2024-003 {REASON}",
            "F001 不是变更规则：只有变更规则（C 开头，如 C001）可以豁免，记录本身的错误必须改正。",
        ),
        (
            "C001 L-2024-003",
            f"没有写明理由：记录编号后须写明豁免的理由。应写作：Policy-Override: C001 L-2024-003 {REASON}。",
        ),
        (
            "C002 L-2024-003 L-2024-004 ，。",
            f"没有写明理由：记录编号后须写明豁免的理由。应写作：Policy-Override: C002 L-2024-003 L-2024-004 {REASON}。",
        ),
        (
            f"C005: {REASON}",
            f"没有写明豁免哪些记录：规则编号后须列出记录编号。应写作：Policy-Override: C005 L-2024-003 {REASON}。",
        ),
        (
            f"C00x L-2024-003 {REASON}",
            f"没有写明要豁免的变更规则编号。应写作：Policy-Override: C001 L-2024-003 {REASON}（规则编号、记录编号、理由之间用空格分隔）。",
        ),
        (
            "",
            f"没有写明要豁免的变更规则编号。应写作：Policy-Override: C001 L-2024-003 {REASON}（规则编号、记录编号、理由之间用空格分隔）。",
        ),
        (
            f"C001 X-2024-003 {REASON}",
            f"没有写明豁免哪些记录：规则编号后须列出记录编号。应写作：Policy-Override: C001 L-2024-003 {REASON}。",
        ),
    ],
)
def test_what_is_refused_says_what_is_wrong_and_how_to_write_it(value: str, problem: str) -> None:
    assert parse_override(value) == Rejected(value.strip(), problem)


def test_every_override_line_of_a_message_or_description_counts_once_wherever_it_stands() -> None:
    text = (
        "Remove L-2024-003 (#12)\r\n\r\n"
        "policy-override：C001 L-2024-003 法院裁定\r\n"
        "- [x] 已写明 `Policy-Override: C00x ID 理由`\r\n"  # a mention, not an override line
        "<!-- Policy-Override: C001 L-2024-004 藏在注释中 -->\r\n"
        "<!--\r\nPolicy-Override: C001 L-2024-005 多行注释中\r\n-->\r\n"
        "  Policy-Override: C002\r\n\r\n"
        "Co-authored-by: 张三 <zhang@example.org>\r\n"
    )
    got = overrides_in(text)
    assert [(o.rule, o.ids, o.reason) for o in got.found] == [("C001", ("L-2024-003",), "法院裁定")]
    assert [r.text for r in got.rejected] == ["C002"]
    assert not overrides_in("Policy-Override is explained in docs/history.md") and not overrides_in("")


def test_an_unclosed_comment_hides_the_rest() -> None:
    assert not overrides_in("说明\n<!-- 未闭合\nPolicy-Override: C001 L-2024-003 理由\n")


def test_an_override_excuses_its_rule_on_its_ids_only() -> None:
    o = parse_override(f"C001 L-2024-003 L-2024-004 {REASON}")
    assert isinstance(o, Override)
    assert o.excuses("C001", "L-2024-003") and o.excuses("C001", "L-2024-004")
    assert not o.excuses("C002", "L-2024-003") and not o.excuses("C001", "L-2024-005") and not o.excuses("C001", None)
