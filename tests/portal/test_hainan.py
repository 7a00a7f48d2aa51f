"""The second demo programme (examples/hainan) builds its own portal from its own program.yaml:
another programme changes only program.yaml and its records, shown on the pages it gets."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from generator.portal.build import build_portal
from generator.records.tree import load_tree
from tests.conftest import REPO
from tests.portal.conftest import page, site_files
from tests.portal.test_build import secrets

HAINAN = REPO / "examples" / "hainan"
AS_OF = dt.date(2027, 1, 4)  # the 2026 batch notice is in its 公示 window, which runs into 2027


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built with the validation gate on: the records must be clean to publish anything."""
    return build_portal(HAINAN, tmp_path_factory.mktemp("hainan") / "public", as_of=AS_OF)


def shown(site: Path, url: str) -> str:
    """What a reader sees in a page's article, one line per block, entities decoded."""
    raw = page(site, url)
    article = raw[raw.index("<article") : raw.index("</article>")]
    lines = html.unescape(re.sub(r"<[^>]+>", "\n", article)).splitlines()
    return "\n".join(line.strip() for line in lines if line.strip())


def test_nothing_that_is_not_public_reaches_the_site(site: Path) -> None:
    hidden = secrets(load_tree(HAINAN).corpus, AS_OF)
    assert "L-2025-005" in hidden and "全海深耐压壳体轻量化材料与成型工艺" in hidden  # the restricted (涉密) list
    leaks = [(name, s) for name, text in site_files(site) for s in hidden if s in text]
    assert leaks == []


def test_list_page_shows_the_enterprise_issuer_every_payer_and_the_total(site: Path) -> None:
    text = shown(site, "lists/L-2025-001")
    assert "发榜方\n海南洋浦澜海石化新材料有限公司" in text
    assert "总投入\n550 万元（3 个出资方）" in text
    assert "海南洋浦澜海石化新材料有限公司\n需求单位投入\n400 万元\n海南省科学技术厅\n财政资助\n100 万元" in text  # the end user first
    assert "洋浦经济开发区管理委员会\n其他出资（政府部门）\n50 万元\n总投入\n550 万元" in text
    assert "可揭榜方：单位、团队" in text and "技术攻关类" in text


def test_an_enterprise_led_list_without_an_issuer_is_issued_by_its_end_user(site: Path) -> None:
    text = shown(site, "lists/L-2025-002")
    assert "发榜方\n海南澄迈椰香农业发展有限公司" in text and "成果转化类" in text and "发布范围：面向省内" in text


def test_a_withdrawn_list_shows_when_and_why(site: Path) -> None:
    text = shown(site, "lists/L-2025-007")
    assert "撤榜\n2025年6月5日：需求单位技术路线调整" in text
    assert "本榜单已于 2025年6月5日 撤回。撤榜原因：需求单位技术路线调整，改为与现有监测服务商合作建设" in text


def test_reviews_sharing_a_notice_are_one_page(site: Path) -> None:
    assert not (site / "notices" / "R-2025-009").exists()  # in the batch page of R-2025-008
    text = shown(site, "notices/R-2025-008")
    assert text.startswith("评审结果公示：琼科公示〔2025〕12号")
    assert "经评审和立项审定，拟确定以下 4 个榜单的揭榜方，现予公示。" in text
    assert "立项审定\n同意立项（2025年7月24日）" in text
    assert "海南大学郑某团队（团队）" in text  # 赛马制: the second winner of L-2025-001
    assert "公示结果\n公示期满，异议经核查不成立" in text  # R-2025-010's objection, dismissed
    raw = page(site, "notices/R-2025-008")
    assert all(f'id="{rid}"' in raw for rid in ("R-2025-008", "R-2025-009", "R-2025-010", "R-2025-011", "B-2025-004"))
    assert 'href="../../notices/R-2025-008/#R-2025-009"' in page(site, "lists/L-2025-002")
    index = shown(site, "notices")
    assert index.count("芒果、莲雾采后绿色防腐保鲜技术集成与转化") == 1 and "公示期满，异议经核查不成立" in index


def test_a_notice_running_into_a_year_the_calendar_lacks_counts_the_supplied_holidays(site: Path) -> None:
    text = shown(site, "notices/R-2026-006")
    assert "2026年12月28日 至 2027年1月6日（7 个工作日）" in text  # 2027-01-01 off, as policy.holidays says
    assert "公示中" in text and "截至 2027年1月4日 未收到对本榜单评审结果的异议。" in text


def test_project_page_shows_payments_by_payer(site: Path) -> None:
    text = shown(site, "projects/P-2025-001")
    assert "已拨付 30 万元，占财政资助 50 万元 的 60%" in text  # subsidy only
    assert "海南洋浦澜海石化新材料有限公司\n需求单位投入\n400 万元\n150 万元" in text
    assert "海南省科学技术厅\n财政资助\n50 万元\n30 万元" in text
    assert "洋浦经济开发区管理委员会\n其他出资\n50 万元\n25 万元" in text
    assert "2026年5月10日\n洋浦经济开发区管理委员会\n节点检查通过\n25 万元\n—" in text
    assert "通过（2026年4月20日）" in text  # the milestone's re-check, after a failed check


def test_rules_page_cites_the_programme_and_its_parameters(site: Path) -> None:
    text = shown(site, "rules")
    assert "依据中的条款编号指《海南省“揭榜挂帅”制科技项目管理办法》（琼科规〔2023〕1号）及其实施方案。" in text
    assert "（琼科规〔2023〕1号第十一条）" in text  # the example finding
    citations = re.findall(r"^依据：(.*)$", text, flags=re.M)
    assert citations and not [c for c in citations if re.match(r"第[一二三四五六七八九十]+条", c)]  # never Shapingba's
    assert "依据：琼科规〔2023〕1号第十一条" in text and "依据：琼科规〔2023〕1号第二十一条" in text
    for row in ("财政资助占总投入上限\n总投入下限\n揭榜挂帅项目\n20 万元\n20%\n500 万元", "发榜单位层级\n省级（行政区划代码 460000）",
                "每张榜单最多入选\n2 份申报（赛马制）", "结题验收专家组\n不少于 5 人，须有管理专家、同行技术专家、需求单位负责人",
                "补充的节假日安排\n2027 年"):  # fmt: skip
        assert row in text


def test_open_data_carries_the_new_fields(site: Path) -> None:
    import json

    data = json.loads((site / "data" / "records.json").read_text(encoding="utf-8"))
    assert data["program"]["division"] == "460000" and data["program"]["level"] == "provincial"
    first = next(lst for lst in data["lists"] if lst["id"] == "L-2025-001")
    assert first["issuer_name"] == "海南洋浦澜海石化新材料有限公司" and first["total_input_cny"] == 5500000
    assert first["funding"]["others"][0]["kind"] == "government"
    withdrawn = next(lst for lst in data["lists"] if lst["id"] == "L-2025-007")
    assert withdrawn["withdrawal"]["date"] == "2025-06-05"
    paid = next(a for a in data["awards"] if a["id"] == "A-2025-001-4")
    assert paid["source"] == "other" and paid["payer"]["name"] == "洋浦经济开发区管理委员会"
    assert "L-2025-005" not in json.dumps(data, ensure_ascii=False)
