"""OCDS 1.1 open data (``jiebang export --format ocds``): one contracting process per public
list, units identified by credit code, money that adds up, and nothing that is not public.

No PyPI package ships the OCDS schema for offline use (ocdskit, ocdsmerge,
ocdsextensionregistry, libcoveocds and ocds-babel all download it), so :func:`problems`
checks the parts of the release-package schema this output uses: required fields, the
closed codelists, date-times, and that every organisation reference names a party.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator import export, ocds
from generator.cli import main
from generator.public.view import PublicView
from generator.records.tree import load_tree
from tests.conftest import make_records
from tests.portal.conftest import AS_OF, portal_records

REPO = Path(__file__).resolve().parents[2]
DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T00:00:00\+08:00")
# The closed codelists of OCDS 1.1 (schema/codelists/*.csv); partyRole is open but we keep to it.
TENDER_STATUS = {"planning", "planned", "active", "cancelled", "unsuccessful", "complete", "withdrawn"}
AWARD_STATUS = {"pending", "active", "cancelled", "unsuccessful"}
CONTRACT_STATUS = {"pending", "active", "cancelled", "terminated"}
MILESTONE_STATUS = {"scheduled", "met", "notMet", "partiallyMet"}
PARTY_ROLES = {"buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee", "reviewBody", "interestedParty"}
TAGS = {"planning", "tender", "tenderAmendment", "tenderUpdate", "tenderCancellation", "award", "contract", "implementation"}


def package(root: Path, as_of: dt.date = AS_OF) -> dict[str, Any]:
    return ocds.package(PublicView(load_tree(root).corpus, as_of))


def _dates(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in {"date", "publishedDate", "startDate", "endDate", "dateSigned", "dueDate", "dateMet"}:
                yield f"{path}.{k}", v
            yield from _dates(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _dates(v, f"{path}[{i}]")


def problems(pkg: dict[str, Any]) -> list[str]:
    """What breaks the OCDS 1.1 release package schema (the parts this output uses)."""
    found = [f"package lacks {k}" for k in ("uri", "publisher", "publishedDate", "releases", "version") if k not in pkg]
    found += [f"{p}: {v!r} is not a Beijing date-time" for p, v in _dates(pkg) if not DATE_TIME.fullmatch(v)]
    ocids = [r["ocid"] for r in pkg["releases"]]
    found += [f"duplicate ocid {o}" for o in set(ocids) if ocids.count(o) > 1]
    for rel in pkg["releases"]:
        where = rel.get("ocid")
        found += [f"{where} lacks {k}" for k in ("ocid", "id", "date", "tag", "initiationType") if k not in rel]
        found += [f"{where}: tag {t}" for t in rel["tag"] if t not in TAGS]
        if rel["tender"]["status"] not in TENDER_STATUS:
            found.append(f"{where}: tender.status {rel['tender']['status']}")
        parties = {p["id"]: p for p in rel["parties"]}
        found += [f"{where}: role {r}" for p in parties.values() for r in p["roles"] if r not in PARTY_ROLES]
        refs = [rel["buyer"], rel["tender"]["procuringEntity"]] + [s for a in rel.get("awards", []) for s in a["suppliers"]]
        awards = {a["id"]: a for a in rel.get("awards", [])}
        found += [f"{where}: award status {a['status']}" for a in awards.values() if a["status"] not in AWARD_STATUS]
        for c in rel.get("contracts", []):
            found += [f"{where}: contract {c['id']} status {c['status']}"] * (c["status"] not in CONTRACT_STATUS)
            found += [f"{where}: contract {c['id']} award {c['awardID']} missing"] * (c["awardID"] not in awards)
            impl = c.get("implementation", {})
            refs += [t[k] for t in impl.get("transactions", []) for k in ("payer", "payee")]
            found += [f"{where}: milestone {m['id']} status" for m in impl.get("milestones", []) if m["status"] not in MILESTONE_STATUS]
        found += [f"{where}: reference {r} names no party" for r in refs if parties.get(r["id"], {}).get("name") != r["name"]]
        for p in parties.values():
            ident = p.get("identifier")
            if ident and (ident["scheme"] != "CN-USCC" or p["id"] != f"CN-USCC-{ident['id']}" or len(ident["id"]) != 18):
                found.append(f"{where}: party {p['id']} identifier {ident}")
    return found


def test_export_writes_one_process_per_public_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720540800")  # 2024-07-10 in Beijing
    root = make_records(tmp_path / "repo")
    result = CliRunner().invoke(main, ["export", "--root", str(root), "--out", str(tmp_path / "data"), "--format", "ocds"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["ocds.json"]
    raw = (tmp_path / "data" / "ocds.json").read_bytes()
    assert raw == dict(export.files(PublicView(load_tree(root).corpus, AS_OF)))["ocds.json"]
    pkg = json.loads(raw)
    assert problems(pkg) == []
    assert (pkg["uri"], pkg["version"], pkg["publishedDate"]) == (
        "https://example.org/jiebang/data/ocds.json",
        "1.1",
        "2024-07-10T00:00:00+08:00",
    )
    assert pkg["publisher"] == {"name": "重庆市沙坪坝区科学技术局"}
    [rel] = pkg["releases"]
    assert rel["ocid"] == "ocds-jiebang-shapingba-L-2024-001"
    assert rel["tag"] == ["tender", "award", "contract", "implementation"]
    tender = rel["tender"]
    assert (tender["title"], tender["description"], tender["status"]) == (
        "高精度伺服电机绝对值编码器研制",
        "23 位以上绝对值编码器依赖进口。",
        "complete",
    )
    assert tender["value"] == {"amount": 100000, "currency": "CNY"} and tender["numberOfTenderers"] == 2
    assert tender["tenderPeriod"] == {"startDate": "2024-05-20T00:00:00+08:00", "endDate": "2024-06-30T00:00:00+08:00"}
    roles = {p["name"]: p["roles"] for p in rel["parties"]}
    assert roles == {
        "重庆市沙坪坝区科学技术局": ["buyer", "procuringEntity", "payer"],
        "重庆星衡精密机电有限公司": ["funder"],
        "重庆大学": ["supplier", "payee"],
        "重庆锐拓传感科技有限公司": ["supplier"],
    }
    [award] = rel["awards"]
    assert (award["id"], award["status"], award["date"]) == ("R-2024-002-B-2024-001", "active", "2024-07-05T00:00:00+08:00")
    assert [s["id"] for s in award["suppliers"]] == ["CN-USCC-12500000450400321J", "CN-USCC-91500106MA60C3D4E5"]
    [contract] = rel["contracts"]
    assert (contract["awardID"], contract["status"], contract["dateSigned"]) == (award["id"], "terminated", "2024-07-20T00:00:00+08:00")
    paid = [(t["id"], t["value"]["amount"], t["date"][:10]) for t in contract["implementation"]["transactions"]]
    assert paid == [("A-2024-001-1", 30000, "2024-07-25"), ("A-2024-001-2", 40000, "2025-08-20"), ("A-2024-001-3", 30000, "2026-08-10")]
    assert sum(a for _, a, _ in paid) == contract["value"]["amount"] == award["value"]["amount"]
    assert contract["implementation"]["milestones"] == [
        {"id": "M-2024-001-1", "title": "完成工程样机", "type": "delivery", "dueDate": "2025-07-31T00:00:00+08:00", "status": "met", "dateMet": "2025-08-10T00:00:00+08:00"}
    ]  # fmt: skip


def test_restricted_lists_and_private_fields_never_appear(tmp_path: Path) -> None:
    pkg = package(portal_records(tmp_path / "repo"))
    assert problems(pkg) == []
    assert [r["ocid"].removeprefix("ocds-jiebang-shapingba-") for r in pkg["releases"]] == ["L-2024-001", "L-2024-004", "L-2024-005"]
    text = json.dumps(pkg, ensure_ascii=False)
    for hidden in ("L-2024-002", "P-2024-002", "A-2024-002-1", "特定范围揭榜单位甲", "91500000MA5YF5G6HJ", "L-2024-003"):
        assert hidden not in text  # the restricted list, its bid, project and award; the draft list
    for private in ("未入选申报单位乙", "N-2024-001", "王某", "good_credit", "张三", "R-2025-001"):
        assert private not in text  # an unselected bid, the need, the panel, declarations, the PI, a check's record id
    amended = pkg["releases"][1]["tender"]
    assert amended["amendments"] == [{"id": "1", "date": "2024-07-05T00:00:00+08:00", "rationale": "指标I2考核方式更正为第三方检测报告", "description": "indicators"}]  # fmt: skip


def test_statuses_follow_the_records(tmp_path: Path) -> None:
    root = make_records(
        tmp_path / "repo",
        edit={
            "records/reviews/R-2024-002.yaml": [["outcome: no-objection", "outcome: pending"]],
            "records/projects/P-2024-001.yaml": [["status: succeeded", "status: in-progress"]],
            "records/milestones/M-2024-001-1.yaml": [["check: R-2025-001\n", ""]],
        },
        delete=["records/awards/A-2024-001-1.yaml", "records/awards/A-2024-001-2.yaml", "records/awards/A-2024-001-3.yaml"],
    )
    [rel] = package(root)["releases"]
    assert rel["awards"][0]["status"] == "pending" and rel["contracts"][0]["status"] == "active"
    assert rel["tag"] == ["tender", "award", "contract", "implementation"]
    assert rel["contracts"][0]["implementation"] == {
        "milestones": [{"id": "M-2024-001-1", "title": "完成工程样机", "type": "delivery", "dueDate": "2025-07-31T00:00:00+08:00", "status": "scheduled"}]
    }  # fmt: skip
    assert [p["roles"] for p in rel["parties"] if p["name"] == "重庆大学"] == [["supplier"]]  # nothing paid yet
    withdrawn = make_records(tmp_path / "w", edit={"records/lists/L-2024-001.yaml": [["status: awarded", "status: withdrawn"]]})
    [rel] = package(withdrawn)["releases"]
    assert (rel["tender"]["status"], rel["tag"][0]) == ("withdrawn", "tenderCancellation")


def test_demo_programme_is_valid_ocds() -> None:
    pkg = package(REPO, dt.date(2026, 12, 31))
    assert problems(pkg) == []
    statuses = {r["ocid"].removeprefix("ocds-jiebang-shapingba-"): r["tender"]["status"] for r in pkg["releases"]}
    assert "L-2024-010" not in statuses and statuses["L-2024-011"] == "withdrawn" and statuses["L-2024-005"] == "unsuccessful"
    for rel in pkg["releases"]:
        awards = {a["id"]: a for a in rel.get("awards", [])}
        for c in rel.get("contracts", []):
            paid = sum(t["value"]["amount"] for t in c.get("implementation", {}).get("transactions", []))
            assert paid <= c["value"]["amount"] == awards[c["awardID"]]["value"]["amount"]
