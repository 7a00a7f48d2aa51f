"""The library API of ``jiebang validate``: load every record, run every rule, report."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.diagnostics import ERROR, Diagnostic, Report
from generator.models import Program
from generator.models.corpus import Corpus
from generator.records.batch import check_files
from generator.records.files import RECORDS, FileResult, check_file, iter_record_files, read_files
from generator.rules.base import run_rules

FREEZE_ABOVE = 200_000  # live container objects: a set of ~20,000 records


@contextmanager
def bulk() -> Iterator[None]:
    """No cyclic garbage collection while a record set is loaded or checked, and none
    of what it made scanned by later collections.

    Records and their indexes hold no reference cycles: they are freed by reference
    counting when dropped, so the collector has nothing to find in them. But a national
    set is ~10⁷ objects, and every full collection would walk them all — while loading,
    and afterwards in whatever runs next (the portal build) and at interpreter exit.
    So collection is off inside, and on the way out, when the block made a large set
    (a validate of 10,000 lists runs ~25% faster), everything alive is moved to the
    collector's permanent generation (``gc.freeze``); small sets leave no trace.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > FREEZE_ABOVE:  # objects made and still alive, collection being off
            gc.freeze()
        if enabled:
            gc.enable()


class CannotRun(Exception):
    """The run cannot happen at all (exit 2): no records folder, bad revision, …"""


@dataclass
class Loaded:
    corpus: Corpus
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: int = 0


def load_results(results: Iterable[FileResult]) -> Loaded:
    """Assemble checked files into a corpus, keeping every finding."""
    results = list(results)
    loaded = Loaded(corpus_of(results), [d for r in results for d in r.diagnostics], len(results))
    if not any(r.path.endswith("program.yaml") and len(PurePosixPath(r.path).parts) == 2 for r in results):
        loaded.diagnostics.append(missing_program())
    return loaded


def corpus_of(results: Iterable[FileResult]) -> Corpus:
    """The valid records of checked files; the others are known by their file's name."""
    results = list(results)
    return Corpus([r.record for r in results if r.record is not None], [r.stem for r in results if r.record is None])


def missing_program() -> Diagnostic:
    return Diagnostic(f"{RECORDS}/program.yaml", 1, 1, "S004", ERROR, "缺少 records/program.yaml：每个记录仓库必须有且只有一个方案文件。")


def load_tree(root: Path) -> Loaded:
    """Load and check every record file under ``root/records``."""
    if not (root / RECORDS).is_dir():
        raise CannotRun(f"找不到 {root / RECORDS}：请在记录仓库的根目录运行，或用 --root 指定。")
    with bulk():
        return load_results(check_files(read_files(root, iter_record_files(root))))


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
