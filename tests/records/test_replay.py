"""Replaying a programme from its records as they stand: each record's earlier versions
follow from its own dates; the text edits change only the lines a decision touches."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from generator.records import textedit
from generator.records.demo import SHAPINGBA, read_sources
from generator.records.replay import Script, Source, Step, replay
from tests.conftest import REPO

REVIEW = """kind: review
id: R-2024-019
result: selected
publicity:
  start: 2024-11-26
  end: 2024-12-02
  objections:
    - {received: 2024-11-28, summary: 来信反映专利尚未授权。, outcome: dismissed}
    - {received: 2024-11-29, summary: 第二件。, outcome: upheld}
  outcome: no-objection
indicator_results: []
"""


def test_text_edits_touch_only_their_lines() -> None:
    assert textedit.set_value(REVIEW, ("publicity", "outcome"), "pending").splitlines()[-2] == "  outcome: pending"
    assert "objections: []" in textedit.keep_items(REVIEW, ("publicity", "objections"), 0)
    one = textedit.keep_items(REVIEW, ("publicity", "objections"), 1)
    assert "第二件" not in one and "来信反映" in one and yaml.safe_load(one)["publicity"]["outcome"] == "no-objection"
    pending = textedit.set_in_items(REVIEW, ("publicity", "objections"), "outcome", "pending")
    assert [o["outcome"] for o in yaml.safe_load(pending)["publicity"]["objections"]] == ["pending", "pending"]
    assert textedit.drop(REVIEW, "publicity") == "kind: review\nid: R-2024-019\nresult: selected\nindicator_results: []\n"
    with pytest.raises(KeyError):
        textedit.set_value(REVIEW, ("publicity", "notice"), "x")


@pytest.fixture(scope="module")
def steps() -> list[Step]:
    if not (REPO / "records" / "program.yaml").is_file():
        pytest.skip("the demo records are not in this checkout")
    return replay(read_sources(REPO / "records"), SHAPINGBA.script)


def statuses(steps: list[Step], rid: str) -> list[tuple[dt.date, str, str | None]]:
    return [(s.date, s.stage, c.status[1]) for s in steps for c in s.changes if c.id == rid]


def test_a_list_moves_along_its_lifecycle_at_its_own_dates(steps: list[Step]) -> None:
    assert statuses(steps, "L-2024-001") == [
        (dt.date(2024, 3, 26), "draft", "draft"),  # two weeks before its argumentation R-2024-001
        (dt.date(2024, 4, 9), "argument", "argued"),
        (dt.date(2024, 5, 10), "decision", "approved"),
        (dt.date(2024, 5, 20), "call", "published"),  # C-2024-01 published
        (dt.date(2024, 7, 1), "closed", "closed"),  # the working day after the call closed
        (dt.date(2024, 7, 19), "publicity-end", "awarded"),  # the day after its 公示 ended
    ]
    assert statuses(steps, "L-2024-011")[-1] == (dt.date(2024, 10, 15), "withdrawn", "withdrawn")


def test_a_step_holds_the_records_as_that_decision_left_them(steps: list[Step]) -> None:
    assert steps[0].stage == "program" and set(steps[0].files) == {"records/program.yaml", "records/redactions.yaml"}
    drafted = next(s for s in steps if s.stage == "draft" and any(c.id == "L-2024-001" for c in s.changes))
    text = drafted.files["records/lists/L-2024-001.yaml"]
    assert "status: draft\n" in text and "argumentation:" not in text and "decision:" not in text and "call:" not in text
    need = yaml.safe_load(drafted.files["records/needs/N-2024-001.yaml"])
    assert (need["status"], need["refined_into"]) == ("refined", ["L-2024-001"])  # refined into the list it became
    objection = next(s for s in steps if s.stage == "objection")
    review = yaml.safe_load(objection.files["records/reviews/R-2024-019.yaml"])["publicity"]
    assert (review["outcome"], [o["outcome"] for o in review["objections"]]) == ("pending", ["pending"])
    takedown = next(s for s in steps if s.stage == "takedown")
    assert [c.id for c in takedown.changes] == ["L-2024-010"] and "restricted: true" in takedown.files["records/lists/L-2024-010.yaml"]


def test_a_change_the_records_do_not_date_needs_the_script() -> None:
    bid = "kind: bid\nid: B-2024-004\nlist: L-2024-002\nsubmitted: 2024-06-12\nstatus: withdrawn\n"
    with pytest.raises(KeyError, match="B-2024-004"):
        replay([Source("records/bids/B-2024-004.yaml", bid, yaml.safe_load(bid))], Script(start=dt.date(2024, 1, 8)))
