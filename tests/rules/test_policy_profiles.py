"""Rules read every parameter from program.yaml: a second programme changes only that file.

The second profile is an enterprise-led programme with its own caps and periods, a panel
of seven and a 公示 of seven working days, released to the municipality.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.validate import validate
from tests.conftest import BASE, make_records

SHAPINGBA = (BASE / "records" / "program.yaml").read_text(encoding="utf-8")
ENTERPRISE = """\
kind: program
id: xiyong-enterprise
restricted: false
issuer: 重庆西永微电园管理委员会
region: 重庆市沙坪坝区西永街道
mode: enterprise-led
basis: 《西永微电园企业主导型“揭榜挂帅”试点办法》
industries: [智能科技]
portal: {title: 西永企业主导型“揭榜挂帅”, base_url: "https://example.org/xiyong/", repo_url: "https://github.com/example/xiyong-records"}
policy:
  grades:
    key: {label: 企业重点项目, subsidy_cap_cny: 500000, usual_months: [12, 18], max_months: 24}
    major: {label: 企业重大项目, subsidy_cap_cny: 2000000, usual_months: [18, 24], max_months: 36}
  months_without_extension: 24
  min_panel_size: 7
  publicity_working_days: 7
  min_release_scope: municipal
"""
# The same list under both programmes: 40 万元 and released to the municipality.
LIST_EDIT = {"records/lists/L-2024-001.yaml": [["subsidy_cny: 100000", "subsidy_cny: 400000"], ["scope: national", "scope: municipal"]]}
RULES = ("F001", "E001", "T003", "T005", "B006")


def findings(tmp_path: Path, program: str) -> list[str]:
    root = make_records(tmp_path / "repo", edit=LIST_EDIT, write={"records/program.yaml": program})
    report = validate(root)
    return [f"{d.path}:{d.line} {d.level} {d.rule} {d.message}" for d in report.sorted() if d.rule in RULES]


def test_shapingba_profile(tmp_path: Path) -> None:
    assert findings(tmp_path, SHAPINGBA) == [
        "records/lists/L-2024-001.yaml:16 error F001 资助强度 400000 元超过重点项目上限 100000 元（第七条）",
        "records/lists/L-2024-001.yaml:21 warning B006 发布范围为市内（municipal），窄于方案要求的全国（national）（第一条 面向全国）",
    ]


def test_enterprise_led_profile(tmp_path: Path) -> None:
    panel = "专家组 5 人，少于方案规定的 7 人（第八条（三）（六））"
    assert findings(tmp_path, ENTERPRISE) == [
        "records/lists/L-2024-001.yaml:18 warning T003 实施周期 24 个月不在企业重点项目通常的 12—18 个月之内（第六条）",
        f"records/reviews/R-2024-001.yaml:7 error E001 {panel}",
        f"records/reviews/R-2024-002.yaml:7 error E001 {panel}",
        "records/reviews/R-2024-002.yaml:19 error T005 公示期 2024-07-08 至 2024-07-12 仅 5 个工作日，少于 7 个工作日（第八条（七））",
        f"records/reviews/R-2025-001.yaml:7 error E001 {panel}",
        f"records/reviews/R-2026-001.yaml:7 error E001 {panel}",
    ]


@pytest.mark.parametrize(
    ("amount", "expected"), [(500000, []), (600000, ["F001 资助强度 600000 元超过企业重点项目上限 500000 元（第七条）"])]
)
def test_enterprise_cap(tmp_path: Path, amount: int, expected: list[str]) -> None:
    root = make_records(
        tmp_path / "repo",
        edit={"records/lists/L-2024-001.yaml": [["subsidy_cny: 100000", f"subsidy_cny: {amount}"]]},
        write={"records/program.yaml": ENTERPRISE},
    )
    assert [f"{d.rule} {d.message}" for d in validate(root).sorted() if d.rule == "F001"] == expected


def test_programme_cites_its_own_articles(tmp_path: Path) -> None:
    """Another programme's regulation numbers its articles differently: program.yaml says which."""
    program = ENTERPRISE + "  citations: {F001: 《试点办法》第九条, E001: 《试点办法》第十二条}\n"
    root = make_records(
        tmp_path / "repo",
        edit={"records/lists/L-2024-001.yaml": [["subsidy_cny: 100000", "subsidy_cny: 600000"]]},
        write={"records/program.yaml": program},
    )
    messages = {d.rule: d.message for d in validate(root).sorted() if d.rule in ("F001", "E001")}
    assert messages["F001"] == "资助强度 600000 元超过企业重点项目上限 500000 元（《试点办法》第九条）"
    assert messages["E001"].endswith("（《试点办法》第十二条）")
    out = CliRunner().invoke(main, ["rules", "--root", str(root)]).output
    assert "F001  错误  榜单资助强度不得超过其项目等级的上限。  〔《试点办法》第九条〕" in out.splitlines()


def test_citation_keys_must_be_rule_ids(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo", write={"records/program.yaml": SHAPINGBA + "  citations: {第七条: F001}\n"})
    assert [(d.rule, d.path, d.line) for d in validate(root).sorted()] == [("S003", "records/program.yaml", 18)]
