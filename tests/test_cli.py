"""The command line as officials and CI use it: formats, exit codes, schemas --check."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_clean_set_exits_zero(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    code, out = run("validate", "--root", str(root))
    assert code == 0
    assert out.strip() == "共检查 15 个文件、15 条记录：0 个错误，0 个警告。"


def test_text_format_names_file_line_rule_and_message(records) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    code, out = run("validate", "--root", str(root))
    assert code == 1
    assert out.splitlines()[0] == "records/bids/B-2024-002.yaml:4:1: error R001 引用的榜单“L-2024-099”不存在。"


def test_json_format_follows_the_report_schema(records) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    code, out = run("validate", "--root", str(root), "--format", "json")
    data = json.loads(out)
    schema = json.loads((REPO / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert code == 1
    finding = data["findings"][0]
    assert {k: finding[k] for k in ("path", "line", "column", "level", "rule", "record")} == {
        "path": "records/bids/B-2024-002.yaml",
        "line": 4,
        "column": 1,
        "level": "error",
        "rule": "R001",
        "record": "B-2024-002",
    }
    assert data["summary"]["errors"] == 1


def test_github_format_annotates_the_line(records) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    _, out = run("validate", "--root", str(root), "--format", "github")
    assert out.splitlines()[0] == "::error file=records/bids/B-2024-002.yaml,line=4,col=1,title=R001::引用的榜单“L-2024-099”不存在。"


def test_paths_limit_the_report_not_the_checks(records) -> None:  # type: ignore[no-untyped-def]
    root = records(edit={"records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]]})
    code, out = run("validate", "--root", str(root), str(root / "records" / "lists"))
    assert code == 0, out
    code, _ = run("validate", "--root", str(root), str(root / "records" / "bids" / "B-2024-002.yaml"))
    assert code == 1


def test_all_findings_in_one_run(records) -> None:  # type: ignore[no-untyped-def]
    root = records(
        edit={
            "records/bids/B-2024-002.yaml": [["list: L-2024-001", "list: L-2024-099"]],
            "records/awards/A-2024-001-1.yaml": [["amount_cny: 30000", "amount_cny: 30000\namount_cny: 1"]],
            "records/lists/L-2024-001.yaml": [["grade: key", "grade: key\nfoo: 1"]],
        }
    )
    _, out = run("validate", "--root", str(root), "--format", "json")
    rules = sorted(f["rule"] for f in json.loads(out)["findings"])
    assert rules == ["R001", "S002", "S003"]


def test_missing_records_folder_exits_two(tmp_path: Path) -> None:
    code, out = run("validate", "--root", str(tmp_path))
    assert code == 2 and "records" in out


def test_unreadable_file_is_a_finding(records) -> None:  # type: ignore[no-untyped-def]
    root = records()
    (root / "records" / "bids" / "B-2024-009.yaml").mkdir()  # a folder with a record's name
    (root / "records" / "needs" / "broken.yaml").symlink_to(root / "nowhere.yaml")
    code, out = run("validate", "--root", str(root))
    assert code == 1
    assert "records/needs/broken.yaml:1:1: error S005 这是符号链接" in out  # refused, never followed


def test_schemas_check_detects_stale_files(tmp_path: Path) -> None:
    code, _ = run("schemas", "--out", str(tmp_path))
    assert code == 0
    assert run("schemas", "--check", "--out", str(tmp_path))[0] == 0
    (tmp_path / "list.schema.json").write_text("{}", encoding="utf-8")
    code, out = run("schemas", "--check", "--out", str(tmp_path))
    assert code == 1 and "list.schema.json" in out


def test_committed_schemas_are_current() -> None:
    assert run("schemas", "--check", "--out", str(REPO / "schemas"))[0] == 0


def test_rules_catalogue_lists_citations() -> None:
    code, out = run("rules")
    assert code == 0
    assert "S006  错误  统一社会信用代码的第 18 位校验码必须正确。  〔GB 32100-2015〕" in out.splitlines()
