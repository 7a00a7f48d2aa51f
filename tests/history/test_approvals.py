"""The ledger: keys trusted along the main line, verified approvals, duplicate PR numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.git import platform
from generator.git.log import build_index
from generator.git.repo import GitRecords
from generator.history.approvals import Ledger, read_ledger, verdict
from generator.history.record import Reader
from tests.signing import GITHUB_MERGE, SIGNERS, Repo, SshKey, gpg_key, ssh_key

PROGRAM = "records/program.yaml"
WEB_FLOW = "kind: program\nid: demo\napprovals: {platform_keys: [github-web-flow]}\n"


def ledger(repo: Repo) -> Ledger:
    src = GitRecords(repo.root)
    index = build_index(src)
    return read_ledger(src, index, Reader(src).data)


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, SshKey]:
    return {name: ssh_key(tmp_path / "keys", name) for name in ("alice", "bob")}


@pytest.fixture
def repo(tmp_path: Path, keys: dict[str, SshKey]) -> Repo:
    r = Repo(tmp_path / "repo")
    r.commit("Initial records", {SIGNERS: keys["alice"].line("张三"), "records/a.yaml": "a: 0\n", PROGRAM: "kind: program\nid: demo\n"})
    return r


def test_keys_trusted_along_the_main_line(repo: Repo, keys: dict[str, SshKey]) -> None:
    alice, bob = keys["alice"], keys["bob"]
    early = repo.merge(1, {"records/a.yaml": "a: 1\n"}, key=bob)  # bob is not trusted yet
    added = repo.merge(2, {SIGNERS: repo.text(SIGNERS) + bob.line("李四")}, key=alice)
    by_bob = repo.merge(3, {"records/a.yaml": "a: 3\n"}, key=bob)
    retired = repo.merge(4, {SIGNERS: bob.line("李四")}, key=alice)  # alice removes her own key
    late = repo.merge(5, {"records/a.yaml": "a: 5\n"}, key=alice)
    found = ledger(repo)
    assert found.approval(early).reasons == ("untrusted-key",) and found.approval(early).fingerprint == bob.fingerprint
    assert found.approval(by_bob).verified and found.approval(by_bob).approver == "李四"
    assert found.approval(late).reasons == ("untrusted-key",)
    assert [(c.commit.sha, c.outcome) for c in found.signers_changes[1:]] == [(added, "signed"), (retired, "signed")]
    assert found.root is not None and [k.principal for k in found.root.version.keys] == ["张三"]
    assert [k.principal for k in found.signers.values()] == ["李四"]


def test_a_deleted_signers_file_created_again_is_not_a_first_version(repo: Repo, keys: dict[str, SshKey]) -> None:
    alice, bob = keys["alice"], keys["bob"]
    repo.git("rm", "-q", SIGNERS)
    deleted = repo.commit("Remove the signers (#1)", key=alice)
    again = repo.commit("Signers again (#2)", {SIGNERS: bob.line("李四")}, key=bob)
    later = repo.merge(3, {"records/a.yaml": "a: 3\n"}, key=bob)
    found = ledger(repo)
    assert [(c.commit.sha, c.outcome, c.deleted) for c in found.signers_changes[1:]] == [
        (deleted, "signed", True),
        (again, "untrusted", False),
    ]
    assert found.signers == {} and found.approval(later).reasons == ("untrusted-key",)


def test_duplicate_pr_numbers(repo: Repo, keys: dict[str, SshKey]) -> None:
    first = repo.merge(30, {"records/a.yaml": "a: 1\n"}, key=keys["alice"])
    repo.commit("Docs (#31)", {"README.md": "说明\n"}, key=keys["alice"])  # a PR that changed no record counts too
    second = repo.squash(30, {"records/a.yaml": "a: 2\n"}, key=keys["alice"])
    third = repo.squash(31, {"records/a.yaml": "a: 3\n"}, key=keys["alice"])
    found = ledger(repo)
    assert found.duplicates == {30: (first, second), 31: (found.duplicates[31][0], third)}
    assert found.approval(first).verified and found.duplicated(first)
    assert (found.approval(second).reasons, found.approval(second).duplicate_of) == (("duplicate-pr",), first)
    assert verdict(found.approval(second)) == "未经验证的批准（PR #30）：PR 编号在主线上重复出现"


def test_signature_dates_against_valid_before(tmp_path: Path, keys: dict[str, SshKey]) -> None:
    repo = Repo(tmp_path / "repo")
    repo.commit("Initial", {SIGNERS: keys["alice"].line("张三", 'valid-before="20240601103000"')})
    inside = repo.merge(1, {"records/a.yaml": "a: 1\n"}, key=keys["alice"])  # 10:03, Beijing time
    repo.clock = dt.datetime(2024, 6, 1, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    outside = repo.merge(2, {"records/a.yaml": "a: 2\n"}, key=keys["alice"])
    found = ledger(repo)
    assert found.approval(inside).verified
    assert found.approval(outside).reasons == ("untrusted-key",)


def test_platform_keys_follow_the_trusted_versions_of_program_yaml(
    repo: Repo, keys: dict[str, SshKey], monkeypatch: pytest.MonkeyPatch
) -> None:
    with gpg_key() as gh:
        monkeypatch.setitem(platform.PLATFORM_KEYS, "github-web-flow", gh.platform())
        before = repo.merge(1, {"records/a.yaml": "a: 1\n"}, key=gh, env=GITHUB_MERGE)  # no programme names the key yet
        sneaked = repo.commit("Trust GitHub", {PROGRAM: WEB_FLOW})  # unsigned: ignored
        ignored = repo.merge(2, {"records/a.yaml": "a: 2\n"}, key=gh, env=GITHUB_MERGE)
        adopted = repo.merge(3, {PROGRAM: WEB_FLOW + "# 经局务会同意\n"}, key=keys["alice"])
        merged = repo.merge(4, {"records/a.yaml": "a: 4\n"}, key=gh, env=GITHUB_MERGE)
        squashed = repo.squash(5, {"records/a.yaml": "a: 5\n"}, key=gh, env={**GITHUB_MERGE, "GIT_AUTHOR_NAME": "王五"})
        found = ledger(repo)
    assert [(c.names, c.adopted) for c in found.platform_changes[:1]] == [(frozenset(), True)]  # the first version, as found
    assert [(c.sha, c.adopted) for c in found.platform_changes[1:]] == [(sneaked, False), (adopted, True)]
    assert found.approval(before).reasons == found.approval(ignored).reasons == ("untrusted-key",)
    m = found.approval(merged)
    assert (m.verified, m.approver, m.approver_email, m.basis, m.platform, m.key) == (
        True,
        "陈静",
        "12345+chenjing@users.noreply.github.com",
        "merger",
        "GitHub",
        gh.fingerprint,
    )
    assert verdict(m) == "已验证签名：陈静（在 GitHub 上合并 PR #4）"
    s = found.approval(squashed)
    assert (s.verified, s.approver, s.basis) == (True, "王五", "pr-author")
    assert verdict(s) == "已验证签名：GitHub 平台签名的压缩合并 PR #5（平台不记录合并人；提交作者 王五 为 PR 作者）"
    assert found.platform == frozenset({"github-web-flow"})


def test_first_program_version_names_platform_keys_as_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with gpg_key() as gh:
        monkeypatch.setitem(platform.PLATFORM_KEYS, "github-web-flow", gh.platform())
        repo = Repo(tmp_path / "repo")
        repo.commit("Initial", {PROGRAM: WEB_FLOW})
        merged = repo.merge(1, {"records/a.yaml": "a: 1\n"}, key=gh, env=GITHUB_MERGE)
        web_edit = repo.commit("Edit on the web (#9)", {"records/b.yaml": "b: 1\n"}, key=gh, env=GITHUB_MERGE)
        found = ledger(repo)
    assert found.root is None and found.approval(merged).verified
    assert found.approval(web_edit).basis == "pr-author"  # a squash title: what git cannot tell from a web edit


def test_expired_platform_key_counts_only_before_it_expired(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like GitHub's 2017 key: expired now (``%G?`` is Y), good for merges signed before."""
    with gpg_key(expires="1y", faked_time="20200101T000000") as old:
        expired = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
        monkeypatch.setitem(platform.PLATFORM_KEYS, "github-web-flow", old.platform(expired=expired))
        repo = Repo(tmp_path / "repo", start=dt.datetime(2020, 2, 1, tzinfo=dt.UTC))
        repo.commit("Initial", {PROGRAM: WEB_FLOW})
        then = repo.merge(1, {"records/a.yaml": "a: 1\n"}, key=old, env=GITHUB_MERGE)
        repo.clock = dt.datetime(2021, 6, 1, tzinfo=dt.UTC)  # signed (with the key's clock faked) after the expiry
        after = repo.merge(2, {"records/a.yaml": "a: 2\n"}, key=old, env=GITHUB_MERGE)
        found = ledger(repo)
    assert found.approval(then).verified
    assert found.approval(after).reasons == ("expired-key",)


def test_an_unknown_commit_is_never_verified() -> None:
    assert Ledger().approval("0" * 40).verified is False


def test_audit_names_lines_of_the_signers_file_that_are_not_keys(tmp_path: Path, keys: dict[str, SshKey]) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    repo = Repo(tmp_path / "repo")
    repo.commit("Initial", {SIGNERS: "# 批准密钥\n" + keys["alice"].line("张三") + "李四 ssh-ed25519 AAAA-not-a-key\n"})
    result = CliRunner().invoke(main, ["audit", "--root", str(repo.root)])
    first = repo.head()[:10]
    assert f".github/allowed_signers（提交 {first}）第 3 行不是有效的密钥行，已忽略。" in result.output
    assert f"    {keys['alice'].fingerprint}  张三" in result.output
