"""The library API of ``jiebang validate``: load every record, run every rule, report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.diagnostics import Diagnostic, Report
from generator.errors import CannotRun
from generator.git.repo import GitRecords
from generator.layout import RECORDS
from generator.models import Program
from generator.models.corpus import Corpus
from generator.records.files import check_file
from generator.records.tree import Loaded, bulk, load_tree
from generator.rules.base import advisory, catalogue, cites_for, run_rules, to_diagnostic


def program_citations(root: Path) -> dict[str, str]:
    """The programme's own article for each rule, if its program.yaml is valid; else none."""
    path = f"{RECORDS}/program.yaml"
    try:
        result = check_file(path, (root / path).read_bytes())
    except OSError:
        return {}
    return dict(result.record.policy.citations) if isinstance(result.record, Program) else {}


def validate(root: Path, paths: Sequence[str] = ()) -> Report:
    """Validate the whole record set; report findings in ``paths`` (all when empty)."""
    loaded = load_tree(root)
    return report_for(loaded, paths, root)


def report_for(loaded: Loaded, paths: Sequence[str], root: Path) -> Report:
    with bulk():
        findings = loaded.diagnostics + run_rules(loaded.corpus) + unknown_redaction_commits(loaded.corpus, root)
    return make_report(findings, loaded.files, len(loaded.corpus), paths, root)


def unknown_redaction_commits(corpus: Corpus, root: Path) -> list[Diagnostic]:
    """Redaction entries naming a commit the repository does not have: a warning (R001, as an
    advisory), since such an entry withholds every past value of its field, not only those
    from its commit on. Outside a git repository there is nothing to check."""
    redactions = corpus.redactions
    if redactions is None or not redactions.entries:
        return []
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
            out.append(to_diagnostic(r001, advisory(redactions.finding(("entries", i, "commit"), message)), cites_for(r001, corpus.policy)))
    return out


def make_report(findings: list[Diagnostic], files: int, records: int, paths: Sequence[str], root: Path) -> Report:
    """The report of a run: its findings in ``paths`` (all when empty)."""
    wanted = [w for w in (_relative(root, p) for p in paths) if w not in ("", ".")]
    if len(wanted) < len(paths):
        wanted = []  # the repo root itself was named: everything
    if wanted:
        findings = [d for d in findings if any(d.path == w or d.path.startswith(w.rstrip("/") + "/") for w in wanted)]
    report = Report(files=files, records=records)
    report.extend(findings)
    return report


def _relative(root: Path, path: str) -> str:
    p = Path(path)
    absolute = p if p.is_absolute() else (Path.cwd() / p)
    try:
        return absolute.resolve().relative_to(root.resolve()).as_posix()
    except ValueError as exc:
        raise CannotRun(f"{path} 不在记录仓库 {root} 之内。") from exc
