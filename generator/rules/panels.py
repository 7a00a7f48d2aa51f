"""Review panels: E001–E003 (第八条（三）（六）, 回避)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import ERROR
from generator.models import Bid, ChallengeList, Finding, Policy, Project, Review
from generator.models.common import Unit
from generator.models.corpus import Corpus
from generator.models.review import SUBJECT_KIND
from generator.models.units import same_unit
from generator.rules.base import rule

ROLE_LABELS = {
    "management": "行业主管部门管理专家",
    "industry": "产业一线专家",
    "peer-tech": "同行技术专家",
    "end-user-head": "需求单位负责人",
}
EXPERT_ROLES = ("management", "industry", "peer-tech")


@rule("E001", level=ERROR, cites="第八条（三）（六）")
def panel_large_enough(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """评审专家组人数不得少于方案规定的人数。

    Why: 第八条（三）（六）规定榜单论证与揭榜评审由专家组进行；最少人数取自 policy.min_panel_size（沙坪坝方案为 5 人）。
    适用于每一类评审。
    Fails: panel 只有 4 人。
    Passes: panel 有 5 人。
    """
    need = policy.min_panel_size
    for review in corpus.reviews:
        if len(review.panel) < need:
            yield review.finding(("panel",), f"专家组 {len(review.panel)} 人，少于方案规定的 {need} 人。")


@rule("E002", level=ERROR, cites="第八条（三）（六）")
def panel_has_required_roles(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """专家组须有行业主管部门管理专家、产业一线专家和同行技术专家；揭榜评审还须有榜单需求单位的负责人。

    Why: 第八条（三）（六）规定论证与评审专家由行业主管部门管理专家、产业一线专家、区内外同行技术专家组成，
    揭榜评审邀请需求单位负责人参加。需求单位负责人按统一社会信用代码（无代码时按单位名称）与榜单的最终用户比对。
    Fails: 专家组没有 role: industry；揭榜评审没有 role: end-user-head，或其所在单位不是榜单的需求单位。
    Passes: 三类专家齐全；揭榜评审另有需求单位负责人。
    """
    for review in corpus.reviews:
        roles = {m.role for m in review.panel}
        wanted = [*EXPERT_ROLES, "end-user-head"] if review.type == "bid-review" else list(EXPERT_ROLES)
        missing = [ROLE_LABELS[r] for r in wanted if r not in roles]
        if missing:
            yield review.finding(("panel",), f"专家组缺少{'、'.join(missing)}。")
            continue
        lst = corpus.get(review.subject, ChallengeList) if review.type == "bid-review" else None
        heads = [(i, m) for i, m in enumerate(review.panel) if m.role == "end-user-head"]
        if lst is not None and not any(same_unit(m.affiliation, m.credit_code, lst.end_user) for _, m in heads):
            i, head = heads[0]
            yield review.finding(
                ("panel", i, "affiliation"),
                f"需求单位负责人所在单位“{head.affiliation}”不是榜单 {lst.id} 的需求单位“{lst.end_user.name}”。",
            )


@rule("E003", level=ERROR, cites="回避原则")
def panel_members_not_bidders(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """专家所在单位不得是所评榜单的揭榜单位（牵头或联合），也不得是所评项目的承担单位。

    Why: 回避原则：评审人不评自己单位的申报。单位按统一社会信用代码判定（专家未填 credit_code 时按规范化后的
    单位名称），名称写法不同也能识别。榜单的需求单位揭榜由 B001 报告，这里不再重复。
    Fails: 揭榜评审专家的 credit_code 与某申报的联合单位相同；节点检查专家来自项目的牵头单位。
    Passes: 专家所在单位与所有揭榜单位都不同。
    """
    for review in corpus.reviews:
        bidders = _bidders_under_review(corpus, review)
        for i, member in enumerate(review.panel):
            hit = next((u for u in bidders if same_unit(member.affiliation, member.credit_code, u)), None)
            if hit is not None:
                yield review.finding(
                    ("panel", i, "affiliation"),
                    f"专家 {member.name} 所在单位“{member.affiliation}”是所评对象的揭榜单位“{hit.name}”（{hit.credit_code}），应当回避。",
                )


def _bidders_under_review(corpus: Corpus, review: Review) -> list[Unit]:
    """Units whose bid the review judges: every bid on a reviewed list (whatever its status),
    or the reviewed project's bid. The list's own end user is left to B001."""
    if SUBJECT_KIND[review.type] == "project":
        proj = corpus.get(review.subject, Project)
        bid = corpus.get(proj.bid, Bid) if proj is not None else None
        return [bid.lead, *bid.partners] if bid is not None else []
    lst = corpus.get(review.subject, ChallengeList)
    if lst is None:
        return []
    units = [u for bid in corpus.bids_by_list.get(lst.id, []) for u in (bid.lead, *bid.partners)]
    return [u for u in units if u.credit_code != lst.end_user.credit_code]
