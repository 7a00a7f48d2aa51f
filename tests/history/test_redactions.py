"""Redaction records resolved against history, and an earlier revision as HEAD lets it be shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.git.log import build_index
from generator.git.repo import GitRecords
from generator.history.as_of import present
from generator.history.public import redacted_texts, scrub
from generator.history.record import Reader
from generator.records.tree import load_at, load_tree
from generator.validate import validate
from tests.conftest import apply_edits, git, make_records

CALL = "records/calls/C-2024-01.yaml"
OFFICE = "office: 区科技局成果转化科"


def commit(root: Path, date: str, message: str, **kw: object) -> str:
    apply_edits(root, **kw)  # type: ignore[arg-type]
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=f"{date}T10:00:00+08:00")
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Three versions of the call's office: a name, another name, the office alone."""
    root = make_records(tmp_path_factory.mktemp("redactions") / "repo")
    git(root, "init", "-q", "-b", "main")
    shas = [commit(root, "2024-07-15", "Initial records")]
    shas.append(commit(root, "2024-07-20", "A contact (#1)", edit={CALL: [[OFFICE, f"{OFFICE}（李小明）"]]}))
    shas.append(commit(root, "2024-07-21", "Another contact (#2)", edit={CALL: [["（李小明）", "（王小红）"]]}))
    shas.append(commit(root, "2024-07-22", "No names (#3)", edit={CALL: [["（王小红）", ""]]}))
    return root, shas


def resolved(root: Path, entry: str) -> frozenset[str]:
    apply_edits(root, write={"records/redactions.yaml": f"kind: redactions\nentries:\n  - {entry}\n"})
    src = GitRecords(root)
    return redacted_texts(build_index(src), Reader(src), load_tree(root).corpus)


def test_an_entry_withholds_the_field_from_its_commit_on_except_its_value_now(repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    entry = "{{commit: '{}', record: C-2024-01, field: 'contacts[0].office', reason: 误录姓名}}"
    assert resolved(root, entry.format(shas[2][:7])) == {"区科技局成果转化科（王小红）"}
    assert resolved(root, entry.format(shas[1])) == {"区科技局成果转化科（李小明）", "区科技局成果转化科（王小红）"}
    # a commit that is not on the main line withholds every past value (fail closed)
    assert resolved(root, entry.format("abcdef1")) == {"区科技局成果转化科（李小明）", "区科技局成果转化科（王小红）"}
    assert resolved(root, "{commit: abcdef1, record: C-2024-01, field: contacts, reason: 误录姓名}") == {
        "区科技局成果转化科（李小明）",
        "区科技局成果转化科（王小红）",
    }  # a whole list: its texts, less the office and phone it holds now


def test_scrub_reads_history_as_the_privacy_rules_do_now() -> None:
    assert scrub("电话 +86 139-1234-5678，座机 023-65311234") == "电话 〔已隐去〕，座机 023-65311234"
    assert scrub("身份证 11010519491231002X") == "身份证 〔已隐去〕"
    assert scrub("编号 110105194912310021") == "编号 110105194912310021"  # wrong check character: not an ID number
    assert scrub("属于商业机密") == "属于商业机密" and scrub("绝密") == "〔已隐去〕"


def test_an_earlier_revision_is_shown_as_head_allows(tmp_path: Path) -> None:
    root = make_records(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    commit(root, "2024-07-15", "Initial records", edit={CALL: [['phone: "023-65311234"', 'phone: "13912345678"']]})
    commit(root, "2024-08-01", "Take down (#1)", edit={"records/lists/L-2024-001.yaml": [["restricted: false", "restricted: true"]]})
    past = load_at(GitRecords(root), "2024-07-20").corpus
    now = present(root, past, dt.date(2024, 7, 20))
    assert {"L-2024-001", "B-2024-002"} <= now.withheld and not {
        "C-2024-01",
        "N-2024-001",
    } & now.withheld  # the need: public at neither time
    assert [c.phone for c in now.corpus.calls[0].contacts] == ["〔已隐去〕"]
    assert now.corpus.calls[0].source is not None and now.corpus.calls[0].source.path == CALL


def test_validate_warns_about_a_commit_git_does_not_know(repo: tuple[Path, list[str]]) -> None:
    root, shas = repo
    entries = f"  - {{commit: '{shas[1][:8]}', record: C-2024-01, field: 'contacts[0].office', reason: 误录姓名}}\n"
    entries += "  - {commit: abcdef1, record: C-2024-01, field: 'contacts[0].office', reason: 误录姓名}\n"
    apply_edits(root, write={"records/redactions.yaml": f"kind: redactions\nentries:\n{entries}"})
    report = validate(root)
    found = [d for d in report.sorted() if d.rule == "R001"]
    assert [(d.path, d.line, d.level.value) for d in found] == [("records/redactions.yaml", 4, "warning")]
    assert found[0].message.startswith("隐去条目的提交“abcdef1”在仓库中找不到：该字段的全部历史取值都将隐去。") and report.exit_code == 0
