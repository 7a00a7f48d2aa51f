"""``jiebang new``: next free id, schema modeline, placeholders that parse and S007 rejects, copies."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.models import KINDS
from generator.records.files import check_file
from generator.records.new import new_record

TODAY = dt.date(2024, 9, 2)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("kind", [k for k, v in KINDS.items() if v.folder])
def test_template_parses_with_every_required_field(kind: str, records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    new = new_record(root, kind, project="P-2024-001", today=TODAY)
    lines = new.text.splitlines()
    assert lines[0] == f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"
    assert lines[1].startswith(f"kind: {kind}") and lines[3].startswith("restricted: false")
    result = check_file(new.path, new.text.encode("utf-8"))
    assert {d.rule for d in result.diagnostics} == {"S007"}  # placeholders are S007's until filled in, never the parser's
    filled = new.text.replace("待填写", "x")
    assert not [d.message for d in check_file(new.path, filled.encode("utf-8")).diagnostics if "缺少必填字段" in d.message]


def test_next_free_ids(records) -> None:  # type: ignore[no-untyped-def]
    root = records(write={"records/lists/L-2024-005.yaml": "kind: list\n"})
    assert new_record(root, "list", today=TODAY).path == "records/lists/L-2024-006.yaml"  # after the highest: never reused
    assert new_record(root, "list", year=2025, today=TODAY).path == "records/lists/L-2025-001.yaml"
    assert new_record(root, "call", today=TODAY).path == "records/calls/C-2024-02.yaml"
    assert new_record(root, "review", today=TODAY).path == "records/reviews/R-2024-003.yaml"
    milestone = new_record(root, "milestone", project="P-2024-001", today=TODAY)
    assert milestone.path == "records/milestones/M-2024-001-2.yaml"
    assert "\nproject: P-2024-001  # 项目：项目编号\n" in milestone.text
    assert new_record(root, "award", source="A-2024-001-3", today=TODAY).path == "records/awards/A-2024-001-4.yaml"


def test_new_list_from_the_command_line(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    code, out = run("new", "list", "--year", "2024", "--root", str(root))
    assert (code, out.splitlines()) == (
        0,
        [
            "已创建 records/lists/L-2024-002.yaml：请填写所有“待填写”的字段，然后运行 jiebang validate。",
            "已在 schemas/ 写入 JSON Schema：编辑器据此显示各字段的中文说明（模式行指向这里）。",
        ],
    )
    assert (root / "schemas/list.schema.json").is_file() and (root / "schemas/report.schema.json").is_file()  # the modeline resolves
    code, out = run("new", "list", "--year", "2024", "--root", str(root))
    assert len(out.splitlines()) == 1  # the schemas are there now
    (root / "records/lists/L-2024-003.yaml").unlink()
    text = (root / "records/lists/L-2024-002.yaml").read_text(encoding="utf-8")
    assert "\nid: L-2024-002  # 榜单编号" in text and "\nstatus: draft  # 状态" in text
    code, out = run("validate", "--root", str(root), str(root / "records/lists/L-2024-002.yaml"))
    assert code == 1 and "records/lists/L-2024-002.yaml:5:1: error S007 title 仍是占位内容“待填写”：请填写实际内容。" in out
    assert "records/lists/L-2024-002.yaml:22:3: error S007 funding.subsidy_cny 仍是占位内容“待填写”：请填写实际内容。" in out
    assert "S003" not in out  # a placeholder in a money field says "fill this in", not "wrong type"


def test_copy_replaces_only_the_id_and_fits_the_modeline(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (root / "records/lists/2024").mkdir()
    code, _ = run("new", "list", "--from", "L-2024-001", "--year", "2024", "--root", str(root))
    assert code == 0
    source = (root / "records/lists/L-2024-001.yaml").read_text(encoding="utf-8")
    copy = (root / "records/lists/2024/L-2024-002.yaml").read_text(encoding="utf-8")
    assert copy == "# yaml-language-server: $schema=../../../schemas/list.schema.json\n" + source.replace(
        "id: L-2024-001", "id: L-2024-002"
    )
    result = check_file("records/lists/2024/L-2024-002.yaml", copy.encode("utf-8"))
    assert result.diagnostics == () and result.record is not None and result.record.id == "L-2024-002"


def test_a_bid_is_never_copied_into_a_second_live_bid_of_the_same_unit(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    code, out = run("new", "bid", "--from", "B-2024-001", "--root", str(root))
    assert code == 2
    assert "不能复制 B-2024-001：重庆大学 在榜单 L-2024-001 上已有有效申报 B-2024-001，同一单位对同一榜单只能有一份有效申报" in out
    assert sorted(p.name for p in (root / "records/bids").iterdir()) == ["B-2024-001.yaml", "B-2024-002.yaml"]  # nothing written


def test_a_withdrawn_bid_is_copied_as_a_new_submission(records) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={"records/bids/B-2024-001.yaml": [["status: submitted", "status: withdrawn"]]})
    code, _ = run("new", "bid", "--from", "B-2024-001", "--year", "2024", "--root", str(root))
    assert code == 0
    copy = (root / "records/bids/B-2024-003.yaml").read_text(encoding="utf-8")
    assert "\nid: B-2024-003\n" in copy and "\nstatus: submitted\n" in copy and "\nsubmitted: 待填写\n" in copy
    result = check_file("records/bids/B-2024-003.yaml", copy.encode("utf-8"))
    assert [(d.rule, d.field) for d in result.diagnostics] == [("S007", "submitted")]


def test_an_enterprise_led_programme_gives_a_new_list_its_enterprise_issuer(records) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={"records/program.yaml": [["mode: government-led", "mode: enterprise-led"]]})
    text = new_record(root, "list", today=TODAY).text
    assert "\nissuer:  # 发榜方：企业主导型方案中为出题并出资的企业（通常即需求单位），需求单位投入应为主要资金来源\n" in text
    assert "\n  type: enterprise  # 发榜方类型" in text and "\n  name: 待填写  # 单位名称\n" in text
    assert "issuer:" not in new_record(records(), "list", today=TODAY).text  # government-led: the programme's issuer


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["milestone"], "须用 --project 指明所属项目"),
        (["bid", "--from", "L-2024-001"], "“L-2024-001”是 list 记录，不是 bid"),
        (["bid", "--from", "B-2024-099"], "找不到记录“B-2024-099”"),
        (["program"], "records/program.yaml 已存在"),
        (["proposal"], "未知的记录类型“proposal”"),
    ],
)
def test_refusals_exit_two(args: list[str], message: str, records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    code, out = run("new", *args, "--root", str(root))
    assert code == 2 and message in out


def test_a_new_list_leaves_every_choice_to_the_official(records) -> None:  # type: ignore[no-untyped-def]
    lines = new_record(records(), "list", today=TODAY).text.splitlines()
    after = lines[next(i for i, line in enumerate(lines) if line.startswith("eligibility:")) + 1]
    assert after.startswith("  scope: 待填写  # 发布范围：district 区内 | municipal 市内 | provincial 省内 | national 全国")


def test_new_redactions_file_validates_and_is_made_once(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    new = new_record(root, "redactions", today=TODAY)
    assert new.path == "records/redactions.yaml"
    assert new.text.startswith("# yaml-language-server: $schema=../schemas/redactions.schema.json\nkind: redactions\n")
    result = check_file(new.path, new.text.encode("utf-8"))
    assert result.record is not None and result.diagnostics == ()
    (root / new.path).write_text(new.text, encoding="utf-8")
    code, out = run("new", "redactions", "--root", str(root))
    assert code == 2 and "records/redactions.yaml 已存在" in out
