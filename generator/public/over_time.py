"""When a record was public: which of its past versions the public ever saw.

A version (the record as one main-line commit left it) was public when the record, as that
version wrote it, was of a visible state (a list from ``published`` on, a bid-review whose
公示 had started, never ``restricted``) and the records it depends on were public by then.
It stays current until the next version's commit, so a version that was replaced before the
record became public was never seen: a list's draft and argued text, a notice before its 公示,
a bid before the notice that selected it. The first version the public saw is shown as a
disclosure, without the changes that led to it.

Dependencies are dated from the records as they stand now (a bid is public from the first
day of the 公示 that selected it; a project, its milestones and awards from its review's
公示); a record's own state is read from each version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from generator.models import Award, Milestone, Review
from generator.models.corpus import Corpus
from generator.models.listing import PUBLIC_LIST_STATUSES

NEVER = frozenset({"need", "redactions"})


def own_state(kind: str, data: Any) -> tuple[bool, dt.date | None]:
    """Whether one version of a record (its JSON-form data) may be public by its own content,
    and the first day it may be (None: from its commit)."""
    if not isinstance(data, dict) or (data.get("restricted") is not False and kind != "program"):
        return False, None  # deleted, unreadable, restricted, or without the flag
    if kind in NEVER:
        return False, None
    if kind == "list":
        status = data.get("status")
        return status in PUBLIC_LIST_STATUSES or (status == "withdrawn" and bool(data.get("call"))), None
    if kind == "review":
        publicity = data.get("publicity")
        start = _day(publicity.get("start")) if isinstance(publicity, dict) else None
        return data.get("type") == "bid-review" and bool(data.get("selected")) and start is not None, start
    return True, None


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def dependency_start(corpus: Corpus, ids: frozenset[str]) -> dict[str, dt.date]:
    """For each public record that is public only through others: the first day it was."""
    start: dict[str, dt.date] = {}
    for review in corpus.reviews:
        if review.id in ids and review.publicity is not None:
            for bid in review.selected:
                if bid in ids:
                    start[bid] = min(start.get(bid, review.publicity.start), review.publicity.start)
    for project in corpus.projects:
        notice = corpus.get(project.review, Review)
        if project.id in ids and notice is not None and notice.publicity is not None:
            start[project.id] = notice.publicity.start
    parts: list[Milestone | Award] = [*corpus.milestones, *corpus.awards]
    for part in parts:
        if part.id in ids and part.project in start:
            start[part.id] = start[part.project]
    return start


def seen(kind: str, versions: Sequence[tuple[dt.date, Any]], since: dt.date | None, today: dt.date) -> list[bool]:
    """For each version (commit day, data), oldest first: whether the public saw it. A version
    counts until the next one's commit day (the last until ``today``); a deletion is seen when
    the version before it was."""
    out: list[bool] = []
    for i, (_day_of, data) in enumerate(versions):
        if data is None:
            out.append(bool(out) and out[-1])
            continue
        until = versions[i + 1][0] if i + 1 < len(versions) else today
        ok, own = own_state(kind, data)
        starts = [d for d in (since, own) if d is not None]
        out.append(ok and (not starts or max(starts) <= until))
    return out
