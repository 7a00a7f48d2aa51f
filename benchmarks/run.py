"""Run the benchmarks and print a Markdown table of medians and ratios.

    python -m benchmarks.run [--sizes 100,1000,10000] [--repeat N] [--quick] [--only validate,search] [--federation 100x1000]
    python -m benchmarks.run --only pages     # the heaviest HTML page at each size, one build each
    python -m benchmarks.run --against a558d89  # the first version measured beside this one

Every figure is a ratio against a reference run in the same invocation (what a user
would otherwise run), with medians of ``--repeat`` runs taken alternately. Record sets
and repositories are generated once under ``--work`` and reused while the generator is
unchanged. A figure whose feature has not been built yet is listed as not available.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.federation import federation_figures
from benchmarks.figures import Context, Earlier, Row, base_figures, history_figures, validate_figures
from benchmarks.measure import machine
from benchmarks.portal import page_weight_figures, portal_figures
from benchmarks.search import search_figures

DEFAULT_WORK = Path(__file__).parent / "out"
PACKAGE = Path(__file__).parent.parent / "generator"
FIGURES: list[tuple[str, Callable[[Context], list[Row]]]] = [
    ("validate", validate_figures),
    ("base", base_figures),
    ("portal", portal_figures),
    ("search", search_figures),
    ("history", history_figures),
    ("federation", federation_figures),
    ("pages", page_weight_figures),
]
ON_REQUEST = {"pages"}  # run only when named in --only: the portal figures already report it


def table(rows: list[Row]) -> str:
    lines = ["| figure | size | jiebang | reference | ratio | target | met | note |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "—" if r.ratio is None else f"{r.ratio:.3g}"
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        lines.append(f"| {r.figure} | {r.size} | {r.ours} | {r.reference} | {ratio} | {r.target} | {met} | {r.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="lists per synthetic set, comma-separated")
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per measurement, the median reported (default 3; sets above 20,000 files: 1)"
    )
    parser.add_argument("--quick", action="store_true", help="small history repository; one run each unless --repeat is given")
    parser.add_argument("--only", default="", help="figures to run: " + ",".join(name for name, _ in FIGURES))
    parser.add_argument("--cjs-max", type=int, default=10_000, help="largest set (lists) to run check-jsonschema on")
    parser.add_argument("--portal-max", type=int, default=10_000, help="largest set (lists) to build the portal for")
    parser.add_argument("--federation", default=None, help="programmes x lists for the national view (default 100x1000; --quick: 3x20)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where generated data is kept")
    parser.add_argument(
        "--against",
        default=None,
        metavar="REV",
        help="also measure the generator package of commit REV in the same rounds (validate, base, portal)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error("--sizes takes numbers such as 100,1000,10000")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive number")
    repeat = args.repeat or (1 if args.quick else 3)
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    unknown = wanted - {name for name, _ in FIGURES}
    if unknown:
        parser.error(f"unknown figure(s): {', '.join(sorted(unknown))}")
    args.work.mkdir(parents=True, exist_ok=True)
    # Compiled once, as pip compiles a package it installs (an editable install leaves it
    # to the first import, which PYTHONDONTWRITEBYTECODE forbids): start-up as a user's.
    compileall.compile_dir(str(PACKAGE), quiet=1)
    try:
        programmes, lists = (int(n) for n in (args.federation or ("3x20" if args.quick else "100x1000")).split("x"))
    except ValueError:
        parser.error("--federation takes programmes x lists, such as 100x1000")
    ctx = Context(
        args.work.resolve(), sizes, max(1, repeat), args.quick, args.cjs_max, args.portal_max, max(1, args.repeat or 1), (programmes, lists)
    )
    if args.against:
        ctx.earlier = earlier_version(args.against, ctx.work)
    rows: list[Row] = []
    started = time.perf_counter()
    for name, figure in FIGURES:
        if (wanted and name not in wanted) or (not wanted and name in ON_REQUEST):
            continue
        print(f"… {name}", file=sys.stderr, flush=True)
        rows.extend(figure(ctx))
    print("\n".join(f"- {k}: {v}" for k, v in machine().items()))
    print(f"- medians of {ctx.repeat} run(s) or more (see notes); whole benchmark {time.perf_counter() - started:,.0f} s\n")
    print(table(rows))
    return 0


def earlier_version(rev: str, work: Path) -> Earlier:
    """The ``generator`` package as it was at ``rev``, unpacked from git under ``work`` and
    compiled like this one; its figures are measured with the same interpreter and libraries."""
    repo = PACKAGE.parent
    sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", f"{rev}^{{commit}}"], capture_output=True, text=True, check=True)
    short = sha.stdout.strip()
    tree = work / f"version-{short}"
    if not (tree / "generator").is_dir():
        shutil.rmtree(tree, ignore_errors=True)
        tree.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", short], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    compileall.compile_dir(str(tree / "generator"), quiet=1)
    return Earlier(short, tree)


if __name__ == "__main__":
    sys.exit(main())
