"""Writing a repository's history: commits and signed pull-request merges at given dates.

``jiebang demo`` replays a programme's life as the main line a forge would leave: each
pull request one commit on a branch, merged into ``main`` by a merge commit titled
``Merge pull request #N from …`` and signed with an SSH key. Commits are made with git's
plumbing (``write-tree``, ``commit-tree``) so that no branch is ever checked out; the
work tree and index always hold the last commit, which ``finish`` makes ``main``.

Git runs with no user or system configuration (a user's ``commit.gpgsign`` or hooks play
no part); author, committer and dates are given for every commit.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import CannotRun


@dataclass(frozen=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True)
class SigningKey:
    """An SSH key that signs commits: its private key file and its public key."""

    path: Path
    public: str  # "ssh-ed25519 AAAA…"

    def signers_line(self, principals: str) -> str:
        """Its line in ``.github/allowed_signers``."""
        return f'{principals} namespaces="git" {self.public}'


def make_key(folder: Path, name: str) -> SigningKey:
    """A new passphrase-less ed25519 key ``folder/name``."""
    if shutil.which("ssh-keygen") is None:
        raise CannotRun("找不到 ssh-keygen：生成演示仓库需要它为合并签名。请安装 OpenSSH 客户端后重试。")
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True, capture_output=True)
    return SigningKey(path, " ".join(path.with_suffix(".pub").read_text(encoding="ascii").split()[:2]))


@dataclass(frozen=True)
class PullRequest:
    """One pull request: a branch commit by ``author`` and its merge by ``merger``."""

    number: int
    branch: str  # e.g. kjj/argument-L-2024-001
    message: str  # the branch commit's message
    description: str  # title and description: the merge commit's message after its first line
    author: Person
    merger: Person
    key: SigningKey
    when: dt.datetime  # the merge; the branch commit is half an hour earlier


class Writer:
    """A new repository at ``root`` whose history is written commit by commit."""

    def __init__(self, root: Path) -> None:
        if shutil.which("git") is None:
            raise CannotRun("找不到 git：请安装 git 后重试。")
        self.root = root
        self.head: str | None = None
        self._git("init", "-q", "-b", "main")

    def write(self, files: Mapping[str, str]) -> None:
        """Put files into the work tree and the index."""
        for rel, text in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if files:
            self._git("add", "--", *sorted(files))

    def commit(self, files: Mapping[str, str], message: str, who: Person, when: dt.datetime, key: SigningKey | None = None) -> str:
        """A commit on ``main`` (signed when ``key`` is given)."""
        self.write(files)
        return self._advance(self._commit_tree(self._tree(), message, who, when, key, self._parents()))

    def merge(self, pr: PullRequest, files: Mapping[str, str]) -> str:
        """Pull request ``pr`` carrying ``files``: its branch commit, then the signed merge
        (whose tree is the branch's: ``main`` had not moved since the branch was made)."""
        self.write(files)
        tree, parents = self._tree(), self._parents()
        branch = self._commit_tree(tree, pr.message, pr.author, pr.when - dt.timedelta(minutes=30), None, parents)
        title = f"Merge pull request #{pr.number} from {pr.branch}\n\n{pr.description}"
        return self._advance(self._commit_tree(tree, title, pr.merger, pr.when, pr.key, [*parents, branch]))

    def finish(self) -> None:
        """Point ``main`` at the last commit (the work tree and index already hold it)."""
        if self.head:
            self._git("update-ref", "refs/heads/main", self.head)

    def _parents(self) -> list[str]:
        return [self.head] if self.head else []

    def _tree(self) -> str:
        return self._git("write-tree").strip()

    def _commit_tree(self, tree: str, message: str, who: Person, when: dt.datetime, key: SigningKey | None, parents: list[str]) -> str:
        args = [arg for p in parents for arg in ("-p", p)]
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key.path}"] if key else []
        stamp = when.isoformat()
        people = {
            "GIT_AUTHOR_NAME": who.name,
            "GIT_AUTHOR_EMAIL": who.email,
            "GIT_COMMITTER_NAME": who.name,
            "GIT_COMMITTER_EMAIL": who.email,
        }
        env = {**people, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        return self._git(*signing, "commit-tree", tree, *args, *(["-S"] if key else []), "-F", "-", stdin=message, env=env).strip()

    def _advance(self, sha: str) -> str:
        self.head = sha
        return sha

    def _git(self, *args: str, stdin: str | None = None, env: Mapping[str, str] | None = None) -> str:
        isolated = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C", **(env or {})}
        proc = subprocess.run(["git", *args], cwd=self.root, input=stdin, env=isolated, capture_output=True, text=True, encoding="utf-8")
        if proc.returncode:
            command = next((a for a in args if not a.startswith("-") and "=" not in a), "")
            raise CannotRun(f"git {command} 失败：{proc.stderr.strip()}")
        return proc.stdout
