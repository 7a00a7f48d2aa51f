"""Acceptance and the project's outcome: L006, L007 (结题验收, 最终用户考核)."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import ERROR
from generator.models import Finding, Policy, Review
from generator.models.corpus import Corpus
from generator.rules.base import rule


@rule("L006", level=ERROR, cites="结题验收")
def passed_acceptance_meets_indicators(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """结论为通过的结题验收，每项未达成的考核指标都须有专家组的认定（waiver）。

    Why: 揭榜挂帅以榜单的考核指标验收，“揭榜挂帅”的“帅”要拿成果说话。指标未达成而验收通过，须写明专家组的
    认定理由（如标准调整使该指标不再适用），否则验收结论与指标完成情况自相矛盾。
    Fails: result: passed，indicator_results 中 I2 achieved: false 且没有 waiver；全部指标都未达成而结论为通过。
    Passes: 全部指标达成；I2 未达成但 waiver: 经专家组认定该指标因标准调整不再适用。
    """
    for review in corpus.reviews:
        if review.type != "acceptance" or review.result != "passed":
            continue
        for i, result in enumerate(review.indicator_results):
            if not result.achieved and not result.waiver:
                yield review.finding(
                    ("indicator_results", i, "achieved"),
                    f"验收结论为通过，而指标 {result.id} 未达成，也没有专家组的认定（waiver）。",
                )


@rule("L007", level=ERROR, cites="结题验收")
def project_status_agrees_with_acceptance(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """项目状态须与其结题验收一致：验收通过（succeeded）须有通过的验收，未通过（failed）须有未通过的验收。

    Why: 项目的状态是对外公布的结论，必须以结题验收为据。outcome.acceptance 须是本项目的结题验收（acceptance），
    其结论与项目状态对应：succeeded 对 passed，failed 对 failed。缺少 outcome 由 L004 报告。
    Fails: status: succeeded 而 outcome.acceptance 的结论为 failed；outcome.acceptance 指向节点检查或其他项目的验收。
    Passes: status: succeeded，outcome.acceptance 是本项目结论为 passed 的结题验收。
    """
    expected = {"succeeded": "passed", "failed": "failed"}
    for proj in corpus.projects:
        if proj.outcome is None or proj.status not in expected:
            continue
        review = corpus.get(proj.outcome.acceptance, Review)
        if review is None:
            continue  # R001
        if review.type != "acceptance" or review.subject != proj.id:
            yield proj.finding(
                ("outcome", "acceptance"), f"{review.id}（{review.type}，对象 {review.subject}）不是本项目 {proj.id} 的结题验收。"
            )
        elif review.result != expected[proj.status]:
            yield proj.finding(
                ("status",), f"项目状态为 {proj.status}，而结题验收 {review.id} 的结论为 {review.result}（应为 {expected[proj.status]}）。"
            )
