"""The history index: every main-line commit that touched ``records/``, read in one pass.

One ``git log`` over the first-parent chain gives, for each commit, its date, author,
PR number, approvers, overrides (``git.overrides``), and the record files it changed with their blob ids
(``--raw``), a merge commit's changes being its diff against its first parent. From
that the index maps each record id to its versions (the file's state after each
main-line commit that changed it), following renames. Nothing is read per file.

Which commits count: the main line is HEAD's first parents; a pull request merged
with a merge commit appears once, as the merge, with the PR's whole change; a squash
or rebase merge appears as the commit(s) it put on the main line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import git

from generator.dates import SHANGHAI
from generator.errors import CannotRun
from generator.git.overrides import Override, Overrides, overrides_in
from generator.git.repo import GitRecords
from generator.layout import RECORDS, is_record, record_id

# A merge commit made by a forge for a pull request (GitHub; Gitea and Forgejo).
MERGE_PR = (re.compile(r"^Merge pull request #(\d+)\b"), re.compile(r"^Merge pull request '.*' \(#(\d+)\) from "))
# A squash (or rebase) title ends with the PR number: "Amend L-2024-003 funding (#12)".
SQUASH_PR = re.compile(r"\(#(\d+)\)\s*$")
APPROVER_KEYS = frozenset({"approved-by", "reviewed-by"})

# Fields apart by NUL, the one byte git never prints inside a subject, name, trailer or message:
# a title holding other control characters cannot pass for another commit. The whole message
# comes last: overrides may stand anywhere in it (``git.overrides``).
_FIELDS = ("%H", "%P", "%cI", "%an", "%ae", "%s", "%(trailers:unfold,only)", "%B")
_FORMAT = "%x00".join(_FIELDS)
_HEX = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class FileChange:
    """One record file changed by a commit (``git diff --raw``): status A, M, D or R."""

    status: str
    path: str
    old_path: str | None
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Commit:
    """A main-line commit that changed records: one decision."""

    sha: str
    parents: tuple[str, ...]
    date: dt.datetime  # committer date: when the change reached the main line
    author: str
    email: str
    subject: str
    trailers: tuple[tuple[str, str], ...]
    changes: tuple[FileChange, ...]
    message: str = ""  # the whole message: overrides may stand anywhere in it (``git.overrides``)

    @property
    def merge(self) -> bool:
        return len(self.parents) > 1

    @property
    def day(self) -> dt.date:
        return self.date.astimezone(SHANGHAI).date()

    @property
    def pr(self) -> int | None:
        return pull_request(self.subject, len(self.parents))

    @property
    def approvers(self) -> tuple[str, ...]:
        return tuple(v for k, v in self.trailers if k.lower() in APPROVER_KEYS and v)

    @property
    def override_lines(self) -> Overrides:
        """Every ``Policy-Override`` line of the message, valid or not."""
        return overrides_in(self.message)

    @property
    def overrides(self) -> tuple[Override, ...]:
        """The valid overrides of the message (SPEC §7 grammar); malformed lines excuse nothing."""
        return self.override_lines.found


def pull_request(subject: str, parents: int) -> int | None:
    """The pull request a main-line commit brought: a forge's merge commit, or a
    single-parent commit whose title ends with ``(#N)``. A merge made by hand
    ("Merge branch …") or a plain commit carries none."""
    if parents > 1:
        for pattern in MERGE_PR:
            m = pattern.match(subject)
            if m:
                return int(m.group(1))
        return None
    m = SQUASH_PR.search(subject)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Version:
    """A record's state after one main-line commit: ``blob`` is None once deleted."""

    commit: Commit
    change: FileChange

    @property
    def path(self) -> str:
        return self.change.path

    @property
    def blob(self) -> str | None:
        return self.change.new_blob


@dataclass
class HistoryIndex:
    """Main-line commits that changed records (newest first) and each record's versions."""

    head: str
    commits: list[Commit] = field(default_factory=list)
    records: dict[str, list[Version]] = field(default_factory=dict)  # id → versions, oldest first

    def versions(self, record_id: str) -> list[Version]:
        """The record's versions, newest first (empty when it never existed)."""
        return list(reversed(self.records.get(record_id, [])))


def build_index(root: Path | GitRecords, rev: str = "HEAD") -> HistoryIndex:
    """Index the main line of ``rev`` in one ``git log`` pass. Refuses a shallow clone:
    a partial history must never pass for the whole one."""
    src = root if isinstance(root, GitRecords) else GitRecords(root)
    src.require_full_history()
    head = src.resolve(rev).hexsha
    try:
        out = src.repo.git.log(
            "--first-parent", "--diff-merges=first-parent", "--raw", "-z", "--no-abbrev", "-M", f"--format={_FORMAT}", head, "--", RECORDS
        )
    except git.GitCommandError as exc:
        raise CannotRun(f"无法读取提交历史：{exc.stderr.strip() or exc}") from exc
    index = HistoryIndex(
        head, commits=[c for c in parse_log(out) if c.changes]
    )  # a commit that changed no record file (records/.gitkeep) decided nothing
    for commit in reversed(index.commits):
        for change in commit.changes:
            _add_version(index.records, Version(commit, change))
    return index


def commits_between(src: GitRecords, base: str, head: str = "HEAD") -> list[Commit]:
    """Every commit reachable from ``head`` and not from ``base``, newest first, branch
    commits included (``parents`` tells the main line from them)."""
    try:
        out = src.repo.git.log("--diff-merges=first-parent", "--raw", "-z", "--no-abbrev", "-M", f"--format={_FORMAT}", f"{base}..{head}")
    except git.GitCommandError as exc:
        raise CannotRun(f"无法读取提交历史：{exc.stderr.strip() or exc}") from exc
    return list(parse_log(out))


def _add_version(records: dict[str, list[Version]], version: Version) -> None:
    change = version.change
    new_id = record_id(change.path)
    if change.old_path is not None and record_id(change.old_path) != new_id:
        # Renamed to another id: the record keeps its past under its new name.
        moved = records.pop(record_id(change.old_path), [])
        records[new_id] = moved + records.get(new_id, [])
    records.setdefault(new_id, []).append(version)


def parse_log(out: str) -> Iterator[Commit]:
    for header, changes in log_entries(out, len(_FIELDS)):
        sha, parents, date, author, email, subject, trailers, message = header
        yield Commit(
            sha=sha,
            parents=tuple(parents.split()),
            date=dt.datetime.fromisoformat(date),
            author=author,
            email=email,
            subject=subject,
            trailers=tuple(parse_trailers(trailers)),
            changes=tuple(_record_changes(iter(changes))),
            message=message,
        )


def log_entries(out: str, fields: int) -> Iterator[tuple[list[str], list[FileChange]]]:
    """``git log -z --raw --no-abbrev --format=F1%x00F2…`` output, each commit's header fields
    (the first its full id) and its changes. Read by position: a path, whatever it holds,
    is never taken for a header or a change line."""
    tokens = out.split("\x00")
    i = 0
    while i + fields <= len(tokens) and tokens[i]:
        header = tokens[i : i + fields]
        if not _HEX.match(header[0]):
            raise CannotRun(f"无法解读 git log 的输出（位置 {i}）。")
        changes, i = _changes_at(tokens, i + fields)
        yield header, changes


def _changes_at(tokens: list[str], i: int) -> tuple[list[FileChange], int]:
    """The raw change lines from ``tokens[i]`` on, and the index after them."""
    found = []
    while i < len(tokens) and tokens[i].lstrip("\n").startswith(":"):
        change, i = _change(tokens, i)
        found.append(change)
    return found, i


def _record_changes(changes: Iterator[FileChange]) -> Iterator[FileChange]:
    """Changes to record files; a file moved into or out of ``records/`` is an addition
    or a deletion."""
    for c in changes:
        if c.old_path is None or (is_record(c.old_path) and is_record(c.path)):
            if is_record(c.path):
                yield c
        elif is_record(c.path):
            yield FileChange("A", c.path, None, None, c.new_blob)
        elif is_record(c.old_path):
            yield FileChange("D", c.old_path, None, c.old_blob, None)


def parse_trailers(text: str) -> Iterator[tuple[str, str]]:
    """``Key: value`` lines as git prints them (``%(trailers:unfold,only)``)."""
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            yield key.strip(), value.strip()


def parse_raw(raw: str) -> Iterator[FileChange]:
    """``git diff --raw -z --no-abbrev`` output: ``:mode mode old new status`` then one
    path, or two (old, new) for a rename or copy."""
    tokens = raw.lstrip("\n").split("\x00")
    i = 0
    while i < len(tokens):
        if not tokens[i].lstrip("\n").startswith(":"):
            i += 1
            continue
        change, i = _change(tokens, i)
        yield change


def _change(tokens: list[str], i: int) -> tuple[FileChange, int]:
    """One ``:mode mode old new status`` line at ``tokens[i]`` and its path(s)."""
    _old_mode, _new_mode, old_blob, new_blob, status = tokens[i].lstrip("\n")[1:].split()
    kind = status[0]
    if kind in "RC":
        old_path, path = tokens[i + 1], tokens[i + 2]
        i += 3
    else:
        old_path, path = None, tokens[i + 1]
        i += 2
    kind = {"T": "M", "C": "A"}.get(kind, kind)  # a type change is a change; a copy a new file
    old = None if kind == "A" else _blob(old_blob)
    return FileChange(kind, path, old_path if kind == "R" else None, old, None if kind == "D" else _blob(new_blob)), i


def _blob(sha: str) -> str | None:
    return None if set(sha) == {"0"} else sha
