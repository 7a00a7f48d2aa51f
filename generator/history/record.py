"""One record's history: its versions with field-level changes, and its status timeline."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from generator.errors import CannotRun
from generator.git.log import Commit, HistoryIndex, Version, build_index
from generator.git.objects import FETCH_HINT
from generator.git.repo import GitError, GitRecords, TooLarge
from generator.history.approvals import Ledger, read_ledger
from generator.history.diff import FieldChange, field_changes
from generator.parallel import parallel_map
from generator.records.load import parse, to_json

ACTIONS = {"A": "created", "M": "changed", "R": "renamed", "D": "deleted"}
ACTION_LABELS = {"created": "新建", "changed": "修改", "renamed": "移动", "deleted": "删除"}
PARALLEL_PARSE = 1000  # versions; below this, starting workers costs more than it saves
UNPARSED: Any = object()  # a version whose YAML does not parse: no field changes can be named


class Reader:
    """Parsed record data by blob id, each blob read and parsed once."""

    def __init__(self, src: GitRecords) -> None:
        self.src = src
        self._cache: dict[str, Any] = {}

    def prefetch(self, versions: Iterable[tuple[str, str | None]]) -> None:
        """Read these (path, blob) versions in one pass over git and parse them on every
        core (``parallel_map``); what cannot be read is left to ``data``."""
        todo = sorted({(blob, path) for path, blob in versions if blob and blob not in self._cache})
        raw = self.src.read_many(blob for blob, _ in todo)
        todo = [(blob, path) for blob, path in todo if blob in raw]
        parsed = parallel_map(_parsed, [(path, raw[blob]) for blob, path in todo], min_items=PARALLEL_PARSE)
        self._cache.update((blob, data if ok else UNPARSED) for (blob, _), (ok, data) in zip(todo, parsed, strict=True))

    def data(self, path: str, blob: str | None) -> Any:
        """JSON-form data of a blob; None for no blob (deleted); ``UNPARSED`` if broken."""
        if blob is None:
            return None
        if blob not in self._cache:
            try:
                raw = self.src.read(blob)
            except TooLarge:  # never read: shown as a version that does not parse
                self._cache[blob] = UNPARSED
                return UNPARSED
            except (ValueError, OSError, GitError) as exc:
                raise CannotRun(f"仓库缺少 {path} 的历史版本（对象 {blob[:10]}）。{FETCH_HINT}") from exc
            doc, _problems = parse(path, raw)
            self._cache[blob] = to_json(doc.data) if doc is not None else UNPARSED
        return self._cache[blob]


def _parsed(item: tuple[str, bytes]) -> tuple[bool, Any]:
    doc, _problems = parse(*item)
    return (True, to_json(doc.data)) if doc is not None else (False, None)


@dataclass(frozen=True)
class RecordVersion:
    commit: Commit
    action: str  # created | changed | renamed | deleted
    path: str
    old_path: str | None
    data: Any  # after the commit: None once deleted, UNPARSED when the YAML was broken
    changes: tuple[FieldChange, ...]

    @property
    def parsed(self) -> bool:
        return self.data is not UNPARSED


@dataclass(frozen=True)
class StatusStep:
    status: str
    commit: Commit


@dataclass(frozen=True)
class RecordHistory:
    id: str
    versions: tuple[RecordVersion, ...]  # newest first
    ledger: Ledger | None = None  # who approved each version (history_of fills it)

    @property
    def timeline(self) -> tuple[StatusStep, ...]:
        """Each change of ``status``, oldest first (lists, bids, projects, milestones)."""
        steps: list[StatusStep] = []
        for v in reversed(self.versions):
            status = v.data.get("status") if isinstance(v.data, dict) else None
            if isinstance(status, str) and (not steps or steps[-1].status != status):
                steps.append(StatusStep(status, v.commit))
        return tuple(steps)


def record_history(index: HistoryIndex, reader: Reader, record_id: str) -> RecordHistory | None:
    """The record's versions on the main line, newest first; None if it never existed."""
    key = _key(index, reader, record_id)
    if key is None:
        return None
    out: list[RecordVersion] = []
    before: Any = None
    for version in index.records[key]:
        after = reader.data(version.path, version.blob)
        out.append(_version(version, before, after))
        before = after
    return RecordHistory(record_id, tuple(reversed(out)))


def history_of(src: GitRecords, record_id: str) -> RecordHistory:
    """``jiebang history ID``: the record's whole main-line history with its approvals, or CannotRun."""
    index, reader = build_index(src), Reader(src)
    found = record_history(index, reader, record_id)
    if found is None:
        raise CannotRun(f"主线历史中没有记录“{record_id}”：请检查编号（文件名去掉 .yaml）。")
    return replace(found, ledger=read_ledger(src, index, reader.data))


def _version(version: Version, before: Any, after: Any) -> RecordVersion:
    action = ACTIONS[version.change.status]
    if before is None and after is not None:
        action = "created"  # a first version, or a record restored after deletion
    comparable = action in ("changed", "renamed") and before is not UNPARSED and after is not UNPARSED
    changes = tuple(field_changes(before, after)) if comparable else ()
    return RecordVersion(version.commit, action, version.path, version.change.old_path, after, changes)


def _key(index: HistoryIndex, reader: Reader, record_id: str) -> str | None:
    if record_id in index.records:
        return record_id
    # The programme is records/program.yaml: its id is inside the file, not its name.
    program = index.records.get("program")
    if program and program[-1].blob:
        data = reader.data(program[-1].path, program[-1].blob)
        if isinstance(data, dict) and data.get("id") == record_id:
            return "program"
    return None
