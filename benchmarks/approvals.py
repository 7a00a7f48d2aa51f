"""Approvals at scale: a main line of N signed pull-request merges, verified in one pass.

    python -m benchmarks.approvals --commits 2000 [--repeat 3] [--out benchmarks/out/approvals]

Writes (once, then reuses) a repository whose first commit holds ``.github/allowed_signers``
with one ed25519 key, followed by N squash merges ``… (#n)`` signed with that key, each
changing one record; then prints the medians of: the history index alone (no signatures),
the ledger (the index, the one signature pass and the trust walk), and ``jiebang audit``
end to end, which must report every change approved; and the machine's load average.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.measure import run as run_command
from generator.git.log import build_index
from generator.git.repo import GitRecords
from generator.history.approvals import read_ledger
from generator.history.record import Reader

SIGNERS = ".github/allowed_signers"


def write_repo(root: Path, commits: int) -> None:
    """N signed squash merges; each commit is one ``git commit -S`` (one ssh-keygen signature)."""
    done = root / ".complete"
    if done.exists() and done.read_text() == str(commits):
        return
    subprocess.run(["rm", "-rf", str(root)], check=True)
    (root / "records").mkdir(parents=True)
    key = root.parent / f"{root.name}.key"
    if not key.exists():
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    public = " ".join(key.with_suffix(".key.pub").read_text().split()[:2])
    (root / ".github").mkdir()
    (root / SIGNERS).write_text(f"张三 {public}\n", encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": "区科技局", "GIT_AUTHOR_EMAIL": "kjj@example.org"}
    env |= {"GIT_COMMITTER_NAME": "区科技局", "GIT_COMMITTER_EMAIL": "kjj@example.org", "GIT_CONFIG_GLOBAL": os.devnull}
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={key}"]

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "Initial records")
    for n in range(1, commits + 1):
        (root / "records" / f"n-{n % 50}.yaml").write_text(f"value: {n}\n", encoding="utf-8")
        git("add", "-A")
        git(*sign, "commit", "-q", "-S", "-m", f"Update record {n % 50} (#{n})")
    done.write_text(str(commits))


def median_seconds(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time, and median CPU time of the process and its children (git,
    ssh-keygen): on a shared machine the CPU time says more than the wall time."""
    walls, cpus = [], []
    for _ in range(repeat):
        before, started = _cpu(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - before)
    return statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out/approvals"))
    args = parser.parse_args(argv)
    root = args.out.resolve() / f"signed-{args.commits}"
    write_repo(root, args.commits)
    src = GitRecords(root)

    def ledger() -> None:
        index = build_index(src)
        found = read_ledger(src, index, Reader(src).data)
        assert sum(a.verified for a in found.approvals.values()) == args.commits

    index, _ = median_seconds(lambda: build_index(src), args.repeat)
    full, cpu = median_seconds(ledger, args.repeat)
    audits = [run_command([sys.executable, "-m", "generator.cli", "audit", "--root", str(root)]) for _ in range(args.repeat)]
    assert all(a.code == 0 for a in audits), audits[0].output[-500:]
    audit = statistics.median(a.seconds for a in audits)
    load = os.getloadavg()[0]
    print("| signed commits | index only | ledger (one signature pass) | per commit | its CPU time | jiebang audit | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {args.commits:,} | {index:.2f} s | {full:.1f} s | {1000 * full / args.commits:.1f} ms | {cpu:.1f} s | {audit:.1f} s | {load:.1f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
