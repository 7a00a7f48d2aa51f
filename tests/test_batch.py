"""Work on worker processes gives what it gives on one: results in order, errors raised here."""

from __future__ import annotations

import os

import pytest

from generator.records.batch import fork_call, fork_map


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
    with pytest.raises(ValueError, match="seven"):
        failing()
