"""``check_file`` over a whole record set, on every core when the set is large.

Parsing and the JSON Schema stage are pure and dominate the cost (libyaml composes a
node per value), so worker processes run them on chunks of files and send back plain
data; the main process builds the models. The results, and their order, are exactly
those of calling ``check_file`` on each file in turn.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from generator.records.files import FileResult, check_file, model, shape

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
