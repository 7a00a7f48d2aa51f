"""Work over a whole record set on every core: ``check_file`` on each file, and
``fork_map`` for any pure function over a list (the portal's pages).

Parsing and the JSON Schema stage are pure and dominate the cost (libyaml composes a
node per value), so worker processes run them on chunks of files and send back plain
data; the main process builds the models. The results, and their order, are exactly
those of calling ``check_file`` on each file in turn.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from itertools import chain, islice
from typing import Any, TypeVar

from generator.records.files import FileResult, check_file, model, shape

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_MIN = 2000  # below this, starting workers costs more than it saves
CHUNK = 250
Item = tuple[str, bytes | OSError]


def default_jobs() -> int:
    """Worker processes: ``JIEBANG_JOBS`` if set, else the usable cores."""
    env = os.environ.get("JIEBANG_JOBS", "")
    if env.isdigit():
        return int(env)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def check_files(items: Iterable[Item], jobs: int | None = None) -> Iterator[FileResult]:
    """``check_file(path, raw)`` for each item, in order."""
    jobs = default_jobs() if jobs is None else jobs
    items = iter(items)
    head = list(islice(items, PARALLEL_MIN))
    if jobs < 2 or len(head) < PARALLEL_MIN or "fork" not in multiprocessing.get_all_start_methods():
        yield from (check_file(path, raw) for path, raw in chain(head, items))
        return
    sent: deque[list[Item]] = deque()

    def chunks() -> Iterator[list[Item]]:  # runs in the pool's feeder thread
        rest = chain(head, items)
        while chunk := list(islice(rest, CHUNK)):
            sent.append(chunk)
            yield chunk

    # fork: workers start with the modules already imported and share no state after
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for shaped in pool.imap(_shape_chunk, chunks()):
            for (path, raw), got in zip(sent.popleft(), shaped, strict=True):
                if got is None:
                    yield check_file(path, raw)
                elif isinstance(got, FileResult):
                    yield got
                else:
                    yield model(path, raw, got[0], got[1], None, True)  # type: ignore[arg-type]


def _shape_chunk(chunk: list[Item]) -> list[FileResult | tuple[str, Any] | None]:
    """In a worker: findings, or (kind, data) for the main process to model, or None
    when the document's tree must be kept (aliases, merge keys) and only the main
    process can check it."""
    out: list[FileResult | tuple[str, Any] | None] = []
    for path, raw in chunk:
        shaped = shape(path, raw)
        if isinstance(shaped, FileResult):
            out.append(shaped)
        else:
            doc, kind = shaped
            out.append((kind, doc.data) if doc.plain else None)
    return out


_WORK: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # inherited by forked workers


def fork_map(fn: Callable[[T], R], items: Sequence[T], min_items: int, chunk: int = 50) -> list[R]:
    """``[fn(x) for x in items]``, on worker processes when there are ``min_items`` or more.

    The workers are forked, so ``fn`` and ``items`` (and everything they reach: records,
    views, compiled templates) are inherited rather than sent; only index ranges go to
    the workers and results come back, in order. An exception in ``fn`` is raised here."""
    global _WORK
    jobs = default_jobs()
    if jobs < 2 or len(items) < min_items or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    _WORK = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            spans = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
            return [r for part in pool.imap(_work_span, spans) for r in part]
    finally:
        _WORK = None


def _work_span(span: tuple[int, int]) -> list[Any]:
    assert _WORK is not None
    fn, items = _WORK
    return [fn(items[i]) for i in range(*span)]


def fork_call(fn: Callable[[], R]) -> Callable[[], R]:
    """Start ``fn()`` on a forked worker process (it inherits what ``fn`` reaches) and
    return a function that waits for its result, or raises its exception. Where there is
    one core or no fork, ``fn`` runs here and now."""
    global _WORK
    if default_jobs() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        try:
            result = fn()
        except Exception as exc:  # raised when the result is asked for, as from a worker
            error = exc

            def fail() -> R:
                raise error

            return fail
        return lambda: result
    _WORK = (lambda _: fn(), [None])
    try:
        pool = multiprocessing.get_context("fork").Pool(1)  # the worker is forked here
    finally:
        _WORK = None
    pending = pool.apply_async(_work_span, ((0, 1),))

    @cache
    def wait() -> R:
        try:
            (result,) = pending.get()
            return result  # type: ignore[no-any-return]
        finally:
            pool.terminate()
            pool.join()

    return wait
