"""What the public could read about each contracting process after each main-line commit.

The main line is read once, oldest commit first (``generator.git.log``), keeping the records as
each commit left them. A commit touches the processes of the records it changes (a bid, review,
project, milestone or award belongs to its list's process; a call to the processes of its lists;
``program.yaml`` to every process). For each process it touches, the process's records as they
stood then are seen as a portal of that day would show them, the way ``jiebang build --as-of``
shows an earlier revision (``generator.history.as_of``):

- a record that is not public now (restricted since, deleted since, …) is withheld, with what
  depends on it: a takedown takes its past with it;
- every text is cleaned as the portal's history cleans it (personal data and classified text as
  the privacy rules read them now, the texts ``records/redactions.yaml`` withholds, ids and names of
  records that are not public);
- a list that was not yet published (draft, argued, approved) is not public at all.

A 公示 whose first day comes after the commit that wrote it becomes public on that day, with no
commit: the process's content as of that day is a point of its own, dated by that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.dates import SHANGHAI
from generator.git.log import Commit, HistoryIndex
from generator.git.repo import GitRecords
from generator.history.as_of import cleaned, withheld_then
from generator.models import Call, ChallengeList, Program, Record, Review
from generator.models.corpus import Corpus
from generator.public.redact import Redactor
from generator.public.view import PublicView
from generator.records.files import check_files

# The reference that makes a record part of another one's process (up to its list).
PARENT = {"bid": "list", "project": "list", "review": "subject", "milestone": "project", "award": "project"}
MAX_DEPTH = 8  # award → project → list is the longest chain; more is a cycle of broken records

Content = Callable[[PublicView, ChallengeList], dict[str, Any]]


def models(src: GitRecords, index: HistoryIndex, known: Corpus | None = None) -> dict[tuple[str, str], Record | None]:
    """Every version of every record file on the main line as a model (None when it was not
    valid then), by (path, blob): read in one pass over git, checked as ``jiebang validate`` would.
    ``known``: records loaded from the work tree; a version whose file is byte for byte one of
    theirs is that record, not read and checked again."""
    found: dict[tuple[str, str], Record | None] = {}
    if known is not None:
        by_path = {rec.source.path: rec for rec in known if rec.source is not None}
        found = {(path, sha): by_path[path] for path, sha in src.hash_files(by_path).items()}
    wanted = sorted({(c.path, c.new_blob) for commit in index.commits for c in commit.changes if c.new_blob} - found.keys())
    raw = src.read_many(blob for _, blob in wanted)
    present = [(path, blob) for path, blob in wanted if blob in raw]  # a blob git lacks or too large: not valid then
    results = check_files((path, raw[blob]) for path, blob in present)
    return found | {key: result.record for key, result in zip(present, results, strict=True)}


class State:
    """The records as the main line stood after the commits applied so far."""

    def __init__(self, versions: dict[tuple[str, str], Record | None]) -> None:
        self.versions = versions
        self.at: dict[str, Record] = {}  # path → record
        self.by_id: dict[str, Record] = {}
        self.children: dict[str, set[str]] = defaultdict(set)  # record id → ids of the records below it
        self.program: Program | None = None

    def apply(self, commit: Commit) -> set[str]:
        """Apply a commit; the ids of the lists whose processes it touched."""
        touched: set[str] = set()
        for change in commit.changes:
            gone = change.old_path if change.status == "R" and change.old_path else change.path
            before = self.at.pop(gone, None)
            if before is not None:
                touched |= self.lists_of(before)
                self._forget(before)
        for change in commit.changes:
            rec = self.versions.get((change.path, change.new_blob)) if change.new_blob else None
            if rec is not None:
                self.at[change.path] = rec
                self.by_id[rec.id] = rec
                if isinstance(rec, Program):
                    self.program = rec
                if (parent := _parent(rec)) is not None:
                    self.children[parent].add(rec.id)
                touched |= self.lists_of(rec)
        return touched

    def _forget(self, rec: Record) -> None:
        if self.by_id.get(rec.id) is rec:
            del self.by_id[rec.id]
        if self.program is rec:
            self.program = None
        if (parent := _parent(rec)) is not None:
            self.children[parent].discard(rec.id)

    def lists_of(self, rec: Record) -> set[str]:
        """The lists whose processes a record is part of."""
        if isinstance(rec, ChallengeList):
            return {rec.id}
        if isinstance(rec, Program):
            return {r.id for r in self.by_id.values() if isinstance(r, ChallengeList)}
        if isinstance(rec, Call):
            return set(rec.lists) | {r.id for r in self.by_id.values() if isinstance(r, ChallengeList) and r.call == rec.id}
        top = self._top(rec)
        return {top.id} if isinstance(top, ChallengeList) else set()

    def _top(self, rec: Record) -> Record | None:
        for _ in range(MAX_DEPTH):
            parent = _parent(rec)
            if parent is None:
                return rec
            found = self.by_id.get(parent)
            if found is None:
                return None
            rec = found
        return None

    def process(self, list_id: str) -> list[Record]:
        """The records of a list's process: the programme, the list, its call and everything below it."""
        lst = self.by_id.get(list_id)
        program = self.program
        if not isinstance(lst, ChallengeList) or program is None:
            return []
        out: list[Record] = [program, lst]
        if isinstance(call := self.by_id.get(lst.call or ""), Call):
            out.append(call)
        seen, todo = {list_id}, [list_id]
        while todo:
            for child in sorted(self.children.get(todo.pop(), ())):
                if child not in seen and (rec := self.by_id.get(child)) is not None:
                    seen.add(child)
                    out.append(rec)
                    todo.append(child)
        return out


def _parent(rec: Record) -> str | None:
    name = PARENT.get(rec.kind)
    value = getattr(rec, name, None) if name else None
    return value if isinstance(value, str) else None


@dataclass
class Seen:
    """What a portal showed about a list's process on a day, seen from the present (``now``):
    records not public now withheld, texts cleaned by ``redactor``, each record version once."""

    now: PublicView
    redactor: Redactor
    content: Content
    memo: dict[int, Any] = field(default_factory=dict)

    def __call__(self, records: list[Record], list_id: str, day: dt.date) -> dict[str, Any] | None:
        """The process's content; None when the list was not public that day."""
        corpus = Corpus(records)
        withheld = withheld_then(corpus, day, self.now)
        first = PublicView(corpus, day, withheld)
        if list_id not in first.ids:
            return None
        clean, broken = cleaned(corpus, first.ids, self.redactor, self.memo)
        view = PublicView(clean, day, withheld | broken)
        lst = view.get(list_id, ChallengeList)
        return self.content(view, lst) if lst is not None else None


def disclosure_days(records: Iterable[Record], after: dt.date, before: dt.date) -> list[dt.date]:
    """The first days of the 公示 of these records strictly between two days."""
    return sorted({r.publicity.start for r in records if isinstance(r, Review) and r.publicity and after < r.publicity.start < before})


def commit_time(commit: Commit) -> str:
    """The commit's date as an OCDS date-time in Beijing."""
    return commit.date.astimezone(SHANGHAI).isoformat(timespec="seconds")


Point = tuple[str, str, dict[str, Any]]  # (release id, date-time, content)


def walk(index: HistoryIndex, versions: dict[tuple[str, str], Record | None], seen: Seen) -> Iterator[tuple[str, Point]]:
    """(list id, point) for each time what the public could read about a process that is public
    now (``seen.now``) may have changed, oldest first within each process."""
    state = State(versions)
    view = seen.now
    last: dict[str, tuple[list[Record], dt.date, Commit]] = {}  # the process as it was last read

    def disclosures(list_id: str, before: dt.date) -> Iterator[tuple[str, Point]]:
        records, day, commit = last[list_id]
        for start in disclosure_days(records, day, min(before, view.as_of + dt.timedelta(days=1))):
            found = seen(records, list_id, start)
            if found is not None:
                yield list_id, (f"{list_id}-{commit.sha[:12]}-{start:%Y%m%d}", f"{start.isoformat()}T00:00:00+08:00", found)

    for commit in reversed(index.commits):
        for list_id in sorted(state.apply(commit) & view.ids):
            if list_id in last:
                yield from disclosures(list_id, commit.day)
            records = state.process(list_id)
            found = seen(records, list_id, commit.day) if records else None
            if found is not None:
                yield list_id, (f"{list_id}-{commit.sha[:12]}", commit_time(commit), found)
            last[list_id] = (records, commit.day, commit)
    for list_id in sorted(last):
        yield from disclosures(list_id, view.as_of + dt.timedelta(days=1))
