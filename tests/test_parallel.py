"""``parallel_map``: the same results and the same errors on one core and on many."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from generator.parallel import default_jobs, parallel_iter, parallel_map


def _square(x: int) -> int:
    if x == 13:
        raise ValueError(f"unlucky {x}")
    return x * x


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_results_in_order_and_errors_alike_on_one_core_and_many(jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", jobs)
    assert default_jobs() == int(jobs)
    items = [x for x in range(200) if x != 13]
    assert parallel_map(_square, items, min_items=10, chunk=7) == [x * x for x in items]
    with pytest.raises(ValueError, match=r"^unlucky 13$"):
        parallel_map(_square, list(range(200)), min_items=10, chunk=7)
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_results_arrive_in_order_up_to_an_error_and_a_consumer_may_stop(jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", jobs)
    got = []
    with pytest.raises(ValueError, match=r"^unlucky 13$"):
        for value in parallel_iter(_square, list(range(200)), min_items=10, chunk=7):
            got.append(value)
    assert got == [x * x for x in range(len(got))] and len(got) <= 13  # results in order, none past the error
    results = parallel_iter(_square, list(range(14, 200)), min_items=10, chunk=7)
    assert [next(results) for _ in range(3)] == [196, 225, 256]
    results.close()  # stopping early stops the workers
    assert not multiprocessing.active_children()


def test_few_items_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", "2")
    pids = parallel_map(lambda _: os.getpid(), [1, 2, 3], min_items=10)
    assert set(pids) == {os.getpid()}


def test_workers_die_with_the_process_that_started_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Killing a build (SIGKILL, no clean-up at all) leaves no worker behind."""
    marker = tmp_path / "workers"
    script = textwrap.dedent(
        f"""
        import os, time
        from generator.parallel import parallel_map
        def slow(x):
            with open({str(marker)!r}, "a") as f:
                f.write(f"{{os.getpid()}}\\n")
            time.sleep(60)
        parallel_map(slow, list(range(4)), min_items=2, chunk=1)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], env={**os.environ, "JIEBANG_JOBS": "2"})
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (not marker.exists() or len(marker.read_text().split()) < 2):
        time.sleep(0.1)
    workers = [int(p) for p in marker.read_text().split()]
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False
