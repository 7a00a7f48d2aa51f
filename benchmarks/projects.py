"""A synthetic project's life after its bid is selected (benchmarks only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from benchmarks.schedule import add_months

if TYPE_CHECKING:
    from benchmarks.programme import Programme

NOW = dt.date(2026, 9, 30)  # the synthetic programme's present: no event after it
Rec = dict[str, Any]


def project_life(prog: Programme, lst: Rec, bid: Rec, review: Rec, public_end: dt.date, flags: Rec) -> Iterator[Rec]:
    """The project that follows a selection: agreement, milestone and its check, acceptance
    and the awards these allow, each only once its date has come (``NOW``)."""
    rng = prog.rng
    number = lst["id"][2:]
    signed = public_end + dt.timedelta(days=rng.randrange(5, 13))
    starts = signed + dt.timedelta(days=rng.randrange(5, 16))
    months = lst["period"]["months"]
    ends = add_months(starts, months) - dt.timedelta(days=1)
    subsidy = bid["requested_cny"]
    project: Rec = {
        "kind": "project",
        "id": f"P-{number}",
        **flags,
        "list": lst["id"],
        "bid": bid["id"],
        "review": review["id"],
        "agreement": {"signed": signed, "starts": starts, "ends": ends},
        "subsidy_cny": subsidy,
        "status": "in-progress",
        "outcome": None,
    }
    milestone: Rec = {
        "kind": "milestone",
        "id": f"M-{number}-1",
        **flags,
        "project": project["id"],
        "due": add_months(starts, months // 2) - dt.timedelta(days=1),
        "deliverables": ["完成工程样机", f"{lst['indicators'][0]['name']}完成第一轮实测"],
        "check": None,
    }
    awards = [(signed + dt.timedelta(days=rng.randrange(3, 11)), round(subsidy * 0.3, -3), "agreement", None)]
    out = []
    check_day = milestone["due"] + dt.timedelta(days=rng.randrange(5, 21))
    if check_day <= NOW:
        passed = rng.random() >= 0.03
        check = prog.review(check_day, "milestone-check", project["id"], "passed" if passed else "failed", flags, "节点成果已完成。")
        milestone["check"] = check["id"]
        out.append(check)
        if not passed:
            project["status"] = "terminated"
        else:
            awards.append((check_day + dt.timedelta(days=rng.randrange(5, 16)), round(subsidy * 0.4, -3), "milestone", milestone["id"]))
    accept_day = ends - dt.timedelta(days=rng.randrange(0, 11))
    if project["status"] == "in-progress" and accept_day <= NOW:
        succeeded = rng.random() < 0.85
        acceptance = prog.review(accept_day, "acceptance", project["id"], "passed" if succeeded else "failed", flags, "验收意见见附件。")
        acceptance["indicator_results"] = [
            {"id": ind["id"], "achieved": succeeded or i > 0, "evidence": f"{ind['verification']} {accept_day.year}"}
            for i, ind in enumerate(lst["indicators"])
        ]
        out.append(acceptance)
        diligent = succeeded or rng.random() < 0.8
        project["status"] = "succeeded" if succeeded else "failed"
        project["outcome"] = {
            "date": accept_day,
            "acceptance": acceptance["id"],
            "category": rng.choice(("applied", "applied", "basic", "public-welfare")),
            "diligent": diligent,
            "credit_penalty": not diligent,
        }
        if succeeded:
            awards.append((accept_day + dt.timedelta(days=rng.randrange(5, 21)), subsidy - sum(a[1] for a in awards), "acceptance", None))
    yield project
    yield milestone
    yield from out
    for seq, (day, amount, basis, ms) in enumerate((a for a in awards if a[0] <= NOW), 1):
        yield {
            "kind": "award",
            "id": f"A-{number}-{seq}",
            **flags,
            "project": project["id"],
            "date": day,
            "amount_cny": int(amount),
            "basis": basis,
            "milestone": ms,
        }
