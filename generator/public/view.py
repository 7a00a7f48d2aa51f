"""The public slice of a record set on a date: what the portal and open data may show.

Everything the portal prints goes through a :class:`PublicView`, which only ever hands out
public records (``generator.public.visibility.public_ids``) and knows where each one lives on
the portal (:meth:`PublicView.target`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from generator.models import Award, Bid, Call, ChallengeList, Milestone, Program, Project, Review
from generator.models.corpus import Corpus, R
from generator.public.visibility import public_ids, restricted_ids


@dataclass(frozen=True)
class Target:
    """Where a record is shown: a page (docs-relative ``.md`` path) and an optional anchor."""

    page: str
    anchor: str | None = None


class PublicView:
    """``withheld``: ids that may not be shown although the records make them public on
    ``as_of`` (a build of an earlier revision hides what is not public now)."""

    def __init__(self, corpus: Corpus, as_of: dt.date, withheld: frozenset[str] = frozenset()) -> None:
        self.corpus = corpus
        self.as_of = as_of
        self.withheld = withheld
        self.ids: frozenset[str] = public_ids(corpus, as_of, withheld)

    def _public(self, records: list[R]) -> list[R]:
        return sorted((r for r in records if r.id in self.ids), key=lambda r: r.id)

    @property
    def program(self) -> Program | None:
        return self.corpus.program

    @cached_property
    def lists(self) -> list[ChallengeList]:
        return self._public(self.corpus.lists)

    @cached_property
    def calls(self) -> list[Call]:
        return self._public(self.corpus.calls)

    @cached_property
    def notices(self) -> list[Review]:
        """Bid-reviews whose 公示 has started: newest window first."""
        public = [r for r in self._public(self.corpus.reviews) if r.publicity is not None]
        return sorted(public, key=lambda r: (r.publicity.start, r.id) if r.publicity else (self.as_of, r.id), reverse=True)

    @cached_property
    def notice_pages(self) -> list[list[Review]]:
        """Public notices as 公示 pages, newest first: the reviews that name one notice
        (``publicity.notice``, a batch 公示) share a page, any other review has its own."""
        pages: dict[tuple[str, str], list[Review]] = {}
        for notice in self.notices:
            number = notice.publicity.notice if notice.publicity else None
            pages.setdefault(("notice", number) if number else ("review", notice.id), []).append(notice)
        return [sorted(group, key=lambda r: r.id) for group in pages.values()]

    @cached_property
    def _notice_page(self) -> dict[str, list[Review]]:
        return {n.id: group for group in self.notice_pages for n in group}

    def notice_page(self, notice: Review) -> Target:
        """Where a public notice is shown: its own page, or its section of a batch 公示 page."""
        group = self._notice_page[notice.id]
        return Target(f"notices/{group[0].id}.md", notice.id if len(group) > 1 else None)

    def approval_of(self, notice: Review) -> Review | None:
        """The passed 立项审定 of a public notice: its result and date are shown, never the record."""
        found = [r for r in self.corpus.reviews_by_subject.get(notice.id, []) if r.type == "approval" and r.id not in self.hidden]
        return max(found, key=lambda r: (r.date, r.id)) if found else None

    @cached_property
    def projects(self) -> list[Project]:
        return self._public(self.corpus.projects)

    def get(self, record_id: str | None, cls: type[R]) -> R | None:
        return self.corpus.get(record_id, cls) if record_id in self.ids else None

    def lists_of(self, call: Call) -> list[ChallengeList]:
        """A call's public lists, in the call's order (restricted ones are never mentioned)."""
        return [lst for i in call.lists if (lst := self.get(i, ChallengeList))]

    def call_of(self, lst: ChallengeList) -> Call | None:
        return self.get(lst.call, Call)

    def list_of(self, rec: Review | Project) -> ChallengeList:
        """The public list a public notice or project belongs to."""
        lst = self.get(rec.subject if isinstance(rec, Review) else rec.list, ChallengeList)
        assert isinstance(lst, ChallengeList), f"{rec.id} is public but its list is not"
        return lst

    def bid_of(self, project: Project) -> Bid:
        bid = self.get(project.bid, Bid)
        assert isinstance(bid, Bid), f"{project.id} is public but its bid is not"
        return bid

    def winners(self, notice: Review) -> list[Bid]:
        return [b for i in notice.selected if (b := self.get(i, Bid))]

    @cached_property
    def _by_list(self) -> dict[str, tuple[list[Review], list[Project]]]:
        out: dict[str, tuple[list[Review], list[Project]]] = {lst.id: ([], []) for lst in self.lists}
        for notice in self.notices:
            out[notice.subject][0].append(notice)
        for project in self.projects:
            out[project.list][1].append(project)
        return out

    def notices_of(self, lst: ChallengeList) -> list[Review]:
        return self._by_list[lst.id][0]

    def projects_of(self, lst: ChallengeList) -> list[Project]:
        return self._by_list[lst.id][1]

    @cached_property
    def _project_of_bid(self) -> dict[str, Project]:
        return {p.bid: p for p in self.projects}

    def project_of_bid(self, bid: Bid) -> Project | None:
        return self._project_of_bid.get(bid.id)

    def milestones_of(self, project: Project) -> list[Milestone]:
        found = self.corpus.milestones_by_project.get(project.id, [])
        return sorted((m for m in found if m.id in self.ids), key=lambda m: (m.due, m.id))

    def awards_of(self, project: Project) -> list[Award]:
        found = self.corpus.awards_by_project.get(project.id, [])
        return sorted((a for a in found if a.id in self.ids), key=lambda a: (a.date, a.id))

    @cached_property
    def hidden(self) -> frozenset[str]:
        """Restricted and withheld records and every record that depends on one."""
        return restricted_ids(self.corpus, self.withheld)

    def bids_count(self, lst: ChallengeList) -> int:
        """Bids received on a list: submitted, not withdrawn, none that is itself restricted."""
        return sum(1 for b in self.corpus.bids_by_list.get(lst.id, []) if b.status == "submitted" and b.id not in self.hidden)

    def review_result(self, review_id: str | None) -> Review | None:
        """A milestone check or acceptance behind a public project: its result is shown, never the record."""
        return self.corpus.get(review_id, Review) if review_id and review_id not in self.hidden else None

    @cached_property
    def _notice_of_bid(self) -> dict[str, Review]:
        return {b: r for r in self.notices for b in r.selected if b in self.ids}

    def target(self, record_id: str) -> Target | None:
        """The page (and anchor) that shows a public record; None for a record that is not public."""
        if record_id not in self.ids:
            return None
        rec = self.corpus.by_id[record_id]
        if isinstance(rec, ChallengeList):
            return Target(f"lists/{rec.id}.md")
        if isinstance(rec, Call):
            return Target(f"calls/{rec.id}.md")
        if isinstance(rec, Review):
            return self.notice_page(rec)
        if isinstance(rec, Bid):
            return Target(self.notice_page(self._notice_of_bid[rec.id]).page, rec.id)
        if isinstance(rec, Project):
            return Target(f"projects/{rec.id}.md")
        if isinstance(rec, Milestone | Award):
            return Target(f"projects/{rec.project}.md", rec.id)
        return None

    def in_window(self, notice: Review) -> bool:
        pub = notice.publicity
        return pub is not None and pub.start <= self.as_of <= pub.end

    def is_open(self, call: Call) -> bool:
        return call.opens <= self.as_of <= call.closes
