"""The programme's industries: B008."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import WARNING
from generator.models import ChallengeList, Finding, Need, Policy
from generator.models.corpus import Corpus
from generator.rules.base import rule


@rule("B008", level=WARNING, cites="重点产业")
def industry_in_programme(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """需求和榜单的所属产业宜在方案的重点产业之内。

    Why: 方案聚焦若干重点产业（program.yaml 的 industries，沙坪坝方案为智能科技、生命健康、绿色低碳）；
    不在其中的需求或榜单可能不属于本方案支持的方向，或是产业名称写法不一致（影响门户的筛选与统计）。
    Fails: industries: [智能科技, 生命健康, 绿色低碳]，榜单 industry: 新材料。
    Passes: 榜单 industry: 智能科技。
    """
    program = corpus.program
    if program is None:
        return
    known = set(program.industries)
    listed = "、".join(program.industries)
    records: list[Need | ChallengeList] = [*corpus.needs, *corpus.lists]
    for rec in records:
        if rec.industry not in known:
            yield rec.finding(("industry",), f"所属产业“{rec.industry}”不在方案的重点产业（{listed}）之中。")
