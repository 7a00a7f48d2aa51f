"""The record of decisions: PR numbers, approvers, field diffs, renames, reverts, audit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.git.log import build_index
from generator.git.repo import GitRecords
from generator.history.audit import run_audit
from generator.history.compare import compare
from generator.history.record import history_of
from tests.conftest import git
from tests.history.history_repo import LIST, MOVED, build_history_repo, merger_key, signed
from tests.signing import SshKey


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_history_repo(tmp_path_factory.mktemp("history") / "repo")


def signer_key(repo: Path) -> SshKey:
    return merger_key(repo)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_index_holds_main_line_commits_that_changed_records(repo: Path) -> None:
    index = build_index(repo)
    assert [c.subject.split("\n")[0] for c in index.commits] == [
        "Merge branch 'hotfix'",
        "Merge pull request #4 from kjj/takedown",
        'Revert "Award L-2024-001 (#2)"',
        "Merge pull request #3 from kjj/folders",
        "Award L-2024-001 (#2)",
        "Merge pull request #1 from kjj/funding",
        "Initial records",
    ]  # the README commit and the branches' own commits are not on it
    assert [c.pr for c in index.commits] == [None, 4, None, 3, 2, 1, None]
    assert index.commits[5].approvers == ("张三 <zhang@example.org>", "李四")
    assert index.commits[4].approvers == ("王五",)
    assert [(o.rule, o.reason) for o in index.commits[1].overrides] == [("C001", "法院判决要求删除")]
    merge = index.commits[5]
    # its diff against the first parent: the branch's whole change
    assert [(ch.status, ch.path) for ch in merge.changes] == [("M", "records/bids/B-2024-001.yaml"), ("M", LIST)]


def test_history_versions_prs_approvers_and_field_changes(repo: Path) -> None:
    h = history_of(GitRecords(repo), "L-2024-001")
    assert [(v.action, v.commit.pr, v.path) for v in h.versions] == [
        ("changed", None, MOVED),
        ("renamed", 3, MOVED),
        ("changed", 2, LIST),
        ("changed", 1, LIST),
        ("created", None, LIST),
    ]
    revert, moved, squash, funding, _ = h.versions
    assert [c.text() for c in funding.changes] == [
        "indicators[I2].target: -20～85 ℃ → -40～85 ℃",
        'indicators[I3]: + {"id": "I3", "name": "功耗", "target": "≤0.5 W", "verification": "第三方检测报告"}',
        "funding.subsidy_cny: 100000 → 80000",
    ]
    assert [c.text() for c in squash.changes] == [
        "status: closed → awarded",
        "needs: + N-2024-002",
        "argumentation: R-2024-001 → null",
    ]
    assert moved.changes == () and moved.old_path == LIST
    assert [c.text() for c in revert.changes] == ["status: awarded → closed", "needs: - N-2024-002", "argumentation: null → R-2024-001"]
    assert [(s.commit.day.isoformat(), s.status, s.commit.pr) for s in h.timeline] == [
        ("2024-05-30", "closed", None),
        ("2024-06-10", "awarded", 2),
        ("2024-06-20", "closed", None),
    ]


def test_history_cli_text(repo: Path) -> None:
    code, out = run("history", "L-2024-001", "--root", str(repo))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "L-2024-001 的历史：5 个版本，最新在前。"
    funding = next(i for i, line in enumerate(lines) if line.startswith("2024-06-03  修改  "))
    assert lines[funding].endswith("  已验证签名：张三（合并 PR #1）  区科技局")
    assert lines[funding + 2] == "    批准人列出的审核人：张三 <zhang@example.org>；李四"  # named by the approver, not proof
    revert = next(line for line in lines if line.startswith("2024-06-20  修改  "))
    assert revert.endswith("  未经批准：未经合并请求（PR）直接进入主线；没有签名  区科技局")
    assert "    资助强度 › 财政资助强度（元）：100000 → 80000" in lines
    assert "    考核指标 I3：新增 指标编号 I3，指标名称 功耗，目标值 ≤0.5 W，考核方式 第三方检测报告" in lines
    assert "    状态：已截止 → 已揭榜" in lines and "    榜单论证：R-2024-001 → （空）" in lines
    assert "    文件：records/lists/L-2024-001.yaml → records/lists/2024/L-2024-001.yaml" in lines
    timeline = lines.index("状态变化：")
    assert lines[timeline + 2].startswith("  2024-06-10  已揭榜  （") and lines[timeline + 2].endswith(
        "，已验证签名：张三（压缩合并 PR #2））"
    )
    root = signer_key(repo).fingerprint
    assert lines[timeline + 4 :] == [
        f"信任根：.github/allowed_signers 的首个版本（提交 {git(repo, 'rev-list', '--max-parents=0', 'HEAD')[:10]}，2024-05-30）按原样信任，其中的密钥：",
        f"    {root}  张三",
    ]


def test_history_cli_json_keeps_null_apart_from_absence(repo: Path) -> None:
    code, out = run("history", "L-2024-001", "--root", str(repo), "--format", "json")
    assert code == 0
    data = json.loads(out)
    squash = data["versions"][2]
    assert (squash["pr"], squash["named_reviewers"], squash["action"]) == (2, ["王五"], "changed")
    approval = squash["approval"]
    assert (approval["verified"], approval["approver"], approval["basis"], approval["reasons"]) == (True, "张三", "signer", [])
    assert approval["text"] == "已验证签名：张三（压缩合并 PR #2）" and approval["key"] == signer_key(repo).fingerprint
    revert = data["versions"][0]["approval"]
    assert revert["verified"] is False and [r["code"] for r in revert["reasons"]] == ["no-pr", "unsigned"]
    assert data["trust"]["root"]["keys"] == [{"fingerprint": signer_key(repo).fingerprint, "principal": "张三"}]
    null = next(c for c in squash["changes"] if c["path"] == "argumentation")
    assert null == {"path": "argumentation", "op": "changed", "old": "R-2024-001", "new": None}
    added = next(c for c in squash["changes"] if c["path"] == "needs")
    assert added == {"path": "needs", "op": "added", "new": "N-2024-002"}
    assert [(t["status"], t["verified"]) for t in data["timeline"]] == [("closed", False), ("awarded", True), ("closed", False)]


def test_deleted_record_and_program_by_its_id(repo: Path) -> None:
    h = history_of(GitRecords(repo), "B-2024-002")
    assert [(v.action, v.commit.pr) for v in h.versions] == [("deleted", 4), ("created", None)]
    assert [o.rule for o in h.versions[0].commit.overrides] == ["C001"]
    assert len(history_of(GitRecords(repo), "shapingba").versions) == 1


def test_unknown_record_exits_2(repo: Path) -> None:
    code, out = run("history", "L-2099-001", "--root", str(repo))
    assert code == 2
    assert "主线历史中没有记录“L-2099-001”" in out


def test_diff_between_dates(repo: Path) -> None:
    d = compare(GitRecords(repo), "2024-06-01", "2024-06-30")
    assert [(r.id, r.status, r.old_path) for r in d.records] == [
        ("B-2024-001", "changed", None),
        ("B-2024-002", "removed", None),
        ("L-2024-001", "changed", LIST),
        ("M-2024-001-1", "changed", None),
    ]
    assert [c.text() for c in d.records[3].changes] == ["deliverables: + 提交测试报告"]
    code, out = run("diff", "2024-06-01", "2024-06-12", "--root", str(repo), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 2}
    assert {c["path"] for c in data["records"][1]["changes"]} == {
        "status",
        "needs",
        "argumentation",
        "funding.subsidy_cny",
        "indicators[I2].target",
        "indicators[I3]",
    }


def test_diff_text_and_bad_revision(repo: Path) -> None:
    code, out = run("diff", "HEAD~1", "HEAD", "--root", str(repo))
    assert code == 0
    assert "修改  M-2024-001-1  records/milestones/M-2024-001-1.yaml" in out
    assert out.splitlines()[-1] == "共 1 条记录变化：新增 0，删除 0，修改 1。"
    code, out = run("diff", "2020-01-01", "HEAD", "--root", str(repo))
    assert code == 2 and "2020-01-01 当天或之前没有提交" in out


def test_audit_lists_unapproved_commits(repo: Path) -> None:
    report = run_audit(GitRecords(repo))
    assert len(report.commits) == 7
    assert [(u.commit.subject, u.reasons) for u in report.unapproved] == [
        ("Merge branch 'hotfix'", ("no-pr", "unsigned", "no-approver")),
        ('Revert "Award L-2024-001 (#2)"', ("no-pr", "unsigned", "no-approver")),
        ("Initial records", ("no-pr", "unsigned", "no-approver")),
    ]
    assert [(a.commit.pr, a.approval.approver) for a in report.commits if a.approved] == [
        (4, "张三"),
        (3, "张三"),
        (2, "张三"),
        (1, "张三"),
    ]
    code, out = run("audit", "--since", "2024-06-01", "--root", str(repo), "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"] == {"audited": 6, "unapproved": 2, "untrusted_signers_changes": 0, "clean": False}
    assert data["unapproved"][1]["records"] == ["L-2024-001"]
    assert next(c["approval"]["text"] for c in data["commits"] if c["approved"]) == "已验证签名：张三（合并 PR #4）"
    code, out = run("audit", "--since", "HEAD~1", "--root", str(repo))
    assert code == 1 and out.splitlines()[-1] == "共审计主线上 1 个改动记录的提交：1 个未经批准。"
    assert "全部经过批准" not in out


def test_audit_approvers_needed_only_where_required(tmp_path: Path) -> None:
    root = build_history_repo(tmp_path / "repo")
    path = root / "records" / "program.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  require_approvers: true\n", ""), encoding="utf-8")
    signed(root, "commit", "-q", "-am", "Approvers no longer needed (#5)", date="2024-07-01T10:00:00+08:00")
    git(root, "commit", "-q", "--allow-empty", "-m", "Nothing", date="2024-07-02T10:00:00+08:00")
    (root / "records" / "needs" / "N-2024-001.yaml").write_text("kind: need\nid: N-2024-001\n", encoding="utf-8")
    signed(root, "commit", "-q", "-am", "Trim a need (#6)", date="2024-07-03T10:00:00+08:00")
    report = run_audit(GitRecords(root), since="2024-06-29")
    # Turning the requirement off needs named reviewers; after that a verified approval is enough.
    assert len(report.commits) == 2
    assert [(u.commit.pr, u.approval.verified, u.reasons) for u in report.unapproved] == [(5, True, ("no-approver",))]
    code, out = run("audit", "--since", "2024-06-29", "--root", str(root))
    assert code == 1
    assert "已验证签名：张三（压缩合并 PR #5）；但方案要求列出审核人，但提交没有 Approved-by 或 Reviewed-by 尾注" in out


def test_audit_all_approved_exits_zero(repo: Path) -> None:
    code, out = run("audit", "--since", "HEAD", "--root", str(repo))
    assert code == 0
    assert out.splitlines()[-1] == "共审计主线上 0 个改动记录的提交：全部经过批准（均为受信任的密钥签名的合并请求）。"


def test_shallow_clone_refuses_history_and_audit(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    for args in (["history", "L-2024-001"], ["audit"]):
        code, out = run(*args, "--root", str(clone))
        assert code == 2
        assert "浅克隆" in out and "fetch --unshallow" in out
    code, out = run("diff", "HEAD~1", "HEAD", "--root", str(clone))
    assert code == 2 and "fetch --unshallow" in out


def test_rename_to_another_id_keeps_the_past(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "records" / "needs").mkdir(parents=True)
    old = root / "records" / "needs" / "N-2024-001.yaml"
    old.write_text("kind: need\nid: N-2024-001\ntitle: 高精度伺服电机编码器国产化\nindustry: 智能科技\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Add a need (#1)")
    git(root, "mv", "records/needs/N-2024-001.yaml", "records/needs/N-2024-009.yaml")
    new = root / "records" / "needs" / "N-2024-009.yaml"
    new.write_text(new.read_text(encoding="utf-8").replace("N-2024-001", "N-2024-009"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Renumber the need (#2)", date="2024-06-02T10:00:00+08:00")
    h = history_of(GitRecords(root), "N-2024-009")
    assert [(v.action, v.commit.pr, v.path) for v in h.versions] == [
        ("renamed", 2, "records/needs/N-2024-009.yaml"),
        ("created", 1, "records/needs/N-2024-001.yaml"),
    ]
    assert [c.text() for c in h.versions[0].changes] == ["id: N-2024-001 → N-2024-009"]
