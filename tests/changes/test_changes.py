"""``jiebang validate --base``: C001–C005 against scripted git repos, overrides, failing closed.

Each test commits the base fixture on ``main``, branches ``change``, commits an edit
and validates the branch against ``main`` as CI does.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator.changes import compare, validate_change
from generator.cli import main
from generator.diagnostics import ERROR, INFO, Diagnostic, Report
from generator.errors import CannotRun
from generator.git.repo import GitRecords
from generator.records import cache as cache_module
from generator.records.cache import ChangeCache
from generator.validate import validate
from tests.conftest import BASE, REPO, apply_edits, change_repo, git

TODAY = dt.date(2025, 1, 6)
LIST = "records/lists/L-2024-001.yaml"
REVIEW = "records/reviews/R-2024-002.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIEBANG_CACHE", str(tmp_path / "cache"))
    return change_repo(tmp_path / "repo")


def commit(
    root: Path,
    message: str = "Change records",
    edit: Mapping[str, Sequence[Sequence[str]]] | None = None,
    write: Mapping[str, str] | None = None,
    delete: Sequence[str] = (),
    date: str = "2024-08-01T09:00:00+08:00",
) -> None:
    """Apply edits as ``make_records`` does, on top of what is there, and commit them."""
    apply_edits(root, edit, write, delete)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)


def found(root: Path, rule: str, base: str = "main") -> list[Diagnostic]:
    return [d for d in validate_change(root, base, today=TODAY).sorted() if d.rule == rule]


def where(findings: list[Diagnostic]) -> list[str]:
    return [f"{d.path}:{d.line}:{d.column}" for d in findings]


# C001 — public records are kept


def test_c001_deleting_a_public_list(repo: Path) -> None:
    commit(repo, delete=[LIST])
    got = found(repo, "C001")
    assert where(got) == [f"{LIST}:2:1"]
    assert got[0].level == ERROR
    assert got[0].message.startswith("已公开的榜单“L-2024-001”被删除：公开过的记录不得删除。请恢复该记录；榜单应改为 status: withdrawn。")


def test_c001_renaming_a_public_list_in_place_and_with_its_file(repo: Path) -> None:
    commit(repo, edit={LIST: [["id: L-2024-001", "id: L-2024-009"]]})
    got = found(repo, "C001")
    assert where(got) == [f"{LIST}:2:1"]
    assert "被改名为“L-2024-009”" in got[0].message
    git(repo, "mv", LIST, "records/lists/L-2024-009.yaml")
    commit(repo)
    assert where(found(repo, "C001")) == ["records/lists/L-2024-009.yaml:2:1"]


def test_c001_quiet_on_moving_a_file_and_deleting_what_was_never_public(repo: Path) -> None:
    git(repo, "mv", LIST, "records/lists/L-2024-001.tmp")
    (repo / "records/lists/2024").mkdir()
    git(repo, "mv", "records/lists/L-2024-001.tmp", "records/lists/2024/L-2024-001.yaml")
    commit(repo, delete=["records/bids/B-2024-002.yaml", "records/needs/N-2024-001.yaml"])  # unselected bid, need
    assert found(repo, "C001") == []


# C002 — a published list changes only with a correction notice


def test_c002_funding_changed_without_amendment(repo: Path) -> None:
    commit(repo, edit={LIST: [["subsidy_cny: 100000", "subsidy_cny: 80000"]]})
    got = found(repo, "C002")
    assert where(got) == [f"{LIST}:16:11"]
    assert got[0].message == (
        "已发布榜单的资助强度已更改（funding.subsidy_cny），但没有新增列出这些字段的更正条目。"
        "请在 amendments 末尾追加 {date: …, fields: [funding.subsidy_cny], summary: …}，作为更正公告发布（更正公告）"
    )


def test_c002_amendment_naming_another_field_does_not_cover(repo: Path) -> None:
    text = (
        (repo / LIST)
        .read_text(encoding="utf-8")
        .replace("subsidy_cny: 100000", "subsidy_cny: 80000")
        .replace("title: 高精度", "title: 超高精度")
    )
    text += "amendments:\n  - {date: 2024-08-01, fields: [title], summary: 名称更正}\n"
    commit(repo, write={LIST: text})
    assert where(found(repo, "C002")) == [f"{LIST}:16:11"]


def test_c002_quiet_with_amendment_or_on_other_fields(repo: Path) -> None:
    text = (repo / LIST).read_text(encoding="utf-8").replace("subsidy_cny: 100000", "subsidy_cny: 80000")
    text = text.replace("benchmark: 对标国外同类产品。", "benchmark: 对标国外两家同类产品。")
    text += "amendments:\n  - {date: 2024-08-01, fields: [funding.subsidy_cny], summary: 资助强度更正}\n"
    commit(repo, write={LIST: text})
    assert found(repo, "C002") == []


def test_c002_amendments_are_append_only(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    text = (repo / LIST).read_text(
        encoding="utf-8"
    ) + "amendments:\n  - {date: 2024-06-01, fields: [indicators], summary: 指标I2检测方法更正}\n"
    commit(repo, write={LIST: text}, date="2024-07-02T09:00:00+08:00")
    git(repo, "checkout", "-q", "-B", "change")
    commit(repo, edit={LIST: [["指标I2检测方法更正", "指标I2更正"]]})
    got = found(repo, "C002")
    assert where(got) == [f"{LIST}:29:5"]
    assert got[0].message.startswith("已发布的更正条目（amendments）被修改或删除")


# C003 — status moves along the lifecycle


def test_c003_illegal_moves(repo: Path) -> None:
    commit(
        repo,
        edit={
            LIST: [["status: awarded", "status: draft"]],
            "records/projects/P-2024-001.yaml": [["status: succeeded", "status: in-progress"]],
        },
    )
    got = found(repo, "C003")
    assert where(got) == [f"{LIST}:6:1", "records/projects/P-2024-001.yaml:9:1"]
    assert (
        got[0].message == "榜单状态从 awarded 改为 draft：生命周期中没有这一步（awarded 是终态，不能再改）。每一步应单独提交审批（第八条）"
    )


def test_c003_quiet_on_legal_moves_and_new_records(repo: Path) -> None:
    bid = (repo / "records/bids/B-2024-002.yaml").read_text(encoding="utf-8")
    commit(
        repo,
        edit={"records/bids/B-2024-002.yaml": [["status: submitted", "status: withdrawn"]]},
        write={"records/bids/B-2024-003.yaml": bid.replace("B-2024-002", "B-2024-003").replace("status: submitted", "status: withdrawn")},
    )
    assert found(repo, "C003") == []


def test_c003_a_list_withdrawn_says_when_and_why(repo: Path) -> None:
    listed = (repo / LIST).read_text(encoding="utf-8").replace("L-2024-001", "L-2024-002").replace("status: awarded", "status: closed")
    git(repo, "checkout", "-q", "main")
    commit(repo, write={"records/lists/L-2024-002.yaml": listed}, date="2024-07-02T09:00:00+08:00")
    git(repo, "checkout", "-q", "-B", "change")
    commit(repo, edit={"records/lists/L-2024-002.yaml": [["status: closed", "status: withdrawn"]]})
    got = found(repo, "C003")
    assert where(got) == ["records/lists/L-2024-002.yaml:6:1"]
    assert got[0].message == "榜单从 closed 改为 withdrawn，须同时填写撤榜日期与原因（withdrawal），在门户公告（第八条）"
    commit(
        repo,
        edit={
            "records/lists/L-2024-002.yaml": [
                ["call: C-2024-01", "call: C-2024-01\nwithdrawal: {date: 2024-09-01, reason: 需求单位技术路线调整}"]
            ]
        },
    )
    assert found(repo, "C003") == []


# C004 — a notice, once started, is append-only


def test_c004_selection_and_panel_edited_after_publicity_started(repo: Path) -> None:
    commit(repo, edit={REVIEW: [["selected: [B-2024-001]", "selected: [B-2024-002]"], ["name: 王某", "name: 王某某"]]})
    got = found(repo, "C004")
    assert where(got) == [f"{REVIEW}:8:6", f"{REVIEW}:16:12"]
    assert got[1].message == "评审 R-2024-002 的公示已于 2024-07-08 开始，其后不得修改入选申报（selected）（公示）"


def test_c004_objections_only_appended(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    objection = "objections:\n    - {received: 2024-07-10, summary: 对团队业绩有疑问, outcome: pending}\n  outcome: pending"
    commit(repo, edit={REVIEW: [["objections: []\n  outcome: no-objection", objection]]}, date="2024-07-10T18:00:00+08:00")
    git(repo, "checkout", "-q", "-B", "change")
    commit(
        repo, edit={REVIEW: [["objections:\n    - {received: 2024-07-10, summary: 对团队业绩有疑问, outcome: pending}", "objections: []"]]}
    )
    got = found(repo, "C004")
    assert where(got) == [f"{REVIEW}:21:3"]
    assert "已登记的异议（第 1 条起）被删除" in got[0].message


def test_c004_quiet_on_appended_objection_and_decided_outcome(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    objection = "objections:\n    - {received: 2024-07-10, summary: 对团队业绩有疑问, outcome: pending}\n  outcome: pending"
    commit(repo, edit={REVIEW: [["objections: []\n  outcome: no-objection", objection]]}, date="2024-07-10T18:00:00+08:00")
    git(repo, "checkout", "-q", "-B", "change")
    decided = (
        "objections:\n    - {received: 2024-07-10, summary: 对团队业绩有疑问, outcome: dismissed}\n"
        "    - {received: 2024-07-11, summary: 匿名来信, outcome: dismissed}\n  outcome: no-objection"
    )
    commit(repo, edit={REVIEW: [[objection, decided]]})
    assert found(repo, "C004") == []


def test_c004_quiet_before_publicity_starts(repo: Path) -> None:
    commit(repo, edit={REVIEW: [["selected: [B-2024-001]", "selected: [B-2024-002]"]]})
    assert [d for d in validate_change(repo, "main", today=dt.date(2024, 7, 7)).sorted() if d.rule == "C004"] == []


# Overrides: where they count (SPEC §7)

TITLE = {LIST: [["title: 高精度", "title: 超高精度"]]}
REASON = "区科技局党组会决定更正名称，更正公告另行发布"


def event(tmp_path: Path, body: str | None, number: int = 12) -> Path:
    """The CI event file of a pull request (what ``GITHUB_EVENT_PATH`` names)."""
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"action": "opened", "number": number, "pull_request": {"number": number, "body": body}}), encoding="utf-8")
    return path


def notes(report: Report) -> list[tuple[str, str]]:
    return [(str(n.level), n.message) for n in report.notes]


def short(root: Path, rev: str = "HEAD") -> str:
    return git(root, "rev-parse", "--short=10", rev).strip()


def test_an_override_in_the_pull_requests_description_turns_the_finding_into_info(repo: Path, tmp_path: Path) -> None:
    commit(repo, edit=TITLE)
    body = f"## 变更内容\r\n\r\n更正名称。\r\n\r\nPolicy-Override: C002 L-2024-001 {REASON}\r\n"
    report = validate_change(repo, "main", today=TODAY, event=event(tmp_path, body))
    got = [d for d in report.sorted() if d.rule == "C002"]
    assert where(got) == [f"{LIST}:4:1"] and got[0].level == INFO
    assert got[0].message.endswith(f"已依 Policy-Override 豁免（拉取请求 #12 的说明：{REASON}）。")
    assert report.exit_code == 0
    assert notes(report) == [("info", f"已采纳拉取请求 #12 的说明中的豁免“C002 L-2024-001 {REASON}”：豁免 L-2024-001 的 C002 违规。")]
    result = CliRunner().invoke(
        main,
        ["validate", "--base", "main", "--root", str(repo), "--format", "github"],
        env={"GITHUB_EVENT_PATH": str(tmp_path / "event.json")},
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith(f"::notice file={LIST},line=4,col=1,title=C002::已发布榜单的榜单名称已更改")
    assert (
        lines[1]
        == f"::notice title=Policy-Override::已采纳拉取请求 #12 的说明中的豁免“C002 L-2024-001 {REASON}”：豁免 L-2024-001 的 C002 违规。"
    )


def test_an_override_in_a_branch_commit_counts_for_nothing(repo: Path, tmp_path: Path) -> None:
    commit(repo, f"Correct the title\n\nPolicy-Override: C002 L-2024-001 {REASON}\n", edit=TITLE)
    line = f"C002 L-2024-001 {REASON}"
    report = validate_change(repo, "main", today=TODAY)  # on the branch, as an official runs it
    assert [d.level for d in report.sorted() if d.rule == "C002"] == [ERROR]
    assert notes(report) == [
        (
            "warning",
            f"未采纳提交 {short(repo)} 的说明中的豁免“{line}”：该提交不是经拉取请求合并的提交（合并提交或压缩合并），其说明不是审批。",
        )
    ]
    report = validate_change(repo, "main", today=TODAY, event=event(tmp_path, "更正名称。"))  # in the pull request's CI
    assert [d.level for d in report.sorted() if d.rule == "C002"] == [ERROR]
    assert notes(report) == [
        (
            "warning",
            f"未采纳提交 {short(repo)} 的说明中的豁免“{line}”：检查拉取请求时只认拉取请求说明中的豁免；分支上的提交说明不是审批。请把这一行写进拉取请求说明。",
        )
    ]
    code, out = run("validate", "--base", "main", "--root", str(repo))
    assert code == 1 and f"warning Policy-Override 未采纳提交 {short(repo)} 的说明中的豁免“{line}”" in out


def test_on_the_main_line_the_approving_merge_or_squash_commit_counts(repo: Path) -> None:
    commit(repo, "Correct the title\n\nPolicy-Override: C002 L-2024-001 分支上的说明", edit=TITLE)
    git(repo, "checkout", "-q", "main")
    git(
        repo,
        "merge",
        "-q",
        "--no-ff",
        "change",
        "-m",
        f"Merge pull request #12 from kjj/change\n\n更正名称\n\nPolicy-Override: C002 L-2024-001 {REASON}",
    )
    report = validate_change(repo, "HEAD~1", today=TODAY)  # the portal workflow: the push against the commit it replaced
    got = [d for d in report.sorted() if d.rule == "C002"]
    assert got[0].level == INFO and got[0].message.endswith(f"已依 Policy-Override 豁免（合并提交 {short(repo)}（#12）的说明：{REASON}）。")
    assert notes(report) == [
        ("info", f"已采纳合并提交 {short(repo)}（#12）的说明中的豁免“C002 L-2024-001 {REASON}”：豁免 L-2024-001 的 C002 违规。"),
        (
            "warning",
            f"未采纳提交 {short(repo, 'change')} 的说明中的豁免“C002 L-2024-001 分支上的说明”："
            "分支上的普通提交不是审批：豁免只在拉取请求说明或批准它的合并提交中有效。",
        ),
    ]
    git(repo, "reset", "-q", "--hard", "HEAD~1")
    git(repo, "merge", "-q", "--squash", "change")
    git(
        repo,
        "commit",
        "-q",
        "-m",
        f"更正名称 (#13)\n\n* Correct the title\n\nPolicy-Override: C002 L-2024-001 {REASON}\n\nCo-authored-by: 张三 <zhang@example.org>",
    )
    assert [d.level for d in validate_change(repo, "HEAD~1", today=TODAY).sorted() if d.rule == "C002"] == [INFO]
    git(repo, "commit", "-q", "--amend", "-m", f"更正名称\n\nPolicy-Override: C002 L-2024-001 {REASON}")  # pushed straight to main
    assert [d.level for d in validate_change(repo, "HEAD~1", today=TODAY).sorted() if d.rule == "C002"] == [ERROR]


def test_an_override_excuses_only_its_rule_on_its_ids(repo: Path, tmp_path: Path) -> None:
    commit(repo, edit=TITLE, delete=["records/awards/A-2024-001-2.yaml", "records/awards/A-2024-001-3.yaml"])
    body = "Policy-Override: C001 A-2024-001-3 L-2024-009 法院裁定删除该笔拨付记录\nPolicy-Override: C003 L-2024-001 无关的豁免\n"
    report = validate_change(repo, "main", today=TODAY, event=event(tmp_path, body))
    got = [(d.rule, d.record, str(d.level)) for d in report.sorted() if d.rule.startswith("C")]
    assert got == [("C001", "A-2024-001-2", "error"), ("C001", "A-2024-001-3", "info"), ("C002", "L-2024-001", "error")]
    assert notes(report) == [
        (
            "info",
            "已采纳拉取请求 #12 的说明中的豁免“C001 A-2024-001-3 L-2024-009 法院裁定删除该笔拨付记录”：豁免 A-2024-001-3 的 C001 违规。",
        ),
        (
            "warning",
            "拉取请求 #12 的说明中的豁免“C001 A-2024-001-3 L-2024-009 法院裁定删除该笔拨付记录”对 L-2024-009 没有作用："
            "这些记录没有 C001 违规，请核对记录编号。",
        ),
        (
            "warning",
            "拉取请求 #12 的说明中的豁免“C003 L-2024-001 无关的豁免”对 L-2024-001 没有作用：这些记录没有 C003 违规，请核对记录编号。",
        ),
    ]


def test_a_renamed_record_is_excused_by_its_old_id_and_a_takedown_by_its_own(repo: Path, tmp_path: Path) -> None:
    commit(
        repo,
        edit={LIST: [["id: L-2024-001", "id: L-2024-009"]], "records/bids/B-2024-001.yaml": [["restricted: false", "restricted: true"]]},
    )
    body = "Policy-Override: C001 L-2024-001 合并编号\nPolicy-Override：C005 B-2024-001 经认定涉密\n"
    report = validate_change(repo, "main", today=TODAY, event=event(tmp_path, body))
    got = [(d.rule, d.record, str(d.level)) for d in report.sorted() if d.rule in ("C001", "C005")]
    assert got == [("C005", "B-2024-001", "info"), ("C001", "L-2024-001", "info")]


def test_malformed_and_foreign_overrides_are_named_with_what_is_wrong(repo: Path, tmp_path: Path) -> None:
    commit(repo, edit=TITLE)
    body = (
        "Policy-Override: F001 L-2024-001 资助强度超限\n"
        "Policy-Override: C002 更正名称\n"
        "Policy-Override: C002 L-2024-001\n"
        "Policy-Override: C009 L-2024-001 更正名称\n"
        "<!-- Policy-Override: C002 L-2024-001 写在注释里，页面上看不见 -->\n"
    )
    report = validate_change(repo, "main", today=TODAY, event=event(tmp_path, body))
    assert [d.level for d in report.sorted() if d.rule == "C002"] == [ERROR]
    result = CliRunner().invoke(
        main,
        ["validate", "--base", "main", "--root", str(repo), "--format", "json"],
        env={"GITHUB_EVENT_PATH": str(tmp_path / "event.json")},
    )
    out = json.loads(result.output)
    jsonschema.validate(out, json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8")))
    assert [n["level"] for n in out["notes"]] == ["warning"] * 4 and out["summary"]["warnings"] == 0  # notes are not findings
    example = "（2025）渝0106民初123号民事裁定书要求删除"
    assert notes(report) == [
        (
            "warning",
            "未采纳拉取请求 #12 的说明中的豁免“C009 L-2024-001 更正名称”：C009 不是变更规则：可豁免的只有 C001、C002、C003、C004、C005。",
        ),
        (
            "warning",
            "未采纳拉取请求 #12 的说明中的豁免“F001 L-2024-001 资助强度超限”：F001 不是变更规则：只有变更规则（C 开头，如 C001）可以豁免，记录本身的错误必须改正。",
        ),
        (
            "warning",
            f"未采纳拉取请求 #12 的说明中的豁免“C002 更正名称”：没有写明豁免哪些记录：规则编号后须列出记录编号。应写作：Policy-Override: C002 L-2024-003 {example}。",
        ),
        (
            "warning",
            f"未采纳拉取请求 #12 的说明中的豁免“C002 L-2024-001”：没有写明理由：记录编号后须写明豁免的理由。应写作：Policy-Override: C002 L-2024-001 {example}。",
        ),
    ]


def test_other_events_read_the_main_line_and_an_unreadable_event_exits_two(repo: Path, tmp_path: Path) -> None:
    commit(repo, f"Correct the title\n\nPolicy-Override: C002 L-2024-001 {REASON}\n", edit=TITLE)
    push = tmp_path / "push.json"
    push.write_text(json.dumps({"ref": "refs/heads/main", "before": "0" * 40}), encoding="utf-8")
    report = validate_change(repo, "main", today=TODAY, event=push)
    assert [d.level for d in report.sorted() if d.rule == "C002"] == [ERROR] and "不是经拉取请求合并的提交" in report.notes[0].message
    empty = validate_change(repo, "main", today=TODAY, event=event(tmp_path, None))  # a pull request without a description
    assert [d.level for d in empty.sorted() if d.rule == "C002"] == [ERROR]
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["validate", "--base", "main", "--root", str(repo)], env={"GITHUB_EVENT_PATH": str(tmp_path / "broken.json")}
    )
    assert result.exit_code == 2 and "无法读取 CI 事件文件" in result.output


# Merge base, incremental loading, failing closed


def test_changes_on_the_base_branch_after_branching_are_not_the_changes(repo: Path) -> None:
    commit(repo, edit={"records/bids/B-2024-002.yaml": [["status: submitted", "status: withdrawn"]]})
    git(repo, "checkout", "-q", "main")
    commit(repo, edit={LIST: [["title: 高精度", "title: 超高精度"]]}, date="2024-08-02T09:00:00+08:00")  # no amendment, on main
    git(repo, "checkout", "-q", "change")
    report = validate_change(repo, "main", today=TODAY)
    assert [d for d in report.sorted() if d.rule.startswith("C")] == []


NEED_2 = "records/needs/N-2024-002.yaml"
SECOND_NEED = (
    (BASE / "records/needs/N-2024-001.yaml")
    .read_text(encoding="utf-8")
    .replace("N-2024-001", "N-2024-002")
    .replace("status: refined\nrefined_into: [L-2024-001]\n", "status: submitted\n")
)


def test_a_warm_cache_checks_only_the_component_a_change_reaches(repo: Path, tmp_path: Path) -> None:
    git(repo, "checkout", "-q", "main")
    commit(repo, write={NEED_2: SECOND_NEED}, date="2024-07-02T09:00:00+08:00")  # a need no record refers to: its own component
    git(repo, "checkout", "-q", "-B", "change")
    commit(repo, edit={NEED_2: [["problem: ", "problem: 经复核，"]]})
    src = GitRecords(repo)
    base = git(repo, "merge-base", "main", "HEAD").strip()
    with ChangeCache(None) as cache:
        cold = compare(src, repo, base, cache)
    assert (cold.checked, cold.evaluated, cold.changed) == (17, 2, [NEED_2])  # 16 files + N-2024-002 at base; 2 components
    first = validate_change(repo, "main", today=TODAY)  # fills the cache under $JIEBANG_CACHE
    with ChangeCache(tmp_path / "cache") as cache:
        warm = compare(src, repo, base, cache)
    # What the change touches is never taken from the cache: N-2024-002 on both sides, the programme, its component's rules.
    assert (warm.checked, warm.evaluated) == (3, 1)
    assert [r.id for r in warm.head] == ["N-2024-002", "shapingba"] and [r.id for r in warm.base] == ["N-2024-002", "shapingba"]
    second = validate_change(repo, "main", today=TODAY)
    assert second.sorted() == first.sorted() == validate(repo).sorted() == []


def test_unchanged_files_keep_their_findings_from_the_cache(repo: Path) -> None:
    commit(repo, delete=["records/needs/N-2024-001.yaml"])  # L-2024-001 (unchanged) now cites a missing need
    first = validate_change(repo, "main", today=TODAY)  # cold: fills the cache
    second = validate_change(repo, "main", today=TODAY)
    assert [d.as_json() for d in second.sorted()] == [d.as_json() for d in first.sorted()]
    assert where([d for d in second.sorted() if d.rule == "R001"]) == [f"{LIST}:7:9"]
    assert [d for d in second.sorted() if d.rule != "C001"] == validate(repo).sorted()


def test_a_broken_unchanged_file_stays_broken_from_the_cache(repo: Path) -> None:
    git(repo, "checkout", "-q", "main")
    commit(
        repo, edit={"records/bids/B-2024-002.yaml": [["requested_cny: 90000", "requested_cny: 90000.5"]]}, date="2024-07-02T09:00:00+08:00"
    )
    git(repo, "checkout", "-q", "-B", "change")
    commit(repo, edit={LIST: [["benchmark: 对标", "benchmark: 对标国内外"]]})
    for _ in range(2):  # cold cache, then warm
        report = validate_change(repo, "main", today=TODAY)
        assert [(d.rule, d.path, d.line) for d in report.sorted()] == [("S003", "records/bids/B-2024-002.yaml", 10)]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_shallow_clone_exits_two_with_a_fetch_hint(repo: Path, tmp_path: Path) -> None:
    commit(repo, edit={LIST: [["title: 高精度", "title: 超高精度"]]})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo}", str(clone)], check=True)
    code, out = run("validate", "--base", "origin/main", "--root", str(clone))
    assert code == 2
    assert "浅克隆" in out and "fetch-depth: 0" in out


def test_missing_ref_empty_base_and_unrelated_history_exit_two(repo: Path) -> None:
    code, out = run("validate", "--base", "origin/main", "--root", str(repo))
    assert code == 2 and "找不到修订“origin/main”" in out
    code, out = run("validate", "--base", "", "--root", str(repo))
    assert code == 2 and "--base 需要一个修订" in out
    git(repo, "checkout", "-q", "--orphan", "other")
    git(repo, "commit", "-q", "-m", "Unrelated")
    git(repo, "checkout", "-q", "change")
    code, out = run("validate", "--base", "other", "--root", str(repo))
    assert code == 2 and "合并基点" in out


def test_clean_change_exits_zero(repo: Path) -> None:
    commit(repo, edit={"records/bids/B-2024-002.yaml": [["status: submitted", "status: withdrawn"]]})
    code, out = run("validate", "--base", "main", "--root", str(repo))
    assert (code, out.strip()) == (0, "共检查 15 个文件、15 条记录：0 个错误，0 个警告。")


def test_a_sequence_of_runs_on_one_cache_gives_what_a_fresh_check_gives(
    repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each run starts from the state the last one left: edits in and across components,
    a deleted file, a reference that joins two components, the programme, a moved base."""

    def check() -> None:
        warm = [d.as_json() for d in validate_change(repo, "main", today=TODAY).sorted()]
        monkeypatch.setenv("JIEBANG_CACHE", "off")
        cold = [d.as_json() for d in validate_change(repo, "main", today=TODAY).sorted()]
        monkeypatch.setenv("JIEBANG_CACHE", str(tmp_path / "cache"))
        assert warm == cold
        assert [d for d in warm if not str(d["rule"]).startswith("C")] == [d.as_json() for d in validate(repo).sorted()]

    git(repo, "checkout", "-q", "main")
    commit(repo, write={NEED_2: SECOND_NEED}, date="2024-07-02T09:00:00+08:00")
    git(repo, "checkout", "-q", "-B", "change")
    check()  # cold: fills the cache
    apply_edits(repo, edit={NEED_2: [["problem: ", "problem: 经复核，"]]})  # in the work tree only
    check()
    commit(repo)
    check()
    apply_edits(repo, edit={"records/program.yaml": [["min_panel_size: 5", "min_panel_size: 9"]]})  # E001 on every panel
    check()
    git(repo, "checkout", "-q", "--", "records/program.yaml")
    check()
    apply_edits(repo, delete=["records/bids/B-2024-002.yaml"])  # R-2024-002 selected it: R001, and C001 (it was public)
    check()
    apply_edits(repo, edit={NEED_2: [["status: submitted\n", "status: refined\nrefined_into: [L-2024-001]\n"]]})  # joins the two
    check()
    apply_edits(repo, edit={"records/program.yaml": [["min_panel_size: 5", "min_panel_size: 9"]]})  # E001 on every panel
    check()
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "checkout", "-q", "main")
    commit(repo, edit={LIST: [["title: 高精度", "title: 超高精度"]]}, date="2024-08-02T09:00:00+08:00")  # the base moves on
    git(repo, "checkout", "-q", "-B", "change")
    apply_edits(repo, edit={"records/bids/B-2024-002.yaml": [["requested_cny: 90000", "requested_cny: 90000.5"]]})  # S003
    check()
    git(repo, "checkout", "-q", "--", ".")
    check()


def test_a_run_that_cannot_finish_lets_go_of_the_cache(repo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    commit(repo, edit=TITLE)

    def fails(*args: object) -> None:
        raise CannotRun("无法完成。")

    monkeypatch.setattr("generator.changes.run_change_rules", fails)
    with pytest.raises(CannotRun):
        validate_change(repo, "main", today=TODAY)
    monkeypatch.setattr(cache_module, "LOCK_WAIT", 0.1)
    with ChangeCache(tmp_path / "cache") as cache:
        assert cache.on_disk  # not held by the run that failed
        assert cache.entries([(LIST, git(repo, "rev-parse", f"HEAD:{LIST}").strip())]) == {}  # and it kept nothing
