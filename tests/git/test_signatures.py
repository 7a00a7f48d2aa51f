"""Signatures on the main line (one git log pass), the allowed-signers format, platform keys."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import get_args

import pytest

from generator.git.allowed_signers import parse
from generator.git.platform import PLATFORM_KEYS
from generator.git.repo import GitRecords
from generator.git.signatures import SIGNERS_FILE, main_line_signatures
from generator.models.program import PlatformKeyName
from tests.signing import GITHUB_MERGE, SIGNERS, Repo, gpg_key, ssh_key

UTC = dt.UTC


def signatures(repo: Repo, keys=()):  # type: ignore[no-untyped-def]
    src = GitRecords(repo.root)
    return {c.sha: c for c in main_line_signatures(src, repo.head(), keys)}


def test_status_and_fingerprint_of_each_main_line_commit(tmp_path: Path) -> None:
    alice = ssh_key(tmp_path / "keys", "alice")
    repo = Repo(tmp_path / "repo")
    root = repo.commit("Initial", {SIGNERS: alice.line("张三"), "records/a.yaml": "a: 1\n"})
    merged = repo.merge(1, {"records/b.yaml": "b: 1\n"}, key=alice)
    found = signatures(repo)
    assert list(found) == [merged, root]  # newest first; the branch's own commit is not on the main line
    assert (found[root].status, found[root].fingerprint, found[root].signers_changed) == ("N", None, True)
    # an empty allowed-signers file: git checks the signature and names the key, trust is ours
    ssh = subprocess.run(["ssh-keygen", "-lf", f"{alice.path}.pub"], capture_output=True, text=True, check=True).stdout.split()[1]
    assert (found[merged].status, found[merged].fingerprint, found[merged].ssh) == ("U", ssh, True)
    assert alice.fingerprint == ssh
    assert (found[merged].pr, found[merged].signers_changed, found[merged].signers_blob) == (1, False, None)
    blob = repo.git("rev-parse", f"{root}:{SIGNERS}")
    assert found[root].signers_blob == blob


def test_a_tampered_commit_is_bad_and_names_no_key(tmp_path: Path) -> None:
    alice = ssh_key(tmp_path / "keys", "alice")
    repo = Repo(tmp_path / "repo")
    repo.commit("Initial", {SIGNERS: alice.line("张三")})
    signed = repo.merge(40, {"records/a.yaml": "a: 1\n"}, key=alice)
    raw = repo.git("cat-file", "commit", signed) + "\n"
    forged = _hash(repo, raw.replace("#40", "#41"))
    repo.git("update-ref", "refs/heads/main", forged)
    c = signatures(repo)[forged]
    assert (c.pr, c.status, c.fingerprint) == (41, "B", None)


def _hash(repo: Repo, raw: str) -> str:
    return subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--stdin"], cwd=repo.root, input=raw, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_repository_config_cannot_redirect_verification(tmp_path: Path) -> None:
    alice = ssh_key(tmp_path / "keys", "alice")
    repo = Repo(tmp_path / "repo")
    repo.commit("Initial", {SIGNERS: alice.line("张三")})
    merged = repo.merge(1, {"records/a.yaml": "a: 1\n"}, key=alice)
    for key, value in (
        ("gpg.ssh.program", "false"),
        ("gpg.program", "false"),
        ("gpg.ssh.allowedSignersFile", "/nonexistent"),
        ("log.showSignature", "true"),
    ):
        repo.git("config", key, value)
    assert signatures(repo)[merged].status == "U"


def test_openpgp_signature_by_a_platform_key_in_a_temporary_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with gpg_key() as key:
        repo = Repo(tmp_path / "repo")
        repo.commit("Initial", {"records/a.yaml": "a: 1\n"})
        merged = repo.merge(50, {"records/b.yaml": "b: 1\n"}, key=key, env=GITHUB_MERGE)
        monkeypatch.setattr(tempfile, "tempdir", str(scratch))
        monkeypatch.setenv("GNUPGHOME", key.home)  # the user's keyring holds the key: it must not count
        without = signatures(repo)[merged]
        found = signatures(repo, [key.platform()])[merged]
    assert (without.status, without.fingerprint) == ("E", None)  # only the named platform keys are in the keyring
    assert (found.status, found.fingerprint, found.ssh) == ("G", key.fingerprint, False)
    assert (found.author, found.email, found.committer) == ("陈静", "12345+chenjing@users.noreply.github.com", "GitHub")
    assert list(scratch.iterdir()) == []  # the allowed-signers file and the GnuPG home are gone


def test_a_missing_ssh_keygen_is_a_message_not_a_silent_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.errors import CannotRun

    repo = Repo(tmp_path / "repo")
    repo.commit("Initial", {"records/a.yaml": "a: 1\n"})
    bare = tmp_path / "bin"  # git, and no ssh-keygen
    bare.mkdir()
    (bare / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setenv("PATH", str(bare))
    with pytest.raises(CannotRun, match="找不到 ssh-keygen"):
        main_line_signatures(GitRecords(repo.root), repo.head(), ())


def test_allowed_signers_format() -> None:
    text = (
        "# 区科技局的批准密钥\n"
        '"张三,zhang@kjj.example" namespaces="git,file",valid-after="20240101" ssh-ed25519 '
        "AAAAC3NzaC1lZDI1NTE5AAAAIKyzTK7pVP3daBqt3csludP15zyIBcTL25JqGYgnRzl/ 张三的笔记本\n"
        "\n"
        "李四 ssh-ed25519 not-base64\n"
        "王五 cert-authority ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKyzTK7pVP3daBqt3csludP15zyIBcTL25JqGYgnRzl/\n"
        "赵六 ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIKyzTK7pVP3daBqt3csludP15zyIBcTL25JqGYgnRzl/\n"  # an ed25519 key called rsa
        '孙七 namespaces="file" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKyzTK7pVP3daBqt3csludP15zyIBcTL25JqGYgnRzl/\n'
        '钱八 valid-before="20250101Z" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKyzTK7pVP3daBqt3csludP15zyIBcTL25JqGYgnRzl/\n'
        "周九 nonsense ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKyzTK7pVP3daBqt3csludP15zyIBcTL25JqGYgnRzl/\n"
    )
    found = parse(text)
    assert found.invalid_lines == (4, 6, 9)
    zhang, wang, sun, qian = found.keys
    assert (zhang.line, zhang.principals, zhang.principal) == (2, ("张三", "zhang@kjj.example"), "张三")
    assert zhang.fingerprint == "SHA256:187iTiUNnGG/OCFfAG+4wy37COW7tYTHusirU8CfC4Q"
    assert zhang.namespaces == ("git", "file")
    after = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert zhang.valid_after == after
    assert zhang.signs_commit(after) and not zhang.signs_commit(after - dt.timedelta(seconds=1))
    assert wang.cert_authority and not wang.signs_commit(after)  # certificates are not verified: trusts nothing
    assert not sun.signs_commit(after)  # may not sign in the git namespace
    assert qian.signs_commit(dt.datetime(2025, 1, 1, tzinfo=UTC)) and not qian.signs_commit(dt.datetime(2025, 1, 1, 0, 0, 1, tzinfo=UTC))
    assert list(found.by_fingerprint().values()) == [zhang]  # the first line of a key is the one git takes


def test_the_shipped_github_web_flow_keys() -> None:
    assert set(PLATFORM_KEYS) == set(get_args(PlatformKeyName))  # every name program.yaml accepts has its key
    key = PLATFORM_KEYS["github-web-flow"]
    home = tempfile.mkdtemp(prefix="jbt-")
    try:
        out = subprocess.run(
            ["gpg", "--batch", "--with-colons", "--show-keys"],
            input=key.armored(),
            env={**os.environ, "GNUPGHOME": home},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        subprocess.run(["gpgconf", "--kill", "all"], env={**os.environ, "GNUPGHOME": home}, check=False, capture_output=True)
        subprocess.run(["rm", "-rf", home], check=False)
    primaries, expiry = [], {}
    lines = out.splitlines()
    for i, line in enumerate(lines):
        fields = line.split(":")
        if fields[0] == "pub":
            fpr = lines[i + 1].split(":")[9]
            primaries.append(fpr)
            if fields[6]:
                expiry[fpr] = dt.datetime.fromtimestamp(int(fields[6]), UTC)
    assert tuple(primaries) == key.fingerprints == ("968479A1AFF927E37D1A566BB5690EEEBB952194", "5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23")
    assert expiry == key.expired == {"5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23": dt.datetime(2024, 1, 16, 20, 0, tzinfo=UTC)}
    old = "5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23"
    assert key.accepts(old, "Y", dt.datetime(2023, 12, 1, tzinfo=UTC))  # a merge GitHub signed before the rotation
    assert not key.accepts(old, "Y", dt.datetime(2024, 2, 1, tzinfo=UTC))
    assert key.accepts(key.fingerprints[0], "G", dt.datetime(2025, 1, 1, tzinfo=UTC))
    assert not key.accepts(key.fingerprints[0], "B", dt.datetime(2025, 1, 1, tzinfo=UTC))
    assert SIGNERS_FILE == ".github/allowed_signers"
