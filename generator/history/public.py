"""History as the public portal may show it: record timelines and the decision log.

What the public sees is decided by the records as they stand for the build (``public_ids``
of the built corpus), never by what was public once:

- a record's history appears only on the page of a record that is public now;
- a restricted record, and every record that depends on one, has no history anywhere,
  even if it was public before (a takedown must take its past with it);
- versions in which the record itself was ``restricted: true`` are left out, and the
  first version after them shows no field changes (they would reveal the hidden text);
- fields the portal never publishes (a review's panel and opinion, a bid's declarations) are
  left out of every field change, and any record id in a changed value that is not
  public (a need, an unselected bid, a deleted record) is replaced by ``〔非公开记录〕``;
- the decision log lists, newest first, each main-line commit that changed a public
  record, with its PR, approvers and overrides; unapproved commits (``jiebang audit``)
  and commits with a ``Policy-Override`` (a takedown deletes the very record it
  concerns) are listed even when they touched no public record, with the records they
  touched only counted. Commit messages are not shown: a title may name a record that
  is not public; an override's reason is written for the public (SPEC §4).

Limitation: a record public now whose *dependency* was restricted earlier (a bid on a
list once restricted) shows its own versions; only its own ``restricted`` flag is read
per version.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import CannotRun
from generator.git.log import Commit, build_index, record_id
from generator.git.repo import GitRecords
from generator.history.approvals import Ledger, read_ledger
from generator.history.audit import Unapproved, audit
from generator.history.diff import FieldChange
from generator.history.record import Reader, RecordVersion, StatusStep, record_history
from generator.models.common import RECORD_ID
from generator.models.corpus import Corpus
from generator.public.visibility import public_ids

# Fields the portal never shows (SPEC §6): the panel (members' names), the panel's opinion,
# bidders' declarations.
PRIVATE_FIELDS: dict[str, frozenset[str]] = {
    "review": frozenset({"panel", "opinion"}),
    "bid": frozenset({"declarations"}),
}
PROGRAM = "program"  # the index's key for records/program.yaml: public by nature
HIDDEN_ID = "〔非公开记录〕"
# Shown instead of history, never a partial history as if it were whole (and no local paths).
NOTE = "本次生成时{}，各记录的变更历史与决策记录从略；以记录仓库的完整历史为准。"
_TOP = re.compile(r"^[^.\[]+")


@dataclass(frozen=True)
class PublicVersion:
    commit: Commit
    action: str  # created | changed | renamed | deleted | disclosed (first version after restricted ones)
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class PublicHistory:
    id: str
    kind: str
    versions: tuple[PublicVersion, ...]  # newest first
    timeline: tuple[StatusStep, ...]  # oldest first


@dataclass(frozen=True)
class LogRecord:
    id: str
    kind: str
    action: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class LogEntry:
    commit: Commit
    reasons: tuple[str, ...]  # empty when approved; else keys of audit.REASONS
    records: tuple[LogRecord, ...]  # public records changed, by id
    hidden: int  # records changed that are not public (counted, never named)

    @property
    def approved(self) -> bool:
        return not self.reasons


@dataclass
class PortalHistory:
    """History for one portal build; ``note`` says why there is none (shallow clone, …)."""

    histories: dict[str, PublicHistory] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    note: str | None = None
    ledger: Ledger | None = None  # who approved each commit, and on which keys

    def for_record(self, rid: str) -> PublicHistory | None:
        return self.histories.get(rid)


def portal_history(root: Path | GitRecords, corpus: Corpus, today: dt.date, rev: str = "HEAD") -> PortalHistory:
    """Everything the portal shows about history, for records as ``corpus`` holds them
    (built at ``rev``). Never raises for a missing history: the portal notes it instead."""
    try:
        src = root if isinstance(root, GitRecords) else GitRecords(root)
    except CannotRun:
        return PortalHistory(note=NOTE.format("门户不是从 git 仓库生成的"))
    try:
        return _build(src, corpus, today, rev)
    except CannotRun:
        return PortalHistory(note=NOTE.format("仓库是浅克隆（shallow clone），历史不完整" if src.shallow else "仓库缺少所需的提交"))


def _build(src: GitRecords, corpus: Corpus, today: dt.date, rev: str) -> PortalHistory:
    index = build_index(src, rev)
    reader = Reader(src)
    program = corpus.program.id if corpus.program else PROGRAM

    def name(key: str) -> str:
        return program if key == PROGRAM else key

    public = public_ids(corpus, today) | {program}
    reader.prefetch((v.path, v.blob) for key, versions in index.records.items() if name(key) in public for v in versions)
    out = PortalHistory()
    for key in index.records:
        found = record_history(index, reader, key) if name(key) in public else None
        if found is not None:
            rec = corpus.by_id.get(name(key))
            out.histories[name(key)] = _public(name(key), found.versions, rec.kind if rec else "program", public)
    out.ledger = read_ledger(src, index, reader.data)
    out.log = _log(index.commits, out.histories, name, audit(index, reader, ledger=out.ledger))
    return out


def _public(rid: str, versions: tuple[RecordVersion, ...], kind: str, public: frozenset[str]) -> PublicHistory:
    private = PRIVATE_FIELDS.get(kind, frozenset())
    shown: list[PublicVersion] = []
    hidden_before = False
    for v in reversed(versions):  # oldest first
        if isinstance(v.data, dict) and v.data.get("restricted") is True:
            hidden_before = True
            continue
        if hidden_before and v.data is not None:
            shown.append(PublicVersion(v.commit, "disclosed", ()))
            hidden_before = False
            continue
        changes = tuple(_redact(c, public) for c in v.changes if _top(c.path) not in private)
        shown.append(PublicVersion(v.commit, v.action, changes))
    return PublicHistory(rid, kind, tuple(reversed(shown)), tuple(_timeline(shown, versions)))


def _timeline(shown: list[PublicVersion], versions: tuple[RecordVersion, ...]) -> list[StatusStep]:
    """The status timeline over the versions that are shown."""
    visible = {p.commit.sha for p in shown}
    steps: list[StatusStep] = []
    for v in reversed(versions):
        status = v.data.get("status") if isinstance(v.data, dict) else None
        if v.commit.sha in visible and isinstance(status, str) and (not steps or steps[-1].status != status):
            steps.append(StatusStep(status, v.commit))
    return steps


def _redact(change: FieldChange, public: frozenset[str]) -> FieldChange:
    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return RECORD_ID.sub(lambda m: m[0] if m[0] in public else HIDDEN_ID, value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return FieldChange(change.path, clean(change.old), clean(change.new))


def _top(path: str) -> str:
    m = _TOP.match(path)
    return m.group(0) if m else path


def _log(
    commits: list[Commit], histories: dict[str, PublicHistory], name: Callable[[str], str], unapproved: list[Unapproved]
) -> list[LogEntry]:
    reasons = {u.commit.sha: u.reasons for u in unapproved}
    by_commit: dict[str, list[LogRecord]] = {}
    for rid, h in histories.items():
        for v in h.versions:
            by_commit.setdefault(v.commit.sha, []).append(LogRecord(rid, h.kind, v.action, v.changes))
    log = []
    for c in commits:  # newest first
        shown = sorted(by_commit.get(c.sha, []), key=lambda r: r.id)
        touched = {name(record_id(ch.path)) for ch in c.changes}
        hidden = len(touched - {r.id for r in shown})
        if shown or c.sha in reasons or c.overrides:
            log.append(LogEntry(c, reasons.get(c.sha, ()), tuple(shown), hidden))
    return log
