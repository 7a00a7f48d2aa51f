"""Attacks on the record of decisions: approvals that must not count, and a rewritten main line.

Each test builds a repository whose main line holds the attack, then reads it the way an
official or the public would: ``jiebang audit``, ``jiebang history`` and the portal's
decision log. Keys are made in the test (``ssh-keygen``; ``gpg`` for the platform key).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.git import platform
from generator.git.repo import GitRecords
from generator.history.provider import history_providers
from generator.public.view import PublicView
from generator.records.tree import load_at
from tests.conftest import make_records
from tests.signing import GITHUB_MERGE, SIGNERS, Repo, SshKey, gpg_key, ssh_key

RECORD = "records/lists/L-2024-001.yaml"
TODAY = dt.date(2026, 1, 1)
ALL_APPROVED = "全部经过批准"


def jiebang(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def audit(repo: Repo, *args: str) -> tuple[int, str]:
    return jiebang("audit", "--root", str(repo.root), *args)


def history(repo: Repo) -> dict:  # type: ignore[type-arg]
    code, out = jiebang("history", "L-2024-001", "--root", str(repo.root), "--format", "json")
    assert code == 0, out
    return dict(json.loads(out))


def approval_of(repo: Repo, sha: str) -> dict:  # type: ignore[type-arg]
    return dict(next(v["approval"] for v in history(repo)["versions"] if v["commit"] == sha))


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, SshKey]:
    return {name: ssh_key(tmp_path / "keys", name) for name in ("alice", "bob", "mallory")}


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, SshKey]) -> Repo:
    """The base records; the bureau trusts alice (张三), and the first merge is hers, verified."""
    r = Repo(tmp_path / "repo")
    make_records(r.root)
    r.git("add", "-A")
    r.commit("Initial records", {SIGNERS: keys["alice"].line("张三")})
    r.merge(1, retitled(r, "（一）"), key=keys["alice"])
    return r


def retitled(repo: Repo, suffix: str) -> dict[str, str]:
    """The public list with a new title: a change every reader sees."""
    text = repo.text(RECORD)
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    return {RECORD: text.replace(title, f"title: 高精度伺服电机绝对值编码器研制{suffix}")}


def test_an_honest_main_line_is_all_approved(repo: Repo) -> None:
    code, out = audit(repo, "--since", "HEAD~1")
    assert code == 0
    assert out.splitlines()[-1] == "共审计主线上 1 个改动记录的提交：全部经过批准（均为受信任的密钥签名的合并请求）。"
    assert "已验证签名：张三（合并 PR #1）" in out


def test_an_unsigned_commit_titled_as_a_pull_request_merge_is_not_an_approval(repo: Repo) -> None:
    forged = repo.merge(5, retitled(repo, "（二）"), message="Merge pull request #5 from kjj/approve")
    code, out = audit(repo, "--since", "HEAD~1")
    assert code == 1 and ALL_APPROVED not in out
    assert f"{forged[:10]}  2024-06-01  未经验证的批准（PR #5）：没有签名" in out
    approval = approval_of(repo, forged)
    assert (approval["verified"], approval["approver"]) == (False, None)
    assert approval["text"] == "未经验证的批准（PR #5）：没有签名"


def test_a_merge_signed_by_a_key_not_in_allowed_signers_is_not_an_approval(repo: Repo, keys: dict[str, SshKey]) -> None:
    forged = repo.merge(6, retitled(repo, "（三）"), key=keys["mallory"])
    code, out = audit(repo, "--since", "HEAD~1")
    assert code == 1 and ALL_APPROVED not in out
    assert "未经验证的批准（PR #6）：签名密钥不受信任" in out
    assert f"    签名密钥：{keys['mallory'].fingerprint}" in out
    assert approval_of(repo, forged)["reasons"][0]["code"] == "untrusted-key"


@pytest.mark.parametrize("signed_by", [None, "mallory"])
def test_adding_ones_own_key_and_merging_in_the_same_change_is_not_trusted(
    repo: Repo, keys: dict[str, SshKey], signed_by: str | None
) -> None:
    mallory = keys["mallory"]
    key = keys[signed_by] if signed_by else None
    forged = repo.merge(7, {SIGNERS: repo.text(SIGNERS) + mallory.line("赵某"), **retitled(repo, "（改）")}, key=key)
    later = repo.merge(8, retitled(repo, "（四）"), key=mallory)  # she "approves" with her key
    code, out = audit(repo)
    assert code == 1 and ALL_APPROVED not in out
    assert f"{SIGNERS} 的改动未经此前受信任的密钥签名，已忽略：{forged[:10]}" in out
    assert not approval_of(repo, forged)["verified"] and not approval_of(repo, later)["verified"]
    assert approval_of(repo, later)["reasons"][0]["code"] == "untrusted-key"
    trust = history(repo)["trust"]
    assert [k["principal"] for k in trust["signers"]] == ["张三"]  # the trusted keys stay as they were
    assert [c["outcome"] for c in trust["signers_changes"]] == ["first", "untrusted"]
    code, out = audit(repo, "--format", "json")
    assert json.loads(out)["summary"]["untrusted_signers_changes"] == 1


def test_trailers_alone_never_approve(repo: Repo) -> None:
    claimed = repo.squash(9, retitled(repo, "（五）"), body="Approved-by: 局长 <director@kjj.example>\nReviewed-by: 张三")
    code, out = audit(repo, "--since", "HEAD~1")
    assert code == 1 and ALL_APPROVED not in out
    assert "    提交说明自称的审核人（未经验证）：局长 <director@kjj.example>；张三" in out
    version = next(v for v in history(repo)["versions"] if v["commit"] == claimed)
    assert version["named_reviewers"] == ["局长 <director@kjj.example>", "张三"]
    assert (version["approval"]["verified"], version["approval"]["approver"]) == (False, None)


def test_the_same_pr_number_twice_is_an_error(repo: Repo, keys: dict[str, SshKey]) -> None:
    again = repo.squash(1, retitled(repo, "（六）"), key=keys["alice"])  # PR #1 was merged already
    code, out = audit(repo)
    assert code == 1 and ALL_APPROVED not in out
    first = repo.git("rev-parse", "HEAD~1")
    assert f"PR 编号重复：PR #1 在主线上出现 2 次（提交 {first[:10]}、{again[:10]}）。" in out
    assert f"    与提交 {first[:10]} 的 PR 编号相同" in out
    log = decision_log(repo)
    marks = {e.decision.commit: (e.decision.approved, e.decision.pr_repeated, e.decision.problems) for e in log.entries}
    assert marks[again[:10]] == (False, False, ("PR 编号在主线上重复出现",))
    assert marks[first[:10]] == (True, True, ())  # the earlier one is marked on the log as well


def test_a_trusted_key_adds_a_new_key(repo: Repo, keys: dict[str, SshKey]) -> None:
    added = repo.merge(10, {SIGNERS: repo.text(SIGNERS) + keys["bob"].line("李四")}, key=keys["alice"])
    by_bob = repo.merge(11, retitled(repo, "（七）"), key=keys["bob"])
    code, out = audit(repo, "--since", "HEAD~2")
    assert code == 0 and out.splitlines()[-1].endswith(f"{ALL_APPROVED}（均为受信任的密钥签名的合并请求）。")
    assert f"{by_bob[:10]}  2024-06-01  已验证签名：李四（合并 PR #11）" in out
    assert "现行受信任的批准密钥：" in out and f"    {keys['bob'].fingerprint}  李四" in out
    assert added[:10] not in out.split("\n\n")[0]  # a trusted change is not listed among the ignored ones


def test_a_platform_signed_merge_names_the_merging_account(repo: Repo, monkeypatch: pytest.MonkeyPatch, keys: dict[str, SshKey]) -> None:
    program = repo.text("records/program.yaml") + "approvals: {platform_keys: [github-web-flow]}\n"
    repo.merge(12, {"records/program.yaml": program}, key=keys["alice"])
    with gpg_key() as github:
        monkeypatch.setitem(platform.PLATFORM_KEYS, "github-web-flow", github.platform())
        merged = repo.merge(13, retitled(repo, "（八）"), key=github, env=GITHUB_MERGE)
        squashed = repo.squash(14, retitled(repo, "（九）"), key=github, env={**GITHUB_MERGE, "GIT_AUTHOR_NAME": "王五"})
        code, out = audit(repo, "--since", "HEAD~2")
        m, s = approval_of(repo, merged), approval_of(repo, squashed)
        log = decision_log(repo)
    assert code == 0, out
    assert f"{merged[:10]}  2024-06-01  已验证签名：陈静（在 GitHub 上合并 PR #13）" in out
    assert (m["approver"], m["approver_email"], m["basis"]) == ("陈静", "12345+chenjing@users.noreply.github.com", "merger")
    assert s["text"] == "已验证签名：GitHub 平台签名的压缩合并 PR #14（平台不记录合并人；提交作者 王五 为 PR 作者）"
    assert f"平台签名密钥 github-web-flow（GitHub 网页合并签名）：\n    {github.fingerprint}" in out
    decisions = {e.decision.commit: e.decision for e in log.entries}
    assert decisions[merged[:10]].verdict == "已验证签名：陈静（在 GitHub 上合并）"
    assert log.trust is not None and [k.fingerprint for _, ks in log.trust.platform for k in ks] == [github.fingerprint]


def test_a_tampered_signed_merge_is_not_an_approval(repo: Repo) -> None:
    signed = repo.head()
    raw = repo.git("cat-file", "commit", signed) + "\n"
    tampered = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"],
        cwd=repo.root,
        input=raw.replace("Merge pull request #1", "Merge pull request #2"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    repo.git("update-ref", "refs/heads/main", tampered)
    code, out = audit(repo)
    assert code == 1
    assert "未经验证的批准（PR #2）：签名无效（提交内容与签名不符）" in out


def decision_log(repo: Repo):  # type: ignore[no-untyped-def]
    src = GitRecords(repo.root)
    return history_providers(src, PublicView(load_at(src, "HEAD").corpus, TODAY)).decisions(frozenset())


# ---- fail closed: a rewritten main line ---------------------------------------------------


@pytest.fixture
def pushed(tmp_path: Path) -> Repo:
    """A main line of valid records: the base set, then one more commit."""
    r = Repo(tmp_path / "records")
    make_records(r.root)
    r.git("add", "-A")
    r.commit("Initial records")
    r.commit("Nothing changed yet")
    return r


def validate_push(repo: Repo, before: str) -> tuple[int, str]:
    return jiebang("validate", "--root", str(repo.root), "--push", before)


def test_a_fast_forward_push_is_checked_against_the_head_it_replaced(pushed: Repo) -> None:
    before = pushed.git("rev-parse", "HEAD~1")
    code, out = validate_push(pushed, before)
    assert code == 0, out
    assert validate_push(pushed, "0" * 40)[0] == 0  # the push created the branch: nothing to compare


def test_a_force_push_fails(pushed: Repo) -> None:
    replaced = pushed.head()
    pushed.git("reset", "-q", "--hard", "HEAD~1")
    pushed.commit("Rewritten history")
    code, out = validate_push(pushed, replaced)  # still in the object store, no longer an ancestor
    assert code == 2
    assert f"推送前的主线头“{replaced}”不是当前主线（HEAD）的祖先，或已不存在：这次推送改写了主线历史（强制推送）" in out
    pushed.git("reflog", "expire", "--expire=now", "--all")
    pushed.git("gc", "-q", "--prune=now")
    code, out = validate_push(pushed, replaced)  # gone altogether, as in a fresh clone
    assert code == 2 and "强制推送" in out
    code, out = validate_push(pushed, "")
    assert code == 2 and "--push 的值为空" in out
    code, out = jiebang("validate", "--root", str(pushed.root), "--push", pushed.head(), "--base", "HEAD")
    assert code == 2 and "只能选用其一" in out
