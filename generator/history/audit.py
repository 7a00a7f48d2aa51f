"""The audit: is every main-line change to records/ a verified approval?

A change is approved when the ledger (``history/approvals.py``) verifies the commit that
brought it to the main line: a pull request's merge or squash signed by a key trusted
for approvals at that point. Where the programme sets ``policy.require_approvers``, a
verified approval must also name its reviewers in an ``Approved-by:`` or ``Reviewed-by:``
trailer of that main-line commit (trailers name people; they prove nothing).

Whether reviewers are required is read from ``records/program.yaml`` as it stood just
before and just after each commit; either one requiring them is enough, so the commit
that turns the requirement off needs them too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.git.log import Commit, HistoryIndex, build_index
from generator.git.repo import GitRecords
from generator.history.approvals import PROGRAM, Approval, Ledger, SignersChange, read_ledger
from generator.history.record import Reader


@dataclass(frozen=True)
class Audited:
    """One main-line commit that changed records, and why it is not approved (if it is not)."""

    commit: Commit
    approval: Approval
    reasons: tuple[str, ...]  # keys of approvals.REASONS; empty when approved

    @property
    def approved(self) -> bool:
        return not self.reasons


Unapproved = Audited  # an Audited whose reasons are not empty


@dataclass(frozen=True)
class AuditReport:
    commits: tuple[Audited, ...]  # newest first
    ledger: Ledger
    signers_changes: tuple[SignersChange, ...]  # changes to .github/allowed_signers in the audited range, oldest first

    @property
    def unapproved(self) -> tuple[Audited, ...]:
        return tuple(a for a in self.commits if not a.approved)

    @property
    def untrusted(self) -> tuple[SignersChange, ...]:
        return tuple(c for c in self.signers_changes if not c.trusted)

    @property
    def clean(self) -> bool:
        """Every change verified, and no untrusted change to the signers file."""
        return not self.unapproved and not self.untrusted


def audit(index: HistoryIndex, reader: Reader, only: frozenset[str] | None = None, ledger: Ledger | None = None) -> list[Audited]:
    """Unapproved commits, newest first; ``only`` limits the audit to these commit ids."""
    return [a for a in audited(index, reader, only, ledger) if not a.approved]


def audited(index: HistoryIndex, reader: Reader, only: frozenset[str] | None = None, ledger: Ledger | None = None) -> list[Audited]:
    """Every commit that changed records (or those in ``only``), newest first."""
    ledger = ledger if ledger is not None else read_ledger(reader.src, index, reader.data)
    found = []
    for commit, required in _requirements(index, reader):
        if only is not None and commit.sha not in only:
            continue
        approval = ledger.approval(commit.sha)
        missing = ("no-approver",) if required and not commit.approvers else ()
        found.append(Audited(commit, approval, approval.reasons + missing))
    return list(reversed(found))


def run_audit(src: GitRecords, since: str | None = None) -> AuditReport:
    """``jiebang audit``: every commit that changed records (after ``since``, a revision or
    date), and the changes to the signers file in that range."""
    index = build_index(src)
    only = None
    if since is not None:
        start = src.resolve(since)
        only = frozenset(src.first_parents(start.hexsha, index.head))
    reader = Reader(src)
    ledger = read_ledger(src, index, reader.data)
    changes = tuple(c for c in ledger.signers_changes if only is None or c.commit.sha in only)
    return AuditReport(tuple(audited(index, reader, only, ledger)), ledger, changes)


def _requirements(index: HistoryIndex, reader: Reader) -> Iterator[tuple[Commit, bool]]:
    """Each commit, oldest first, and whether the programme required named reviewers for it."""
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
