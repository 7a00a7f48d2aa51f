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


@dataclass(frozen=True)
class Earlier:
    """An earlier version of the ``generator`` package (``--against REV``), run from its
    own source tree with the same interpreter and libraries, as a third side of the
    validate, ``--base`` and portal figures: the same sets, alternately, in the same run."""

    rev: str
    tree: Path

    @property
    def env(self) -> dict[str, str]:
        return {"PYTHONPATH": str(self.tree)}

    def same(self, size: str, then: Series, reference: Series) -> Row:
        """The earlier version's row under this version's: its median against the same reference."""
        return Row(
            f"the same, {self.rev}",
            size,
            secs(then.median),
            secs(reference.median),
            then.median / reference.median,
            note=f"{len(then.values)} run(s)",
        )

    def beside(self, figure: str, size: str, ours: float, then: float, show: Callable[[float], str] | None = None) -> Row:
        """This version's figure against the earlier one's, both from the same rounds (for
        times, the ratio of their ratios to any reference measured with them). Within 10%
        is the target."""
        change, show = ours / then, show or secs
        return Row(f"{figure}: this version vs {self.rev}", size, show(ours), show(then), change, "≤ 1.1", change <= 1.1)


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
    earlier: Earlier | None = None  # an earlier version of jiebang, measured beside this one (--against)

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

        then: list[Run] = []
        earlier = ctx.earlier
        sides = [] if earlier is None else [partial(_validate_earlier, earlier, root, then)]
        if cjs is None or lists > ctx.cjs_max:
            mine, *was = ctx.rounds(repeat_for(ctx, files), validate, *sides)
            why = (
                "check-jsonschema not installed (JIEBANG_EXTRAS=test,bench)"
                if cjs is None
                else f"reference skipped above {ctx.cjs_max:,} lists"
            )
            rows.append(Row("validate, all rules", label(lists, files), secs(mine.median), note=why))
        else:
            mine, theirs, *was = ctx.rounds(repeat_for(ctx, files), validate, partial(schema_only, cjs, root), *sides)
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
            if earlier is not None:
                rows.append(earlier.same(label(lists, files), was[0], theirs))
        if earlier is not None:
            rows.append(earlier.beside("validate, all rules", label(lists, files), mine.median, was[0].median))
        if not all(CLEAN in r.output for r in ours + then):
            raise RuntimeError(f"the {lists}-list set does not validate clean:\n{(ours + then)[-1].output[-3000:]}")
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


def _validate_earlier(earlier: Earlier, root: Path, keep: list[Run]) -> float:
    keep.append(run([*JIEBANG, "validate", "--root", str(root)], cwd=root, env=earlier.env))
    return keep[-1].seconds


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
    full = [*JIEBANG, "validate", "--root", str(root)]
    sides = [_base_side(ctx.work / f"cache-{lists}", root, {})]
    if ctx.earlier is not None:
        sides.append(_base_side(ctx.work / f"cache-{lists}-{ctx.earlier.rev}", root, ctx.earlier.env))
    changed = data.one_file_change(root)
    measures = [m for side in sides for m in (side.warm, partial(_seconds, full, root, side.env))]
    try:
        series = ctx.rounds(ctx.repeat, *measures)
    finally:
        data.git(root, "checkout", "-q", "--", changed)
    (ours, whole), cold = series[:2], sides[0].cold
    ratio = ours.median / whole.median
    national = lists >= 10_000  # the target is set for a national set; small sets are all start-up
    rows = [
        Row(
            title,
            label(lists, files),
            secs(ours.median),
            secs(whole.median),
            ratio,
            "< 0.1 at 10,000 lists",
            ratio < 0.1 if national else None,
            f"the cache holds the base branch's state; {len(ours.values)} run(s)",
        ),
        Row(
            "validate --base, cold cache (base branch, no change) vs full validate",
            label(lists, files),
            secs(cold),
            secs(whole.median),
            cold / whole.median,
            note="every file checked once, cache written",
        ),
    ]
    if ctx.earlier is not None:
        then, then_whole = series[2:]
        rows.append(ctx.earlier.same(label(lists, files), then, then_whole))
        rows.append(
            ctx.earlier.beside(
                "validate --base vs full validate", label(lists, files), ratio, then.median / then_whole.median, lambda r: f"{r:.3g}"
            )
        )
    return rows


@dataclass
class _BaseSide:
    """One version's ``validate --base``: its cache as the base branch left it (``cold``
    seconds to write), restored before every warm run so that none profits from another."""

    root: Path
    cache: Path
    env: dict[str, str]
    cold: float = 0.0

    @property
    def snapshot(self) -> Path:
        return self.cache.with_name(self.cache.name + "-base")

    def check(self) -> float:
        command = [*JIEBANG, "validate", "--base", "HEAD", "--root", str(self.root)]
        return run(command, cwd=self.root, env={**self.env, "JIEBANG_CACHE": str(self.cache)}).seconds

    def warm(self) -> float:
        shutil.rmtree(self.cache)
        shutil.copytree(self.snapshot, self.cache)
        os.sync()  # the copy's writes are not the run's
        return self.check()


def _base_side(cache: Path, root: Path, env: dict[str, str]) -> _BaseSide:
    """A side whose cache holds the base branch's state: one cold run on the clean tree."""
    side = _BaseSide(root, cache, env)
    for where in (side.cache, side.snapshot):
        shutil.rmtree(where, ignore_errors=True)
    side.cold = side.check()
    shutil.copytree(side.cache, side.snapshot)
    return side


def _seconds(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    return run(cmd, cwd=cwd, env=env).seconds


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
