"""OCDS open data (``jiebang export --format ocds``): what a release says about a process — one
public list — checked against the official OCDS 1.1.5 schema and libcoveocds, offline.

These records are not in git, so each process has one release of its present state (the
history of releases: ``test_ocds_history.py``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import export, ocds
from generator.cli import main
from generator.ocds.process import process
from generator.public.view import PublicView
from generator.records.tree import load_tree
from tests.conftest import REPO, make_records
from tests.export.ocds_checks import cove, cove_findings, schema_errors
from tests.portal.conftest import AS_OF, portal_records

PLACEHOLDER = "ocds-jiebang-shapingba-"


def packages(root: Path, as_of: dt.date = AS_OF) -> tuple[dict[str, Any], dict[str, Any]]:
    files = dict(export.files(PublicView(load_tree(root).corpus, as_of), ("ocds",)))
    return json.loads(files["ocds.json"]), json.loads(files["ocds-records.json"])


def only_release(root: Path, as_of: dt.date = AS_OF) -> dict[str, Any]:
    [release] = packages(root, as_of)[0]["releases"]
    return release


def test_export_writes_a_release_package_and_a_record_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720540800")  # 2024-07-10 in Beijing
    root = make_records(tmp_path / "repo")
    result = CliRunner().invoke(main, ["export", "--root", str(root), "--out", str(tmp_path / "data"), "--format", "ocds"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["ocds-records.json", "ocds.json"]
    written = {p.name: json.loads(p.read_bytes()) for p in (tmp_path / "data").iterdir()}
    releases, records = written["ocds.json"], written["ocds-records.json"]
    assert schema_errors(releases) == [] and schema_errors(records) == []
    assert (releases["uri"], releases["version"], releases["publishedDate"], releases["license"]) == (
        "https://example.org/jiebang/data/ocds.json",
        "1.1",
        "2024-07-10T00:00:00+08:00",
        "https://creativecommons.org/licenses/by/4.0/",
    )
    assert releases["publisher"] == {"name": "重庆市沙坪坝区科学技术局"}  # the base programme gives no credit code
    [release] = releases["releases"]
    assert release["ocid"] == PLACEHOLDER + "L-2024-001" and release["date"] == "2024-07-10T00:00:00+08:00"
    assert release["id"].startswith("L-2024-001-") and len(release["id"]) == len("L-2024-001-") + 12  # named by its content
    assert release["tag"] == ["tender", "award", "contract", "implementation"]
    [record] = records["records"]
    assert record["releases"] == [
        {"url": f"https://example.org/jiebang/data/ocds.json#{release['id']}", "date": release["date"], "tag": release["tag"]}
    ]
    assert record["compiledRelease"]["tag"] == ["compiled"] and record["compiledRelease"]["tender"] == release["tender"]


def test_a_process_in_ocds_terms(tmp_path: Path) -> None:
    rel = only_release(make_records(tmp_path / "repo"))
    tender = rel["tender"]
    assert (tender["title"], tender["description"], tender["status"]) == (
        "高精度伺服电机绝对值编码器研制",
        "23 位以上绝对值编码器依赖进口。",
        "complete",
    )
    assert tender["value"] == {"amount": 100000, "currency": "CNY"} and tender["numberOfTenderers"] == 2
    assert tender["tenderPeriod"] == {"startDate": "2024-05-20T00:00:00+08:00", "endDate": "2024-06-30T00:00:00+08:00"}
    assert rel["planning"] == {
        "budget": {
            "description": "财政资助 100000 元；需求单位（重庆星衡精密机电有限公司）投入 200000 元",
            "amount": {"amount": 300000, "currency": "CNY"},
        }
    }
    roles = {p["name"]: p["roles"] for p in rel["parties"]}
    assert roles == {
        "重庆市沙坪坝区科学技术局": ["buyer", "procuringEntity", "payer"],
        "重庆星衡精密机电有限公司": ["funder"],
        "重庆大学": ["tenderer", "supplier", "payee"],
        "重庆锐拓传感科技有限公司": ["tenderer", "supplier"],
    }
    [award] = rel["awards"]
    assert (award["id"], award["status"], award["date"]) == ("R-2024-002-B-2024-001", "active", "2024-07-05T00:00:00+08:00")
    assert [s["id"] for s in award["suppliers"]] == ["CN-USCI-12500000450400321J", "CN-USCI-91500106MA60C3D4E5"]
    [contract] = rel["contracts"]
    assert (contract["awardID"], contract["status"], contract["dateSigned"]) == (award["id"], "terminated", "2024-07-20T00:00:00+08:00")
    paid = [(t["id"], t["value"]["amount"], t["date"][:10]) for t in contract["implementation"]["transactions"]]
    assert paid == [("A-2024-001-1", 30000, "2024-07-25"), ("A-2024-001-2", 40000, "2025-08-20"), ("A-2024-001-3", 30000, "2026-08-10")]
    assert sum(a for _, a, _ in paid) == contract["value"]["amount"] == award["value"]["amount"]
    assert contract["implementation"]["milestones"] == [
        {"id": "M-2024-001-1", "title": "完成工程样机", "type": "delivery", "dueDate": "2025-07-31T00:00:00+08:00", "status": "met",
         "dateModified": "2025-08-10T00:00:00+08:00", "dateMet": "2025-08-10T00:00:00+08:00"}
    ]  # fmt: skip


def test_units_are_identified_by_their_credit_code_under_cn_usci(tmp_path: Path) -> None:
    rel = only_release(
        make_records(tmp_path / "repo", edit={"records/program.yaml": [["region:", 'credit_code: "115001060000000009"\nregion:']]})
    )
    parties = {p["name"]: p for p in rel["parties"]}
    assert parties["重庆大学"]["identifier"] == {"scheme": "CN-USCI", "id": "12500000450400321J", "legalName": "重庆大学"}
    bureau = parties["重庆市沙坪坝区科学技术局"]
    assert bureau["id"] == "CN-USCI-115001060000000009" and bureau["identifier"]["scheme"] == "CN-USCI"
    assert rel["buyer"] == rel["tender"]["procuringEntity"] == {"id": bureau["id"], "name": bureau["name"]}
    assert all(p["id"] == f"CN-USCI-{p['identifier']['id']}" for p in parties.values())
    assert "CN-USCC" not in json.dumps(rel)


def test_every_list_status_has_its_tender_status(tmp_path: Path) -> None:
    expected = {"published": "active", "closed": "active", "awarded": "complete", "unclaimed": "unsuccessful", "withdrawn": "cancelled"}
    for status, code in expected.items():
        extra = "\nwithdrawal: {date: 2024-09-01, reason: 需求单位技术路线调整}" if status == "withdrawn" else ""
        root = make_records(
            tmp_path / status,
            edit={
                "records/lists/L-2024-001.yaml": [["status: awarded", f"status: {status}"], ["call: C-2024-01", "call: C-2024-01" + extra]]
            },
        )
        assert only_release(root)["tender"]["status"] == code, status
    for status in ("draft", "argued", "approved"):  # never published: no process at all
        root = make_records(tmp_path / status, edit={"records/lists/L-2024-001.yaml": [["status: awarded", f"status: {status}"]]})
        assert packages(root)[0]["releases"] == [], status


def test_award_and_contract_statuses_follow_the_records(tmp_path: Path) -> None:
    root = make_records(
        tmp_path / "repo",
        edit={
            "records/reviews/R-2024-002.yaml": [["outcome: no-objection", "outcome: pending"]],
            "records/projects/P-2024-001.yaml": [["status: succeeded", "status: in-progress"]],
            "records/milestones/M-2024-001-1.yaml": [["check: R-2025-001\n", ""]],
        },
        delete=["records/awards/A-2024-001-1.yaml", "records/awards/A-2024-001-2.yaml", "records/awards/A-2024-001-3.yaml"],
    )
    rel = only_release(root)
    assert rel["awards"][0]["status"] == "pending" and rel["contracts"][0]["status"] == "active"
    assert rel["contracts"][0]["implementation"] == {
        "milestones": [{"id": "M-2024-001-1", "title": "完成工程样机", "type": "delivery", "dueDate": "2025-07-31T00:00:00+08:00", "status": "scheduled"}]
    }  # fmt: skip
    assert [p["roles"] for p in rel["parties"] if p["name"] == "重庆大学"] == [["tenderer", "supplier"]]  # nothing paid yet
    upheld = make_records(tmp_path / "upheld", edit={"records/reviews/R-2024-002.yaml": [["outcome: no-objection", "outcome: upheld"]]})
    assert only_release(upheld)["awards"][0]["status"] == "unsuccessful"  # never in force: not cancelled


def test_funding_sources_are_the_budget_and_its_funders(tmp_path: Path) -> None:
    other = 'others: [{payer: {name: 重庆市科学技术局, credit_code: "11500000MB1F3A7K2D"}, kind: government, amount_cny: 50000}]'
    root = make_records(
        tmp_path / "repo",
        edit={
            "records/lists/L-2024-001.yaml": [
                ["funding: {subsidy_cny: 100000, end_user_cny: 200000}", f"funding: {{subsidy_cny: 100000, end_user_cny: 200000, {other}}}"]
            ]
        },
        write={
            "records/awards/A-2024-001-4.yaml": "kind: award\nid: A-2024-001-4\nrestricted: false\nproject: P-2024-001\ndate: 2026-08-20\namount_cny: 20000\n"
            'basis: acceptance\nsource: other\npayer: {name: 重庆市科学技术局, credit_code: "11500000MB1F3A7K2D"}\n'
        },
    )
    rel = only_release(root)
    assert rel["planning"]["budget"]["amount"]["amount"] == 350000
    assert rel["planning"]["budget"]["description"].endswith("；重庆市科学技术局 出资 50000 元")
    roles = {p["name"]: p["roles"] for p in rel["parties"]}
    assert roles["重庆市科学技术局"] == ["funder", "payer"] and roles["重庆星衡精密机电有限公司"] == ["funder"]
    paid = {t["id"]: t["payer"]["name"] for t in rel["contracts"][0]["implementation"]["transactions"]}
    assert paid["A-2024-001-4"] == "重庆市科学技术局" and paid["A-2024-001-1"] == "重庆市沙坪坝区科学技术局"


def test_teams_have_a_local_id_and_no_identifier(tmp_path: Path) -> None:
    root = make_records(
        tmp_path / "repo",
        edit={
            "records/program.yaml": [["min_release_scope: national", "min_release_scope: national\n  bidder_kinds: [unit, team]"]],
            "records/bids/B-2024-001.yaml": [
                ['lead: {name: 重庆大学, type: university, credit_code: "12500000450400321J"}', "lead: {name: 张某团队, type: team}"]
            ],
        },
    )
    rel = only_release(root)
    [team] = [p for p in rel["parties"] if p["name"] == "张某团队"]
    assert team == {"id": "B-2024-001-lead", "name": "张某团队", "roles": ["tenderer", "supplier", "payee"]}
    assert schema_errors(packages(root)[0]) == []


def test_a_list_issued_by_an_enterprise_names_it_as_the_procuring_entity(tmp_path: Path) -> None:
    issuer = 'issuer: {name: 重庆星衡精密机电有限公司, credit_code: "91500106MA5U0A1B28", type: enterprise}\nend_user:'
    rel = only_release(make_records(tmp_path / "repo", edit={"records/lists/L-2024-001.yaml": [["end_user:", issuer]]}))
    assert rel["tender"]["procuringEntity"] == {"id": "CN-USCI-91500106MA5U0A1B28", "name": "重庆星衡精密机电有限公司"}
    roles = {p["name"]: p["roles"] for p in rel["parties"]}
    assert roles["重庆市沙坪坝区科学技术局"] == ["buyer", "payer"] and roles["重庆星衡精密机电有限公司"] == ["procuringEntity", "funder"]


def test_the_ocid_prefix_and_licence_come_from_program_yaml(tmp_path: Path) -> None:
    settings = 'open_data:\n  ocid_prefix: ocds-ab12cd\n  licence: {name: 本局开放数据使用协议, url: "https://example.org/jiebang/licence/"}\nportal:'
    root = make_records(tmp_path / "repo", edit={"records/program.yaml": [["portal:", settings]]})
    releases, records = packages(root)
    assert releases["releases"][0]["ocid"] == records["records"][0]["ocid"] == "ocds-ab12cd-shapingba-L-2024-001"
    assert releases["license"] == records["license"] == "https://example.org/jiebang/licence/"
    bad = make_records(tmp_path / "bad", edit={"records/program.yaml": [["portal:", "open_data: {ocid_prefix: ocds-jiebang}\nportal:"]]})
    result = CliRunner().invoke(main, ["validate", "--root", str(bad)])
    assert (
        result.exit_code == 1
        and "records/program.yaml:9:13: error S003 取值“ocds-jiebang”格式不符（模式 ^ocds-[a-z0-9]{6}$）" in result.output
    )


def test_restricted_lists_and_private_fields_never_appear(tmp_path: Path) -> None:
    releases, records = packages(portal_records(tmp_path / "repo"))
    assert schema_errors(releases) == [] and schema_errors(records) == []
    assert [r["ocid"].removeprefix(PLACEHOLDER) for r in releases["releases"]] == ["L-2024-001", "L-2024-004", "L-2024-005"]
    text = json.dumps([releases, records], ensure_ascii=False)
    for hidden in ("L-2024-002", "P-2024-002", "A-2024-002-1", "特定范围揭榜单位甲", "91500000MA5YF5G6HJ", "L-2024-003"):
        assert hidden not in text  # the restricted list, its bid, project and award; the draft list
    for private in ("未入选申报单位乙", "N-2024-001", "王某", "good_credit", "张三", "R-2025-001"):
        assert private not in text  # an unselected bid, the need, the panel, declarations, the PI, a check's record id
    amended = releases["releases"][1]["tender"]
    assert amended["amendments"] == [{"id": "1", "date": "2024-07-05T00:00:00+08:00", "rationale": "指标I2考核方式更正为第三方检测报告", "description": "indicators"}]  # fmt: skip


def test_demo_programme_passes_libcoveocds_with_nothing_to_report(monkeypatch: pytest.MonkeyPatch) -> None:
    view = PublicView(load_tree(REPO).corpus, dt.date(2026, 12, 31))
    files = dict(export.files(view, ("ocds",), ocds.releases_of(REPO, view)))
    for name in ocds.FILES:
        package = json.loads(files[name])
        assert schema_errors(package) == [], name
        report = cove(package, monkeypatch)
        assert cove_findings(report) == {}, name
        assert report["version_used"] == "1.1" and report["unique_ocids_count"] == len(view.lists)
    statuses = {lst.id: process(view, lst)["tender"]["status"] for lst in view.lists}
    assert "L-2024-010" not in statuses and statuses["L-2024-011"] == "cancelled" and statuses["L-2024-005"] == "unsuccessful"
