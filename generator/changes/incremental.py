"""The comparison behind ``validate --base``: every finding on the work tree, and both
sides of what the change reaches, checking again only what the change can affect.

Every corpus rule joins records only along their references (``records.graph``), so
the findings on a record depend only on its component of the reference graph and on
the programme. A change can therefore alter only the findings of the components its
files belong to, before and after it. The steps, each a function below:

1. ``read_tree``: git says which record files differ between the merge base and the
   work tree (``git diff --raw``, hashing what git has not hashed) — the files the
   change touches — and names the merge base's ``records/`` tree.
2. ``Files.check``: the touched files are checked now, on both sides, never taken from
   the cache; so is the programme.
3. ``base_partition``: the merge base's tree in components, from the cache by its tree
   id, or found now from every file's entry (content-addressed, by path and blob id) and
   kept for the next run.
4. ``reach``: the components that hold a touched file on either side, or an id one of
   them names. All their files are checked now; should one of them name an id of
   another component, that one joins, until nothing more does.
5. ``rule_findings``: the rules run now on what was reached; every other component's
   findings come from the cache by ``component_key`` (what the base branch's files
   gave), or are computed now when it does not have them.
6. ``sides``: the base and head records of the components that hold a changed record
   file, for the change rules.

What a cache holds can thus never hide a finding of a file the change touches or of a
component it reaches. Which unchanged files belong to a reached component is read from
the partition the cache keeps for the merge base's tree (content-addressed, and only
ever from a cache outside the work tree): a file the change does not touch is, by its
blob id, the file the base branch holds. A programme change reaches every component.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.git.repo import GitRecords
from generator.layout import RECORDS
from generator.models.corpus import Corpus
from generator.records.cache import ChangeCache, blob_id, component_key
from generator.records.files import FileResult, check_files, read_files
from generator.records.graph import PROGRAM as PROGRAM_KIND
from generator.records.graph import Entry, components
from generator.records.partition import PROGRAMS, Partition, Rest
from generator.records.tree import corpus_of, missing_program
from generator.rules.base import run_rules

PROGRAM = f"{RECORDS}/program.yaml"
Group = list[Entry]


@dataclass
class Change:
    """What a change reaches: the records of the components it touches on both sides,
    every finding on the head (files and corpus rules), and what it cost."""

    base: Corpus  # base records of the components holding a changed record file, with the base programme
    head: Corpus  # head records of the same components, with the head programme
    diagnostics: list[Diagnostic]  # every file's and every component's findings on the head
    files: int  # record files in the work tree
    records: int  # valid records among them
    merge_base: str  # commit sha
    changed: list[str] = field(default_factory=list)  # record files added, modified or deleted
    checked: int = 0  # files parsed and validated in this run (the rest came from the cache)
    evaluated: int = 0  # components whose rules ran in this run (the rest came from the cache)


def compare(repo: GitRecords, root: Path, merge_base: str, cache: ChangeCache) -> Change:
    """Every finding on the work tree, and both sides of what the change touches."""
    tree = read_tree(repo, root, merge_base)
    files = Files(root, repo, tree, cache)
    files.check(tree.head)
    files.check_base(tree.base)
    partition = base_partition(repo, tree, files, cache)
    files.check({p: b for p, b in partition.files_of([PROGRAMS]).items() if p not in tree.touched})
    groups, reached = reach(partition, files)
    findings, evaluated, rest = rule_findings(groups, reached, partition, files)
    base, head = sides(groups, files)
    shown = [e for g in groups for e in on_head(g, files)] + files.programs()  # the head files checked for the report
    diagnostics = [d for e in shown for d in e.diagnostics] + rest.diagnostics + findings
    if PROGRAM not in files.head:
        diagnostics.append(missing_program())
    return Change(
        base=base,
        head=head,
        diagnostics=diagnostics,
        files=len(shown) + rest.files,
        records=sum(1 for e in shown if e.kind is not None) + rest.records,
        merge_base=merge_base,
        changed=sorted(tree.touched),
        checked=files.checked,
        evaluated=evaluated,
    )


@dataclass
class Tree:
    """What the change touches: the files that differ between the merge base and the work tree."""

    merge_base: str
    records: str  # the git tree id of records/ at the merge base
    touched: set[str]  # files added, modified or deleted
    head: dict[str, str]  # touched files in the work tree → blob id ("" when they cannot be read)
    base: dict[str, str]  # touched files at the merge base → blob id
    raw: dict[str, bytes | OSError] = field(default_factory=dict)  # work-tree files read on the way


def read_tree(repo: GitRecords, root: Path, merge_base: str) -> Tree:
    """Step 1: which files the change touches, asked of git; only files git has not hashed are read."""
    differing = repo.differences(merge_base)  # path → (blob at the base, blob now, "" unhashed, None deleted)
    raw = dict(read_files(root, sorted(p for p, (_, now) in differing.items() if now == "")))
    head, base = {}, {}
    for path, (before, now) in differing.items():
        got = raw.get(path)
        if before:
            base[path] = before
        if now:
            head[path] = now
        elif isinstance(got, bytes):
            head[path] = blob_id(got)
        elif got is not None and not isinstance(got, FileNotFoundError):
            head[path] = ""  # there but unreadable: checked now, which reports it
    touched = {p for p in differing if head.get(p) != base.get(p) or head.get(p) == ""}
    return Tree(
        merge_base,
        repo.records_tree(merge_base),
        touched,
        {p: b for p, b in head.items() if p in touched},
        {p: b for p, b in base.items() if p in touched},
        raw,
    )


class Files:
    """The files checked in this run, on both sides: never taken from the cache."""

    def __init__(self, root: Path, repo: GitRecords, tree: Tree, cache: ChangeCache) -> None:
        self.root, self.repo, self.tree, self.cache = root, repo, tree, cache
        self.head: dict[str, Entry] = {}
        self.base: dict[str, Entry] = {}  # base versions of touched files
        self.fresh: dict[str, FileResult] = {}
        self.fresh_base: dict[str, FileResult] = {}
        self.checked = 0

    def check(self, blobs: dict[str, str]) -> None:
        """Check these work-tree files (path → blob id) now, those not checked yet."""
        todo = sorted(p for p in blobs if p not in self.fresh)
        if not todo:
            return
        raw = self.tree.raw
        unread = [p for p in todo if p not in raw]
        raw.update(read_files(self.root, unread))
        results = check_files((p, raw[p]) for p in todo)
        for p in unread:
            del raw[p]  # kept only while needed: a programme change reads every file
        entries = [Entry.of(r, blobs[r.path]) for r in results]
        self.fresh.update((r.path, r) for r in results)
        self.head.update((e.path, e) for e in entries)
        self.cache.add(entries)
        self.checked += len(todo)

    def check_base(self, blobs: dict[str, str]) -> None:
        """Check these files as the merge base holds them (path → blob id), from git objects."""
        paths = sorted(blobs)
        found = self.repo.read_many(blobs[p] for p in paths)
        results = check_files((p, found[blobs[p]] if blobs[p] in found else self.repo.read(blobs[p])) for p in paths)
        self.fresh_base.update((r.path, r) for r in results)
        self.base.update((r.path, Entry.of(r, blobs[r.path])) for r in results)
        self.checked += len(paths)

    def programs(self) -> list[Entry]:
        """The programme files of the work tree, by path."""
        return sorted((e for e in self.head.values() if e.kind == PROGRAM_KIND), key=lambda e: e.path)

    def programme_touched(self) -> bool:
        """Whether the change touches a programme file (on either side, even one that no longer parses)."""
        touched = [e for p in self.tree.touched for e in (self.head.get(p), self.base.get(p)) if e is not None]
        return PROGRAM in self.tree.touched or any(e.kind == PROGRAM_KIND for e in touched)


def base_partition(repo: GitRecords, tree: Tree, files: Files, cache: ChangeCache) -> Partition:
    """Step 3: the merge base's tree in components, from the cache or found now and kept."""
    partition = Partition(cache, tree.records)
    if partition.exists():
        return partition
    blobs = repo.tree(tree.merge_base)
    untouched = {p: b for p, b in blobs.items() if p not in tree.touched}  # the same in the work tree
    kept = cache.entries(untouched.items())
    files.check({p: b for p, b in untouched.items() if (p, b) not in kept})
    entries = [kept.get((p, b)) or files.head[p] for p, b in untouched.items()] + list(files.base.values())
    programs = [e for e in entries if e.kind == PROGRAM_KIND]
    return Partition.store(cache, tree.records, [(component_key(g, programs), g) for g in components(entries)], programs)


def reach(partition: Partition, files: Files) -> tuple[list[Group], set[str]]:
    """Step 4: the components the change reaches (their keys in the partition), every file
    of them checked now, in the groups those files make on the head (with the base
    versions of touched files, so that a component the change splits stays one)."""
    tree = files.tree
    if files.programme_touched():
        keys = set(partition.rest((), ()).components)  # the programme is read by every rule
    else:
        keys = set(partition.components_of_paths(tree.touched).values())
        keys |= set(partition.components_of_nodes(n for p in tree.head for n in _ids(files.head[p])).values())
    searched = {n for p in tree.head for n in _ids(files.head[p])}
    while True:
        keys.discard(PROGRAMS)
        members = {p: b for p, b in partition.files_of(keys).items() if p not in tree.touched}
        files.check(members)
        heads = [files.head[p] for p in (*members, *tree.head)]
        ids = {n for e in heads for n in _ids(e)} - searched
        searched |= ids
        more = set(partition.components_of_nodes(ids).values()) - keys - {PROGRAMS}
        if not more:
            return components([*heads, *files.base.values()]), keys
        keys |= more


def rule_findings(groups: list[Group], reached: set[str], partition: Partition, files: Files) -> tuple[list[Diagnostic], int, Rest]:
    """Step 5: the rules' findings on every component (and on the programme alone), how
    many components the rules ran on in this run, and the rest of the tree."""
    programs = files.programs()
    program_results = [files.fresh[e.path] for e in programs]
    found = run_rules(corpus_of(program_results))
    todo = [on_head(g, files) for g in groups]
    rest = partition.rest(reached, files.tree.touched)
    kept = files.cache.findings(rest.components)
    for members in partition.grouped(k for k in rest.components if k not in kept).values():
        files.check(members)  # a component whose findings the cache does not have
        todo.append([files.head[p] for p in members])
    for group in todo:
        got = tuple(run_rules(corpus_of([*(files.fresh[e.path] for e in group), *program_results])))
        files.cache.add_findings(component_key(group, programs), got)
        found.extend(got)
    found.extend(d for key in rest.components if key in kept for d in kept[key])
    return found, len(todo), rest


def sides(groups: list[Group], files: Files) -> tuple[Corpus, Corpus]:
    """Step 6: base and head records of the components that hold a changed record file."""
    touched = files.tree.touched
    changed = [g for g in groups if any(e.path in touched for e in g)]
    head = [files.fresh[e.path] for g in changed for e in on_head(g, files)]
    base = [files.fresh[e.path] for g in changed for e in on_head(g, files) if e.path not in touched]  # the same at the base
    base += [files.fresh_base[e.path] for g in changed for e in g if files.base.get(e.path) is e]
    head_programs = [files.fresh[e.path] for e in files.programs()]
    base_programs = [r for r in head_programs if r.path not in touched]
    base_programs += [r for p, r in files.fresh_base.items() if files.base[p].kind == PROGRAM_KIND]
    return corpus_of([*base, *base_programs]), corpus_of([*head, *head_programs])


def on_head(group: Group, files: Files) -> Group:
    """The head files of a group (a group may also hold base versions of touched files)."""
    return [e for e in group if files.base.get(e.path) is not e]


def _ids(e: Entry) -> tuple[str, ...]:
    return (e.node, *e.refs)
