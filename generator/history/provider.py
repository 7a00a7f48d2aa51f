"""History as page data: what the portal's 历史 sections and 决策记录 page print.

Plain values only (dates, numbers, text, links built from ``program.portal.repo_url``),
so templates need no knowledge of git. Approvers are shown by name: the e-mail part of
a trailer (``张三 <zhang@example.org>``) is personal data and stays in the repository.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.dates import SHANGHAI
from generator.git.allowed_signers import SignerKey
from generator.git.log import Commit, Override
from generator.git.repo import DATE, GitRecords
from generator.history.approvals import REASONS, Ledger, verdict
from generator.history.diff import FieldChange
from generator.history.labels import field_info, field_label, public_name, value_text
from generator.history.public import LogEntry, PortalHistory, PublicHistory, PublicVersion, portal_history
from generator.models import KINDS
from generator.public.leaks import Secrets
from generator.public.view import PublicView
from generator.records.tree import Loaded, load_at
from generator.urls import web_address

ACTION_LABELS = {"created": "新建", "changed": "修改", "renamed": "移动", "deleted": "删除", "disclosed": "公开"}


@dataclass(frozen=True)
class Change:
    field: str  # the field path, e.g. funding.subsidy_cny
    label: str  # its Chinese name, e.g. 资助强度 › 财政资助强度（元）
    op: str  # added | removed | changed
    before: str | None  # None: the field (or list item) did not exist
    after: str | None


@dataclass(frozen=True)
class Decision:
    """One main-line commit as the public sees it."""

    date: dt.date
    commit: str  # short id
    commit_url: str | None
    pr: int | None
    pr_url: str | None
    verified: bool  # a PR merge signed by a key trusted for approvals
    verdict: str  # 已验证签名：张三（合并）, or what the signature lacks
    reviewers: tuple[str, ...]  # named in Approved-by/Reviewed-by trailers: words, not proof
    overrides: tuple[Override, ...]
    problems: tuple[str, ...]  # why it is not approved; empty when it is
    pr_repeated: bool = False  # a later main-line commit carries the same PR number (an error there)

    @property
    def approved(self) -> bool:
        return not self.problems

    @property
    def reviewers_label(self) -> str:
        return "批准人列出的审核人" if self.verified else "提交说明自称的审核人（未经验证）"

    @property
    def problem_text(self) -> str:
        head = "未经验证的批准" if self.pr is not None and not self.verified else "未经批准"
        return f"{head}：{'；'.join(self.problems)}"


@dataclass(frozen=True)
class VersionView:
    decision: Decision
    action: str  # Chinese label
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class RecordHistoryView:
    """The 历史 section of one record page; ``note`` alone when history is unavailable."""

    versions: tuple[VersionView, ...] = ()
    timeline: tuple[tuple[dt.date, str, Decision], ...] = ()  # (date, status code, decision), oldest first
    note: str | None = None


@dataclass(frozen=True)
class LogRecordView:
    id: str
    kind: str
    action: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class LogEntryView:
    decision: Decision
    records: tuple[LogRecordView, ...]
    hidden: int  # records changed that are not public: counted only


@dataclass(frozen=True)
class KeyView:
    name: str  # whom the key signs for, as the public may read it
    fingerprint: str
    expired: dt.date | None = None  # a platform key that expired: only earlier merges count


@dataclass(frozen=True)
class TrustView:
    """What the approvals rest on: the 决策记录 page's 批准的核验 section."""

    root_date: dt.date | None = None  # the trust root: the signers file's first version
    root_commit: str | None = None
    root_commit_url: str | None = None
    root_keys: tuple[KeyView, ...] = ()
    keys: tuple[KeyView, ...] = ()  # trusted now, when they differ from the root's
    platform: tuple[tuple[str, tuple[KeyView, ...]], ...] = ()  # (platform key, its fingerprints)
    ignored: tuple[tuple[dt.date, str, str | None], ...] = ()  # untrusted changes: (date, commit, url)


@dataclass(frozen=True)
class DecisionLogView:
    entries: tuple[LogEntryView, ...] = ()  # newest first
    note: str | None = None
    trust: TrustView | None = None

    @property
    def unapproved(self) -> tuple[LogEntryView, ...]:
        return tuple(e for e in self.entries if not e.decision.approved)


class HistoryProviders:
    """The portal's two history providers over one build's history."""

    def __init__(self, found: PortalHistory, repo_url: str | None) -> None:
        self.found = found
        address = web_address(repo_url) if repo_url else None  # the portal's one link policy
        self.base = address.rstrip("/") if address else None
        self._decisions: dict[str, Decision] = {}
        self._reasons = {e.commit.sha: e.reasons for e in found.log}
        self.ledger = found.ledger or Ledger()

    def history(self, record_id: str) -> RecordHistoryView | None:
        if self.found.note:
            return RecordHistoryView(note=self.found.note)
        h = self.found.for_record(record_id)
        return self._record(h) if h is not None else None

    def decisions(self, public: frozenset[str]) -> DecisionLogView:
        if self.found.note:
            return DecisionLogView(note=self.found.note)
        return DecisionLogView(tuple(self._entry(e, public) for e in self.found.log), trust=self._trust())

    def decision(self, commit: Commit) -> Decision:
        if commit.sha not in self._decisions:
            reasons = self._reasons.get(commit.sha, ())
            approval = self.ledger.approval(commit.sha)
            self._decisions[commit.sha] = Decision(
                date=commit.day,
                commit=commit.sha[:10],
                commit_url=self._commit_url(commit.sha),
                pr=commit.pr,
                pr_url=f"{self.base}/pull/{commit.pr}" if self.base and commit.pr is not None else None,
                verified=approval.verified,
                verdict=verdict(approval, public_name, pr=False),
                reviewers=tuple(public_name(a) for a in commit.approvers),
                overrides=tuple(self.found.redactor.fields_of(o) for o in commit.overrides),  # reasons cleaned like any value
                problems=tuple(REASONS[r] for r in reasons),
                pr_repeated=self.ledger.duplicated(commit.sha) and approval.duplicate_of is None,
            )
        return self._decisions[commit.sha]

    def _commit_url(self, sha: str) -> str | None:
        return f"{self.base}/commit/{sha}" if self.base else None

    def _trust(self) -> TrustView:
        ledger, root = self.ledger, self.ledger.root

        def keys(found: Iterable[SignerKey]) -> tuple[KeyView, ...]:
            return tuple(KeyView(public_name(k.principal), k.fingerprint) for k in found)

        root_keys = keys(root.version.keys) if root else ()
        now = keys(ledger.signers.values())
        platform = tuple(
            (
                f"{k.platform} 网页合并签名密钥（{k.name}）",
                tuple(
                    KeyView(k.platform, fp, k.expired[fp].astimezone(SHANGHAI).date() if fp in k.expired else None) for fp in k.fingerprints
                ),
            )
            for k in ledger.platform_keys()
        )
        ignored = tuple(
            (c.commit.committed.astimezone(SHANGHAI).date(), c.commit.sha[:10], self._commit_url(c.commit.sha)) for c in ledger.untrusted
        )
        if root is None:
            return TrustView(keys=now, platform=platform, ignored=ignored)
        return TrustView(
            root.commit.committed.astimezone(SHANGHAI).date(),
            root.commit.sha[:10],
            self._commit_url(root.commit.sha),
            root_keys,
            () if set(now) == set(root_keys) else now,
            platform,
            ignored,
        )

    def _record(self, h: PublicHistory) -> RecordHistoryView:
        def view(v: PublicVersion) -> VersionView:
            return VersionView(self.decision(v.commit), ACTION_LABELS[v.action], _changes(h.kind, v.changes))

        timeline = tuple((s.commit.day, s.status, self.decision(s.commit)) for s in h.timeline)
        return RecordHistoryView(tuple(view(v) for v in h.versions), timeline)

    def _entry(self, e: LogEntry, public: frozenset[str]) -> LogEntryView:
        shown = tuple(  # the programme has no page of its own, but its changes are public
            LogRecordView(r.id, r.kind, ACTION_LABELS[r.action], _changes(r.kind, r.changes))
            for r in e.records
            if r.id in public or r.kind == "program"
        )
        return LogEntryView(self.decision(e.commit), shown, e.hidden + len(e.records) - len(shown))


def _changes(kind: str, changes: tuple[FieldChange, ...]) -> tuple[Change, ...]:
    """The changes in Chinese; ``status`` keeps its code, which the templates name in the portal's words."""
    model = KINDS[kind].model if kind in KINDS else None

    def text(value: Any, path: str) -> str:
        return str(value) if path == "status" and isinstance(value, str) else value_text(value, field_info(model, path))

    return tuple(
        Change(
            c.path,
            field_label(model, c.path),
            c.op,
            None if c.op == "added" else text(c.old, c.path),
            None if c.op == "removed" else text(c.new, c.path),
        )
        for c in changes
    )


def records_as_of(src: GitRecords, when: str) -> tuple[Loaded, dt.date, str]:
    """``--as-of``: the records at a date or revision (from git objects, work tree untouched),
    the date the portal is built for (that day, or the revision's commit day) and the commit."""
    commit = src.resolve(when)
    day = dt.date.fromisoformat(when) if DATE.match(when) else commit.committed_datetime.astimezone(SHANGHAI).date()
    return load_at(src, commit), day, commit.hexsha


def history_providers(
    root: Path | GitRecords, view: PublicView, rev: str = "HEAD", secrets: Secrets | None = None, redacted: frozenset[str] | None = None
) -> HistoryProviders:
    """Providers for a portal of what ``view`` shows (the records at ``rev``); ``secrets`` and
    ``redacted`` as for ``portal_history``."""
    program = view.program
    return HistoryProviders(portal_history(root, view, rev, secrets, redacted), program.portal.repo_url if program else None)
