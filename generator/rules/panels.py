"""Review panels: E001–E003 (第八条（三）（六）, 回避)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import ERROR
from generator.models import Bid, Finding, Policy, Project, Review
from generator.models.common import Bidder
from generator.models.corpus import Corpus
from generator.models.review import SUBJECT_KIND, TYPE_LABELS
from generator.models.units import same_unit
from generator.rules.base import rule

ROLE_LABELS = {
    "management": "行业主管部门管理专家",
    "industry": "产业一线专家",
    "peer-tech": "同行技术专家",
    "end-user-head": "需求单位负责人",
}
EXPERT_ROLES = ("management", "industry", "peer-tech")


def required_size(policy: Policy, review_type: str) -> int:
    """The smallest panel a review of this type may have: ``review_panels`` or ``min_panel_size``."""
    panel = policy.review_panels.get(review_type)  # type: ignore[call-overload]
    return panel.min_size if panel is not None and panel.min_size is not None else policy.min_panel_size


def required_roles(policy: Policy, review_type: str) -> list[str]:
    """The roles a review of this type must have: ``review_panels`` or the default of E002."""
    panel = policy.review_panels.get(review_type)  # type: ignore[call-overload]
    if panel is not None and panel.roles is not None:
        return list(panel.roles)
    return [*EXPERT_ROLES, "end-user-head"] if review_type == "bid-review" else list(EXPERT_ROLES)


@rule("E001", level=ERROR, cites="第八条（三）（六）")
def panel_large_enough(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """评审专家组人数不得少于方案对该类评审规定的人数。

    Why: 第八条（三）（六）规定榜单论证与揭榜评审由专家组进行；最少人数取自 policy.min_panel_size（沙坪坝方案为 5 人）。
    方案可以在 policy.review_panels 中为某类评审另定人数（min_size，可以更少，如节点检查 3 人），未列出的类型按
    min_panel_size。
    Fails: panel 只有 4 人；review_panels 规定节点检查至少 3 人，而节点检查只有 2 人。
    Passes: panel 有 5 人；review_panels 规定节点检查至少 3 人，节点检查有 3 人。
    """
    for review in corpus.reviews:
        need = required_size(policy, review.type)
        if len(review.panel) < need:
            which = TYPE_LABELS[review.type] if review.type in policy.review_panels else ""
            yield review.finding(("panel",), f"{which}专家组 {len(review.panel)} 人，少于方案规定的 {need} 人。")


@rule("E002", level=ERROR, cites="第八条（三）（六）")
def panel_has_required_roles(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """专家组须有方案对该类评审要求的各类专家；要求需求单位负责人时，须来自榜单的需求单位。

    Why: 第八条（三）（六）规定论证与评审专家由行业主管部门管理专家、产业一线专家、区内外同行技术专家组成，
    揭榜评审邀请需求单位负责人参加。方案可以在 policy.review_panels 中为某类评审另定必备类型（roles），如结题验收
    须有需求单位负责人（最终用户考核，第三条）；未列出的类型按上述默认要求。需求单位负责人按统一社会信用代码
    （无代码时按单位名称）与所评榜单（或所评项目的榜单）的最终用户比对。
    Fails: 专家组没有 role: industry；揭榜评审没有 role: end-user-head，或其所在单位不是榜单的需求单位；
    review_panels 要求结题验收有 end-user-head 而验收专家组没有。
    Passes: 三类专家齐全；揭榜评审另有需求单位负责人；结题验收有来自需求单位的负责人。
    """
    for review in corpus.reviews:
        wanted = required_roles(policy, review.type)
        roles = {m.role for m in review.panel}
        missing = [ROLE_LABELS[r] for r in wanted if r not in roles]
        if missing:
            yield review.finding(("panel",), f"{TYPE_LABELS[review.type]}专家组缺少{'、'.join(missing)}。")
            continue
        lst = corpus.list_under_review(review) if "end-user-head" in wanted else None
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
                    f"专家 {member.name} 所在单位“{member.affiliation}”是所评对象的揭榜方“{hit.name}”{_code(hit)}，应当回避。",
                )


def _bidders_under_review(corpus: Corpus, review: Review) -> list[Bidder]:
    """Bidders whose bid the review judges: every bid on a reviewed list (whatever its status;
    for a 立项审定, the list of the bid-review it decides on), or the reviewed project's bid.
    The list's own end user is left to B001."""
    if SUBJECT_KIND[review.type] == "project":
        proj = corpus.get(review.subject, Project)
        bid = corpus.get(proj.bid, Bid) if proj is not None else None
        return [bid.lead, *bid.partners] if bid is not None else []
    lst = corpus.list_under_review(review)
    if lst is None:
        return []
    units = [u for bid in corpus.bids_by_list.get(lst.id, []) for u in (bid.lead, *bid.partners)]
    return [u for u in units if u.credit_code is None or u.credit_code != lst.end_user.credit_code]


def _code(bidder: Bidder) -> str:
    return f"（{bidder.credit_code}）" if bidder.credit_code else ""
