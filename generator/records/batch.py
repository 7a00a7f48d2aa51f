"""Work over a whole record set on every core: ``check_file`` on each file, and
``fork_map`` for any pure function over a list (the portal's pages),
``fork_call`` for one call (the rules, while the portal is built), ``Feed`` for a
function on items as they are made (the checks of the pages MkDocs writes).

Parsing and the JSON Schema stage are pure and dominate the cost (libyaml composes a
node per value), so worker processes run them on chunks of files and send back plain
data; the main process builds the models. The results, and their order, are exactly
those of calling ``check_file`` on each file in turn.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.util  # registers its exit handler, which must run after ours
import os
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import suppress
from functools import partial
from itertools import chain, islice
from typing import Any, Generic, TypeVar

from generator.records.files import FileResult, check_file, model, shape

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_MIN = 2000  # below this, starting workers costs more than it saves
CHUNK = 250
LATER = 10  # niceness of work whose result is wanted only after other work (os.nice)
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


class Pending(Generic[R]):
    """Work under way on another process: call it to wait for the result (an exception
    in the work is raised then, and again at every call); ``cancel`` stops the workers."""

    def __init__(self, get: Callable[[], R], workers: Any = None) -> None:
        self._get = get
        self._workers = workers  # a Pool or a Process
        self._result: list[R] = []  # the result once there is one
        self._error: Exception | None = None

    def __call__(self) -> R:
        if not self._result and self._error is None:
            try:
                self._result.append(self._get())
            except Exception as exc:
                self._error = exc
            finally:
                self.cancel()
        if self._error is not None:
            raise self._error
        return self._result[0]

    def cancel(self) -> None:
        """Stop the work; asking for its result then raises ``CancelledError``."""
        if not self._result and self._error is None:
            self._error = CancelledError()
        if self._workers is not None:
            workers, self._workers = self._workers, None
            workers.terminate()
            workers.join()


def _pool(jobs: int, fn: Callable[[Any], Any], items: Sequence[Any]) -> Any:
    """Worker processes forked now, inheriting ``fn`` and ``items`` (nothing is sent)."""
    global _WORK
    _WORK = (fn, items)
    try:
        return multiprocessing.get_context("fork").Pool(jobs)
    finally:
        _WORK = None


def _can_fork(items: int, min_items: int) -> bool:
    return default_jobs() >= 2 and items >= min_items and "fork" in multiprocessing.get_all_start_methods()


def fork_map(fn: Callable[[T], R], items: Sequence[T], min_items: int, chunk: int = 50) -> list[R]:
    """``[fn(x) for x in items]``, on worker processes when there are ``min_items`` or more.

    The workers are forked, so ``fn`` and ``items`` (and everything they reach: records,
    views, compiled templates) are inherited rather than sent; only index ranges go to
    the workers and results come back, in order. An exception in ``fn`` is raised here."""
    if not _can_fork(len(items), min_items):
        return [fn(x) for x in items]
    pool = _pool(default_jobs(), fn, items)
    try:
        spans = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
        return [r for part in pool.imap(_work_span, spans) for r in part]
    finally:
        pool.terminate()
        pool.join()


def _work_span(span: tuple[int, int]) -> list[Any]:
    assert _WORK is not None
    fn, items = _WORK
    return [fn(items[i]) for i in range(*span)]


def fork_call(fn: Callable[[], R], nice: int = 0) -> Pending[R]:
    """``fn()`` started now on a forked process (it inherits what ``fn`` reaches, and may
    itself use ``fork_map``). Where there is one core or no fork, ``fn`` runs here when
    its result is asked for. ``nice`` (``LATER``): the process yields the cores to the
    others, for work whose result is wanted only after theirs."""
    if not _can_fork(1, 1):
        return Pending(fn)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_call_and_send, args=(fn, send, nice), name="jiebang-call")
    process.start()
    send.close()

    def get() -> R:
        try:
            ok, value = receive.recv()
        except EOFError:
            raise RuntimeError(f"a worker process ended without a result (exit code {process.exitcode})") from None
        finally:
            receive.close()
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    pending: Pending[R] = Pending(get, process)
    _LIVE.add(pending)
    return pending


def _call_and_send(fn: Callable[[], Any], send: Any, nice: int) -> None:
    """In the forked process: the result or the exception goes back through the pipe."""
    if nice:
        os.nice(nice)
    try:
        outcome = (True, fn())
    except Exception as exc:
        outcome = (False, exc)
    try:
        send.send(outcome)
    except Exception as exc:  # a result that cannot be pickled: say what it was
        send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


class Feed(Generic[T, R]):
    """``fn`` on each item sent (``send``), on a forked process, as the items are made here;
    calling the feed ends the items and returns the results in order. Where there is one
    core or no fork, ``fn`` runs here as each item is sent. An exception in ``fn`` is
    raised when the results are asked for."""

    def __init__(self, fn: Callable[[T], R], nice: int = 0) -> None:
        self._fn, self._here, self._send = fn, not _can_fork(1, 1), None
        self._done: list[R] = []
        self._failed: list[Exception] = []
        if self._here:
            self._result = Pending(self._results_here)
        else:
            receive, self._send = multiprocessing.get_context("fork").Pipe(duplex=False)
            self._result = fork_call(partial(_consume, fn, receive, self._send), nice)
            receive.close()

    def send(self, item: T) -> None:
        if self._here:
            if not self._failed:
                try:
                    self._done.append(self._fn(item))
                except Exception as exc:
                    self._failed.append(exc)
        elif self._send is not None:
            try:
                self._send.send((item,))
            except OSError:  # fn has failed: its error is raised when the results are asked for
                self._close()

    def __call__(self) -> list[R]:
        if self._send is not None:
            with suppress(OSError):
                self._send.send(None)
            self._close()
        return self._result()

    def cancel(self) -> None:
        self._close()
        self._result.cancel()

    def _results_here(self) -> list[R]:
        if self._failed:
            raise self._failed[0]
        return self._done

    def _close(self) -> None:
        if self._send is not None:
            self._send.close()
            self._send = None


def _consume(fn: Callable[[Any], Any], receive: Any, send: Any) -> list[Any]:
    """In the forked process: ``fn`` on each item received until the end mark."""
    send.close()  # this process's copy: the pipe ends when the sender does, even if it dies
    out = []
    while (message := receive.recv()) is not None:
        out.append(fn(message[0]))
    return out


_LIVE: weakref.WeakSet[Pending[Any]] = weakref.WeakSet()


@atexit.register  # runs before multiprocessing's exit handler (registered earlier), which waits for them
def _stop_live() -> None:
    for pending in list(_LIVE):
        pending.cancel()
