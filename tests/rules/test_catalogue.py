"""The rule catalogue against SPEC §4, its documentation, and the rules page built from it."""

from __future__ import annotations

import re

import markdown
from click.testing import CliRunner

from generator.cli import main
from generator.rules.base import catalogue
from generator.rules.catalogue import render, sections
from tests.conftest import REPO

# SPEC §4 and §8, the rule tables (ID and level) as the specification states them.
SPEC_TABLE = """
| S001 | error | | S002 | error | | S003 | error | | S004 | error | | S005 | error | | S006 | error | | S007 | error | | S008 | error |
| R001 | error | | R002 | error |
| F001 | error | | F002 | error | | F003 | error | | F004 | error | | F005 | warning | | F006 | error | | F007 | error |
| F008 | error |
| T001 | error | | T002 | error | | T003 | warning | | T004 | error | | T005 | error | | T006 | error | | T007 | error |
| E001 | error | | E002 | error | | E003 | error |
| B001 | error | | B002 | error | | B003 | error | | B004 | error | | B005 | error | | B006 | warning |
| B007 | error | | B008 | warning | | B009 | error |
| L001 | error | | L002 | error | | L003 | error | | L004 | error | | L005 | error | | L006 | error | | L007 | error |
| P001 | error | | P002 | error | | P003 | error |
| C001 | error | | C002 | error | | C003 | error | | C004 | error | | C005 | error |
"""
SPEC = dict(re.findall(r"\| ([A-Z]\d{3}) \| (error|warning) \|", SPEC_TABLE))


def test_catalogue_names_the_rules_of_the_spec_table() -> None:
    """Every record and policy rule of SPEC §4 and §8 is in the catalogue at its level, and nothing else;
    change rules (C) must match the table once they are declared."""
    have = {r.id: str(r.level) for r in catalogue()}
    assert {k: v for k, v in have.items() if not k.startswith("C")} == {k: v for k, v in SPEC.items() if not k.startswith("C")}
    assert {k: v for k, v in have.items() if k.startswith("C")}.items() <= SPEC.items()


def test_every_policy_rule_documents_why_and_an_example_each_way() -> None:
    for rule in catalogue():
        if rule.id[0] in "FTEBLP":
            assert rule.title.endswith("。"), rule.id
            assert set(sections(rule.doc)) == {"Why", "Fails", "Passes"}, rule.id


def test_rules_command_prints_each_rule_with_its_citation() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("F001"))
    assert line == "F001  错误  榜单资助强度不得超过其项目等级的上限。  〔第七条〕"
    ids = [x.split()[0] for x in result.output.splitlines()]
    assert ids.index("S001") < ids.index("R001") < ids.index("F001") < ids.index("T001") < ids.index("P003")


def test_docs_rules_page_is_current() -> None:
    page = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert page == render("markdown") + "\n", "docs/rules.md is stale: run `jiebang rules --format markdown > docs/rules.md`"


def test_rules_page_shows_quoted_markup_as_text() -> None:
    html = markdown.markdown(render("markdown"))
    assert "<script" not in html
    assert 'href="javascript' not in html
    p003 = html[html.index("P003") :]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in p003
    assert "[申报](javascript:alert(1))" in p003
    assert "<h3>F001 榜单资助强度不得超过其项目等级的上限</h3>" in html
    assert "<li>依据：第七条</li>" in html
