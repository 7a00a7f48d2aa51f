"""Records added, removed and changed between two revisions (or dates), field by field."""

from __future__ import annotations

from dataclasses import dataclass

from generator.git.log import is_record, parse_raw, record_id
from generator.git.repo import GitCommit, GitRecords
from generator.history.diff import FieldChange, field_changes
from generator.history.record import UNPARSED, Reader

STATUSES = {"A": "added", "D": "removed", "M": "changed", "R": "changed"}
STATUS_LABELS = {"added": "新增", "removed": "删除", "changed": "修改"}


@dataclass(frozen=True)
class RecordChange:
    id: str
    status: str  # added | removed | changed
    path: str
    old_path: str | None  # set when the file moved
    changes: tuple[FieldChange, ...]
    parsed: bool = True  # False: one side's YAML is broken, so no field changes are named


@dataclass(frozen=True)
class RevisionDiff:
    old: GitCommit
    new: GitCommit
    records: tuple[RecordChange, ...]  # sorted by id


def compare(src: GitRecords, old_rev: str, new_rev: str) -> RevisionDiff:
    """What changed in ``records/`` from ``old_rev`` to ``new_rev`` (revisions or dates)."""
    old, new = src.resolve(old_rev), src.resolve(new_rev)
    out = src.diff_raw(old.hexsha, new.hexsha)
    reader = Reader(src)
    found = []
    for c in parse_raw(out):
        if not is_record(c.path):
            continue
        before = reader.data(c.old_path or c.path, c.old_blob)
        after = reader.data(c.path, c.new_blob)
        parsed = before is not UNPARSED and after is not UNPARSED
        changes = tuple(field_changes(before, after)) if c.status in "MR" and parsed else ()
        found.append(RecordChange(record_id(c.path), STATUSES[c.status], c.path, c.old_path, changes, parsed))
    return RevisionDiff(old, new, tuple(sorted(found, key=lambda r: (r.id, r.path))))
