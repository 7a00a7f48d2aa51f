"""Open data, the feed and the calendar: public records only, a stable documented schema,
and the same bytes from ``jiebang export`` as on the portal."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from generator import export
from generator.cli import main
from generator.models import ChallengeList
from generator.models.corpus import Corpus
from generator.portal import atom, ical
from generator.portal.pipeline import open_data_files
from generator.public.view import PublicView
from generator.records.tree import load_tree
from tests.conftest import make_records
from tests.portal.conftest import AS_OF, portal_records


def test_records_json_follows_its_schema_and_holds_only_public_records(site: Path) -> None:
    doc = json.loads((site / "data" / "records.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "data" / "records.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert (doc["format"], doc["version"], doc["as_of"]) == ("jiebang-open-data", 1, "2024-07-10")
    assert [r["id"] for r in doc["lists"]] == ["L-2024-001", "L-2024-004", "L-2024-005"]
    assert [r["id"] for r in doc["winners"]] == ["B-2024-001"]
    assert [r["id"] for r in doc["notices"]] == ["R-2024-002"]
    assert doc["calls"][0]["lists"] == ["L-2024-001"]  # the restricted L-2024-002 is left out
    assert doc["lists"][0]["bids_count"] == 2
    assert doc["milestones"][0]["check_result"] == "passed"
    assert "acceptance" not in doc["projects"][0]["outcome"]
    assert not {"panel", "opinion"} & doc["notices"][0].keys()
    assert not {"declarations", "plan_summary"} & doc["winners"][0].keys()
    assert not {"needs", "argumentation", "restricted", "kind"} & doc["lists"][0].keys()


def test_restricted_records_travel_as_counts_only(site: Path) -> None:
    text = (site / "data" / "records.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    # L-2024-002 is restricted; its bid, bid-review, project, milestone and award go with it
    assert doc["withheld"] == {"list": 1, "call": 0, "bid": 1, "review": 1, "project": 1, "milestone": 1, "award": 1}
    assert not any(rid in text for rid in ("L-2024-002", "B-2024-003", "R-2024-003", "P-2024-002"))
    older = {k: v for k, v in doc.items() if k != "withheld"}  # open data written before the counts were published
    jsonschema.validate(older, json.loads((site / "data" / "records.schema.json").read_text(encoding="utf-8")))


def test_the_open_data_files_are_named_before_they_are_made(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    for formats in [export.FORMATS, ("csv",), ("ocds", "json")]:
        assert export.names(formats) == [name for name, _ in export.files(view, formats)]


def test_json_files_are_written_as_json_would_write_them(site: Path) -> None:
    for name in ("records.json", "records.schema.json", "ocds.json"):
        written = (site / "data" / name).read_bytes()
        assert written == (json.dumps(json.loads(written), ensure_ascii=False, indent=2) + "\n").encode("utf-8"), name
    huge = {"键": [2**70, {"空": {}}, []]}  # beyond 64 bits: the standard library writes it
    assert export._json(huge) == (json.dumps(huge, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_schema_rejects_a_field_that_is_never_published(site: Path) -> None:
    doc = json.loads((site / "data" / "records.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "data" / "records.schema.json").read_text(encoding="utf-8"))
    doc["winners"][0]["declarations"] = {"good_credit": True, "own_ip": True}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


def test_csv_per_table_flattens_objects_and_opens_in_spreadsheets(site: Path) -> None:
    raw = (site / "data" / "lists.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == ["L-2024-001", "L-2024-004", "L-2024-005"]
    first = rows[0]
    assert first["end_user.name"] == "重庆星衡精密机电有限公司"
    assert (
        first["funding.subsidy_cny"] == "100000"
        and first["eligibility.unit_types"] == "university；institute；enterprise；new-rd-institution"
    )
    assert json.loads(first["indicators"])[0] == {"id": "I1", "name": "单圈分辨率", "target": "≥23 位", "verification": "第三方检测报告"}
    awards = list(csv.DictReader(io.StringIO((site / "data" / "awards.csv").read_text(encoding="utf-8-sig"))))
    assert [(a["id"], a["amount_cny"]) for a in awards] == [("A-2024-001-1", "30000"), ("A-2024-001-2", "40000"), ("A-2024-001-3", "30000")]


def test_export_command_writes_the_same_open_data_as_the_portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1720540800")  # 2024-07-10 in Beijing
    root = make_records(tmp_path / "repo")
    result = CliRunner().invoke(main, ["export", "--root", str(root), "--out", str(tmp_path / "data"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    written = {p.name: p.read_bytes() for p in (tmp_path / "data").iterdir()}
    portal = dict(open_data_files(PublicView(load_tree(root).corpus, AS_OF), export.FORMATS))  # what the portal's data/ holds
    assert sorted(written) == [
        "awards.csv", "calls.csv", "dictionary.csv", "lists.csv", "milestones.csv", "notices.csv", "projects.csv", "winners.csv"
    ]  # fmt: skip
    assert all(written[name] == portal[name] for name in written)
    result = CliRunner().invoke(main, ["export", "--root", str(root), "--out", str(tmp_path / "json"), "--format", "json"])
    assert sorted(p.name for p in (tmp_path / "json").iterdir()) == ["records.json", "records.schema.json"]


def test_export_refuses_records_with_errors(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo", edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    result = CliRunner().invoke(main, ["export", "--root", str(root), "--out", str(tmp_path / "data")])
    assert result.exit_code == 1 and "error R001" in result.output
    assert not (tmp_path / "data").exists()


def test_feed_announces_lists_amendments_and_notices(site: Path) -> None:
    ns = {"a": atom.NAMESPACE}
    root = ET.fromstring((site / "feed.xml").read_bytes())
    entries = [(e.findtext("a:title", namespaces=ns), e.findtext("a:updated", namespaces=ns)) for e in root.findall("a:entry", ns)]
    assert entries[0] == ("评审结果公示：高精度伺服电机绝对值编码器研制", "2024-07-08T00:00:00+08:00")
    assert ("更正公告：医疗器械低温等离子灭菌设备研制", "2024-07-05T00:00:00+08:00") in entries
    assert ("发布榜单：医疗器械低温等离子灭菌设备研制", "2024-07-01T00:00:00+08:00") in entries
    links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]  # type: ignore[union-attr]
    assert "https://example.org/jiebang/notices/R-2024-002/" in links
    assert root.findtext("a:updated", namespaces=ns) == "2024-07-08T00:00:00+08:00"


def test_calendar_has_deadlines_and_windows_and_follows_an_amended_date(site: Path, tmp_path: Path) -> None:
    text = (site / "calendar.ics").read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert (
        "UID:C-2024-02-closes@example.org\r\nDTSTAMP:20240709T160000Z\r\nDTSTART;VALUE=DATE:20240731\r\nDTEND;VALUE=DATE:20240801"
        in unfolded
    )
    assert "SUMMARY:申报截止：2024年度第二批科技攻关“揭榜挂帅”项目申报指南" in unfolded
    assert "DTSTART;VALUE=DATE:20240708\r\nDTEND;VALUE=DATE:20240713\r\nSUMMARY:公示期：高精度伺服电机绝对值编码器研制" in unfolded
    root = portal_records(tmp_path / "repo", edit={"records/calls/C-2024-02.yaml": [["closes: 2024-07-31", "closes: 2024-08-15"]]})
    view = PublicView(load_tree(root).corpus, AS_OF)
    amended = ical.calendar(view, "https://example.org/jiebang/", lambda t: f"https://example.org/jiebang/{t.page}").decode("utf-8")
    assert "DTSTART;VALUE=DATE:20240815" in amended and "DTSTART;VALUE=DATE:20240731" not in amended


def test_calendar_text_is_escaped_and_folded(corpus) -> None:  # type: ignore[no-untyped-def]
    """Every line break (a lone carriage return, U+2028 …) is one escaped line feed; lines fold at 75 octets."""
    assert ical.ics_text("a\rb\r\nc\u2028d\x0be\x1bf") == "a\nb\nc\nd\ne\ufffdf"
    lst = corpus.get("L-2024-001", ChallengeList)
    long = lst.model_copy(update={"title": "a,b;c\\d\re" + "公示期" * 20})
    view = PublicView(Corpus([long if r.id == lst.id else r for r in corpus.records]), AS_OF)
    text = ical.calendar(view, "https://example.org/jiebang/", lambda t: f"https://example.org/jiebang/{t.page}").decode("utf-8")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "SUMMARY:公示期：a\\,b\\;c\\\\d\\ne" + "公示期" * 20 + "\r\n" in text.replace("\r\n ", "")


def test_portal_links_to_the_downloads(site: Path) -> None:
    data_page = (site / "data" / "index.html").read_text(encoding="utf-8")
    for href in (
        "records.json",
        "records.schema.json",
        "lists.csv",
        "dictionary.csv",
        "ocds.json",
        "ocds-records.json",
        "../feed.xml",
        "../calendar.ics",
    ):
        assert f'href="{href}"' in data_page
