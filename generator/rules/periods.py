"""Periods and windows: T001–T005 (第六条, 第八条（五）—（七））. Date order, T006, is in chronology.py."""

from __future__ import annotations

from collections.abc import Iterator

from generator.dates import working_days
from generator.diagnostics import ERROR, WARNING
from generator.models import Call, ChallengeList, Finding, Policy, Review
from generator.models.corpus import Corpus
from generator.rules.base import advisory, rule


@rule("T001", level=ERROR, cites="第六条")
def period_within_grade_maximum(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单实施周期不得超过其项目等级的最长周期。

    Why: 第六条规定重点项目实施周期不超过 36 个月、重大项目不超过 60 个月；取自 policy.grades 的 max_months。
    Fails: grade: key，period.months: 40。
    Passes: grade: key，period.months: 24。
    """
    for lst in corpus.lists:
        grade = policy.grades.get(lst.grade)  # an unknown grade is F001's
        if grade is not None and lst.period.months > grade.max_months:
            yield lst.finding(("period", "months"), f"实施周期 {lst.period.months} 个月超过{grade.label}最长 {grade.max_months} 个月。")


@rule("T002", level=ERROR, cites="第六条")
def long_period_has_extension_review(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """实施周期超过免论证月数的榜单，须经通过的周期论证。

    Why: 第六条规定实施周期一般不超过 36 个月（policy.months_without_extension），更长的须专门论证。
    超过等级最长周期的情况由 T001 报告，这里不再重复。
    Fails: grade: major，period.months: 48，没有 extension_review，或其周期论证结论为 revise。
    Passes: period.months: 48，extension_review 指向本榜单结论为 pass 的周期论证。
    """
    limit = policy.months_without_extension
    for lst in corpus.lists:
        months = lst.period.months
        grade = policy.grades.get(lst.grade)
        if months <= limit or (grade is not None and months > grade.max_months):
            continue
        if not lst.extension_review:
            yield lst.finding(("period", "months"), f"实施周期 {months} 个月超过 {limit} 个月，须经周期论证（extension_review）。")
            continue
        review = corpus.get(lst.extension_review, Review)
        if review is not None and not (review.type == "period-extension" and review.subject == lst.id and review.result == "pass"):
            yield lst.finding(
                ("extension_review",),
                f"{review.id}（{review.type}，对象 {review.subject}，结论 {review.result}）不是本榜单通过的周期论证；"
                f"实施周期 {months} 个月超过 {limit} 个月。",
            )


@rule("T003", level=WARNING, cites="第六条")
def period_within_usual_range(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """榜单实施周期宜在其项目等级的通常范围之内。

    Why: 第六条规定重点项目实施周期一般为 12—24 个月、重大项目一般为 24—36 个月（policy.grades 的 usual_months）。
    超过免论证月数的周期由 T002（周期论证）把关，这里不再提醒。
    Fails: grade: key，period.months: 30（警告）。
    Passes: grade: key，period.months: 24。
    """
    for lst in corpus.lists:
        grade = policy.grades.get(lst.grade)
        months = lst.period.months
        if grade is None or months > grade.max_months or months > policy.months_without_extension:
            continue
        low, high = grade.usual_months
        if not low <= months <= high:
            yield lst.finding(("period", "months"), f"实施周期 {months} 个月不在{grade.label}通常的 {low}—{high} 个月之内。")


@rule("T004", level=ERROR, cites="第八条（五）（六）")
def bid_inside_call_window(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """揭榜申报须在申报指南的受理期内提交。

    Why: 第八条（五）（六）：揭榜单位在申报指南规定的期限内申报，逾期不予受理。开始与截止两日都在受理期内。
    Fails: 指南受理期 2024-05-20 至 2024-06-30，申报 submitted: 2024-07-02。
    Passes: submitted: 2024-06-18。
    """
    for bid in corpus.bids:
        lst = corpus.get(bid.list, ChallengeList)
        call = corpus.get(lst.call, Call) if lst is not None else None
        if call is not None and not call.opens <= bid.submitted <= call.closes:
            yield bid.finding(
                ("submitted",),
                f"申报日期 {bid.submitted} 不在申报指南 {call.id} 的受理期 {call.opens} 至 {call.closes} 之内。",
            )


@rule("T005", level=ERROR, cites="第八条（七）")
def publicity_lasts_working_days(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """公示期不得少于规定的工作日数，首尾两日都计入。

    Why: 第八条（七）规定揭榜结果公示 5 个工作日（policy.publicity_working_days）。工作日按中国法定节假日
    与调休计算（chinese-calendar），国庆、春节等假期不计入，调休上班的周末计入。日历尚未覆盖的年份按
    周一至周五计算，并给出警告，请升级 chinese-calendar 后复核。
    Fails: 公示 2024-09-27 至 2024-10-08（国庆假期，仅 4 个工作日）。
    Passes: 公示 2024-07-08 至 2024-07-12（5 个工作日）。
    """
    required = policy.publicity_working_days
    for review in corpus.reviews:
        pub = review.publicity
        if pub is None:
            continue
        count, uncovered = working_days(pub.start, pub.end)
        years = f"{uncovered[0]}—{uncovered[-1]}" if len(uncovered) > 1 else "".join(map(str, uncovered))
        window = f"公示期 {pub.start} 至 {pub.end}"
        if count < required:
            note = f"（chinese-calendar 尚无 {years} 年的节假日数据，按周一至周五计）" if uncovered else ""
            yield review.finding(("publicity", "end"), f"{window} 仅 {count} 个工作日{note}，少于 {required} 个工作日。")
        elif uncovered:
            yield advisory(
                review.finding(
                    ("publicity", "end"),
                    f"{window} 按周一至周五计为 {count} 个工作日：chinese-calendar 尚无 {years} 年的节假日与调休数据，"
                    "请升级 chinese-calendar 后复核。",
                )
            )
