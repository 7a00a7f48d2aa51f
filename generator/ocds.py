"""Open data in the Open Contracting Data Standard (OCDS 1.1): one release package.

Each public list is one contracting process, ``ocid`` = ``ocds-jiebang-<program id>-<list id>``.
``ocds-jiebang`` is a placeholder prefix: a real deployment registers its own prefix with the
OCDS Helpdesk and puts it in front of the list id instead. Each process is one release that
carries its current state: the list as the ``tender``, every public 公示 winner as an
``award``, every project as a ``contract`` with its payments (``implementation.transactions``)
and milestones (``implementation.milestones``).

The content is the public slice of :class:`PublicView`, as in ``records.json``: no
restricted records, needs, unselected bids, panels or declarations. Units are identified
by their 统一社会信用代码 under the org-id.guide scheme ``CN-USCC``. Dates are midnight in
Beijing (``+08:00``); the release date and ``publishedDate`` are the as-of date, never the
wall clock, so that the file is byte-for-byte reproducible.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.models import Award, Bid, ChallengeList, Program, Project, Review
from generator.models.common import Bidder, Unit
from generator.public.view import PublicView

VERSION = "1.1"
PREFIX = "ocds-jiebang"
SCHEME = "CN-USCC"  # org-id.guide: 统一社会信用代码 (Unified Social Credit Code)
CURRENCY = "CNY"
FILE = "ocds.json"

TENDER_STATUS = {
    "published": "active",
    "closed": "complete",
    "awarded": "complete",
    "unclaimed": "unsuccessful",
    "withdrawn": "withdrawn",
}
AWARD_STATUS = {"pending": "pending", "no-objection": "active", "objections-dismissed": "active", "upheld": "cancelled"}
CONTRACT_STATUS = {"in-progress": "active", "succeeded": "terminated", "failed": "terminated", "terminated": "terminated"}
MILESTONE_STATUS = {"passed": "met", "failed": "notMet"}


def date_time(day: dt.date) -> str:
    """An OCDS date-time: midnight in Beijing."""
    return f"{day.isoformat()}T00:00:00+08:00"


def value(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": CURRENCY}


def ocid(program: Program, list_id: str) -> str:
    return f"{PREFIX}-{program.id}-{list_id}"


def package(view: PublicView) -> dict[str, Any]:
    """The release package of every public list, in list-id order."""
    program = view.program
    assert program is not None, "open data needs records/program.yaml"
    base = program.portal.base_url
    return {
        "uri": f"{base}data/{FILE}",
        "version": VERSION,
        "publishedDate": date_time(view.as_of),
        "publisher": {"name": program.issuer},
        "publicationPolicy": f"{base}data/",
        "releases": [release(view, program, lst) for lst in view.lists],
    }


class _Parties:
    """The parties of one release, keyed by party id, roles merged when a unit appears twice."""

    def __init__(self) -> None:
        self.found: dict[str, dict[str, Any]] = {}

    def add(self, name: str, roles: list[str], unit: Unit | Bidder | None = None, party_id: str | None = None) -> dict[str, str]:
        code = unit.credit_code if unit else None
        pid = f"{SCHEME}-{code}" if code else str(party_id)
        party = self.found.setdefault(pid, {"id": pid, "name": name, "roles": []})
        if unit and code:
            party["identifier"] = {"scheme": SCHEME, "id": code, "legalName": unit.name}
        party["roles"] += [r for r in roles if r not in party["roles"]]
        return {"id": pid, "name": party["name"]}  # one spelling per unit, the first seen

    def unit(self, unit: Unit | Bidder, roles: list[str], party_id: str | None = None) -> dict[str, str]:
        """A unit by its credit code; a team or an individual (no code) by ``party_id``."""
        return self.add(unit.name, roles, unit, party_id)

    def all(self) -> list[dict[str, Any]]:
        return list(self.found.values())


def release(view: PublicView, program: Program, lst: ChallengeList) -> dict[str, Any]:
    parties = _Parties()
    buyer = parties.add(program.issuer, ["buyer", "procuringEntity"], party_id=program.id)
    parties.unit(lst.end_user, ["funder"] if lst.funding.end_user_cny else ["interestedParty"])
    awards = [award(view, notice, bid, parties) for notice in view.notices_of(lst) for bid in view.winners(notice)]
    contracts = [contract(view, lst, project, buyer, parties) for project in view.projects_of(lst)]
    tags = ["tenderCancellation" if lst.status == "withdrawn" else "tender"]
    tags += ["award"] * bool(awards) + ["contract"] * bool(contracts)
    tags += ["implementation"] * any(c.get("implementation") for c in contracts)
    out: dict[str, Any] = {
        "ocid": ocid(program, lst.id),
        "id": f"{lst.id}-{view.as_of.isoformat()}",
        "date": date_time(view.as_of),
        "tag": tags,
        "initiationType": "tender",
        "language": "zh",
        "buyer": buyer,
        "tender": tender(view, lst, buyer),
    }
    if awards:
        out["awards"] = awards
    if contracts:
        out["contracts"] = contracts
    out["parties"] = parties.all()
    return out


def tender(view: PublicView, lst: ChallengeList, buyer: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": lst.id,
        "title": lst.title,
        "description": lst.bottleneck,
        "status": TENDER_STATUS.get(lst.status),
        "procuringEntity": buyer,
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


def award(view: PublicView, notice: Review, bid: Bid, parties: _Parties) -> dict[str, Any]:
    """A winning bid of a 公示: its suppliers and the money (the project's subsidy once signed)."""
    project = view.project_of_bid(bid)
    suppliers = [parties.unit(bid.lead, ["supplier"], f"{bid.id}-lead")]
    suppliers += [parties.unit(p, ["supplier"], f"{bid.id}-partner-{i}") for i, p in enumerate(bid.partners, 1)]
    publicity = notice.publicity
    assert publicity is not None, f"{notice.id} is public but has no 公示"
    return {
        "id": award_id(notice.id, bid.id),
        "title": f"揭榜评审结果：{bid.lead.name}",
        "status": AWARD_STATUS[publicity.outcome],
        "date": date_time(notice.date),
        "value": value(project.subsidy_cny if project else bid.requested_cny),
        "suppliers": suppliers,
    }


def contract(view: PublicView, lst: ChallengeList, project: Project, buyer: dict[str, str], parties: _Parties) -> dict[str, Any]:
    """The 任务书 of a project: payments as transactions, milestones with their check results."""
    lead = view.bid_of(project).lead
    paid = view.awards_of(project)
    transactions = []
    for a in paid:
        transactions.append(
            {"id": a.id, "date": date_time(a.date), "value": value(a.amount_cny), "payer": _payer(a, lst, buyer, parties),
             "payee": parties.unit(lead, ["payee"], f"{project.bid}-lead")}
        )  # fmt: skip
    milestones = []
    for m in view.milestones_of(project):
        check = view.review_result(m.check)
        item: dict[str, Any] = {
            "id": m.id,
            "title": "；".join(m.deliverables),
            "type": "delivery",
            "dueDate": date_time(m.due),
            "status": MILESTONE_STATUS.get(check.result, "scheduled") if check else "scheduled",
        }
        if check and check.result == "passed":
            item["dateMet"] = date_time(check.date)
        milestones.append(item)
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


def _payer(award: Award, lst: ChallengeList, buyer: dict[str, str], parties: _Parties) -> dict[str, str]:
    """Who paid an award: the programme (subsidy), the list's end user, or another payer of the list."""
    if award.payer is not None:
        return parties.unit(award.payer, ["payer"])
    if award.funding_source == "end-user":
        return parties.unit(lst.end_user, ["payer"])
    return parties.add(buyer["name"], ["payer"], party_id=buyer["id"])
