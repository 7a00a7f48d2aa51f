"""Timing and memory of child processes, medians, and a description of the machine."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

PROC = Path("/proc")


@dataclass
class Run:
    """One command's wall time, its process tree's peak resident memory, and its exit code."""

    seconds: float
    peak_bytes: int
    code: int
    output: str = ""


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run ``cmd`` and measure it. Memory is the peak of the summed RSS of the process
    and all its descendants (workers included), sampled every 20 ms from /proc."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sampler = _Sampler(proc.pid)
    sampler.start()
    output, _ = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop()
    text = output.decode("utf-8", "replace")
    if check and proc.returncode not in (0,):
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{text[-2000:]}")
    return Run(seconds, sampler.peak, proc.returncode, text)


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self._done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._done.wait(0.02)

    def stop(self) -> None:
        self._done.set()
        self.join()


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants (0 where /proc is missing)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = (PROC / str(current) / "status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) * 1024 if "VmRSS:" in status else 0
            for task in (PROC / str(current) / "task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


@dataclass
class Series:
    """Repeated measurements of one quantity."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def spread(self) -> str:
        return f"{min(self.values):.3g}–{max(self.values):.3g}" if len(self.values) > 1 else ""


QUICK = 60.0  # seconds: short measurements are repeated until their rounds take this long
MORE = 3  # … but to at most this many times the runs asked for


def interleaved(repeat: int, *measures: Callable[[], float], quick: float = QUICK) -> list[Series]:
    """Run each measure ``repeat`` times, alternating them, so that a noisy moment on
    the machine falls on both sides of a ratio rather than on one. Quick ones run more
    often (until the rounds have taken ``quick`` seconds, up to ``MORE`` × ``repeat``):
    on a shared machine single runs of a few seconds vary by a quarter, and the median
    of three would too."""
    out = [Series() for _ in measures]
    started = time.perf_counter()
    rounds = 0
    while rounds < repeat or (rounds < MORE * repeat and time.perf_counter() - started < quick):
        for series, measure in zip(out, measures, strict=True):
            series.values.append(measure())
        rounds += 1
    return out


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    mem = ""
    try:
        kb = int((PROC / "meminfo").read_text().split("MemTotal:")[1].split()[0])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    libs = []
    for name in (
        "PyYAML",
        "pydantic",
        "pydantic-core",
        "jsonschema-rs",
        "jsonschema",
        "mkdocs",
        "mkdocs-material",
        "GitPython",
        "check-jsonschema",
        "pagefind",
        "playwright",
    ):
        try:
            libs.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    import yaml  # only to ask whether libyaml is there

    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return {
        "cpu": f"{cores} cores ({_cpu_model()})",
        "memory": mem,
        "os": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libyaml": "yes" if yaml.__with_libyaml__ else "no (pure-Python YAML)",
        "libraries": ", ".join(libs),
        "git": git,
    }


def _cpu_model() -> str:
    try:
        for line in (PROC / "cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def python() -> str:
    return sys.executable
