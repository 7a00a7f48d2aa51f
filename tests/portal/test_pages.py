"""The generated pages' content, rendered from the templates without MkDocs."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import markdown

from generator.history.provider import (
    Change,
    Decision,
    DecisionLogView,
    KeyView,
    LogEntryView,
    LogRecordView,
    RecordHistoryView,
    TrustView,
    VersionView,
)
from generator.portal.pages import Page, Providers, environment, nav, render_pages
from generator.public.view import PublicView
from generator.records.tree import load_tree
from tests.portal.conftest import AS_OF, portal_records
from tests.portal.test_text import EXTENSIONS


def pages(corpus, providers: Providers | None = None, as_of=AS_OF) -> dict[str, Page]:  # type: ignore[no-untyped-def]
    return {p.uri: p for p in render_pages(PublicView(corpus, as_of), environment(), providers or Providers())}


def text(page: Page) -> str:
    """What a reader sees: the page as HTML, tags removed, entities decoded."""
    body = re.sub(r"^---\n.*?\n---\n", "", page.markdown, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", markdown.markdown(body, extensions=EXTENSIONS)))


def test_decision_log_shows_what_approvals_rest_on(corpus) -> None:  # type: ignore[no-untyped-def]
    unverified = Decision(dt.date(2024, 6, 1), "1111111111", None, 5, None, False, "未经验证的批准：没有签名", ("局长",), (), ("没有签名",))
    repeated = Decision(dt.date(2024, 5, 20), "0123456789", None, 5, None, True, "已验证签名：张三（合并）", (), (), (), pr_repeated=True)
    trust = TrustView(
        dt.date(2024, 5, 1),
        "abcdef0123",
        "https://example.org/commit/abc",
        (KeyView("张三", "SHA256:root+key/0"),),
        (KeyView("张三", "SHA256:root+key/0"), KeyView("李四", "SHA256:new+key/1")),
        (
            (
                "GitHub 网页合并签名密钥（github-web-flow）",
                (KeyView("GitHub", "968479A1"), KeyView("GitHub", "5DE3E050", dt.date(2024, 1, 17))),
            ),
        ),
        ((dt.date(2024, 6, 2), "2222222222", None),),
    )
    log = text(
        pages(
            corpus,
            Providers(None, lambda public: DecisionLogView((LogEntryView(unverified, (), 1), LogEntryView(repeated, (), 1)), trust=trust)),
        )["decisions.md"]
    )
    assert "PR #5，提交说明自称的审核人（未经验证）：局长 未经验证的批准：没有签名" in log
    assert "PR #5，已验证签名：张三（合并） 此 PR 编号在主线上再次出现" in log
    section = log[log.index("批准的核验") :]
    assert "信任根：.github/allowed_signers 的首个版本（2024年5月1日，提交 abcdef0123）按原样信任" in section
    assert "张三：SHA256:root+key/0" in section and "李四：SHA256:new+key/1" in section
    assert (
        "平台签名密钥：GitHub 网页合并签名密钥（github-web-flow）" in section and "5DE3E050（2024年1月17日过期，只认此前的合并）" in section
    )
    assert "2024年6月2日 提交 2222222222 对 .github/allowed_signers 的改动未经此前受信任的密钥签名，已忽略" in section


def test_one_page_per_public_record_kept_out_of_the_nav(corpus) -> None:  # type: ignore[no-untyped-def]
    found = pages(corpus)
    records = {p.record for p in found.values() if p.record}
    assert records == {"L-2024-001", "L-2024-004", "L-2024-005", "C-2024-01", "C-2024-02", "R-2024-002", "P-2024-001"}
    assert not any(p.in_nav for p in found.values() if p.record)
    assert [p.uri for p in found.values() if p.in_nav] == [
        "index.md", "lists/index.md", "calls/index.md", "notices/index.md", "projects/index.md", "data.md", "rules.md",
    ]  # fmt: skip


def test_list_page_shows_the_eight_items_amendments_and_bids(corpus) -> None:  # type: ignore[no-untyped-def]
    shown = text(pages(corpus)["lists/L-2024-004.md"])
    items = ["一、最终用户（需求单位）", "二、“卡点”问题", "三、对行业产业的影响", "四、考核指标",
             "五、对标情况", "六、资助强度", "七、实施周期（关键时间节点要求）", "八、揭榜单位条件及发布范围"]  # fmt: skip
    positions = [shown.index(item) for item in items]
    assert positions == sorted(positions)
    assert "重庆某医疗器械有限公司" in shown and "现有环氧乙烷灭菌周期长、残留高。" in shown
    assert "灭菌周期" in shown and "≤45 分钟" in shown and "第 30 个月" in shown and "取得注册检验报告" in shown
    assert "不超过 30 万元" in shown and "需求单位投入研发资金 50 万元" in shown
    assert "更正公告" in shown and "2024年7月5日" in shown and "考核指标" in shown and "指标I2考核方式更正为第三方检测报告" in shown
    assert "已收到 1 份" in shown
    assert "面向全国" in shown and "允许" in shown


def test_call_page_lists_only_public_lists_and_sanitises_how_to_apply(corpus) -> None:  # type: ignore[no-untyped-def]
    found = pages(corpus)
    first = text(found["calls/C-2024-01.md"])
    assert "高精度伺服电机绝对值编码器研制" in first and "L-2024-002" not in first and "特定范围" not in first
    second = found["calls/C-2024-02.md"].markdown
    assert "<script" not in second and "javascript:" not in second
    assert '<a href="https://example.org/form.docx"' in second
    assert "剩余 21 天" in text(found["calls/C-2024-02.md"])


def test_notice_page_shows_window_winners_and_how_to_object(corpus) -> None:  # type: ignore[no-untyped-def]
    shown = text(pages(corpus)["notices/R-2024-002.md"])
    for expected in ("2024年7月8日 至 2024年7月12日（5 个工作日）", "重庆大学（高校）", "重庆锐拓传感科技有限公司（企业）", "张三",
                     "10 万元", "书面异议请寄区科技局成果转化科", "公示中", "截至 2024年7月10日 未收到异议"):  # fmt: skip
        assert expected in shown
    for hidden in ("王某", "方案可行", "李四", "重庆川仪智能装备有限公司", "good_credit"):
        assert hidden not in shown


def test_project_page_shows_milestones_awards_against_subsidy_and_outcome(corpus) -> None:  # type: ignore[no-untyped-def]
    shown = text(pages(corpus)["projects/P-2024-001.md"])
    assert "第 1 个节点" in shown and "完成工程样机" in shown and "通过（2025年8月10日）" in shown
    assert "已拨付 10 万元，占财政资助 10 万元 的 100%" in shown
    assert "结题验收通过" in shown and "I1 单圈分辨率" in shown and "达成" in shown
    assert "R-2025-001" not in shown and "R-2026-001" not in shown and "王某" not in shown


def test_a_diligent_failure_is_shown_without_penalty(tmp_path: Path) -> None:
    root = portal_records(tmp_path / "repo", edit={"records/projects/P-2024-001.yaml": [["status: succeeded", "status: failed"]]})
    shown = text(pages(load_tree(root).corpus)["projects/P-2024-001.md"])
    assert "未全部达到考核指标" in shown
    assert "已履行勤勉尽责义务" in shown and "不予信用惩戒" in shown and "不影响其继续申报" in shown
    assert "处罚" not in shown and "记录科研信用" not in shown


def test_history_and_decisions_appear_only_with_a_provider(corpus) -> None:  # type: ignore[no-untyped-def]
    plain = pages(corpus)
    assert "## 历史" not in plain["lists/L-2024-001.md"].markdown and "decisions.md" not in plain

    decision = Decision(
        dt.date(2024, 5, 20), "0123456789", None, 12, "https://example.org/pr/12", True, "已验证签名：张科长（合并）", ("李四",), (), ()
    )
    change = Change("status", "状态", "changed", "approved", "published")

    def history(record_id: str) -> RecordHistoryView | None:
        if record_id != "L-2024-001":
            return None
        return RecordHistoryView((VersionView(decision, "修改", (change,)),), ((dt.date(2024, 5, 20), "published", decision),))

    def decisions(public: frozenset[str]) -> DecisionLogView:
        records = tuple(LogRecordView(rid, "list", "修改", (change,)) for rid in sorted({"L-2024-001"} & public))
        return DecisionLogView((LogEntryView(decision, records, 0),))

    found = pages(corpus, Providers(history, decisions))
    assert "## 历史" in found["lists/L-2024-001.md"].markdown
    shown = text(found["lists/L-2024-001.md"])
    assert "2024年5月20日　修改　PR #12，已验证签名：张科长（合并），批准人列出的审核人：李四" in shown and "状态：已确定 → 征集中" in shown
    assert "## 历史" not in found["lists/L-2024-004.md"].markdown
    log = text(found["decisions.md"])
    assert "PR #12，已验证签名：张科长（合并）" in log and "全部变更均为已验证签名的合并请求" in log
    assert "批准的核验" not in log  # no trust section without the ledger's view
    assert nav(found.values(), ["about.md"]) == [
        {"首页": "index.md"}, {"榜单": "lists/index.md"}, {"申报指南": "calls/index.md"}, {"公示": "notices/index.md"},
        {"项目": "projects/index.md"}, {"决策记录": "decisions.md"}, {"开放数据": "data.md"}, {"规则说明": "rules.md"}, "about.md",
    ]  # fmt: skip


def test_rules_page_is_generated_from_the_catalogue(corpus) -> None:  # type: ignore[no-untyped-def]
    from generator.rules.base import catalogue

    shown = text(pages(corpus)["rules.md"])
    assert all(f"{r.id} {r.title.rstrip('。')}" in shown for r in catalogue())
    assert "重点项目" in shown and "10 万元" in shown and "5 个工作日" in shown


def test_home_shows_open_calls_current_notices_and_figures(corpus) -> None:  # type: ignore[no-untyped-def]
    shown = text(pages(corpus)["index.md"])
    assert "2024年度第二批科技攻关“揭榜挂帅”项目申报指南" in shown and "剩余 21 天" in shown
    assert "高精度伺服电机绝对值编码器研制" in shown and "重庆大学" in shown
    assert "揭榜成功率（1/1）" in shown and "验收通过率（1/1）" in shown and "本门户信息截至 2024年7月10日" in shown
