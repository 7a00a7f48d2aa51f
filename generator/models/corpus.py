"""The whole record set, indexed once so that no rule needs a quadratic join."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import TypeVar

from generator.models import (
    Award,
    Bid,
    Call,
    ChallengeList,
    Milestone,
    Need,
    Policy,
    Program,
    Project,
    Record,
    Redactions,
    Review,
)

R = TypeVar("R", bound=Record)


class Corpus:
    """Valid records by kind and id. ``broken`` holds ids of files that failed to load,
    so that references to them are not reported a second time (one mistake, one finding)."""

    def __init__(self, records: Iterable[Record], broken: Iterable[str] = ()) -> None:
        self.records: list[Record] = sorted(records, key=lambda r: (r.kind, r.id, r.source.path if r.source else ""))
        self.broken: frozenset[str] = frozenset(broken)
        self.by_id: dict[str, Record] = {}
        for rec in self.records:
            self.by_id.setdefault(rec.id, rec)

    def _of(self, cls: type[R]) -> list[R]:
        return [r for r in self.records if isinstance(r, cls)]

    @cached_property
    def program(self) -> Program | None:
        programs = self._of(Program)
        return programs[0] if programs else None

    @cached_property
    def redactions(self) -> Redactions | None:
        """``records/redactions.yaml``, when there is one."""
        found = self._of(Redactions)
        return found[0] if found else None

    @property
    def policy(self) -> Policy | None:
        return self.program.policy if self.program else None

    @cached_property
    def needs(self) -> list[Need]:
        return self._of(Need)

    @cached_property
    def lists(self) -> list[ChallengeList]:
        return self._of(ChallengeList)

    @cached_property
    def calls(self) -> list[Call]:
        return self._of(Call)

    @cached_property
    def bids(self) -> list[Bid]:
        return self._of(Bid)

    @cached_property
    def reviews(self) -> list[Review]:
        return self._of(Review)

    @cached_property
    def projects(self) -> list[Project]:
        return self._of(Project)

    @cached_property
    def milestones(self) -> list[Milestone]:
        return self._of(Milestone)

    @cached_property
    def awards(self) -> list[Award]:
        return self._of(Award)

    def get(self, record_id: str | None, cls: type[R]) -> R | None:
        """The record with this id if it exists and is of the given kind."""
        rec = self.by_id.get(record_id) if record_id else None
        return rec if isinstance(rec, cls) else None

    # Reverse indexes, built once.
    @cached_property
    def bids_by_list(self) -> dict[str, list[Bid]]:
        return _group(self.bids, lambda b: b.list)

    @cached_property
    def reviews_by_subject(self) -> dict[str, list[Review]]:
        return _group(self.reviews, lambda r: r.subject)

    @cached_property
    def milestones_by_project(self) -> dict[str, list[Milestone]]:
        return _group(self.milestones, lambda m: m.project)

    @cached_property
    def awards_by_project(self) -> dict[str, list[Award]]:
        return _group(self.awards, lambda a: a.project)

    @cached_property
    def projects_by_list(self) -> dict[str, list[Project]]:
        return _group(self.projects, lambda p: p.list)

    @cached_property
    def lists_by_need(self) -> dict[str, list[ChallengeList]]:
        out: dict[str, list[ChallengeList]] = defaultdict(list)
        for lst in self.lists:
            for need in lst.needs:
                out[need].append(lst)
        return dict(out)

    @cached_property
    def call_of_list(self) -> dict[str, list[Call]]:
        out: dict[str, list[Call]] = defaultdict(list)
        for call in self.calls:
            for list_id in call.lists:
                out[list_id].append(call)
        return dict(out)

    def list_under_review(self, review: Review) -> ChallengeList | None:
        """The list a review concerns: its subject, the reviewed project's list, or (立项审定)
        the list of the bid-review it decides on."""
        if review.type == "approval":
            decided = self.get(review.subject, Review)
            return self.list_under_review(decided) if decided is not None and decided.type == "bid-review" else None
        proj = self.get(review.subject, Project)
        return self.get(proj.list, ChallengeList) if proj is not None else self.get(review.subject, ChallengeList)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def _group(items: Iterable[R], key: object) -> dict[str, list[R]]:
    out: dict[str, list[R]] = defaultdict(list)
    for item in items:
        out[key(item)].append(item)  # type: ignore[operator]
    return dict(out)
