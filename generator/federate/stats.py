"""National figures, overall and by province, year, industry and mode.

- 揭榜率: lists awarded among lists decided (awarded or unclaimed); 流榜率: unclaimed
  among decided. 验收通过率: projects that passed acceptance among those finished
  (passed or failed). These are the programme portal's own definitions.
- Openness (开放度): among the units of winning bids (lead and partners, those with a
  统一社会信用代码), the share registered outside the issuing programme's province,
  read from the code's characters 3–4; programmes whose province is unknown are left out.
- Funding mix: every list's input by source — the programme's subsidy, the end user's
  share and SPEC §8 ``funding.others`` by kind.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from generator.federate.corpus import National
from generator.federate.tables import cell
from generator.portal.labels import MODE

UNKNOWN = "未注明"
DIMENSIONS = {"province": "省份", "year": "年度", "industry": "产业", "mode": "组织模式"}  # shown, with charts
GROUPINGS = (*DIMENSIONS, "programme")
SOURCES = {
    "subsidy": "财政资助",
    "end-user": "需求单位",
    "government": "其他政府资金",
    "enterprise": "企业",
    "fund": "基金",
    "venture": "创业投资",
    "insurance": "保险",
    "other": "其他",
}
WITHHELD_KINDS = {
    "list": "榜单",
    "call": "申报指南",
    "bid": "揭榜申报",
    "review": "评审",
    "project": "项目",
    "milestone": "里程碑",
    "award": "资金拨付",
}


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class Figures:
    label: str
    lists: int = 0
    subsidy_cny: int = 0
    total_cny: int = 0
    awarded: int = 0
    unclaimed: int = 0
    finished: int = 0
    succeeded: int = 0
    units: int = 0
    units_outside: int = 0
    programmes: set[str] = field(default_factory=set)

    @property
    def claim_rate(self) -> float | None:
        return ratio(self.awarded, self.awarded + self.unclaimed)

    @property
    def unclaimed_rate(self) -> float | None:
        return ratio(self.unclaimed, self.awarded + self.unclaimed)

    @property
    def acceptance_rate(self) -> float | None:
        return ratio(self.succeeded, self.finished)

    @property
    def openness(self) -> float | None:
        return ratio(self.units_outside, self.units)


@dataclass(frozen=True)
class Statistics:
    overall: Figures
    by: dict[str, list[Figures]]  # grouping (a dimension, or programme) → groups
    funding: list[tuple[str, str, int]]  # (source, label, yuan), largest first
    withheld: list[tuple[str, str, int]]  # (kind, label, count)


def compute(national: National) -> Statistics:
    lists = national.list_columns("id", "programme", "province", "year", "industry", "mode", "status", "subsidy_cny", "total_cny")
    keys: dict[str, dict[str, str]] = {}
    overall = Figures("全国")
    groups: dict[str, dict[str, Figures]] = {d: {} for d in GROUPINGS}
    for row in lists.to_pylist():
        labels = {
            "province": row["province"] or UNKNOWN,
            "year": str(row["year"]),
            "industry": row["industry"],
            "mode": MODE.get(row["mode"], row["mode"]),
            "programme": row["programme"],
        }
        keys[row["id"]] = labels
        for fig in [overall, *(groups[d].setdefault(labels[d], Figures(labels[d])) for d in GROUPINGS)]:
            _add_list(fig, row)
    _each(national.table("projects", ["list", "status"]).to_pylist(), keys, overall, groups, _add_project)
    _each(national.table("winners", ["list", "units", "units_outside"]).to_pylist(), keys, overall, groups, _add_winner)
    return Statistics(overall, {d: _ordered(d, groups[d]) for d in GROUPINGS}, _funding(national), _withheld(national))


def _add_list(fig: Figures, row: dict[str, object]) -> None:
    fig.lists += 1
    fig.subsidy_cny += int(row["subsidy_cny"] or 0)  # type: ignore[call-overload]
    fig.total_cny += int(row["total_cny"] or 0)  # type: ignore[call-overload]
    fig.awarded += row["status"] == "awarded"
    fig.unclaimed += row["status"] == "unclaimed"
    fig.programmes.add(str(row["programme"]))


def _add_project(fig: Figures, row: dict[str, object]) -> None:
    fig.finished += row["status"] in ("succeeded", "failed")
    fig.succeeded += row["status"] == "succeeded"


def _add_winner(fig: Figures, row: dict[str, object]) -> None:
    if row["units_outside"] is not None:
        fig.units += int(row["units"] or 0)  # type: ignore[call-overload]
        fig.units_outside += int(row["units_outside"])  # type: ignore[call-overload]


def _each(
    rows: Iterable[dict[str, object]],
    keys: dict[str, dict[str, str]],
    overall: Figures,
    groups: dict[str, dict[str, Figures]],
    add: Callable[[Figures, dict[str, object]], None],
) -> None:
    for row in rows:
        labels = keys.get(str(row["list"]))
        if labels is None:
            continue
        for fig in [overall, *(groups[d][labels[d]] for d in GROUPINGS)]:
            add(fig, row)


def _ordered(dimension: str, found: dict[str, Figures]) -> list[Figures]:
    if dimension == "year":
        return [found[k] for k in sorted(found)]
    return sorted(found.values(), key=lambda f: (f.label == UNKNOWN, -f.lists, f.label))


def _funding(national: National) -> list[tuple[str, str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for row in national.table("funding", ["source", "amount_cny"]).to_pylist():
        totals[row["source"]] += row["amount_cny"] or 0
    return sorted(((s, SOURCES.get(s, s), n) for s, n in totals.items()), key=lambda t: (-t[2], t[0]))


def _withheld(national: National) -> list[tuple[str, str, int]]:
    totals: dict[str, int] = dict.fromkeys(WITHHELD_KINDS, 0)
    for row in national.table("withheld", ["kind", "count"]).to_pylist():
        totals[row["kind"]] = totals.get(row["kind"], 0) + (row["count"] or 0)
    return [(k, WITHHELD_KINDS.get(k, k), n) for k, n in totals.items()]


COLUMNS = ("分组", "榜单数", "方案数", "财政资助（元）", "总投入（元）", "已揭榜", "无人揭榜", "揭榜率", "流榜率", "已结题项目", "验收通过", "验收通过率", "揭榜单位数", "外省单位数", "外省单位占比")  # fmt: skip


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def csv_text(groups: list[Figures]) -> bytes:
    """A grouping as CSV (UTF-8 with BOM, as the programmes' open data)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for f in groups:
        writer.writerow([
            cell(f.label), f.lists, len(f.programmes), f.subsidy_cny, f.total_cny, f.awarded, f.unclaimed, _share(f.claim_rate),
            _share(f.unclaimed_rate), f.finished, f.succeeded, _share(f.acceptance_rate), f.units, f.units_outside, _share(f.openness),
        ])  # fmt: skip
    return buf.getvalue().encode("utf-8-sig")


def pairs_csv(rows: Iterable[tuple[str, str, int]], header: tuple[str, str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows((cell(label), n) for _, label, n in rows)
    return buf.getvalue().encode("utf-8-sig")
