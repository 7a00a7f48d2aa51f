"""The figures: each times jiebang against what a user would otherwise run, in the same
invocation, and returns table rows. A figure whose feature is missing says so."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from benchmarks import data
from benchmarks.measure import QUICK, Run, Series, interleaved, run

GiB = 1024**3
CLEAN = "：0 个错误，0 个警告"  # the text report's summary of a clean set
JIEBANG = [sys.executable, "-m", "generator.cli"]


@dataclass
class Row:
    figure: str
    size: str
    ours: str
    reference: str = "—"
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Context:
    work: Path
    sizes: list[int]
    repeat: int
    quick: bool
    cjs_max: int
    portal_max: int
    national_repeat: int = 1  # runs on sets above 20,000 files: only as many as --repeat asks for
    federation: tuple[int, int] = (100, 1000)  # programmes × lists each, for the national view
    sites: dict[int, Path] = field(default_factory=dict)  # portals built in this run, by lists: measured once, read by several figures

    def rounds(self, repeat: int, *measures: Callable[[], float]) -> list[Series]:
        """``measure.interleaved``; with --quick, no extra rounds for quick measurements."""
        return interleaved(repeat, *measures, quick=0.0 if self.quick else QUICK)


def available(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def secs(value: float) -> str:
    return f"{value:.3g} s" if value < 100 else f"{value:,.0f} s"


def label(lists: int, files: int) -> str:
    return f"{lists:,} lists ({files:,} files)"


def repeat_for(ctx: Context, files: int) -> int:
    """Runs for a set of this size: national sets run once (each side takes minutes) unless
    ``--repeat`` says how many."""
    return ctx.repeat if files <= 20_000 else ctx.national_repeat


def validate_figures(ctx: Context) -> list[Row]:
    """Full validate at every size; against check-jsonschema (schema only) up to --cjs-max;
    peak memory, and workers against one process, on the largest set."""
    rows: list[Row] = []
    cjs = shutil.which("check-jsonschema", path=os.path.dirname(sys.executable)) or shutil.which("check-jsonschema")
    runs: dict[int, list[Run]] = {}
    for lists in ctx.sizes:
        root, files = data.programme(ctx.work, lists)
        ours: list[Run] = []

        def validate(root: Path = root, keep: list[Run] = ours) -> float:
            keep.append(run([*JIEBANG, "validate", "--root", str(root)], cwd=root))
            return keep[-1].seconds

        if cjs is None or lists > ctx.cjs_max:
            (mine,) = ctx.rounds(repeat_for(ctx, files), validate)
            why = (
                "check-jsonschema not installed (JIEBANG_EXTRAS=test,bench)"
                if cjs is None
                else f"reference skipped above {ctx.cjs_max:,} lists"
            )
            rows.append(Row("validate, all rules", label(lists, files), secs(mine.median), note=why))
        else:
            mine, theirs = ctx.rounds(repeat_for(ctx, files), validate, partial(schema_only, cjs, root))
            ratio = mine.median / theirs.median
            rows.append(
                Row(
                    "validate, all rules vs check-jsonschema, schema only",
                    label(lists, files),
                    secs(mine.median),
                    secs(theirs.median),
                    ratio,
                    "< 1",
                    ratio < 1,
                    f"{files / mine.median:,.0f} vs {files / theirs.median:,.0f} files/s; {len(mine.values)} run(s)",
                )
            )
        if not all(CLEAN in r.output for r in ours):
            raise RuntimeError(f"the {lists}-list set does not validate clean:\n{ours[-1].output[-3000:]}")
        runs[lists] = ours
    largest = max(ctx.sizes)
    root, files = data.programme(ctx.work, largest)
    peak = max(r.peak_bytes for r in runs[largest])
    rows.append(
        Row(
            "peak memory, validate (process and workers)",
            label(largest, files),
            f"{peak / 2**20:,.0f} MiB",
            target="< 1 GiB",
            met=peak < GiB,
        )
    )
    one, many = ctx.rounds(
        repeat_for(ctx, files),
        lambda: run([*JIEBANG, "validate", "--root", str(root)], cwd=root, env={"JIEBANG_JOBS": "1"}).seconds,
        lambda: run([*JIEBANG, "validate", "--root", str(root)], cwd=root).seconds,
    )
    rows.append(
        Row(
            "validate on worker processes vs one process",
            label(largest, files),
            secs(many.median),
            secs(one.median),
            many.median / one.median,
            note=f"{os.cpu_count()} cores; {len(one.values)} run(s)",
        )
    )
    return rows


def schema_only(cjs: str, root: Path) -> float:
    """check-jsonschema over every record file, one invocation per kind (and per ~100 KB
    of file names), each against that kind's committed schema: what a user would run."""
    from generator.models import KINDS

    started = time.perf_counter()
    for kind, spec in KINDS.items():
        if spec.folder:
            files = sorted(p.relative_to(root).as_posix() for p in (root / "records" / spec.folder).rglob("*.yaml"))
        else:  # records/program.yaml, and records/redactions.yaml when there is one
            files = [f"records/{kind}.yaml"] if (root / "records" / f"{kind}.yaml").is_file() else []
        for chunk in _chunks(files, 100_000) if files else []:
            run([cjs, "--schemafile", f"schemas/{kind}.schema.json", *chunk], cwd=root)
    return time.perf_counter() - started


def _chunks(names: list[str], limit: int) -> list[list[str]]:
    out: list[list[str]] = [[]]
    size = 0
    for name in names:
        if size + len(name) > limit and out[-1]:
            out.append([])
            size = 0
        out[-1].append(name)
        size += len(name) + 1
    return [c for c in out if c]


def base_figures(ctx: Context) -> list[Row]:
    """``validate --base`` on a one-file change in the largest set, against a full validate.

    As in CI, the cache holds the state of the base branch (a cold run on the clean
    tree writes it) when the change is checked; every warm run starts from that same
    cache, so none profits from the one before it."""
    title = "validate --base, one file changed, warm cache vs full validate"
    if not available("generator.changes"):
        return [Row(title, "—", "not available yet: no `jiebang validate --base`")]
    lists = max(ctx.sizes)
    root, files = data.programme(ctx.work, lists)
    data.committed(root)
    cache, snapshot = ctx.work / f"cache-{lists}", ctx.work / f"cache-{lists}-base"
    env = {"JIEBANG_CACHE": str(cache)}
    check = [*JIEBANG, "validate", "--base", "HEAD", "--root", str(root)]
    for where in (cache, snapshot):
        shutil.rmtree(where, ignore_errors=True)
    cold = run(check, cwd=root, env=env)
    shutil.copytree(cache, snapshot)
    changed = data.one_file_change(root)

    def warm() -> float:
        shutil.rmtree(cache)
        shutil.copytree(snapshot, cache)
        os.sync()  # the copy's writes are not the run's
        return run(check, cwd=root, env=env).seconds

    try:
        ours, full = ctx.rounds(ctx.repeat, warm, lambda: run([*JIEBANG, "validate", "--root", str(root)], cwd=root).seconds)
    finally:
        data.git(root, "checkout", "-q", "--", changed)
    ratio = ours.median / full.median
    national = lists >= 10_000  # the target is set for a national set; small sets are all start-up
    return [
        Row(
            title,
            label(lists, files),
            secs(ours.median),
            secs(full.median),
            ratio,
            "< 0.1 at 10,000 lists",
            ratio < 0.1 if national else None,
            f"the cache holds the base branch's state; {len(ours.values)} run(s)",
        ),
        Row(
            "validate --base, cold cache (base branch, no change) vs full validate",
            label(lists, files),
            secs(cold.seconds),
            secs(full.median),
            cold.seconds / full.median,
            note="every file checked once, cache written",
        ),
    ]


def history_figures(ctx: Context) -> list[Row]:
    """The history index in one pass over the log against per-file ``git log`` (GitPython)."""
    import git

    commits, files = (500, 100) if ctx.quick else (5000, 500)
    root, paths = data.scripted_history(ctx.work, commits, files)
    real = available("generator.git.log")
    counts: dict[str, int] = {}

    def one_pass() -> float:
        started = time.perf_counter()
        if real:
            from generator.git.log import build_index

            index = build_index(root)
            counts.update({p: len(index.versions(Path(p).stem)) for p in paths})
        else:
            counts.update(log_once(root))
        return time.perf_counter() - started

    naive: dict[str, int] = {}

    def per_file() -> float:
        started = time.perf_counter()
        repo = git.Repo(root)
        for path in paths:
            naive[path] = sum(1 for _ in repo.iter_commits("HEAD", paths=path, first_parent=True))
        return time.perf_counter() - started

    ours, theirs = ctx.rounds(ctx.repeat, one_pass, per_file)
    same = all(counts.get(p) == naive[p] for p in paths)
    how = "generator.history build_index" if real else "git log --name-status parsed once (generator/history not available yet)"
    return [
        Row(
            "history index, one pass vs per-file git log (GitPython)",
            f"{commits:,} commits, {len(paths):,} files",
            secs(ours.median),
            secs(theirs.median),
            ours.median / theirs.median,
            "< 1",
            ours.median < theirs.median and same,
            how + ("" if same else "; VERSION COUNTS DIFFER") + f"; {len(ours.values)} run(s)",
        )
    ]


def log_once(root: Path) -> dict[str, int]:
    """Versions per record file from one ``git log --name-status`` pass."""
    out = data.git(root, "log", "--first-parent", "--name-status", "--format=%x1e%H", "--", "records")
    counts: dict[str, int] = {}
    for entry in out.split("\x1e")[1:]:
        for line in entry.splitlines()[1:]:
            _status, _, path = line.partition("\t")
            if path:
                counts[path.split("\t")[-1]] = counts.get(path.split("\t")[-1], 0) + 1
    return counts
