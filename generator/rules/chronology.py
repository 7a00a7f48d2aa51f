"""Date order, T006 (第八条): need → 论证 → 确定 → 发布 → 评审 → (立项审定) → 公示 → 任务书 → 节点.

Each check compares one date with the dates that must come before it and reports once,
naming the latest of them it fails. The bid's own window (opens ≤ submitted ≤ closes) is
T004's; a 公示 ending before it starts is T005's (no working days).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from generator.diagnostics import ERROR
from generator.models import Call, ChallengeList, Finding, Milestone, Need, Policy, Project, Record, Review
from generator.models.corpus import Corpus
from generator.rules.base import rule

# (earlier date, what it is, whether the later date must be strictly after it)
Before = tuple[dt.date, str, bool]


def _after(rec: Record, path: Sequence[str | int], label: str, value: dt.date, befores: Iterable[Before]) -> Iterator[Finding]:
    broken = [b for b in befores if value < b[0] or (b[2] and value == b[0])]
    if broken:
        date, what, strict = max(broken, key=lambda b: (b[0], b[2]))
        relation = "应晚于" if strict else "不得早于"
        yield rec.finding(path, f"{label} {value} {relation}{what} {date}。")


@rule("T006", level=ERROR, cites="第八条")
def dates_in_order(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """各环节的日期须前后有序。

    Why: 第八条规定的流程有先后：需求提交 → 榜单论证 → 榜单确定 → 指南发布（开始受理不早于发布，截止不早于开始）
    → 申报截止 → 揭榜评审 →（须经立项审定的方案：立项审定 →）公示（异议不早于公示开始）→ 签订任务书 →
    节点在任务书起止日期之内。立项审定晚于它所审定的揭榜评审。申报日期是否在受理期内由 T004 检查。
    Fails: 榜单确定日期早于需求提交日期；公示开始与评审同日；任务书签订早于公示结束；节点日期晚于任务书结束日期。
    Passes: 需求 2024-03-12、论证 2024-04-20、确定 2024-05-10、发布 2024-05-20、截止 2024-06-30、评审 2024-07-05、
    公示 2024-07-08 至 2024-07-12、签订 2024-07-20、节点 2025-07-31（任务书 2024-08-01 至 2026-07-31）。
    """
    for lst in corpus.lists:
        yield from _list_dates(corpus, lst)
    for call in corpus.calls:
        yield from _after(call, ("opens",), "开始受理日期", call.opens, [(call.published, "发布日期", False)])
        yield from _after(call, ("closes",), "申报截止日期", call.closes, [(call.opens, "开始受理日期", False)])
    for review in corpus.reviews:
        if review.type == "bid-review":
            yield from _bid_review_dates(corpus, review, policy)
        elif review.type == "approval":
            decided = corpus.get(review.subject, Review)
            if decided is not None:
                yield from _after(review, ("date",), "立项审定日期", review.date, [(decided.date, f"揭榜评审 {decided.id} 日期", True)])
    for proj in corpus.projects:
        yield from _project_dates(corpus, proj)
    for ms in corpus.milestones:
        yield from _milestone_dates(corpus, ms)


def _list_dates(corpus: Corpus, lst: ChallengeList) -> Iterator[Finding]:
    needs = [n for n in (corpus.get(i, Need) for i in lst.needs) if n is not None]
    befores: list[Before] = [(n.submitted, f"需求 {n.id} 提交日期", True) for n in needs]
    argued = corpus.get(lst.argumentation, Review)
    if argued is not None:
        yield from _after(lst, ("argumentation",), f"论证 {argued.id} 日期", argued.date, befores)
        befores.append((argued.date, f"论证 {argued.id} 日期", True))
    if lst.decision is not None:
        yield from _after(lst, ("decision", "date"), "榜单确定日期", lst.decision.date, befores)
        call = corpus.get(lst.call, Call)
        if call is not None:
            yield from _after(lst, ("call",), f"申报指南 {call.id} 发布日期", call.published, [(lst.decision.date, "榜单确定日期", True)])


def _bid_review_dates(corpus: Corpus, review: Review, policy: Policy) -> Iterator[Finding]:
    lst = corpus.get(review.subject, ChallengeList)
    call = corpus.get(lst.call, Call) if lst is not None else None
    if call is not None:
        yield from _after(review, ("date",), "评审日期", review.date, [(call.closes, f"申报指南 {call.id} 申报截止日期", True)])
    pub = review.publicity
    if pub is None:
        return
    befores: list[Before] = [(review.date, "评审日期", True)]
    if policy.approval_required:
        approvals = [r for r in corpus.reviews_by_subject.get(review.id, []) if r.type == "approval" and r.result == "approved"]
        befores += [(r.date, f"立项审定 {r.id} 日期", True) for r in approvals]
    yield from _after(review, ("publicity", "start"), "公示开始日期", pub.start, befores)
    for i, objection in enumerate(pub.objections):
        yield from _after(
            review, ("publicity", "objections", i, "received"), "异议收到日期", objection.received, [(pub.start, "公示开始日期", False)]
        )


def _project_dates(corpus: Corpus, proj: Project) -> Iterator[Finding]:
    term = proj.agreement
    review = corpus.get(proj.review, Review)
    if review is not None:
        befores: list[Before] = [(review.date, f"评审 {review.id} 日期", True)]
        if review.publicity is not None:
            befores.append((review.publicity.end, f"评审 {review.id} 公示结束日期", True))
        yield from _after(proj, ("agreement", "signed"), "任务书签订日期", term.signed, befores)
    yield from _after(proj, ("agreement", "ends"), "任务书结束日期", term.ends, [(term.starts, "任务书开始日期", True)])


def _milestone_dates(corpus: Corpus, ms: Milestone) -> Iterator[Finding]:
    proj = corpus.get(ms.project, Project)
    if proj is None:
        return
    term = proj.agreement
    yield from _after(ms, ("due",), "节点日期", ms.due, [(term.starts, f"项目 {proj.id} 任务书开始日期", False)])
    if ms.due > term.ends:
        yield ms.finding(("due",), f"节点日期 {ms.due} 晚于项目 {proj.id} 任务书结束日期 {term.ends}。")
