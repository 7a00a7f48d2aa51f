"""Funding of lists and projects: F001, F002, F005–F007 (第七条, 第五条（一））.

What is paid against them (F003, F004, F008) is in payments.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from typing import TypeVar

from generator.diagnostics import ERROR, WARNING
from generator.models import ChallengeList, Finding, Policy
from generator.models.corpus import Corpus
from generator.models.programme import percent
from generator.rules.base import rule


@rule("F001", level=ERROR, cites="第七条")
def subsidy_within_grade_cap(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单资助强度不得超过其项目等级的上限。

    Why: 第七条规定重点项目资助不超过 10 万元、重大项目不超过 30 万元；上限取自 program.yaml 的 policy.grades。
    项目等级必须是 policy.grades 中的代码，否则上限与周期都无从判断，也在此报告。
    Fails: grade: key，funding.subsidy_cny: 120000；grade: important（方案中没有这一等级）。
    Passes: grade: key，funding.subsidy_cny: 100000。
    """
    for lst in corpus.lists:
        grade = policy.grades.get(lst.grade)
        if grade is None:
            known = "、".join(sorted(policy.grades))
            yield lst.finding(("grade",), f"项目等级“{lst.grade}”不在方案 policy.grades 之中，应为 {known} 之一。")
        elif lst.funding.subsidy_cny > grade.subsidy_cap_cny:
            yield lst.finding(
                ("funding", "subsidy_cny"),
                f"资助强度 {lst.funding.subsidy_cny} 元超过{grade.label}上限 {grade.subsidy_cap_cny} 元。",
            )


@rule("F002", level=ERROR, cites="第七条")
def bid_within_list_subsidy(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """揭榜申报的申请资助不得超过榜单的资助强度。

    Why: 榜单公布的资助强度就是财政投入的上限，申报不能突破。
    Fails: 榜单 funding.subsidy_cny: 100000，申报 requested_cny: 150000。
    Passes: 申报 requested_cny: 90000。
    """
    for bid in corpus.bids:
        lst = corpus.get(bid.list, ChallengeList)
        if lst is not None and bid.requested_cny > lst.funding.subsidy_cny:
            yield bid.finding(
                ("requested_cny",),
                f"申请资助 {bid.requested_cny} 元超过榜单 {lst.id} 的资助强度 {lst.funding.subsidy_cny} 元。",
            )


@rule("F005", level=WARNING, cites="第三条, 第五条（一）")
def end_user_commits_money(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """需求单位应承诺投入自有研发资金。

    Why: 第三条、第五条（一）要求需求单位出题并出资；需求单位不投入，说明需求未必真实迫切。
    Fails: 需求 commitment_cny: 0；榜单 funding.end_user_cny: 0。
    Passes: commitment_cny: 200000。
    """
    for need in corpus.needs:
        if need.commitment_cny == 0:
            yield need.finding(("commitment_cny",), f"需求单位 {need.end_user.name} 承诺的研发投入为 0 元。")
    for lst in corpus.lists:
        if lst.funding.end_user_cny == 0:
            yield lst.finding(("funding", "end_user_cny"), f"榜单需求单位 {lst.end_user.name} 的投入为 0 元。")


T = TypeVar("T")


def first_over(items: Iterable[T], amount: Callable[[T], int], cap: int) -> tuple[T, int] | None:
    """The item whose amount first takes the running total over ``cap``, with that total; None
    while the total stays within it. Money rules report there, once."""
    total = 0
    for item in items:
        total += amount(item)
        if total > cap:
            return item, total
    return None


@rule("F006", level=ERROR, cites="第七条")
def projects_within_list_subsidy(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """项目的财政资助不得超过其榜单的资助强度，同一榜单各项目的财政资助合计也不得超过。

    Why: 第七条：榜单公布的资助强度是这张榜单财政投入的上限，任务书不能突破；赛马制（policy.max_winners 大于 1）
    下并行资助的几个项目共用这一额度。按项目编号累计，报告在使合计首次超出的那个项目上。
    Fails: 榜单 funding.subsidy_cny: 100000，项目 subsidy_cny: 500000；同一榜单两个项目各 60000。
    Passes: 项目 subsidy_cny: 100000；同一榜单两个项目各 50000。
    """
    for list_id, projects in sorted(corpus.projects_by_list.items()):
        lst = corpus.get(list_id, ChallengeList)
        if lst is None:
            continue  # R001
        cap = lst.funding.subsidy_cny
        over = first_over(sorted(projects, key=lambda p: p.id), lambda p: p.subsidy_cny, cap)
        if over is None:
            continue
        proj, total = over
        if proj.subsidy_cny > cap:
            yield proj.finding(("subsidy_cny",), f"项目财政资助 {proj.subsidy_cny} 元超过榜单 {lst.id} 的资助强度 {cap} 元。")
        else:
            yield proj.finding(
                ("subsidy_cny",),
                f"榜单 {lst.id} 各项目的财政资助合计 {total} 元（含本项目 {proj.subsidy_cny} 元）超过榜单资助强度 {cap} 元。",
            )


@rule("F007", level=ERROR, cites="第七条")
def grade_formula_holds(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单资助须符合其项目等级的计算方式：不低于资助下限，不超过总投入的规定比例，总投入不低于规定下限。

    Why: 有的方案按总投入核定资助（如财政资助不超过项目总投入的 20%、总投入不低于 500 万元），取自
    policy.grades 的 subsidy_min_cny、subsidy_max_share 与 total_min_cny，边界值本身合规。总投入 = 财政资助
    + 需求单位投入 + 其他出资（funding.others）。未设置的项不检查；等级不存在由 F001 报告。
    Fails: subsidy_max_share: 0.2，财政资助 1000000、需求单位 3000000（总投入 4000000，上限 800000）；
    total_min_cny: 5000000 而总投入 4000000；subsidy_min_cny: 300000 而财政资助 200000。
    Passes: 财政资助 1000000、需求单位 3500000、其他出资 500000（总投入 5000000，恰为 20%）。
    """
    for lst in corpus.lists:
        grade = policy.grades.get(lst.grade)
        if grade is None:
            continue  # F001
        subsidy, total = lst.funding.subsidy_cny, lst.funding.total_cny
        if subsidy < grade.subsidy_min_cny:
            yield lst.finding(("funding", "subsidy_cny"), f"财政资助 {subsidy} 元低于{grade.label}下限 {grade.subsidy_min_cny} 元。")
        share = grade.subsidy_max_share
        if share is not None and subsidy > Fraction(str(share)) * total:
            yield lst.finding(
                ("funding", "subsidy_cny"),
                f"财政资助 {subsidy} 元超过总投入 {total} 元的 {percent(share)}（{_floor(share, total)} 元），{grade.label}不得超过这一比例。",
            )
        if grade.total_min_cny is not None and total < grade.total_min_cny:
            yield lst.finding(("funding",), f"总投入 {total} 元低于{grade.label}规定的下限 {grade.total_min_cny} 元。")


def _floor(share: float, total: int) -> int:
    """The largest whole yuan within ``share`` of ``total``."""
    return int(Fraction(str(share)) * total)
