"""Who is admitted to bid: B007, B009 (第五条（二）, 军令状).

A bidder is a unit (with a credit code), a team or an individual. Its kind is judged by the
list's ``eligibility.bidder_kinds`` (else the programme's ``policy.bidder_kinds``); a unit's
type by the list's ``eligibility.unit_types``.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import ERROR
from generator.models import ChallengeList, Finding, Policy
from generator.models.common import BIDDER_KIND_LABELS as KIND_LABELS
from generator.models.common import BIDDER_TYPE_LABELS as TYPE_LABELS
from generator.models.corpus import Corpus
from generator.rules.base import rule


@rule("B007", level=ERROR, cites="第五条（二）")
def bidder_admitted(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """揭榜方（牵头或联合）须是榜单允许的类别：单位、团队或个人；单位还须是榜单允许的单位类型。

    Why: 第五条（二）：榜单写明揭榜单位条件，不在条件之内的揭榜方不能揭榜。可揭榜的类别取自榜单的
    eligibility.bidder_kinds，榜单未写时取方案的 policy.bidder_kinds（默认只有单位）；单位类型按榜单的
    eligibility.unit_types 判断，它只适用于单位。
    Fails: 方案只允许单位，申报的牵头方 type: team；榜单 unit_types 没有 hospital，联合单位是医疗机构。
    Passes: 榜单 bidder_kinds: [unit, team]，牵头方是团队；联合单位是榜单允许的企业。
    """
    for bid in corpus.bids:
        lst = corpus.get(bid.list, ChallengeList)
        if lst is None:
            continue  # R001
        kinds = lst.eligibility.bidder_kinds or policy.bidder_kinds
        allowed = "、".join(KIND_LABELS[k] for k in kinds)
        for path, who in [(("lead",), bid.lead), *((("partners", i), p) for i, p in enumerate(bid.partners))]:
            if who.kind not in kinds:
                yield bid.finding(
                    (*path, "type"), f"揭榜方“{who.name}”是{KIND_LABELS[who.kind]}，榜单 {lst.id} 只允许{allowed}揭榜（bidder_kinds）。"
                )
            elif who.kind == "unit" and who.type not in lst.eligibility.unit_types:
                types = "、".join(TYPE_LABELS[t] for t in lst.eligibility.unit_types)
                yield bid.finding(
                    (*path, "type"), f"揭榜单位“{who.name}”是{TYPE_LABELS[who.type]}，榜单 {lst.id} 只允许{types}揭榜（unit_types）。"
                )


@rule("B009", level=ERROR, cites="军令状")
def bid_signs_responsibility_letter(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """方案要求立军令状时，每份揭榜申报都须承诺军令状。

    Why: 有的方案要求揭榜方立“军令状”（责任状），承诺按期完成攻关任务（policy.responsibility_letter: true）；
    申报在 declarations.responsibility_letter 中承诺。方案不要求时不检查。
    Fails: responsibility_letter: true，申报 declarations 中没有 responsibility_letter 或为 false。
    Passes: declarations: {good_credit: true, own_ip: true, responsibility_letter: true}。
    """
    if not policy.responsibility_letter:
        return
    for bid in corpus.bids:
        if not bid.declarations.responsibility_letter:
            yield bid.finding(
                ("declarations", "responsibility_letter"), "方案要求揭榜方立军令状，申报缺少军令状承诺（responsibility_letter: true）。"
            )
