"""``jiebang validate --base REV``: a change judged against the revision it started from.

Head is the working tree (what CI checked out); base is the merge base of ``REV`` and
``HEAD``, so that whatever the base branch merged after the change branched off is
never attributed to the change. Base records are read from git objects; the work tree
is never touched.

Incremental: git tells which work-tree files are unchanged since they were staged,
and the cache (``records.cache.ChangeCache``) holds what checking each (path, blob) gave
and the corpus rules' findings on each component of the reference graph
(``records.graph``). Only the components that a change touches — on either side — are
loaded and checked again; the rest come from the cache, exactly as a full check would
give them. A cold cache checks every file once. Files that git ignores are not records
of the repository and are not read.

Fail closed: a shallow clone, an unknown revision or a missing merge base is
``CannotRun`` (exit 2) with a fetch hint; a change that was not compared never passes.
A C-rule finding is downgraded to info only by a ``Policy-Override: C00x <reason>``
trailer on a commit between the merge base and HEAD, and says so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml

from generator import dates
from generator.diagnostics import INFO, Diagnostic, Report
from generator.errors import CannotRun
from generator.git.repo import GitRecords
from generator.layout import RECORDS
from generator.models import Source
from generator.models.corpus import Corpus
from generator.records.cache import ChangeCache, Group, State, blob_id, cache_dir, component_key
from generator.records.files import FileResult, check_files, read_files
from generator.records.graph import Entry, components
from generator.records.load import compose
from generator.records.tree import bulk, corpus_of, missing_program, read_blobs
from generator.rules.base import run_change_rules, run_rules
from generator.validate import make_report

OVERRIDE_KEY = "policy-override"
OVERRIDE = re.compile(r"^(C\d{3})\s+(\S.*)$")


@dataclass
class Change:
    """What a change reaches: the records of the components it touches on both sides,
    every finding on the head (files and corpus rules), and what it cost."""

    base: Corpus  # base records of the touched components, with the base programme
    head: Corpus  # head records of the touched components, with the head programme
    diagnostics: list[Diagnostic]  # every file's and every component's findings on the head
    files: int  # record files in the work tree
    records: int  # valid records among them
    merge_base: str  # commit sha
    changed: list[str] = field(default_factory=list)  # record files added, modified or deleted
    checked: int = 0  # files parsed and validated in this run (the rest came from the cache)
    evaluated: int = 0  # components whose rules ran in this run (the rest came from the cache)


@dataclass(frozen=True)
class Override:
    rule: str
    reason: str
    commit: str


def validate_change(root: Path, base: str, paths: Sequence[str] = (), today: dt.date | None = None) -> Report:
    """Validate the working tree as ``jiebang validate`` does, plus the change rules
    C001–C004 against the merge base of ``base`` and HEAD; report findings in ``paths``."""
    repo, merge_base = _open(root, base)
    cache = ChangeCache(cache_dir(root))
    with bulk():
        change = compare(repo, root, merge_base, cache)
        overrides, malformed = read_overrides(repo, merge_base)
        found = run_change_rules(change.base, change.head, today or dates.today())
    cache.save()
    findings = change.diagnostics + apply_overrides(found, overrides, malformed)
    return make_report(findings, change.files, change.records, paths, root)


def _open(root: Path, base: str) -> tuple[GitRecords, str]:
    if not base.strip():
        raise CannotRun("--base 需要一个修订（如 origin/main）：没有基准就无法检查变更规则。")
    if not (root / RECORDS).is_dir():
        raise CannotRun(f"找不到 {root / RECORDS}：请在记录仓库的根目录运行，或用 --root 指定。")
    repo = GitRecords(root)
    repo.require_full_history()  # a merge base found in a truncated history may be wrong
    target = repo.resolve(base)
    return repo, repo.merge_base(target, repo.head()).hexsha


class _Files:
    """Checked files on one side of the change: entries from the cache or checked now,
    and, for the components this run loads, the records themselves."""

    def __init__(self, cache: ChangeCache, read: Callable[[list[tuple[str, str]]], Iterable[tuple[str, bytes | OSError]]]) -> None:
        self.cache = cache
        self.read = read  # (path, blob) pairs → (path, bytes) pairs
        self.results: dict[str, FileResult] = {}  # loaded in this run, by path
        self.checked = 0

    def entries(self, blobs: dict[str, str]) -> dict[str, Entry]:
        """An entry for every file: cached, or checked now (all misses in one batch)."""
        found = {p: e for (p, _), e in self.cache.entries(blobs.items()).items()}
        found.update(self.check([(p, sha) for p, sha in blobs.items() if p not in found]))
        return found

    def check(self, files: list[tuple[str, str]]) -> dict[str, Entry]:
        blob = dict(files)
        results = list(check_files(self.read(files)))
        entries = {r.path: Entry.of(r, blob[r.path]) for r in results}
        self.results.update((r.path, r) for r in results)
        self.cache.add((entries[r.path], r.record) for r in results)
        self.checked += len(files)
        return entries

    def records(self, entries: Iterable[Entry]) -> list[FileResult]:
        """The checked files of these entries: records restored from the cache (a file
        is read again only if a finding needs a position), or checked now."""
        entries = list(entries)
        wanted = [e for e in entries if e.path not in self.results]
        restored = self.cache.records((e.path, e.blob) for e in wanted if e.kind is not None)
        for e in wanted:
            record = restored.get((e.path, e.blob))
            if record is not None:
                record.attach(Source(e.path, load=partial(self._node, e.path, e.blob)))
                self.results[e.path] = FileResult(e.path, record, e.diagnostics)
            elif e.kind is None:
                self.results[e.path] = FileResult(e.path, None, e.diagnostics)
        self.check([(e.path, e.blob) for e in wanted if e.path not in self.results])
        return [self.results[e.path] for e in entries]

    def _node(self, path: str, blob: str) -> yaml.Node | None:
        """A restored record's node tree: its file is read only if a finding needs a position."""
        ((_, raw),) = self.read([(path, blob)])
        return compose(raw) if isinstance(raw, bytes) else None


def compare(repo: GitRecords, root: Path, merge_base: str, cache: ChangeCache) -> Change:
    """Every finding on the work tree, and both sides of what the change touches,
    loading and checking only the components of the reference graph that it reaches:
    those of the files that differ from the last run's state, or from the merge base."""
    state = cache.state()
    vs_base = repo.differences(merge_base)
    vs_state: dict[str, tuple[str | None, str | None]] = {}
    if state is not None and state.commit != merge_base:
        try:
            vs_state = repo.differences(state.commit)
        except CannotRun:
            state = None  # the commit is not in this clone: start afresh
    hashed: dict[str, str | None]  # candidate → its blob id in the work tree, "" to read it, None if deleted
    if state is None:
        candidates = set(repo.work_tree_files())
        hashed = dict.fromkeys(candidates, "")  # read them all: every one is checked
    else:
        candidates = set(vs_base) | set(vs_state) | state.differing
        hashed = {p: seen[1] for p in candidates if (seen := vs_base.get(p) or vs_state.get(p)) is not None}
        hashed.update(repo.blobs_at(merge_base, [p for p in candidates if p not in hashed]))  # the same as at the merge base
    read_now = {
        p: raw for p, raw in read_files(root, sorted(p for p, b in hashed.items() if b == "")) if not isinstance(raw, FileNotFoundError)
    }
    now = {p: b for p, b in hashed.items() if b}  # candidates in the work tree, by blob id (deleted ones left out)
    now.update((p, blob_id(raw) if isinstance(raw, bytes) else "") for p, raw in read_now.items())
    old = cache.state_files(candidates) if state is not None else {}
    differ = {p for p in candidates if now.get(p) != (old[p][0] if p in old else None)}

    def from_work_tree(files: list[tuple[str, str]]) -> Iterator[tuple[str, bytes | OSError]]:
        yield from ((p, read_now[p]) for p, _ in files if p in read_now)
        yield from read_files(root, [p for p, _ in files if p not in read_now])

    head_files = _Files(cache, from_work_tree)
    new = head_files.entries({p: now[p] for p in differ if p in now})
    changed = {p for p, (before, _) in vs_base.items() if before != now.get(p)}
    base_files = _Files(cache, lambda files: read_blobs(repo, repo.blobs(merge_base, [p for p, _ in files])))
    base_changed = base_files.entries({p: sha for p in changed if (sha := vs_base[p][0])})

    # The components to load again: those of the files that differ, and those they now reach.
    nodes = {n for e in (*new.values(), *base_changed.values()) for n in (e.node, *e.refs)}
    touched = {old[p][1] for p in differ | changed if p in old} | cache.components_of(nodes)
    if any(e.is_program for e in new.values()) or any(old[p][1] == "" for p in differ if p in old):
        touched |= cache.all_components()  # the programme is read by every rule: every component's findings change
    on_disk = {**cache.files_of(touched | {""}), **{p: now[p] for p in new}}
    for p in differ - now.keys():
        on_disk.pop(p, None)  # deleted
    head = {**head_files.entries({p: b for p, b in on_disk.items() if p not in new}), **new}
    programs = sorted((e for e in head.values() if e.is_program), key=lambda e: e.path)
    base_programs = [e for e in programs if e.path not in changed] + [e for e in base_changed.values() if e.is_program]

    diagnostics, files, records = cache.kept(touched | {""})
    diagnostics += [d for e in head.values() for d in e.diagnostics]
    program = f"{RECORDS}/program.yaml"
    if program not in head and not (program in now if program in candidates else cache.state_files([program])):
        diagnostics.append(missing_program())
    touched_head: list[FileResult] = []
    touched_base: list[FileResult] = []
    groups: list[Group] = []
    evaluated = 0
    for group in [[], *components([*head.values(), *base_changed.values()])]:  # [] first: the programme alone
        on_head = [e for e in group if head.get(e.path) is e]
        key = component_key(on_head, programs)
        found = cache.findings(key)
        if found is None:
            found = tuple(run_rules(corpus_of([*head_files.records(on_head), *head_files.records(programs)])))
            cache.add_findings(key, found)
            evaluated += 1
        diagnostics.extend(found)
        if group:
            groups.append(Group(key, on_head, found))
        if any(e.path in changed for e in group):  # the change rules compare what changed, with its component
            touched_head += head_files.records(on_head)
            touched_base += head_files.records([e for e in on_head if e.path not in changed])  # the same at the base
            touched_base += base_files.records([e for e in group if base_changed.get(e.path) is e])
    cache.replace(touched | {""}, differ, groups, programs, State(merge_base, frozenset(changed)))
    return Change(
        base=corpus_of(
            [
                *touched_base,
                *head_files.records([e for e in base_programs if e.path not in changed]),
                *base_files.records([e for e in base_programs if e.path in changed]),
            ]
        ),
        head=corpus_of([*touched_head, *head_files.records(programs)]),
        diagnostics=diagnostics,
        files=files + len(head),
        records=records + sum(1 for e in head.values() if e.kind is not None),
        merge_base=merge_base,
        changed=sorted(changed),
        checked=head_files.checked + base_files.checked,
        evaluated=evaluated,
    )


def read_overrides(repo: GitRecords, merge_base: str) -> tuple[dict[str, list[Override]], list[tuple[str, str]]]:
    """``Policy-Override: C00x <reason>`` trailers of the commits under review (merge base..HEAD),
    by rule; and the malformed ones (no rule id, not a C-rule, or no reason) as (commit, value)."""
    overrides: dict[str, list[Override]] = defaultdict(list)
    malformed: list[tuple[str, str]] = []
    for sha, trailers in reversed(repo.log_trailers([f"{merge_base}..HEAD"])):
        for key, value in trailers:
            if key.lower() != OVERRIDE_KEY:
                continue
            match = OVERRIDE.match(value)
            if match:
                overrides[match[1]].append(Override(match[1], match[2].strip(), sha))
            else:
                malformed.append((sha, value))
    return overrides, malformed


def apply_overrides(findings: list[Diagnostic], overrides: dict[str, list[Override]], malformed: list[tuple[str, str]]) -> list[Diagnostic]:
    """An overridden finding stays in the report as info, with the reason and the commit."""
    out = []
    for d in findings:
        given = overrides.get(d.rule)
        if given:
            why = "；".join(f"提交 {o.commit[:10]}：{o.reason}" for o in given)
            out.append(dataclasses.replace(d, level=INFO, message=f"{d.message} 已依 Policy-Override 豁免（{why}）。"))
        elif malformed:
            bad = "；".join(f"提交 {sha[:10]} 的“{value}”" for sha, value in malformed)
            hint = f"（未采纳格式不符的豁免 {bad}：应为 Policy-Override: C00x <理由>。）"
            out.append(dataclasses.replace(d, message=d.message + hint))
        else:
            out.append(d)
    return out
