"""The one way jiebang uses several cores: ``parallel_map`` (and ``parallel_iter``, the same
results as they arrive).

``parallel_map(fn, items)`` is ``[fn(x) for x in items]``. With enough items and more
than one core it runs on a pool of forked worker processes: they inherit ``fn`` and
``items`` (nothing is pickled on the way out; only index ranges go to the workers and
results come back, in order). Below ``min_items``, with one core (``JIEBANG_JOBS=1``) or
where fork is not available, it runs here. Either way the results are the same, and an
exception in ``fn`` is raised here with the same type and message.

Workers die with the process that started them (Linux ``PR_SET_PDEATHSIG``), so killing a
build never leaves workers behind.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # set in each worker only
_PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    """Worker processes: ``JIEBANG_JOBS`` if set, else the usable cores."""
    env = os.environ.get("JIEBANG_JOBS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parallel_map(fn: Callable[[T], R], items: Sequence[T], *, min_items: int, chunk: int = 50) -> list[R]:
    """``[fn(x) for x in items]``, on forked workers when there are ``min_items`` or more."""
    return list(parallel_iter(fn, items, min_items=min_items, chunk=chunk))


def parallel_iter(fn: Callable[[T], R], items: Sequence[T], *, min_items: int, chunk: int = 50) -> Iterator[R]:
    """``parallel_map`` as results arrive, in order: the caller works on the first ones
    while the workers compute the rest, and holds only what it keeps of them."""
    jobs = default_jobs()
    if jobs < 2 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(fn, items)
        return
    spans = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(spans)), initializer=_install, initargs=(fn, items)) as pool:
        for part in pool.imap(_run_span, spans):
            yield from part


def _install(fn: Callable[[Any], Any], items: Sequence[Any]) -> None:
    """In a new worker: the work, inherited through fork; die with the parent. The
    parent's signal handlers are not the worker's: SIGTERM (the pool stopping it) ends it
    quietly, Ctrl-C is the parent's to handle."""
    global _WORK
    _WORK = (fn, items)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before the call above took effect
            os._exit(1)


def _run_span(span: tuple[int, int]) -> list[Any]:
    assert _WORK is not None
    fn, items = _WORK
    return [fn(items[i]) for i in range(*span)]
