"""Work on worker processes gives what it gives on one: results in order, errors raised here."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import CancelledError

import pytest

from generator.records.batch import LATER, Feed, fork_call, fork_map


def _square_unless_seven(x: int) -> int:
    if x == 7:
        raise ValueError("seven")
    return x * x


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fork_map_keeps_order_and_raises(jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", jobs)
    big = list(range(8, 400))
    assert fork_map(_square_unless_seven, big, min_items=10, chunk=7) == [x * x for x in big]
    with pytest.raises(ValueError, match="seven"):
        fork_map(_square_unless_seven, list(range(100)), min_items=10)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fork_call_returns_its_result_or_raises_when_asked(jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", jobs)
    here = os.getpid()
    wait = fork_call(lambda: (os.getpid() != here, sum(range(10))))
    elsewhere, total = wait()
    assert total == 45 and elsewhere == (jobs == "2") and wait() == (elsewhere, 45)
    failing = fork_call(lambda: _square_unless_seven(7))
    for _ in range(2):  # the error is kept, not lost after the first ask
        with pytest.raises(ValueError, match="seven"):
            failing()


def test_calls_run_at_once_side_by_side_and_can_be_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", "2")
    here = os.getpid()
    squares = fork_call(lambda: [x * x for x in range(8, 1000)])
    pid = fork_call(lambda: os.getpid())
    assert pid() not in (here, None)
    assert squares() == [x * x for x in range(8, 1000)]
    stopped = fork_call(lambda: time.sleep(600))
    assert multiprocessing.active_children()
    stopped.cancel()
    assert not multiprocessing.active_children()
    with pytest.raises(CancelledError):
        stopped()


def test_forked_call_may_use_workers_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", "2")
    nested = fork_call(lambda: fork_map(_square_unless_seven, list(range(8, 500)), min_items=10))
    assert nested() == [x * x for x in range(8, 500)]


def test_exit_without_asking_for_a_result_does_not_wait_for_it() -> None:
    script = (
        "from generator.records.batch import fork_call\n"
        "import time\n"
        "big = fork_call(lambda: b'x' * 50_000_000)\n"  # more than a pipe holds: its sender blocks
        "slow = fork_call(lambda: time.sleep(600))\n"
        "time.sleep(0.5)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], timeout=60, env={**os.environ, "JIEBANG_JOBS": "2"})
    assert done.returncode == 0


def test_work_wanted_later_yields_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", "2")
    mine = os.nice(0)
    assert fork_call(lambda: os.nice(0), nice=LATER)() == min(19, mine + LATER)
    assert fork_call(lambda: os.nice(0))() == mine


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_feed_applies_its_function_to_items_as_they_are_sent(jobs: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIEBANG_JOBS", jobs)
    here = os.getpid()
    feed = Feed(lambda x: (x * x, os.getpid() != here))
    for x in range(8, 2000):
        feed.send(x)
    results = feed()
    assert [square for square, _ in results] == [x * x for x in range(8, 2000)]
    assert {elsewhere for _, elsewhere in results} == {jobs == "2"}
    failing = Feed(_square_unless_seven)
    for x in range(5, 50_000):  # sent on after the function failed: more than a pipe holds
        failing.send(x)
    with pytest.raises(ValueError, match="seven"):
        failing()
    stopped = Feed(_square_unless_seven)
    stopped.send(3)
    stopped.cancel()
    with pytest.raises(CancelledError):
        stopped()
