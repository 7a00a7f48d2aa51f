"""One programme's open data as rows of the national tables.

The models below read only the fields the national view uses, ignore the rest, and
accept exports written before SPEC §8 (no ``division``, ``level``, ``track``,
``funding.others``, list ``issuer``): a missing division is taken from the end users'
统一社会信用代码 (characters 3–8, the most common one), a missing level is left unknown
unless the programme names its division. Ids are namespaced: ``<programme>/<id>``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.federate import divisions
from generator.federate.sources import SourceFailed
from generator.portal.pipeline import page_url, web_url

Row = dict[str, Any]


class _Open(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Unit(_Open):
    name: str
    credit_code: str | None = None
    type: str | None = None


class Other(_Open):
    payer: Unit | None = None
    kind: Literal["government", "enterprise", "fund", "venture", "insurance", "other"] = "other"
    amount_cny: int = Field(ge=0)


class Funding(_Open):
    subsidy_cny: int = Field(ge=0)
    end_user_cny: int = Field(0, ge=0)
    others: list[Other] = []


class Decision(_Open):
    date: dt.date


class Period(_Open):
    months: int


class Eligibility(_Open):
    scope: str


class OpenList(_Open):
    id: str
    title: str
    grade: str
    status: str
    end_user: Unit
    industry: str
    bottleneck: str
    impact: str
    indicators: list[dict[str, Any]]
    benchmark: str
    funding: Funding
    period: Period
    eligibility: Eligibility
    decision: Decision | None = None
    call: str | None = None
    bids_count: int = 0
    track: Literal["tackle", "transfer"] | None = None
    issuer: Unit | None = None
    issuer_name: str | None = None  # who issues it, as the programme's export works it out (SPEC §8)


class OpenCall(_Open):
    id: str
    closes: dt.date


class Publicity(_Open):
    outcome: str


class OpenNotice(_Open):
    id: str
    subject: str
    selected: list[str] = []
    publicity: Publicity | None = None


class OpenWinner(_Open):
    id: str
    list: str
    lead: Unit
    partners: tuple[Unit, ...] = ()
    requested_cny: int | None = None


class Agreement(_Open):
    starts: dt.date
    ends: dt.date


class OpenProject(_Open):
    id: str
    list: str
    status: str
    subsidy_cny: int
    agreement: Agreement


class OpenAward(_Open):
    id: str
    project: str
    date: dt.date
    amount_cny: int
    basis: str
    source: Literal["subsidy", "end-user", "other"] = "subsidy"


class Grade(_Open):
    label: str


class Policy(_Open):
    grades: dict[str, Grade]


class Portal(_Open):
    title: str
    base_url: str


class OpenProgramme(_Open):
    id: str
    issuer: str
    region: str
    mode: str
    portal: Portal
    policy: Policy
    division: str | None = Field(None, pattern=divisions.DIVISION.pattern)
    level: Literal["national", "provincial", "municipal", "county"] | None = None


class OpenData(_Open):
    as_of: dt.date
    program: OpenProgramme
    withheld: dict[str, int] = {}
    lists: list[OpenList]
    calls: list[OpenCall]
    notices: list[OpenNotice]
    winners: list[OpenWinner]
    projects: list[OpenProject]
    awards: list[OpenAward]


@dataclass(frozen=True)
class Place:
    """Where a programme sits: its division (declared or inferred) and level."""

    division: str | None
    division_from: str | None
    level: str | None
    found: divisions.Division | None

    @property
    def province_code(self) -> str | None:
        return self.found.province_code if self.found else None

    @property
    def province(self) -> str | None:
        return self.found.province if self.found else None


def read(doc: dict[str, Any], programme: str, where: str) -> OpenData:
    """The fields the national view reads; :class:`SourceFailed` when they are not as expected."""
    try:
        data = OpenData.model_validate(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        where_in = ".".join(map(str, first["loc"]))
        raise SourceFailed(f"{where}的字段 {where_in} 不符合要求（{first['type']}）。") from exc
    if data.program.id != programme:
        raise SourceFailed(f"{where}是方案 {data.program.id} 的开放数据，而汇总配置中的方案代码是 {programme}：请核对来源地址。")
    return data


def place(data: OpenData) -> Place:
    program = data.program
    if program.division:
        return Place(
            program.division, "program", program.level or divisions.level_of(program.division), divisions.division(program.division)
        )
    codes = Counter(c for lst in data.lists if (c := divisions.credit_division(lst.end_user.credit_code)))
    if not codes:
        return Place(None, None, program.level, None)
    code = min(codes, key=lambda c: (-codes[c], c))
    return Place(code, "end-users", program.level, divisions.division(code))


def rows(data: OpenData, source: str) -> dict[str, list[Row]]:
    """Rows of every programme table (``generator.federate.tables.PROGRAMME_TABLES``)."""
    p = data.program.id
    where = place(data)
    base = web_url(data.program.portal.base_url)
    closes = {c.id: c.closes for c in data.calls}
    lists = [_list_row(data, where, lst, base, closes.get(lst.call or "")) for lst in data.lists]
    program = {
        "programme": p, "title": data.program.portal.title, "issuer": data.program.issuer, "region": data.program.region,
        "mode": data.program.mode, "level": where.level, "division": where.division, "division_from": where.division_from,
        "province_code": where.province_code, "province": where.province,
        "city": where.found.city if where.found else None, "county": where.found.county if where.found else None,
        "portal_url": base, "source": source, "as_of": data.as_of, "lists": len(lists),
    }  # fmt: skip
    paid: Counter[str] = Counter()
    for a in data.awards:
        if a.source == "subsidy":
            paid[a.project] += a.amount_cny
    return {
        "programmes": [program],
        "lists": lists,
        "winners": _winners(data, where),
        "projects": [
            {"id": f"{p}/{x.id}", "programme": p, "list": f"{p}/{x.list}", "status": x.status, "subsidy_cny": x.subsidy_cny,
             "paid_cny": paid[x.id], "starts": x.agreement.starts, "ends": x.agreement.ends}
            for x in data.projects
        ],
        "awards": [
            {"id": f"{p}/{a.id}", "programme": p, "project": f"{p}/{a.project}", "date": a.date, "amount_cny": a.amount_cny,
             "basis": a.basis, "source": a.source}
            for a in data.awards
        ],
        "funding": [row for lst in data.lists for row in _funding(p, lst)],
        "withheld": [{"programme": p, "kind": kind, "count": n} for kind, n in data.withheld.items()],
    }  # fmt: skip


def _list_row(data: OpenData, where: Place, lst: OpenList, base: str | None, closes: dt.date | None) -> Row:
    p, program = data.program.id, data.program
    grade = program.policy.grades.get(lst.grade)
    others = sum(o.amount_cny for o in lst.funding.others)
    return {
        "id": f"{p}/{lst.id}", "programme": p, "list_id": lst.id, "title": lst.title, "industry": lst.industry,
        "grade": lst.grade, "grade_label": grade.label if grade else lst.grade, "status": lst.status, "track": lst.track,
        "mode": program.mode, "level": where.level, "province_code": where.province_code, "province": where.province,
        "year": lst.decision.date.year if lst.decision else int(lst.id[2:6]), "closes": closes,
        "subsidy_cny": lst.funding.subsidy_cny, "end_user_cny": lst.funding.end_user_cny, "others_cny": others,
        "total_cny": lst.funding.subsidy_cny + lst.funding.end_user_cny + others, "bids_count": lst.bids_count,
        "scope": lst.eligibility.scope, "issuer": lst.issuer_name or (lst.issuer.name if lst.issuer else program.issuer),
        "end_user": lst.end_user.name, "end_user_code": lst.end_user.credit_code,
        "bottleneck": lst.bottleneck, "impact": lst.impact, "benchmark": lst.benchmark,
        "indicators": orjson.dumps(lst.indicators).decode(), "period_months": lst.period.months,
        "url": f"{base}{page_url(f'lists/{lst.id}.md')}" if base else None,
    }  # fmt: skip


def _winners(data: OpenData, where: Place) -> list[Row]:
    """Selected bids whose 公示 did not end with an upheld objection."""
    p = data.program.id
    fell = {b for n in data.notices if n.publicity and n.publicity.outcome == "upheld" for b in n.selected}
    out = []
    for w in data.winners:
        if w.id in fell:
            continue
        provinces = [c[:2] for u in (w.lead, *w.partners) if (c := divisions.credit_division(u.credit_code))]
        lead = divisions.credit_division(w.lead.credit_code)
        out.append({
            "id": f"{p}/{w.id}", "programme": p, "list": f"{p}/{w.list}", "lead": w.lead.name, "lead_type": w.lead.type,
            "lead_code": w.lead.credit_code, "lead_province": divisions.province_name(lead) if lead else None,
            "units": len(provinces),
            "units_outside": sum(1 for c in provinces if c != where.province_code) if where.province_code else None,
            "requested_cny": w.requested_cny,
        })  # fmt: skip
    return out


def _funding(p: str, lst: OpenList) -> list[Row]:
    ref = f"{p}/{lst.id}"
    out: list[Row] = [
        {"programme": p, "list": ref, "source": "subsidy", "payer": None, "amount_cny": lst.funding.subsidy_cny},
        {"programme": p, "list": ref, "source": "end-user", "payer": lst.end_user.name, "amount_cny": lst.funding.end_user_cny},
    ]
    out += [
        {"programme": p, "list": ref, "source": o.kind, "payer": o.payer.name if o.payer else None, "amount_cny": o.amount_cny}
        for o in lst.funding.others
    ]
    return out
