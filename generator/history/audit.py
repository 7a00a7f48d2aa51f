"""The audit: main-line commits that changed records without an approval.

A change is approved when it reached the main line through a pull request (a forge's
merge commit, or a squash title ending ``(#N)``) and, where the programme sets
``policy.require_approvers``, carries an ``Approved-by:`` or ``Reviewed-by:`` trailer on
that main-line commit. Trailers on a branch's own commits do not count: they are the
author's words, not the approver's.

Whether approvers are required is read from ``records/program.yaml`` as it stood just
before and just after each commit; either one requiring them is enough, so the commit
that turns the requirement off needs an approver too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.git.log import Commit, HistoryIndex, build_index
from generator.git.repo import GitRecords
from generator.history.record import Reader

PROGRAM = "records/program.yaml"
REASONS = {
    "no-pr": "未经合并请求（PR）直接进入主线",
    "no-approver": "方案要求审批人（policy.require_approvers），但提交没有 Approved-by 或 Reviewed-by 尾注",
}


@dataclass(frozen=True)
class Unapproved:
    commit: Commit
    reasons: tuple[str, ...]  # keys of REASONS


def audit(index: HistoryIndex, reader: Reader, only: frozenset[str] | None = None) -> list[Unapproved]:
    """Unapproved commits, newest first; ``only`` limits the audit to these commit ids."""
    found = []
    for commit, required in _requirements(index, reader):
        if only is not None and commit.sha not in only:
            continue
        reasons = tuple(r for r, bad in (("no-pr", commit.pr is None), ("no-approver", required and not commit.approvers)) if bad)
        if reasons:
            found.append(Unapproved(commit, reasons))
    return list(reversed(found))


def run_audit(src: GitRecords, since: str | None = None) -> tuple[list[Unapproved], int]:
    """``jiebang audit``: unapproved commits (after ``since``, a revision or date) and
    how many commits were audited."""
    index = build_index(src)
    only = None
    if since is not None:
        start = src.resolve(since)
        only = frozenset(src.repo.git.rev_list("--first-parent", f"{start.hexsha}..{index.head}").split())
    audited = sum(1 for c in index.commits if only is None or c.sha in only)
    return audit(index, Reader(src), only), audited


def _requirements(index: HistoryIndex, reader: Reader) -> Iterator[tuple[Commit, bool]]:
    """Each commit, oldest first, and whether the programme required approvers for it."""
    required = False
    for commit in reversed(index.commits):
        before = required
        for change in commit.changes:
            if change.path == PROGRAM:
                required = _requires(reader.data(PROGRAM, change.new_blob), before)
        yield commit, before or required


def _requires(program: object, previous: bool) -> bool:
    """``policy.require_approvers`` of one program.yaml version; a broken version keeps
    the previous setting (a typo must not switch the requirement off)."""
    if not isinstance(program, dict):
        return previous
    policy = program.get("policy")
    if not isinstance(policy, dict):
        return previous
    return policy.get("require_approvers") is True
