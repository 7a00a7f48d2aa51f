"""The library API of ``jiebang validate``: load every record, run every rule, report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.diagnostics import Diagnostic, Report
from generator.errors import CannotRun
from generator.layout import RECORDS
from generator.models import Program
from generator.records.files import check_file
from generator.records.tree import Loaded, bulk, load_tree
from generator.rules.base import run_rules


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
    with bulk():
        findings = loaded.diagnostics + run_rules(loaded.corpus)
    return make_report(findings, loaded.files, len(loaded.corpus), paths, root)


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
