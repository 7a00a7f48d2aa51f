"""One contracting process as the public view shows it: a public list (the ``tender``), its
funding (``planning.budget``), its public 公示 winners (``awards``), its projects
(``contracts``) with their payments and milestones (``implementation``), and the parties.

The content is the public slice of :class:`PublicView`, as in ``records.json``: no restricted
records, needs, unselected bids, panels or declarations. Money is an integer number of yuan
(CNY); dates from records are midnight in Beijing (``+08:00``).

Roles: the programme's issuer is the ``buyer`` (its budget pays the 财政资助) and, unless the
list names another 发榜方 (``issuer``, or the end user in an enterprise-led programme), the
``procuringEntity``; the end user is a ``funder`` when it commits money (else an
``interestedParty``), as is every payer of ``funding.others``; the winners are ``tenderer`` and
``supplier``; payments name their ``payer`` and ``payee``. ``value`` of the tender, an award and
a contract is the 财政资助; ``planning.budget`` is the list's whole input, its sources named.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.models import Award, Bid, ChallengeList, Program, Project, Review
from generator.ocds.codes import AWARD_STATUS, CONTRACT_STATUS, CURRENCY, LANGUAGE, MILESTONE_STATUS, TENDER_STATUS
from generator.ocds.parties import Parties
from generator.public.view import PublicView


def date_time(day: dt.date) -> str:
    """An OCDS date-time: midnight in Beijing."""
    return f"{day.isoformat()}T00:00:00+08:00"


def value(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def ocid(program: Program, list_id: str) -> str:
    return f"{program.open_data.prefix}-{program.id}-{list_id}"


def process(view: PublicView, lst: ChallengeList) -> dict[str, Any]:
    """What a release says about the process of a public list (its ``ocid``, ``id``, ``date``
    and ``tag`` are the release's own: ``generator.ocds.releases``)."""
    program = view.program
    assert program is not None, "open data needs records/program.yaml"
    parties = Parties()
    own = lst.issuer is None and program.mode != "enterprise-led"  # the bureau issues the list itself
    buyer = parties.issuer(program, ["buyer", "procuringEntity"] if own else ["buyer"])
    procuring = buyer if own else _issuer(lst, parties)
    planning = {"budget": _budget(lst, parties)}
    tender_ = tender(view, lst, procuring)
    awards = [award(view, notice, bid, parties) for notice in view.notices_of(lst) for bid in view.winners(notice)]
    contracts = [contract(view, lst, project, parties) for project in view.projects_of(lst)]
    out: dict[str, Any] = {
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties.all(),
        "buyer": buyer,
        "planning": planning,
        "tender": tender_,
    }
    if awards:
        out["awards"] = awards
    if contracts:
        out["contracts"] = contracts
    return out


def _issuer(lst: ChallengeList, parties: Parties) -> dict[str, str]:
    """The 发榜方 that is not the bureau: the list's ``issuer``, or the end user (enterprise-led)."""
    return parties.unit(lst.issuer or lst.end_user, ["procuringEntity"])


def _budget(lst: ChallengeList, parties: Parties) -> dict[str, Any]:
    """The list's total input and where it comes from; every source of money other than the
    bureau is a ``funder``."""
    funding = lst.funding
    parts = [f"财政资助 {funding.subsidy_cny} 元", f"需求单位（{lst.end_user.name}）投入 {funding.end_user_cny} 元"]
    parties.unit(lst.end_user, ["funder"] if funding.end_user_cny else ["interestedParty"])
    for other in funding.others:
        parties.unit(other.payer, ["funder"])
        parts.append(f"{other.payer.name} 出资 {other.amount_cny} 元")
    return {"description": "；".join(parts), "amount": value(funding.total_cny)}


def tender(view: PublicView, lst: ChallengeList, procuring: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": lst.id,
        "title": lst.title,
        "description": lst.bottleneck,
        "status": TENDER_STATUS[lst.status],
        "procuringEntity": procuring,
        "value": value(lst.funding.subsidy_cny),
        "procurementMethod": "open",
        "procurementMethodDetails": "揭榜挂帅",
        "mainProcurementCategory": "services",
        "eligibilityCriteria": lst.eligibility.notes or None,
        "numberOfTenderers": view.bids_count(lst),
        "items": [{"id": ind.id, "description": f"{ind.name}：{ind.target}（{ind.verification}）"} for ind in lst.indicators],
    }
    call = view.call_of(lst)
    if call:
        out["tenderPeriod"] = {"startDate": date_time(call.opens), "endDate": date_time(call.closes)}
    if lst.amendments:
        out["amendments"] = [
            {"id": str(i), "date": date_time(a.date), "rationale": a.summary, "description": "、".join(a.fields)}
            for i, a in enumerate(lst.amendments, 1)
        ]
    return {k: v for k, v in out.items() if v is not None}


def award_id(review_id: str, bid_id: str) -> str:
    return f"{review_id}-{bid_id}"


def _bidders(bid: Bid, parties: Parties, roles: list[str]) -> list[dict[str, str]]:
    found = [parties.unit(bid.lead, roles, f"{bid.id}-lead")]
    return found + [parties.unit(p, roles, f"{bid.id}-partner-{i}") for i, p in enumerate(bid.partners, 1)]


def award(view: PublicView, notice: Review, bid: Bid, parties: Parties) -> dict[str, Any]:
    """A winning bid of a 公示: its suppliers and the money (the project's subsidy once signed)."""
    project = view.project_of_bid(bid)
    publicity = notice.publicity
    assert publicity is not None, f"{notice.id} is public but has no 公示"
    return {
        "id": award_id(notice.id, bid.id),
        "title": f"揭榜评审结果：{bid.lead.name}",
        "status": AWARD_STATUS[publicity.outcome],
        "date": date_time(notice.date),
        "value": value(project.subsidy_cny if project else bid.requested_cny),
        "suppliers": _bidders(bid, parties, ["tenderer", "supplier"]),
    }


def contract(view: PublicView, lst: ChallengeList, project: Project, parties: Parties) -> dict[str, Any]:
    """The 任务书 of a project: payments as transactions, milestones with their check results."""
    bid = view.bid_of(project)
    transactions = [
        {"id": a.id, "date": date_time(a.date), "value": value(a.amount_cny), "payer": _payer(view, a, lst, parties),
         "payee": parties.unit(bid.lead, ["payee"], f"{bid.id}-lead")}
        for a in view.awards_of(project)
    ]  # fmt: skip
    milestones = [_milestone(view, m.id, m.deliverables, m.due, m.check) for m in view.milestones_of(project)]
    out: dict[str, Any] = {
        "id": project.id,
        "awardID": award_id(project.review, project.bid),
        "title": lst.title,
        "status": CONTRACT_STATUS[project.status],
        "period": {"startDate": date_time(project.agreement.starts), "endDate": date_time(project.agreement.ends)},
        "value": value(project.subsidy_cny),
        "dateSigned": date_time(project.agreement.signed),
    }
    implementation = {k: v for k, v in (("transactions", transactions), ("milestones", milestones)) if v}
    if implementation:
        out["implementation"] = implementation
    return out


def _milestone(view: PublicView, mid: str, deliverables: list[str], due: dt.date, check_id: str | None) -> dict[str, Any]:
    check = view.review_result(check_id)
    status = MILESTONE_STATUS.get(check.result, "scheduled") if check else "scheduled"
    item: dict[str, Any] = {"id": mid, "title": "；".join(deliverables), "type": "delivery", "dueDate": date_time(due), "status": status}
    if check and status != "scheduled":
        item["dateModified"] = date_time(check.date)  # when the check judged it
        if status == "met":
            item["dateMet"] = date_time(check.date)
    return item


def _payer(view: PublicView, award: Award, lst: ChallengeList, parties: Parties) -> dict[str, str]:
    """Who paid an award: another payer of the list, the list's end user, or the bureau (subsidy)."""
    if award.payer is not None:
        return parties.unit(award.payer, ["payer"])
    if award.funding_source == "end-user":
        return parties.unit(lst.end_user, ["payer"])
    assert view.program is not None
    return parties.issuer(view.program, ["payer"])
