"""``jiebang validate --base``: C001–C004 against scripted git repos, overrides, failing closed.

Each test commits the base fixture on ``main``, branches ``change``, commits an edit
and validates the branch against ``main`` as CI does.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.changes import compare, validate_change
from generator.cli import main
from generator.diagnostics import ERROR, INFO, Diagnostic
from generator.git.repo import GitRecords
from generator.records.cache import ChangeCache
from generator.validate import validate
from tests.conftest import BASE, apply_edits, git, make_records

TODAY = dt.date(2025, 1, 6)
LIST = "records/lists/L-2024-001.yaml"
REVIEW = "records/reviews/R-2024-002.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIEBANG_CACHE", str(tmp_path / "cache"))
    root = make_records(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Initial records", date="2024-07-01T09:00:00+08:00")
    git(root, "checkout", "-q", "-b", "change")
    return root


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
        "已发布榜单的资助强度（funding）已更改，但没有新增列出该字段的更正条目。"
        "请在 amendments 末尾追加 {date: …, fields: [funding], summary: …}，作为更正公告发布（更正公告）"
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


# Overrides


def test_override_trailer_turns_the_finding_into_info_with_its_reason(repo: Path) -> None:
    message = "Correct the list title\n\nPolicy-Override: C002 区科技局党组会决定更正名称，更正公告另行发布\n"
    commit(repo, message, edit={LIST: [["title: 高精度", "title: 超高精度"]]})
    sha = git(repo, "rev-parse", "--short=10", "HEAD").strip()
    report = validate_change(repo, "main", today=TODAY)
    got = [d for d in report.sorted() if d.rule == "C002"]
    assert where(got) == [f"{LIST}:4:1"] and got[0].level == INFO
    assert got[0].message.endswith(f"已依 Policy-Override 豁免（提交 {sha}：区科技局党组会决定更正名称，更正公告另行发布）。")
    assert report.exit_code == 0
    code, out = run("validate", "--base", "main", "--root", str(repo), "--format", "github")
    assert code == 0
    assert out.splitlines()[0].startswith(f"::notice file={LIST},line=4,col=1,title=C002::已发布榜单的榜单名称（title）已更改")


def test_override_names_one_rule_and_needs_a_reason(repo: Path) -> None:
    commit(repo, "Rename\n\nPolicy-Override: C001 wrong rule\nPolicy-Override: C002\n", edit={LIST: [["title: 高精度", "title: 超高精度"]]})
    got = found(repo, "C002")
    assert got[0].level == ERROR
    assert "未采纳格式不符的豁免" in got[0].message and "“C002”" in got[0].message


def test_override_on_an_earlier_commit_of_the_change_counts(repo: Path) -> None:
    commit(repo, "Withdraw\n\nPolicy-Override: C003 法院裁定撤回", edit={LIST: [["status: awarded", "status: closed"]]})
    commit(repo, "Tidy", edit={"records/bids/B-2024-002.yaml": [["plan_summary: ", "plan_summary: 修订："]]})
    assert [d.level for d in found(repo, "C003")] == [INFO]


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
    cold = compare(src, repo, base, ChangeCache(None))
    assert (cold.checked, cold.evaluated, cold.changed) == (17, 3, [NEED_2])  # 16 files + N-2024-002 at base; programme, 2 components
    first = validate_change(repo, "main", today=TODAY)  # fills the cache under $JIEBANG_CACHE
    cache = ChangeCache(tmp_path / "cache")
    warm = compare(src, repo, base, cache)
    cache.save()
    assert (warm.checked, warm.evaluated) == (0, 0)  # the change rules' records (N-2024-002 on both sides) come from the cache
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
