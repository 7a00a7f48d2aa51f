"""Lifecycle prerequisites: L001–L005 (第八条（二）—（七）, 宽容失败机制). Acceptance against outcome, L006–L007, is in acceptance.py."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import ERROR
from generator.models import Bid, Call, ChallengeList, Finding, Need, Policy, Project, Review
from generator.models.corpus import Corpus
from generator.models.listing import PUBLIC_LIST_STATUSES
from generator.models.review import PUBLICITY_CLEARED
from generator.public.visibility import restricted_ids
from generator.rules.base import rule

ARGUED_ON = frozenset({"argued", "approved"}) | PUBLIC_LIST_STATUSES
APPROVED_ON = frozenset({"approved"}) | PUBLIC_LIST_STATUSES


@rule("L001", level=ERROR, cites="第八条（三）—（五）")
def list_status_has_prerequisites(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单状态须有其前提：已论证须有通过的榜单论证，已确定须有确定决策，已发布须有列入它的申报指南。

    Why: 第八条（三）—（五）：榜单先经专家论证，再由区科技局党组会等确定，然后写入申报指南发布。
    反过来，申报指南只能列入已发布（或发布后撤回）的榜单。
    Fails: status: published 而没有 call；argumentation 指向结论为 revise 的论证；申报指南列入了 status: approved 的榜单。
    Passes: status: published，argumentation 为通过的榜单论证，decision 齐全，call 指向列入本榜单的申报指南。
    """
    for lst in corpus.lists:
        missing = []
        if lst.status in ARGUED_ON and not lst.argumentation:
            missing.append("榜单论证（argumentation）")
        if lst.status in APPROVED_ON and lst.decision is None:
            missing.append("榜单确定（decision）")
        if lst.status in PUBLIC_LIST_STATUSES and not lst.call:
            missing.append("申报指南（call）")
        if missing:
            yield lst.finding(("status",), f"状态为 {lst.status} 的榜单缺少{'、'.join(missing)}。")
        yield from _argumentation_passed(corpus, lst)
        call = corpus.get(lst.call, Call)
        if call is not None and lst.status in PUBLIC_LIST_STATUSES and lst.id not in call.lists:
            yield lst.finding(("call",), f"申报指南 {call.id} 的 lists 中没有本榜单 {lst.id}。")
    yield from _calls_list_only_published(corpus)


def _calls_list_only_published(corpus: Corpus) -> Iterator[Finding]:
    for call in corpus.calls:
        for i, list_id in enumerate(call.lists):
            lst = corpus.get(list_id, ChallengeList)
            if lst is not None and lst.status not in PUBLIC_LIST_STATUSES and lst.status != "withdrawn":
                yield call.finding(("lists", i), f"榜单 {lst.id} 的状态为 {lst.status}，尚未发布，不能列入申报指南。")


def _argumentation_passed(corpus: Corpus, lst: ChallengeList) -> Iterator[Finding]:
    review = corpus.get(lst.argumentation, Review)
    if review is None or lst.status not in ARGUED_ON:
        return
    if not (review.type == "list-argumentation" and review.subject == lst.id and review.result == "pass"):
        yield lst.finding(
            ("argumentation",),
            f"{review.id}（{review.type}，对象 {review.subject}，结论 {review.result}）不是本榜单通过的榜单论证。",
        )


@rule("L002", level=ERROR, cites="第八条（七）")
def project_follows_publicised_selection(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """立项须有选中该申报、且公示期满无异议或异议不成立的揭榜评审；须经立项审定的方案还须有通过的立项审定；入选申报数不得超过方案的上限。

    Why: 第八条（七）：揭榜评审结果经公示无异议后，方可签订任务书立项。项目的 review 须是对其榜单（list）的揭榜
    评审，selected 中有其申报（bid），公示结果为 no-objection 或 objections-dismissed。限定发布范围（涉密）的项目
    不公开，不要求公示。policy.approval_required 为 true 时，还须有以该揭榜评审为对象、结论为 approved 的立项审定
    （approval）。每次揭榜评审的入选申报不得多于 policy.max_winners（默认 1；大于 1 即赛马制）。
    Fails: 公示结果仍为 pending；review 选中的是另一份申报；approval_required 而没有通过的立项审定；
    max_winners: 1 而 selected 有两份申报。
    Passes: review 为本榜单的揭榜评审，选中本项目的申报，公示无异议；涉密榜单的项目没有公示。
    """
    hidden = restricted_ids(corpus)
    for proj in corpus.projects:
        review = corpus.get(proj.review, Review)
        if review is None:
            continue  # R001
        if review.type != "bid-review":
            yield proj.finding(("review",), f"{review.id} 是 {review.type} 评审，不是揭榜评审（bid-review）。")
            continue
        yield from _selection_matches(proj, review)
        if proj.id not in hidden:
            yield from _publicised(proj, review)
        if policy.approval_required:
            yield from _approved(corpus, proj, review)
    for review in corpus.reviews:
        if len(review.selected) > policy.max_winners:
            yield review.finding(
                ("selected",), f"入选申报 {len(review.selected)} 份，多于方案允许的每张榜单 {policy.max_winners} 份（policy.max_winners）。"
            )
        if review.type == "approval" and (decided := corpus.get(review.subject, Review)) is not None and decided.type != "bid-review":
            yield review.finding(("subject",), f"立项审定的对象须是揭榜评审，{decided.id} 是 {decided.type} 评审。")


def _selection_matches(proj: Project, review: Review) -> Iterator[Finding]:
    if review.subject != proj.list:
        yield proj.finding(("list",), f"项目榜单 {proj.list} 与揭榜评审 {review.id} 所评榜单 {review.subject} 不一致。")
    if proj.bid not in review.selected:
        chosen = "、".join(review.selected) or "无"
        yield proj.finding(("bid",), f"申报 {proj.bid} 不在揭榜评审 {review.id} 的入选名单（{chosen}）中。")


def _publicised(proj: Project, review: Review) -> Iterator[Finding]:
    if review.publicity is None:
        yield proj.finding(("review",), f"揭榜评审 {review.id} 尚未公示，不能立项。")
    elif review.publicity.outcome not in PUBLICITY_CLEARED:
        yield proj.finding(
            ("review",),
            f"揭榜评审 {review.id} 的公示结果为 {review.publicity.outcome}，"
            "须为无异议（no-objection）或异议不成立（objections-dismissed）才能立项。",
        )


def _approved(corpus: Corpus, proj: Project, review: Review) -> Iterator[Finding]:
    approvals = [r for r in corpus.reviews_by_subject.get(review.id, []) if r.type == "approval"]
    if not any(r.result == "approved" for r in approvals):
        found = "、".join(f"{r.id}（{r.result}）" for r in approvals) or "没有"
        yield proj.finding(
            ("review",), f"方案要求立项审定：揭榜评审 {review.id} 须有结论为 approved 的立项审定（approval），现有：{found}。"
        )


@rule("L003", level=ERROR, cites="第八条（六）")
def selection_is_a_live_bid_on_the_list(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """揭榜评审选中的申报须是所评榜单上的、未撤回的申报；结论为 selected 时须列出入选申报。

    Why: 第八条（六）：专家组从所评榜单的有效申报中择优确定揭榜单位。只有揭榜评审（结论 selected）才有入选名单。
    Fails: selected 中的申报揭的是另一张榜单，或已撤回（status: withdrawn）；result: selected 而 selected 为空。
    Passes: selected 中的申报都在所评榜单上且状态为 submitted。
    """
    for review in corpus.reviews:
        selecting = review.type == "bid-review" and review.result == "selected"
        if selecting and not review.selected:
            yield review.finding(("result",), "评审结论为 selected，但入选名单（selected）为空。")
        elif review.selected and not selecting:
            yield review.finding(("selected",), f"{review.type} 评审结论为 {review.result}，不应列出入选申报。")
            continue
        for i, bid_id in enumerate(review.selected):
            bid = corpus.get(bid_id, Bid)
            if bid is None:
                continue  # R001
            if bid.list != review.subject:
                yield review.finding(("selected", i), f"申报 {bid.id} 揭的是榜单 {bid.list}，不是本次评审的榜单 {review.subject}。")
            elif bid.status == "withdrawn":
                yield review.finding(("selected", i), f"申报 {bid.id} 已撤回，不能入选。")


@rule("L004", level=ERROR, cites="宽容失败机制")
def diligent_failure_carries_no_penalty(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """勤勉尽责而未通过验收的项目不得信用惩戒；结题（succeeded、failed）的项目须填写结题情况。

    Why: 宽容失败机制：已尽勤勉尽责义务仍未达到预期的，不追究责任、不作信用惩戒。是否勤勉、是否惩戒都记在
    outcome 中，因此状态为 succeeded 或 failed 的项目必须有 outcome。
    Fails: status: failed，outcome.diligent: true，outcome.credit_penalty: true；status: failed 而没有 outcome。
    Passes: status: failed，diligent: true，credit_penalty: false。
    """
    for proj in corpus.projects:
        if proj.status in ("succeeded", "failed") and proj.outcome is None:
            yield proj.finding(("status",), f"状态为 {proj.status} 的项目须填写结题情况（outcome）。")
        elif proj.status == "failed" and proj.outcome and proj.outcome.diligent and proj.outcome.credit_penalty:
            yield proj.finding(
                ("outcome", "credit_penalty"),
                f"项目 {proj.id} 未通过验收但已尽勤勉尽责义务（diligent: true），不得信用惩戒（credit_penalty: true）。",
            )


@rule("L005", level=ERROR, cites="第八条（二）")
def needs_and_lists_agree(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """凝练成榜的需求须有榜单引用它，且 refined_into 与榜单的 needs 相互对应；榜单不得引用未采纳的需求。

    Why: 第八条（二）：榜单由征集的需求凝练而成，需求与榜单须能相互追溯。
    Fails: 需求 status: refined 而 refined_into 为空，或 refined_into 中的榜单的 needs 没有列出它（反之亦然）；
    榜单的 needs 中有 status: declined 的需求。
    Passes: 需求 refined_into: [L-2024-001]，榜单 L-2024-001 的 needs: [N-2024-001]。
    """
    for need in corpus.needs:
        if need.status != "refined":
            continue
        if not need.refined_into:
            yield need.finding(("status",), "需求已凝练成榜（refined），须在 refined_into 中列出榜单。")
        for i, list_id in enumerate(need.refined_into):
            lst = corpus.get(list_id, ChallengeList)
            if lst is not None and need.id not in lst.needs:
                yield need.finding(("refined_into", i), f"榜单 {lst.id} 的 needs 中没有本需求 {need.id}。")
    for lst in corpus.lists:
        for i, need_id in enumerate(lst.needs):
            cited = corpus.get(need_id, Need)
            if cited is None:
                continue  # R001
            if cited.status == "declined":
                yield lst.finding(("needs", i), f"需求 {cited.id} 未被采纳（declined），不能凝练成榜。")
            elif cited.status == "refined" and cited.refined_into and lst.id not in cited.refined_into:
                yield lst.finding(("needs", i), f"需求 {cited.id} 的 refined_into 中没有本榜单 {lst.id}。")
