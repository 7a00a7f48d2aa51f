"""What is paid, by whom, and when: F003, F004, F008 (第七条, 里程碑式管理与成果兑现).

An award without ``source`` is paid from the subsidy; ``end-user`` awards are the end user's
own money and ``other`` awards a payer's of the list's ``funding.others``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from generator.diagnostics import ERROR
from generator.models import Award, ChallengeList, Finding, Milestone, Policy, Project, Review
from generator.models.corpus import Corpus
from generator.rules.base import rule
from generator.rules.funding import first_over


def _by_date(awards: list[Award]) -> list[Award]:
    return sorted(awards, key=lambda a: (a.date, a.id))


@rule("F003", level=ERROR, cites="第七条")
def subsidy_awards_within_project_subsidy(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """同一项目从财政资助中拨付的各笔资金合计不得超过项目的财政资助。

    Why: 任务书约定的财政资助是财政拨付总额的上限；需求单位和其他出资方支付的资金（source: end-user、other）
    不计入，由 F008 对照它们各自的承诺检查。报告在使累计金额首次超出的那一笔拨付上。
    Fails: 项目 subsidy_cny: 100000，三笔财政拨付 30000 + 40000 + 40000。
    Passes: 三笔财政拨付 30000 + 40000 + 30000，另有需求单位支付 200000（source: end-user）。
    """
    for proj in corpus.projects:
        subsidy = [a for a in _by_date(corpus.awards_by_project.get(proj.id, [])) if a.funding_source == "subsidy"]
        over = first_over(subsidy, lambda a: a.amount_cny, proj.subsidy_cny)
        if over is not None:
            award, total = over
            yield award.finding(
                ("amount_cny",),
                f"项目 {proj.id} 的财政拨付累计 {total} 元（含本笔 {award.amount_cny} 元）超过项目财政资助 {proj.subsidy_cny} 元。",
            )


@rule("F004", level=ERROR, cites="里程碑式管理, 成果兑现")
def award_follows_its_basis(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """资金拨付须有依据：不早于任务书签订，节点拨付在节点检查通过之后，验收拨付在结题验收通过之后，节点检查未通过至复查通过期间不拨付。

    Why: 里程碑式管理与成果兑现机制要求“成果到了才给钱”，拨付日期与依据必须可查。节点检查未通过即停止拨付，
    无论拨付依据（basis）写的是什么；复查通过（节点的 check 改为其后通过的复查）后才恢复。
    Fails: 拨付日期早于任务书签订日期；basis: milestone 而节点未检查、检查未通过或检查晚于拨付；
    basis: acceptance 而项目没有通过的结题验收；节点检查 2025-08-10 未通过后，2025-09-01 以 basis: agreement 拨付。
    Passes: 节点检查 2025-08-10 通过后于 2025-08-20 拨付；节点检查未通过，复查 2025-10-15 通过后于 2025-10-20 拨付。
    """
    for award in corpus.awards:
        proj = corpus.get(award.project, Project)
        if proj is None:
            continue  # R001
        problem, floor = _BASIS[award.basis](corpus, award, proj) if award.basis in _BASIS else (None, None)
        if problem is None:
            problem = _held(corpus, award, proj)
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


def holds(corpus: Corpus, proj: Project) -> list[tuple[Review, dt.date | None]]:
    """Each failed milestone check of a project, with the date a later check passed (None: not yet).

    A milestone whose ``check`` still names the failed review has not been checked again. A failed
    review no milestone names any more was replaced by a re-check: the earliest passing check of the
    project's milestones dated after it lifts the hold.
    """
    milestones = corpus.milestones_by_project.get(proj.id, [])
    named = {m.check for m in milestones if m.check}
    passes = sorted(
        r.date
        for m in milestones
        if (r := corpus.get(m.check, Review)) is not None and r.type == "milestone-check" and r.result == "passed"
    )
    found = []
    for review in corpus.reviews_by_subject.get(proj.id, []):
        if review.type == "milestone-check" and review.result == "failed":
            later = None if review.id in named else next((d for d in passes if d > review.date), None)
            found.append((review, later))
    return sorted(found, key=lambda h: (h[0].date, h[0].id))


def _held(corpus: Corpus, award: Award, proj: Project) -> Finding | None:
    for failed, lifted in holds(corpus, proj):
        if failed.date < award.date and (lifted is None or award.date < lifted):
            until = f"复查于 {lifted} 通过之前" if lifted else "该节点尚无通过的复查"
            return award.finding(
                ("date",),
                f"拨付日期 {award.date} 在项目 {proj.id} 的节点检查 {failed.id}（{failed.date}，未通过）之后、{until}：节点检查未通过期间不得拨付任何资金。",
            )
    return None


@rule("F008", level=ERROR, cites="第七条")
def payer_awards_within_commitment(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """需求单位或其他出资方支付的资金，合计不得超过该出资方在榜单上承诺的投入。

    Why: 榜单的 funding 记录各方承诺的投入，拨付记录须与之对得上。需求单位的拨付（source: end-user）对照
    funding.end_user_cny；其他出资方的拨付（source: other）按出资方的统一社会信用代码对照 funding.others 中
    该出资方的承诺，未列入 funding.others 的出资方承诺为 0。同一榜单各项目的拨付合并计算；报告在使累计首次超出的那一笔上。
    Fails: 榜单 end_user_cny: 200000，需求单位两笔拨付 150000 + 100000；payer 不在 funding.others 之中。
    Passes: 需求单位拨付 200000；海口市科学技术局按其承诺拨付 300000。
    """
    for lst in corpus.lists:
        committed: dict[str, int] = defaultdict(int)
        for other in lst.funding.others:
            committed[other.payer.credit_code] += other.amount_cny
        projects = corpus.projects_by_list.get(lst.id, [])
        awards = _by_date([a for p in projects for a in corpus.awards_by_project.get(p.id, []) if a.funding_source != "subsidy"])
        paid: dict[str, int] = defaultdict(int)
        for award in awards:
            key = "end-user" if award.payer is None else award.payer.credit_code
            limit = lst.funding.end_user_cny if award.payer is None else committed.get(key, 0)
            paid[key] += award.amount_cny
            if paid[key] <= limit or paid[key] - award.amount_cny > limit:
                continue  # within the commitment, or already reported
            yield _over(award, lst, paid[key], limit, key in committed or award.payer is None)


def _over(award: Award, lst: ChallengeList, paid: int, limit: int, listed: bool) -> Finding:
    if award.payer is None:
        who = f"需求单位 {lst.end_user.name}"
    elif not listed:
        return award.finding(
            ("payer", "credit_code"),
            f"出资方 {award.payer.name}（{award.payer.credit_code}）不在榜单 {lst.id} 的其他出资（funding.others）之中，未承诺任何投入。",
        )
    else:
        who = f"出资方 {award.payer.name}"
    return award.finding(
        ("amount_cny",), f"{who}的拨付累计 {paid} 元（含本笔 {award.amount_cny} 元）超过其在榜单 {lst.id} 承诺的 {limit} 元。"
    )
