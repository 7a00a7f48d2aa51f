"""History as the public portal may show it: record timelines and the decision log.

A record's history and the decision log show only what was public at the time and is still
public now (SPEC §7):

- a record's history appears only on the page of a record that is public now (``view.ids``:
  for a build of an earlier revision, also public at HEAD); a restricted or deleted record,
  and every record that depends on one, has no history anywhere (a takedown takes its past
  with it);
- of a public record, only the versions the public saw are shown
  (``generator.public.over_time``): no draft or argued text of a list, no notice before its
  公示, no bid before it was selected, no version while restricted. The first version seen is
  a disclosure (``disclosed``), without the changes that led to it;
- a field change is shown only for a field on the kind's allow-list
  (``generator.public.fields``), without its members that are never shown;
- every value shown is cleaned (``generator.public.redact``): personal data and classified
  text as the privacy rules (P001, P002) recognise them now, the texts redaction records
  withhold (``records/redactions.yaml``), ids of records that are not public
  (``〔非公开记录〕``) and other identifying strings of such records (``〔非公开信息〕``);
- the decision log lists, newest first, each main-line commit that changed a public record
  while it was public, with its PR, approvers and overrides (their reasons cleaned like any
  value); unapproved commits (``jiebang audit``) and commits with a ``Policy-Override`` (a
  takedown deletes the very record it concerns) are listed even when they touched no public
  record, with the records they touched only counted. Commit messages are not shown.

Redaction entries (``redacted_texts``): from the entry's commit on, every text the field held
is withheld, except what it holds now (the page shows that; correct the record itself). An
entry whose commit is not on the main line withholds every past text of the field (fail
closed); ``jiebang validate`` warns about a commit git does not know.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import CannotRun
from generator.git.log import Commit, HistoryIndex, build_index, record_id
from generator.git.repo import GitRecords
from generator.history.approvals import Ledger, read_ledger
from generator.history.audit import Unapproved, audit
from generator.history.diff import ABSENT, FieldChange
from generator.history.labels import public_name
from generator.history.record import Reader, RecordVersion, StatusStep, record_history
from generator.models.corpus import Corpus
from generator.public.fields import public_fields
from generator.public.leaks import HIDDEN_RECORD, Secrets, strings_in
from generator.public.over_time import dependency_start, seen
from generator.public.redact import REDACTED, Redactor
from generator.public.view import PublicView
from generator.rules.privacy import MARKING, MOBILE, RESIDENT_ID, personal_numbers

PROGRAM = "program"  # the index's key for records/program.yaml: public by nature
HIDDEN_ID = HIDDEN_RECORD
# Shown instead of history, never a partial history as if it were whole (and no local paths).
NOTE = "本次生成时{}，各记录的变更历史与决策记录从略；以记录仓库的完整历史为准。"
_PATH = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


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
    """History for one portal build; ``note`` says why there is none (shallow clone, …).
    ``redactor`` cleans any further text from history before it is shown (override reasons)."""

    histories: dict[str, PublicHistory] = field(default_factory=dict)
    log: list[LogEntry] = field(default_factory=list)
    note: str | None = None
    ledger: Ledger | None = None  # who approved each commit, and on which keys
    redactor: Redactor = field(default_factory=Redactor)

    def for_record(self, rid: str) -> PublicHistory | None:
        return self.histories.get(rid)

    def approvers(self) -> set[str]:
        """The names the decision log shows — approvers (signers, merging accounts), the
        reviewers they named and the holders of trusted keys: public on purpose."""
        names = {a for e in self.log for a in e.commit.approvers}
        if self.ledger is not None:
            names |= {a.approver for e in self.log if (a := self.ledger.approval(e.commit.sha)).approver}
            names |= {k.principal for change in self.ledger.signers_changes for k in change.version.keys}
        return {public_name(n) for n in names}


def portal_history(
    root: Path | GitRecords, view: PublicView, rev: str = "HEAD", secrets: Secrets | None = None, redacted: frozenset[str] | None = None
) -> PortalHistory:
    """Everything the portal shows about history, for the records ``view`` shows (read at
    ``rev``). ``secrets``: what identifies records that are not public (made from ``view``
    when not given); ``redacted``: the texts redaction records withhold (read from the view's
    redaction record against ``rev``'s history when not given). Never raises for a missing
    history: the portal notes it instead."""
    try:
        src = root if isinstance(root, GitRecords) else GitRecords(root)
    except CannotRun:
        return PortalHistory(note=NOTE.format("门户不是从 git 仓库生成的"))
    try:
        return _build(src, view, rev, secrets or Secrets.of(view), redacted)
    except CannotRun:
        return PortalHistory(note=NOTE.format("仓库是浅克隆（shallow clone），历史不完整" if src.shallow else "仓库缺少所需的提交"))


def _build(src: GitRecords, view: PublicView, rev: str, secrets: Secrets, redacted: frozenset[str] | None) -> PortalHistory:
    index = build_index(src, rev)
    reader = Reader(src)
    corpus = view.corpus
    program = corpus.program.id if corpus.program else PROGRAM

    def name(key: str) -> str:
        return program if key == PROGRAM else key

    if redacted is None:
        redacted = redacted_texts(index, reader, corpus)
    redactor = Redactor.of(secrets, redacted, scrub)
    public = view.ids | {program}
    starts = dependency_start(corpus, view.ids)
    reader.prefetch((v.path, v.blob) for key, versions in index.records.items() if name(key) in public for v in versions)
    out = PortalHistory(redactor=redactor)
    for key in index.records:
        found = record_history(index, reader, key) if name(key) in public else None
        if found is not None:
            rec = corpus.by_id.get(name(key))
            kind = rec.kind if rec else PROGRAM
            out.histories[name(key)] = _public(name(key), found.versions, kind, starts.get(name(key)), view.as_of, redactor)
    out.ledger = read_ledger(src, index, reader.data)
    out.log = _log(index.commits, out.histories, name, audit(index, reader, ledger=out.ledger))
    return out


def _public(
    rid: str, versions: tuple[RecordVersion, ...], kind: str, since: dt.date | None, today: dt.date, redactor: Redactor
) -> PublicHistory:
    """The versions the public saw, newest first, with their shown changes cleaned."""
    oldest = list(reversed(versions))
    flags = seen(kind, [(v.commit.day, v.data) for v in oldest], since, today)
    allowed = public_fields(kind)
    shown: list[PublicVersion] = []
    before = False  # whether the public saw the version before this one
    for v, ok in zip(oldest, flags, strict=True):
        if ok and not before and v.action != "created":
            shown.append(PublicVersion(v.commit, "disclosed", ()))
        elif ok:
            changes = tuple(_clean(c, allowed.part, redactor) for c in v.changes if allowed.shows(c.path))
            shown.append(PublicVersion(v.commit, v.action, changes))
        before = ok
    return PublicHistory(rid, kind, tuple(reversed(shown)), tuple(_timeline(shown, versions)))


def _clean(change: FieldChange, part: Callable[[str, Any], Any], redactor: Redactor) -> FieldChange:
    def shown(value: Any) -> Any:
        return value if value is ABSENT else redactor.value(part(change.path, value))

    return FieldChange(change.path, shown(change.old), shown(change.new))


def _timeline(shown: list[PublicVersion], versions: tuple[RecordVersion, ...]) -> list[StatusStep]:
    """The status timeline over the versions that are shown."""
    visible = {p.commit.sha for p in shown}
    steps: list[StatusStep] = []
    for v in reversed(versions):
        status = v.data.get("status") if isinstance(v.data, dict) else None
        if v.commit.sha in visible and isinstance(status, str) and (not steps or steps[-1].status != status):
            steps.append(StatusStep(status, v.commit))
    return steps


def scrub(text: str) -> str:
    """A text from the past as the privacy rules read it now: classified text (P002) is withheld
    whole, mobile and resident ID numbers (P001) are replaced."""
    if "密" in text and MARKING.search(text):
        return REDACTED
    if not personal_numbers(text):
        return text
    text = MOBILE.sub(REDACTED, text)
    return RESIDENT_ID.sub(lambda m: REDACTED if personal_numbers(m[0]) else m[0], text)


def redacted_texts(index: HistoryIndex, reader: Reader, current: Corpus) -> frozenset[str]:
    """Every text the redaction record of ``current`` withholds (see the module's docstring)."""
    redactions = current.redactions
    if redactions is None:
        return frozenset()
    order = {c.sha: i for i, c in enumerate(index.commits)}  # newest first
    program = current.program.id if current.program else None
    out: set[str] = set()
    for entry in redactions.entries:
        key = PROGRAM if entry.record == program else entry.record
        versions = index.records.get(key, [])  # oldest first
        at = next((order[sha] for sha in order if sha.startswith(entry.commit)), None)
        first = 0 if at is None else max((i for i, v in enumerate(versions) if order.get(v.commit.sha, -1) >= at), default=0)
        rec = current.by_id.get(entry.record)
        now = set(strings_in(_at(rec.model_dump(mode="json"), entry.field))) if rec is not None else set()
        for v in versions[first:]:
            out.update(t for t in strings_in(_at(reader.data(v.path, v.blob), entry.field)) if t not in now and len(t) >= 2)
    return frozenset(out)


def _at(data: Any, path: str) -> Any:
    """The value at a field path (``contacts[0].phone``, ``indicators[I2].target``) of JSON-form data."""
    for name, key in _PATH.findall(path):
        if name:
            data = data.get(name) if isinstance(data, dict) else None
        elif isinstance(data, list):
            data = (
                data[int(key)]
                if key.isdigit() and int(key) < len(data)
                else next((item for item in data if isinstance(item, dict) and item.get("id") == key), None)
            )
        else:
            data = None
    return data


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
