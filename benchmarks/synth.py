"""A synthetic 揭榜挂帅 programme of N lists that passes every rule, for benchmarks.

Each list comes from a need, is argued, decided and published in a call (two batches a
year), receives three bids and — unless it is in the open batch — a bid-review; most
reviews select a bid, whose 公示 lasts five Chinese working days, and the project that
follows has a milestone, its check, an acceptance and the awards these allow. The
timeline ends in the second half of 2026 (the last year the holiday calendar knows);
every event lies on or before ``NOW``. The same N and seed give the same files.

    python -m benchmarks.synth --lists 1000 --out benchmarks/out/lists-1000

The ID format (three digits per kind and year) holds 999 records per year. A set too
big for that within 2004–2026 numbers the overflow into the next years with room, so
some ids name a later year than their dates.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from benchmarks.programme import NOW, Programme, Rec
from benchmarks.yamlout import dump
from generator.models import KINDS

__all__ = ["NOW", "Programme", "main", "path_of", "write_programme"]


def path_of(record: Rec) -> str:
    """records/<folder>/<year>/<id>.yaml (program.yaml at the top)."""
    if record["kind"] == "program":
        return "records/program.yaml"
    return f"records/{KINDS[record['kind']].folder}/{record['id'].split('-')[1]}/{record['id']}.yaml"


def write_programme(out: Path, lists: int, seed: int = 1) -> Counter[str]:
    """Write the programme under ``out/records``; returns the count of records by kind.

    Text is made here and written by a few threads: creating ~100,000 small files is
    bound by the file system, not by Python.
    """
    counts: Counter[str] = Counter()
    made: set[Path] = set()
    chunk: list[tuple[Path, str]] = []
    pending: list[Future[None]] = []
    with ThreadPoolExecutor(4) as pool:
        for record in Programme(lists, seed).records():
            path = out / path_of(record)
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            chunk.append((path, dump(record)))
            counts[record["kind"]] += 1
            if len(chunk) == 500:
                pending.append(pool.submit(_write, chunk))
                chunk = []
                if len(pending) > 8:
                    pending.pop(0).result()
        pending.append(pool.submit(_write, chunk))
        for job in pending:
            job.result()
    return counts


def _write(files: list[tuple[Path, str]]) -> None:
    for path, text in files:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=int, required=True, help="number of lists (榜单)")
    parser.add_argument("--out", type=Path, required=True, help="directory to create; records go to OUT/records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace OUT/records if it exists")
    args = parser.parse_args(argv)
    if args.lists < 1:
        parser.error("--lists must be at least 1")
    if (args.out / "records").exists():
        if not args.force:
            parser.error(f"{args.out / 'records'} exists; pass --force to replace it")
        shutil.rmtree(args.out / "records")
    started = time.perf_counter()
    counts = write_programme(args.out, args.lists, args.seed)
    took = time.perf_counter() - started
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"{sum(counts.values())} records ({detail}) in {args.out / 'records'} in {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
