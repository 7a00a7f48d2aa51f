"""Periods and windows: T001–T005, T007 (第六条, 第八条（五）—（七））. Date order, T006, is in chronology.py."""

from __future__ import annotations

from collections.abc import Iterator

from generator.dates import add_months, working_days
from generator.diagnostics import ERROR, WARNING
from generator.models import Call, ChallengeList, Finding, Policy, Review
from generator.models.corpus import Corpus
from generator.rules.base import rule


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
    与调休计算（chinese-calendar），国庆、春节等假期不计入，调休上班的周末计入。chinese-calendar 尚未收录的
    年份，按方案在 policy.holidays 中补充的放假日与调休上班日计算；两处都没有的年份无从判断，作为错误报告，
    并写明应补充哪一年。
    Fails: 公示 2024-09-27 至 2024-10-08（国庆假期，仅 4 个工作日）；公示 2027-01-04 至 2027-01-08 而
    policy.holidays 没有 2027 年。
    Passes: 公示 2024-07-08 至 2024-07-12（5 个工作日）；policy.holidays 补充 2027 年后的 2027-01-04 至 2027-01-08。
    """
    required = policy.publicity_working_days
    supplied = policy.calendar()
    for review in corpus.reviews:
        pub = review.publicity
        if pub is None:
            continue
        count, uncovered = working_days(pub.start, pub.end, supplied)
        window = f"公示期 {pub.start} 至 {pub.end}"
        if uncovered:
            years = "、".join(f"{y} 年" for y in uncovered)
            yield review.finding(
                ("publicity", "end"),
                f"{window} 跨入 {years}，chinese-calendar 尚无该年的节假日与调休数据，无法计算工作日。"
                f"请按国务院办公厅的节假日安排通知，在 program.yaml 的 policy.holidays 中补充 {years}的放假日（rest）与调休上班日（work）。",
            )
        elif count < required:
            yield review.finding(("publicity", "end"), f"{window} 仅 {count} 个工作日，少于 {required} 个工作日。")


@rule("T007", level=ERROR, cites="第六条")
def agreement_within_list_period(corpus: Corpus, policy: Policy) -> Iterator[Finding]:
    """任务书的实施期不得长于榜单的实施周期（经通过的周期论证延长的除外）。

    Why: 第六条：实施周期是榜单公布的内容，任务书不能自行延长。实施期从任务书的 starts 起按月计算，ends 至迟为
    starts 之后第 period.months 个月的同一天；榜单有结论为 pass 的周期论证（period-extension）时，可延长到其项目
    等级的最长周期（max_months）。ends 早于 starts 由 T006 报告。
    Fails: 榜单 period.months: 12，任务书 2024-08-01 至 2030-07-31（6 年）。
    Passes: 榜单 period.months: 24，任务书 2024-08-01 至 2026-07-31。
    """
    for proj in corpus.projects:
        lst = corpus.get(proj.list, ChallengeList)
        term = proj.agreement
        if lst is None or term.ends < term.starts:
            continue  # R001, T006
        months, how = lst.period.months, f"榜单 {lst.id} 的实施周期"
        grade = policy.grades.get(lst.grade)
        extended = [r for r in corpus.reviews_by_subject.get(lst.id, []) if r.type == "period-extension" and r.result == "pass"]
        if extended and grade is not None and grade.max_months > months:
            months, how = grade.max_months, f"经周期论证 {extended[0].id} 延长后的最长周期"
        latest = add_months(term.starts, months)
        if term.ends > latest:
            yield proj.finding(
                ("agreement", "ends"),
                f"任务书实施期 {term.starts} 至 {term.ends} 长于{how} {months} 个月（结束日期至迟为 {latest}）。",
            )
