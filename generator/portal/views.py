"""View models: pure functions from the public view to what a page shows.

Templates only format; every figure, window and sum is computed here, so tests can check
numbers without reading HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from generator import dates
from generator.models import Award, Bid, Call, ChallengeList, Policy, Project, Review
from generator.models.listing import Amendment, Indicator, effective_issuer
from generator.models.review import Publicity
from generator.portal.labels import LIST_STATE, PAYER_KIND, PUBLICITY_OUTCOME
from generator.public.view import PublicView


@dataclass(frozen=True)
class Figures:
    lists: int
    lists_open: int
    lists_awarded: int
    lists_unclaimed: int
    committed_cny: int  # subsidy in signed task agreements
    paid_cny: int  # awards paid so far
    projects: int
    projects_succeeded: int
    projects_finished: int  # succeeded or failed: judged at acceptance

    @property
    def claimed_of_decided(self) -> tuple[int, int]:
        """揭榜成功率: lists that found a solver among those whose bidding is decided."""
        return self.lists_awarded, self.lists_awarded + self.lists_unclaimed

    @property
    def succeeded_of_finished(self) -> tuple[int, int]:
        """验收通过率: projects that passed acceptance among those judged."""
        return self.projects_succeeded, self.projects_finished


def figures(view: PublicView) -> Figures:
    statuses = [lst.status for lst in view.lists]
    return Figures(
        lists=len(view.lists),
        lists_open=sum(1 for lst in view.lists if lst.status == "published" and _call_open(view, lst)),
        lists_awarded=statuses.count("awarded"),
        lists_unclaimed=statuses.count("unclaimed"),
        committed_cny=sum(p.subsidy_cny for p in view.projects if p.status != "terminated")
        + sum(paid_of(view, p) for p in view.projects if p.status == "terminated"),
        paid_cny=sum(paid_of(view, p) for p in view.projects),
        projects=len(view.projects),
        projects_succeeded=sum(1 for p in view.projects if p.status == "succeeded"),
        projects_finished=sum(1 for p in view.projects if p.status in ("succeeded", "failed")),
    )


def _call_open(view: PublicView, lst: ChallengeList) -> bool:
    call = view.call_of(lst)
    return call is not None and view.is_open(call)


def paid_of(view: PublicView, project: Project) -> int:
    """The subsidy paid to a project so far (the end user's and other payers' money is not the subsidy)."""
    return sum(a.amount_cny for a in view.awards_of(project) if a.funding_source == "subsidy")


@dataclass(frozen=True)
class OpenCall:
    call: Call
    days_left: int
    lists: int

    @property
    def days_left_text(self) -> str:
        return "今日截止" if self.days_left == 0 else f"剩余 {self.days_left} 天"


def open_calls(view: PublicView) -> list[OpenCall]:
    """Calls taking applications on the as-of date, the soonest deadline first."""
    found = [OpenCall(c, (c.closes - view.as_of).days, len(view.lists_of(c))) for c in view.calls if view.is_open(c)]
    return sorted(found, key=lambda o: (o.call.closes, o.call.id))


def upcoming_calls(view: PublicView) -> list[Call]:
    return sorted((c for c in view.calls if c.opens > view.as_of), key=lambda c: (c.opens, c.id))


def latest_lists(view: PublicView, limit: int) -> list[ChallengeList]:
    """The most recently published lists still standing (not withdrawn): by their call's
    publication date, newest first."""

    def published(lst: ChallengeList) -> dt.date:
        call = view.call_of(lst)
        return call.published if call else dt.date.min

    standing = [lst for lst in view.lists if lst.status != "withdrawn"]
    return sorted(standing, key=lambda lst: (published(lst), lst.id), reverse=True)[:limit]


def current_notices(view: PublicView) -> list[Review]:
    return [n for n in view.notices if view.in_window(n)]


def list_state(view: PublicView, lst: ChallengeList) -> str:
    """The list's state as the public reads it (a code of ``labels.LIST_STATE``): its status,
    except that a published list whose call has closed is ``closed`` (until its record moves
    on to closed) and one whose call has not opened yet is ``upcoming``."""
    call = view.call_of(lst)
    if lst.status == "published" and call is not None:
        if view.as_of > call.closes:
            return "closed"
        if view.as_of < call.opens:
            return "upcoming"
    return lst.status


def status_label(view: PublicView, lst: ChallengeList) -> str:
    """The list's state by its one Chinese name (``labels.LIST_STATE``)."""
    return LIST_STATE[list_state(view, lst)]


@dataclass(frozen=True)
class AmendmentNotice:
    list: ChallengeList
    amendment: Amendment
    number: int  # 1-based, in the order the list records them


def amendments(view: PublicView, limit: int | None = None) -> list[AmendmentNotice]:
    """Every 更正公告 on a public list, newest first."""
    found = [AmendmentNotice(lst, a, i + 1) for lst in view.lists for i, a in enumerate(lst.amendments)]
    found.sort(key=lambda n: (n.amendment.date, n.list.id, n.number), reverse=True)
    return found[:limit] if limit else found


@dataclass(frozen=True)
class Payment:
    award: Award
    payer: str  # who paid it
    cumulative_cny: int | None  # the subsidy paid so far, after a subsidy award; None for another payer's


@dataclass(frozen=True)
class PayerTotal:
    """One payer of a project: what it committed on the list (the subsidy: in the agreement) and has paid."""

    label: str  # 财政资助 | 需求单位投入 | 其他出资
    payer: str
    committed_cny: int
    paid_cny: int


@dataclass(frozen=True)
class Finance:
    subsidy_cny: int
    paid_cny: int  # of the subsidy
    payments: list[Payment]
    by_payer: list[PayerTotal]

    @property
    def share(self) -> int:
        """Percent of the subsidy paid, 0–100."""
        return min(100, round(100 * self.paid_cny / self.subsidy_cny)) if self.subsidy_cny else 0


def finance(view: PublicView, project: Project) -> Finance:
    """Awards paid to a project: the subsidy's running total after each subsidy payment, and
    what each payer committed and paid (payers of the list that paid nothing yet included)."""
    lst, program = view.list_of(project), view.program
    issuer = program.issuer if program else ""
    total, payments = 0, []
    paid: dict[tuple[str, str], int] = {}
    for award in view.awards_of(project):
        key = _payer_key(award, lst, issuer)
        paid[key] = paid.get(key, 0) + award.amount_cny
        if award.funding_source == "subsidy":
            total += award.amount_cny
        payments.append(Payment(award, key[1], total if award.funding_source == "subsidy" else None))
    committed = {(label, name): amount for label, name, _, amount in funding_sources(view, lst)}
    committed[("财政资助", issuer)] = project.subsidy_cny  # the agreement's subsidy, not the list's ceiling
    by_payer = [PayerTotal(label, name, amount, paid.get((label, name), 0)) for (label, name), amount in committed.items()]
    by_payer += [PayerTotal(label, name, 0, amount) for (label, name), amount in paid.items() if (label, name) not in committed]
    return Finance(project.subsidy_cny, total, payments, by_payer)


def _payer_key(award: Award, lst: ChallengeList, issuer: str) -> tuple[str, str]:
    if award.payer is not None:
        return "其他出资", award.payer.name
    if award.funding_source == "end-user":
        return "需求单位投入", lst.end_user.name
    return "财政资助", issuer


FundingSource = tuple[str, str, str, int]  # (label, payer, kind, amount)


def funding_sources(view: PublicView, lst: ChallengeList) -> list[FundingSource]:
    """Every payer of a list with its commitment: the subsidy, the end user, each other payer.
    In an enterprise-led programme the end user, who pays most, comes first."""
    program = view.program
    subsidy: FundingSource = ("财政资助", program.issuer if program else "", "财政资金", lst.funding.subsidy_cny)
    end_user: FundingSource = ("需求单位投入", lst.end_user.name, "需求单位", lst.funding.end_user_cny)
    others = [("其他出资", o.payer.name, PAYER_KIND[o.kind], o.amount_cny) for o in lst.funding.others]
    first = [end_user, subsidy] if program and program.mode == "enterprise-led" else [subsidy, end_user]
    return [*first, *others]


def issuer_name(view: PublicView, lst: ChallengeList) -> str:
    """The list's 发榜方: as the list names it; else, in an enterprise-led programme, the end user
    (the enterprise that poses the problem); else the programme's issuer."""
    return effective_issuer(lst, view.program)


def outcome_label(pub: Publicity) -> str:
    """How a 公示's outcome reads: an objection found groundless is never called 无异议."""
    if pub.outcome == "no-objection" and any(o.outcome == "dismissed" for o in pub.objections):
        return PUBLICITY_OUTCOME["objections-dismissed"]
    return PUBLICITY_OUTCOME[pub.outcome]


@dataclass(frozen=True)
class Winner:
    bid: Bid
    project: Project | None

    @property
    def subsidy_cny(self) -> int:
        """The subsidy in the task agreement once signed, else the amount the bid requested."""
        return self.project.subsidy_cny if self.project else self.bid.requested_cny


def winners(view: PublicView, notice: Review) -> list[Winner]:
    return [Winner(b, view.project_of_bid(b)) for b in view.winners(notice)]


def notice_state(view: PublicView, notice: Review) -> str:
    pub = notice.publicity
    if pub is None:
        return ""
    if view.as_of < pub.start:
        return "未开始"
    return "公示中" if view.as_of <= pub.end else "公示期满"


def list_deadline(view: PublicView, lst: ChallengeList) -> dt.date | None:
    call = view.call_of(lst)
    return call.closes if call else None


def call_state(view: PublicView, call: Call) -> str:
    if view.as_of < call.opens:
        return f"{call.opens.month}月{call.opens.day}日开始受理"
    if view.as_of <= call.closes:
        return f"受理中，剩余 {(call.closes - view.as_of).days} 天"
    return "已截止"


def working_days(start: dt.date, end: dt.date, policy: Policy | None = None) -> int | None:
    """Chinese working days from start to end, both counted (holidays and 调休 included, and the
    years the programme supplies in ``policy.holidays``); None when no calendar covers those
    years (then no count is shown)."""
    count, uncovered = dates.working_days(start, end, policy.calendar() if policy else dates.NO_HOLIDAYS)
    return None if uncovered else count


def indicator(lst: ChallengeList, indicator_id: str) -> Indicator | None:
    return next((i for i in lst.indicators if i.id == indicator_id), None)


def choices(lists: Iterable[ChallengeList], attr: str, first: Iterable[str] = ()) -> list[str]:
    """Filter options: the given order first, then any other value in use, each once."""
    seen = dict.fromkeys(first)
    seen.update(dict.fromkeys(sorted(getattr(lst, attr) for lst in lists)))
    return list(seen)


def grade_label(view: PublicView, grade: str) -> str:
    policy = view.corpus.policy
    return policy.grades[grade].label if policy and grade in policy.grades else grade
