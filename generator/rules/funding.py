"""Funding: F001–F005 (第七条, 里程碑式管理与成果兑现, 第五条（一）)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from generator.diagnostics import ERROR, WARNING
from generator.models import Award, ChallengeList, Finding, Milestone, Policy, Project, Review
from generator.models.corpus import Corpus
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


@rule("F003", level=ERROR, cites="第七条")
def awards_within_project_subsidy(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """同一项目的各笔拨付合计不得超过项目的财政资助。

    Why: 任务书约定的财政资助是拨付总额的上限；报告在使累计金额首次超出的那一笔拨付上。
    Fails: 项目 subsidy_cny: 100000，三笔拨付 30000 + 40000 + 40000。
    Passes: 三笔拨付 30000 + 40000 + 30000。
    """
    for proj in corpus.projects:
        total = 0
        for award in sorted(corpus.awards_by_project.get(proj.id, []), key=lambda a: (a.date, a.id)):
            total += award.amount_cny
            if total > proj.subsidy_cny:
                yield award.finding(
                    ("amount_cny",),
                    f"项目 {proj.id} 的拨付累计 {total} 元（含本笔 {award.amount_cny} 元）超过项目财政资助 {proj.subsidy_cny} 元。",
                )
                break


@rule("F004", level=ERROR, cites="里程碑式管理, 成果兑现")
def award_follows_its_basis(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """资金拨付须有依据：不早于任务书签订；节点拨付须在节点检查通过之后；验收拨付须在结题验收通过之后。

    Why: 里程碑式管理与成果兑现机制要求“成果到了才给钱”，拨付日期与依据必须可查。
    Fails: 拨付日期早于任务书签订日期；basis: milestone 而节点未检查、检查未通过或检查晚于拨付；
    basis: acceptance 而项目没有通过的结题验收。
    Passes: 节点检查 2025-08-10 通过后于 2025-08-20 拨付。
    """
    for award in corpus.awards:
        proj = corpus.get(award.project, Project)
        if proj is None:
            continue  # R001
        problem, floor = _BASIS[award.basis](corpus, award, proj) if award.basis in _BASIS else (None, None)
        if problem:
            yield problem
        floors = [(proj.agreement.signed, f"项目 {proj.id} 任务书签订日期"), *([floor] if floor else [])]
        not_before, what = max(floors, key=lambda f: f[0])
        if award.date < not_before:
            yield award.finding(("date",), f"拨付日期 {award.date} 早于{what} {not_before}。")


REVIEW_LABELS = {"milestone-check": "节点检查", "acceptance": "结题验收"}
Floor = tuple[dt.date, str]  # the award may not precede this date, and what it is


def _milestone_basis(corpus: Corpus, award: Award, proj: Project) -> tuple[Finding | None, Floor | None]:
    if not award.milestone:
        return award.finding(("basis",), "按节点拨付（basis: milestone）须在 milestone 中注明所依据的节点。"), None
    ms = corpus.get(award.milestone, Milestone)
    if ms is None:
        return None, None  # R001
    if ms.project != proj.id:
        return award.finding(("milestone",), f"节点 {ms.id} 属于项目 {ms.project}，不是本笔拨付的项目 {proj.id}。"), None
    if ms.check is None:
        return award.finding(("milestone",), f"节点 {ms.id} 尚未经节点检查，不能按节点拨付。"), None
    return _passed(award, ("milestone",), corpus.get(ms.check, Review), "milestone-check", f"节点 {ms.id} 的检查")


def _acceptance_basis(corpus: Corpus, award: Award, proj: Project) -> tuple[Finding | None, Floor | None]:
    if proj.outcome is None:
        return award.finding(("basis",), f"项目 {proj.id} 尚无结题情况（outcome），不能按验收拨付。"), None
    return _passed(award, ("basis",), corpus.get(proj.outcome.acceptance, Review), "acceptance", f"项目 {proj.id} 的结题验收")


def _passed(award: Award, path: tuple[str, ...], review: Review | None, kind: str, what: str) -> tuple[Finding | None, Floor | None]:
    """The award's basis is a passed review of ``kind``: no finding, and the award may not precede it."""
    if review is None:
        return None, None  # R001
    if review.type != kind or review.result != "passed":
        label = REVIEW_LABELS[kind]
        return award.finding(path, f"{what} {review.id}（{review.type}，结论 {review.result}）不是通过的{label}，不能按此拨付。"), None
    return None, (review.date, f"{what}日期")


_BASIS = {"milestone": _milestone_basis, "acceptance": _acceptance_basis}


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
