"""Who may bid, and on what: B001–B006 (第五条（二）, 第八条（五）, 联合揭榜, 第一条)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from generator.diagnostics import ERROR, WARNING
from generator.models import ChallengeList, Finding, Policy, Record
from generator.models.corpus import Corpus
from generator.models.listing import PUBLIC_LIST_STATUSES
from generator.models.program import SCOPE_ORDER
from generator.rules.base import rule

SCOPE_LABELS = {"district": "区内", "municipal": "市内", "provincial": "省内", "national": "全国", "global": "全球"}


@rule("B001", level=ERROR, cites="第五条（二）")
def end_user_does_not_bid(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单的需求单位不得揭榜本榜单，无论作为牵头单位还是联合单位。

    Why: 第五条（二）：出题的需求单位不能自己答题。按统一社会信用代码判定，换一种写法的单位名称也能识别。
    Fails: 需求单位“重庆星衡精密机电有限公司”以“重庆星衡精密机电公司”的名义、相同 credit_code 联合揭榜。
    Passes: 牵头与联合单位的 credit_code 都与需求单位不同。
    """
    for bid in corpus.bids:
        lst = corpus.get(bid.list, ChallengeList)
        if lst is None:
            continue
        for path, unit in [(("lead",), bid.lead), *((("partners", i), p) for i, p in enumerate(bid.partners))]:
            if unit.credit_code is not None and unit.credit_code == lst.end_user.credit_code:
                yield bid.finding(
                    (*path, "credit_code"),
                    f"揭榜单位“{unit.name}”（{unit.credit_code}）就是榜单 {lst.id} 的需求单位“{lst.end_user.name}”。",
                )


@rule("B002", level=ERROR, cites="第五条（二）")
def bid_declares_credit_and_ip(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """揭榜申报须承诺社会信用良好并掌握自主知识产权。

    Why: 第五条（二）要求揭榜单位具有良好社会信用、掌握自主知识产权。
    Fails: declarations: {good_credit: false, own_ip: true}。
    Passes: declarations: {good_credit: true, own_ip: true}。
    """
    labels = {"good_credit": "社会信用良好承诺", "own_ip": "自主知识产权承诺"}
    for bid in corpus.bids:
        for name, label in labels.items():
            if not getattr(bid.declarations, name):
                yield bid.finding(("declarations", name), f"申报缺少{label}（{name}: false）。")


_N = r"[0-9一二两三四五六七八九十]+"
_NEGATED = re.compile(r"不设|不限|不作|不以|不要求|不得设|取消|无[^，。；]{0,6}(?:限制|要求|门槛)")
# (threshold, patterns that must all occur in one clause)
_THRESHOLDS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = tuple(
    (name, tuple(re.compile(p) for p in patterns))
    for name, patterns in (
        ("注册时间", (r"注册|成立|设立|经营年限", rf"{_N}\s*个?周?(?:年|月)", r"满|超过|不少于|不低于|不短于|达到|以上|以前|之前|≥|>")),
        ("年龄", (rf"{_N}\s*周?岁", r"超过|不大于|不高于|以下|以内|以上|未满|不满|≤|<|小于|低于|年龄")),
        ("学历", (r"博士|硕士|研究生|本科|学士|大专|专科", r"学位|学历")),
        ("职称", (r"正高|副高|高级|中级|初级|教授|研究员", r"职称|职务|工程师|以上")),
    )
)
_CLAUSE = re.compile(r"[^，。；;,!！?？\n]+")


def thresholds_in(text: str) -> list[tuple[str, str]]:
    """(threshold, clause) for each clause of ``text`` that sets a 门槛."""
    found = []
    for clause in _CLAUSE.findall(unicodedata.normalize("NFKC", text)):
        if _NEGATED.search(clause):
            continue
        for name, patterns in _THRESHOLDS:
            if all(p.search(clause) for p in patterns):
                found.append((name, clause.strip()))
    return found


@rule("B003", level=ERROR, cites="第五条（二）")
def no_thresholds_on_bidders(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """揭榜条件不得设置注册时间、年龄、学历、职称等门槛。

    Why: 第五条（二）“英雄不问出处”：不得对揭榜单位的注册时间、揭榜团队负责人的年龄、学历、职称设置门槛。
    记录里没有这类结构化字段（多出的字段由 S003 拒绝），所以这里逐句检查榜单的揭榜单位条件（eligibility.notes）
    和申报指南的申报方式与申报材料；写明“不设……门槛”的句子不算。
    Fails: notes: 揭榜单位注册时间须满3年；项目负责人年龄不超过45周岁；须具有博士学位；具有高级职称。
    Passes: notes: 具有良好社会信用，掌握自主知识产权，不设注册时间、年龄、学历、职称门槛。
    """
    for lst in corpus.lists:
        yield from _threshold_findings(lst, ("eligibility", "notes"), lst.eligibility.notes)
    for call in corpus.calls:
        yield from _threshold_findings(call, ("how_to_apply",), call.how_to_apply)
        for i, material in enumerate(call.materials):
            yield from _threshold_findings(call, ("materials", i), material)


def _threshold_findings(rec: Record, path: tuple[str | int, ...], text: str) -> Iterator[Finding]:
    found = thresholds_in(text)
    if found:
        what = "；".join(f"“{clause}”设置了{name}门槛" for name, clause in found)
        yield rec.finding(path, f"{what}。")


@rule("B004", level=ERROR, cites="第八条（五）")
def bid_on_an_open_list(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """只能揭榜已发布的榜单（published、closed、awarded、unclaimed）。

    Why: 第八条（五）：榜单经确定并发布后才接受揭榜。发布后撤回的榜单（withdrawn 且已列入申报指南）上的申报，
    在提交时是合规的，不算违规；从未发布就撤回的榜单上的申报则违规。已撤回的申报同样检查：它曾经被提交过。
    Fails: 揭榜状态为 approved 的榜单。
    Passes: 揭榜状态为 published 的榜单。
    """
    for bid in corpus.bids:
        lst = corpus.get(bid.list, ChallengeList)
        if lst is None or lst.status in PUBLIC_LIST_STATUSES or (lst.status == "withdrawn" and lst.call):
            continue
        yield bid.finding(("list",), f"榜单 {lst.id} 的状态为 {lst.status}，尚未发布，不接受揭榜。")


@rule("B005", level=ERROR, cites="联合揭榜")
def joint_bid_allowed(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单不允许联合揭榜时，申报不得有联合单位。

    Why: 联合揭榜机制由榜单的 eligibility.joint_bids 开启；关闭时只接受单一单位揭榜。
    Fails: 榜单 joint_bids: false，申报列有 partners。
    Passes: 榜单 joint_bids: true；或申报 partners: []。
    """
    for bid in corpus.bids:
        lst = corpus.get(bid.list, ChallengeList)
        if lst is not None and bid.partners and not lst.eligibility.joint_bids:
            yield bid.finding(
                ("partners",), f"榜单 {lst.id} 不允许联合揭榜（joint_bids: false），本申报却有 {len(bid.partners)} 家联合单位。"
            )


@rule("B006", level=WARNING, cites="第一条 面向全国")
def release_scope_wide_enough(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单发布范围不宜窄于方案规定的最小范围。

    Why: 第一条要求面向全国张榜（policy.min_release_scope）。范围由窄到宽为 区内 < 市内 < 省内 < 全国 < 全球。
    限定发布范围的榜单（restricted: true，特定发布范围）本就只向特定对象发布，不作提醒。
    Fails: eligibility.scope: municipal，而 min_release_scope 为 national。
    Passes: eligibility.scope: national 或 global。
    """
    least = policy.min_release_scope
    for lst in corpus.lists:
        scope = lst.eligibility.scope
        if not lst.restricted and SCOPE_ORDER[scope] < SCOPE_ORDER[least]:
            yield lst.finding(
                ("eligibility", "scope"),
                f"发布范围为{SCOPE_LABELS[scope]}（{scope}），窄于方案要求的{SCOPE_LABELS[least]}（{least}）。",
            )
