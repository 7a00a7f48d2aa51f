"""History as page data: what the portal's 历史 sections and 决策记录 page print.

Plain values only (dates, numbers, text, links built from ``program.portal.repo_url``),
so templates need no knowledge of git. Approvers are shown by name: the e-mail part of
a trailer (``张三 <zhang@example.org>``) is personal data and stays in the repository.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from generator.dates import SHANGHAI
from generator.git.log import Commit, Override
from generator.git.repo import DATE, GitRecords
from generator.history.diff import FieldChange
from generator.history.public import LogEntry, PortalHistory, PublicHistory, PublicVersion, portal_history
from generator.models import KINDS
from generator.models.corpus import Corpus
from generator.records.tree import Loaded, load_at
from generator.urls import web_address

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")
PROBLEMS = {"no-pr": "未经合并请求（PR）直接提交", "no-approver": "缺少方案要求的审批人"}  # audit.REASONS, for the public
ACTION_LABELS = {"created": "新建", "changed": "修改", "renamed": "移动", "deleted": "删除", "disclosed": "公开"}
_EMAIL = re.compile(r"\s*<[^>]*>\s*$")


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
    approvers: tuple[str, ...]
    overrides: tuple[Override, ...]
    problems: tuple[str, ...]  # why it is not approved; empty when it is

    @property
    def approved(self) -> bool:
        return not self.problems


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
class DecisionLogView:
    entries: tuple[LogEntryView, ...] = ()  # newest first
    note: str | None = None

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

    def history(self, record_id: str) -> RecordHistoryView | None:
        if self.found.note:
            return RecordHistoryView(note=self.found.note)
        h = self.found.for_record(record_id)
        return self._record(h) if h is not None else None

    def decisions(self, public: frozenset[str]) -> DecisionLogView:
        if self.found.note:
            return DecisionLogView(note=self.found.note)
        return DecisionLogView(tuple(self._entry(e, public) for e in self.found.log))

    def decision(self, commit: Commit) -> Decision:
        if commit.sha not in self._decisions:
            reasons = self._reasons.get(commit.sha, ())
            self._decisions[commit.sha] = Decision(
                date=commit.day,
                commit=commit.sha[:10],
                commit_url=f"{self.base}/commit/{commit.sha}" if self.base else None,
                pr=commit.pr,
                pr_url=f"{self.base}/pull/{commit.pr}" if self.base and commit.pr is not None else None,
                approvers=tuple(_EMAIL.sub("", a) for a in commit.approvers),
                overrides=commit.overrides,
                problems=tuple(PROBLEMS[r] for r in reasons),
            )
        return self._decisions[commit.sha]

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
    model = KINDS[kind].model if kind in KINDS else None
    return tuple(
        Change(
            c.path,
            field_label(model, c.path),
            c.op,
            None if c.op == "added" else value_text(c.old),
            None if c.op == "removed" else value_text(c.new),
        )
        for c in changes
    )


def value_text(value: Any) -> str:
    """A field's value for the public: null as （空）, booleans as 是/否, structures flattened."""
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(f"{k} {value_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(value_text(v) for v in value) or "（无）"
    return str(value)


def field_label(model: type[BaseModel] | None, path: str) -> str:
    """``indicators[I2].target`` → ``考核指标 I2 › 目标值``, from the models' field titles."""
    parts: list[str] = []
    for name, key in _SEGMENT.findall(path):
        if key:  # a list item: by id, or by position (shown from 1)
            item = f"第{int(key) + 1}项" if key.isdigit() else key
            parts[-1:] = [f"{parts[-1]} {item}" if parts else item]
            continue
        info = model.model_fields.get(name) if model else None
        parts.append(info.title if info and info.title else name)
        model = _nested(info.annotation) if info else None
    return " › ".join(parts)


def _nested(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``Funding``, ``list[Indicator]``, ``Decision | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested(arg)
        if found is not None:
            return found
    return None


def records_as_of(src: GitRecords, when: str) -> tuple[Loaded, dt.date, str]:
    """``--as-of``: the records at a date or revision (from git objects, work tree untouched),
    the date the portal is built for (that day, or the revision's commit day) and the commit."""
    commit = src.resolve(when)
    day = dt.date.fromisoformat(when) if DATE.match(when) else commit.committed_datetime.astimezone(SHANGHAI).date()
    return load_at(src, commit), day, commit.hexsha


def history_providers(root: Path | GitRecords, corpus: Corpus, as_of: dt.date, rev: str = "HEAD") -> HistoryProviders:
    """Providers for a portal built from ``corpus`` (the records at ``rev``) on ``as_of``."""
    program = corpus.program
    return HistoryProviders(portal_history(root, corpus, as_of, rev), program.portal.repo_url if program else None)
