"""The ledger of approvals: which main-line commits are verified approvals, and by whom (SPEC §7).

A change reaches the main line approved only when the commit that brought it is a pull
request's merge (``Merge pull request #N from …``; Gitea and Forgejo alike) or squash
(``… (#N)``) **signed** by a key trusted for approvals at that point:

- an SSH key of ``.github/allowed_signers``, as the chain of its trusted versions stood
  before the commit; the approver is the key's principal;
- a platform key (``generator/git/platform.py``) that ``program.yaml`` names in
  ``approvals.platform_keys``, as the chain of its trusted versions stood before the
  commit; the approver is the account that merged (the commit's author). For a squash
  merge the platform does not record who merged: the author is the PR's author.

The signers file's chain: its first version on the main line is trusted as found (the
trust root, shown with its fingerprints); every later version only when the commit that
brings it is signed by a key trusted before it. An untrusted change is ignored (the
trusted keys stay) and reported. A trusted deletion leaves no key; a file created again
afterwards is not a first version, so it is never trusted.

``program.yaml``'s ``approvals``: its first version is trusted as found; a later change
of the platform keys counts only when the commit that brings it is a verified approval.

The same PR number twice on the main line is an error: the later commit is not
verified. ``Approved-by:`` / ``Reviewed-by:`` trailers prove nothing: they are shown as
the reviewers the approver named.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, get_args

from generator.git.allowed_signers import AllowedSigners, SignerKey, parse
from generator.git.log import HistoryIndex
from generator.git.platform import PLATFORM_KEYS, PlatformKey, platform_key
from generator.git.repo import GitRecords
from generator.git.signatures import SignedCommit, main_line_signatures
from generator.models.program import PlatformKeyName

PROGRAM = "records/program.yaml"
REASONS = {
    "no-pr": "未经合并请求（PR）直接进入主线",
    "unsigned": "没有签名",
    "bad-signature": "签名无效（提交内容与签名不符）",
    "untrusted-key": "签名密钥不受信任（不在当时受信任的 .github/allowed_signers 中，也不是方案列出的平台密钥）",
    "cannot-check": "无法核验签名（签名所用的密钥不在核验用的密钥中）",
    "expired-key": "签名密钥在提交时已过期",
    "expired-signature": "签名已过期",
    "revoked-key": "签名密钥已吊销",
    "duplicate-pr": "PR 编号在主线上重复出现",
    "no-approver": "方案要求列出审核人，但提交没有 Approved-by 或 Reviewed-by 尾注",
}
_STATUS_REASONS = {"N": "unsigned", "B": "bad-signature", "E": "cannot-check", "X": "expired-signature", "R": "revoked-key"}
SIGNERS_OUTCOMES = {
    "first": "首个版本，按原样信任（信任根）",
    "signed": "由此前受信任的密钥签名，已采用",
    "untrusted": "未经此前受信任的密钥签名，已忽略（仍沿用此前受信任的密钥）",
}


@dataclass(frozen=True)
class Approval:
    """What the ledger says of one main-line commit."""

    sha: str
    pr: int | None
    merge: bool  # a merge commit (else a squash, or no PR at all)
    reasons: tuple[str, ...]  # keys of REASONS; empty: a verified approval
    fingerprint: str | None = None  # the signing key's fingerprint, trusted or not
    signer: str | None = None  # whose trusted key signed: a principal, or a platform key's name
    key: str | None = None  # the fingerprint of that trusted key
    platform: str | None = None  # the platform, for a platform-signed commit
    approver: str | None = None  # the principal, or the merging account's name
    approver_email: str | None = None  # the merging account's e-mail, as the platform wrote it
    basis: str | None = None  # signer | merger | pr-author (a platform squash: the merger is not recorded)
    duplicate_of: str | None = None  # the earlier commit with the same PR number

    @property
    def verified(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class SignersChange:
    """A main-line commit that changed ``.github/allowed_signers``, and what became of it."""

    commit: SignedCommit
    outcome: str  # first | signed | untrusted (SIGNERS_OUTCOMES)
    version: AllowedSigners  # the file as that commit left it (no key once deleted)
    deleted: bool = False

    @property
    def trusted(self) -> bool:
        return self.outcome != "untrusted"


@dataclass(frozen=True)
class PlatformChange:
    """A change of ``approvals.platform_keys`` in ``program.yaml`` and whether it counted."""

    sha: str
    names: frozenset[str]
    adopted: bool


@dataclass
class Ledger:
    approvals: dict[str, Approval] = field(default_factory=dict)  # every main-line commit
    signers_changes: list[SignersChange] = field(default_factory=list)  # oldest first
    platform_changes: list[PlatformChange] = field(default_factory=list)  # oldest first
    duplicates: dict[int, tuple[str, ...]] = field(default_factory=dict)  # PR → its commits, oldest first
    signers: dict[str, SignerKey] = field(default_factory=dict)  # trusted at the head: fingerprint → key
    platform: frozenset[str] = frozenset()  # platform keys in force at the head

    def approval(self, sha: str) -> Approval:
        """The commit's approval; a commit the ledger does not know is never verified."""
        return self.approvals.get(sha) or Approval(sha, None, False, ("unsigned",))

    @property
    def root(self) -> SignersChange | None:
        """The trust root: the signers file's first version."""
        return next((c for c in self.signers_changes if c.outcome == "first"), None)

    @property
    def untrusted(self) -> list[SignersChange]:
        return [c for c in self.signers_changes if not c.trusted]

    def duplicated(self, sha: str) -> bool:
        """Whether the commit's PR number occurs more than once on the main line."""
        a = self.approvals.get(sha)
        return a is not None and a.pr is not None and a.pr in self.duplicates

    def platform_keys(self) -> list[PlatformKey]:
        return [PLATFORM_KEYS[n] for n in sorted(self.platform)]


def read_ledger(src: GitRecords, index: HistoryIndex, read: Callable[[str, str | None], Any]) -> Ledger:
    """The ledger of ``index``'s main line. ``read(path, blob)`` gives a record file's data
    (``Reader.data``): the versions of ``program.yaml`` say which platform keys count."""
    programs = {v.commit.sha: _platform_names(read(v.path, v.blob)) for v in index.records.get("program", []) if v.path == PROGRAM}
    named = frozenset().union(*(n for n in programs.values() if n is not None))
    commits = list(reversed(main_line_signatures(src, index.head, (PLATFORM_KEYS[n] for n in sorted(named)))))
    texts = src.read_many(c.signers_blob for c in commits if c.signers_blob)
    walk = _Walk({blob: parse(raw.decode("utf-8", "replace")) for blob, raw in texts.items()})
    for commit in commits:
        approval = walk.step(commit)
        if commit.sha in programs:
            walk.platform(commit.sha, programs[commit.sha], approval)
    return walk.ledger


class _Walk:
    """The main line oldest first, carrying the keys trusted before each commit."""

    def __init__(self, versions: dict[str, AllowedSigners]) -> None:
        self.versions = versions
        self.ledger = Ledger()
        self.seen_signers = False
        self.seen_program = False
        self.by_pr: dict[int, list[str]] = {}

    def step(self, commit: SignedCommit) -> Approval:
        """Judge the commit by the keys trusted before it, then take in its signers file."""
        ledger = self.ledger
        approval = _judge(commit, ledger.signers, ledger.platform)
        pr = approval.pr
        if pr is not None:
            earlier = self.by_pr.setdefault(pr, [])
            if earlier:
                approval = replace(approval, reasons=(*approval.reasons, "duplicate-pr"), duplicate_of=earlier[0])
                ledger.duplicates[pr] = (*earlier, commit.sha)
            earlier.append(commit.sha)
        ledger.approvals[commit.sha] = approval
        if commit.signers_changed:
            self._signers(commit, approval)
        return approval

    def _signers(self, commit: SignedCommit, approval: Approval) -> None:
        version = self.versions.get(commit.signers_blob or "", AllowedSigners(()))
        deleted = commit.signers_blob is None
        if not self.seen_signers and not deleted:
            outcome = "first"
        elif approval.platform is None and approval.key is not None and approval.key in self.ledger.signers:
            outcome = "signed"  # a key trusted in the previous trusted version signed it
        else:
            outcome = "untrusted"
        if outcome != "untrusted":
            self.ledger.signers = version.by_fingerprint()
        self.seen_signers = True
        self.ledger.signers_changes.append(SignersChange(commit, outcome, version, deleted))

    def platform(self, sha: str, names: frozenset[str] | None, approval: Approval) -> None:
        """Take in a version of program.yaml's platform keys (None: it could not be read)."""
        first, self.seen_program = not self.seen_program, True
        if names is None or (not first and names == self.ledger.platform):
            return  # unreadable (the previous setting stays), or unchanged
        adopted = first or approval.verified
        if adopted:
            self.ledger.platform = names
        self.ledger.platform_changes.append(PlatformChange(sha, names, adopted))


def _judge(commit: SignedCommit, signers: dict[str, SignerKey], platform: frozenset[str]) -> Approval:
    pr = commit.pr
    base = Approval(commit.sha, pr, len(commit.parents) > 1, (), fingerprint=commit.fingerprint)
    problems = ("no-pr",) if pr is None else ()
    if commit.status in _STATUS_REASONS:
        return replace(base, reasons=(*problems, _STATUS_REASONS[commit.status]))
    fp = commit.fingerprint or ""
    key = signers.get(fp) if commit.ssh and commit.status in "GU" else None
    if key is not None and key.signs_commit(commit.committed):
        return replace(base, reasons=problems, signer=key.principal, key=fp, approver=key.principal, basis="signer")
    pk = None if commit.ssh else platform_key(fp, platform)
    if pk is not None and pk.accepts(fp, commit.status, commit.committed):
        basis = "merger" if base.merge or pr is None else "pr-author"
        return replace(
            base,
            reasons=problems,
            signer=pk.name,
            key=fp,
            platform=pk.platform,
            approver=commit.author,
            approver_email=commit.email,
            basis=basis,
        )
    return replace(base, reasons=(*problems, "expired-key" if commit.status == "Y" and pk is not None else "untrusted-key"))


def _platform_names(program: Any) -> frozenset[str] | None:
    """``approvals.platform_keys`` of one ``program.yaml`` version: none when ``approvals``
    is absent; None (keep the previous setting) when it cannot be read."""
    if not isinstance(program, dict):
        return None
    approvals = program.get("approvals", {})
    keys = approvals.get("platform_keys", []) if isinstance(approvals, dict) else None
    if not isinstance(keys, list):
        return None
    known = set(get_args(PlatformKeyName))
    return frozenset(k for k in keys if isinstance(k, str) and k in known)


def verdict(a: Approval, name: Callable[[str], str] = str, pr: bool = True) -> str:
    """``已验证签名：张三（合并 PR #12）`` or ``未经验证的批准（PR #5）：没有签名``. ``name``
    turns an approver into the name shown; ``pr=False`` leaves the PR number to the caller."""
    number = f" PR #{a.pr}" if pr and a.pr is not None else ""
    if not a.verified:
        problems = "；".join(REASONS[r] for r in a.reasons)
        head = "未经批准" if a.pr is None else f"未经验证的批准（PR #{a.pr}）" if pr else "未经验证的批准"
        return f"{head}：{problems}"
    who = name(a.approver or "")
    if a.basis == "signer":
        return f"已验证签名：{who}（{'合并' if a.merge else '压缩合并'}{number}）"
    if a.basis == "merger":
        return f"已验证签名：{who}（在 {a.platform} 上合并{number}）"
    return f"已验证签名：{a.platform} 平台签名的压缩合并{number}（平台不记录合并人；提交作者 {who} 为 PR 作者）"


def signer_lines(keys: Iterable[SignerKey], name: Callable[[str], str] = str) -> list[str]:
    """``SHA256:…  张三`` for each key."""
    return [f"{k.fingerprint}  {name(k.principal)}" for k in keys]
