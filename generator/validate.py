"""The library API of ``jiebang validate``: load every record, run every rule, report."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from generator.diagnostics import WARNING, Diagnostic, Report
from generator.errors import CannotRun
from generator.layout import RECORDS
from generator.models import Program, Record
from generator.models.corpus import Corpus
from generator.models.refs import references
from generator.records.files import check_file
from generator.records.tree import Loaded, bulk, load_tree
from generator.rules.base import catalogue, cites_for, run_rules, to_diagnostic


def program_of(root: Path) -> Program | None:
    """The programme of the records at ``root``, if its program.yaml is valid."""
    path = f"{RECORDS}/program.yaml"
    try:
        result = check_file(path, (root / path).read_bytes())
    except OSError:
        return None
    return result.record if isinstance(result.record, Program) else None


def validate(root: Path, paths: Sequence[str] = ()) -> Report:
    """Validate the whole record set; report findings in ``paths`` (all when empty)."""
    loaded = load_tree(root)
    return report_for(loaded, paths, root)


def report_for(loaded: Loaded, paths: Sequence[str], root: Path) -> Report:
    """The findings in ``paths`` (all when empty), and those elsewhere that the records in
    ``paths`` cause (a new bid whose unit sits on the list's review panel: E003 lands on the
    review), each with a note naming the file that causes it."""
    with bulk():
        findings = loaded.diagnostics + run_rules(loaded.corpus) + unknown_redaction_commits(loaded.corpus, root)
        wanted = wanted_paths(root, paths)
        caused = caused_by(loaded.corpus, wanted) if wanted else []
    return make_report(findings, loaded.files, len(loaded.corpus), paths, root, caused)


def unknown_redaction_commits(corpus: Corpus, root: Path) -> list[Diagnostic]:
    """Redaction entries naming a commit the repository does not have: a warning (R001, as an
    warning), since such an entry withholds every past value of its field, not only those
    from its commit on. Outside a git repository there is nothing to check."""
    redactions = corpus.redactions
    if redactions is None or not redactions.entries:
        return []
    from generator.git.repo import GitRecords  # GitPython is slow to import: only this check needs it

    try:
        src = GitRecords(root)
    except CannotRun:
        return []
    r001 = next(r for r in catalogue() if r.id == "R001")
    out = []
    for i, entry in enumerate(redactions.entries):
        try:
            src.resolve(entry.commit)
        except CannotRun:
            message = (
                f"隐去条目的提交“{entry.commit}”在仓库中找不到：该字段的全部历史取值都将隐去。请核对提交编号（浅克隆须先获取完整历史）。"
            )
            found = to_diagnostic(r001, redactions.finding(("entries", i, "commit"), message), cites_for(r001, corpus.policy))
            out.append(dataclasses.replace(found, level=WARNING))
    return out


def make_report(
    findings: list[Diagnostic], files: int, records: int, paths: Sequence[str], root: Path, caused: Sequence[Diagnostic] = ()
) -> Report:
    """The report of a run: its findings in ``paths`` (all when empty), plus ``caused``."""
    wanted = wanted_paths(root, paths)
    if wanted:
        findings = [d for d in findings if _under(d.path, wanted)] + [d for d in caused if not _under(d.path, wanted)]
    report = Report(files=files, records=records)
    report.extend(findings)
    return report


def wanted_paths(root: Path, paths: Sequence[str]) -> list[str]:
    """The repo-relative paths named on the command line; none when the root itself is named."""
    wanted = [w for w in (_relative(root, p) for p in paths) if w not in ("", ".")]
    return wanted if len(wanted) == len(paths) else []


def _under(path: str, wanted: Sequence[str]) -> bool:
    return any(path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)


def caused_by(corpus: Corpus, wanted: Sequence[str]) -> list[Diagnostic]:
    """Findings that appear only because of the records in ``wanted``: the rules run on
    the records connected to them (``records.graph``: nothing else can change their
    findings) with and without them. Each keeps its own place and names the file that
    causes it; with program.yaml named, every finding depends on it."""
    named = [r for r in corpus if r.source and _under(r.source.path, wanted)]
    program = any(r.kind == "program" for r in named)
    part = list(corpus) if program else connected(corpus, named)
    with_them = run_rules(Corpus(part, corpus.broken))
    gone = {id(r) for r in named}
    without = {_key(d) for d in run_rules(Corpus([r for r in part if id(r) not in gone], corpus.broken | {r.id for r in named}))}
    if program:
        without = set()
    files = {r.id: r.source.path for r in named if r.source}
    cause = "、".join(sorted(set(files.values())) if len(set(files.values())) <= 3 else wanted)
    return [replace(d, message=f"{d.message}（由 {_cause(d, files) or cause} 引起）") for d in with_them if _key(d) not in without]


def _key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.path, d.line, d.column, d.rule, d.message)


def _cause(d: Diagnostic, files: dict[str, str]) -> str | None:
    """The named file whose id the finding's message mentions, when exactly one does."""
    found = {path for rid, path in files.items() if rid in d.message}
    return found.pop() if len(found) == 1 else None


def connected(corpus: Corpus, start: Sequence[Record]) -> list[Record]:
    """The records joined to ``start`` by references in either direction, and the programme."""
    linked: dict[str, set[str]] = defaultdict(set)
    for rec in corpus:
        for _, target, _ in references(rec):
            linked[rec.id].add(target)
            linked[target].add(rec.id)
    seen = {r.id for r in start}
    todo = list(seen)
    while todo:
        for other in linked[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return [r for r in corpus if r.id in seen or r.kind == "program"]


def _relative(root: Path, path: str) -> str:
    p = Path(path)
    absolute = p if p.is_absolute() else (Path.cwd() / p)
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as exc:
        raise CannotRun(f"{path} 不在记录仓库 {root} 之内。") from exc
