"""One allow-list of public fields per kind, used by open data and by history alike."""

from __future__ import annotations

from generator import export
from generator.public.fields import PUBLIC_FIELDS, public_fields


def test_open_data_publishes_exactly_the_allow_list() -> None:
    for table in export.TABLES:
        assert table.fields == PUBLIC_FIELDS[table.kind].fields
        assert table.hidden == PUBLIC_FIELDS[table.kind].hidden
    assert PUBLIC_FIELDS["program"].fields == export.PROGRAM_FIELDS


def test_what_is_never_shown() -> None:
    bid, review, lst = public_fields("bid"), public_fields("review"), public_fields("list")
    assert not bid.shows("plan_summary") and not bid.shows("declarations.own_ip")
    assert not review.shows("panel[0].name") and not review.shows("opinion") and not review.shows("result")
    assert not lst.shows("needs") and not lst.shows("argumentation") and not lst.shows("restricted")
    assert not public_fields("need").shows("title") and not public_fields("redactions").shows("entries")
    assert not lst.shows("(整条记录)")


def test_shown_paths_and_hidden_members() -> None:
    lst, project = public_fields("list"), public_fields("project")
    assert lst.shows("funding.subsidy_cny") and lst.shows("indicators[I2].target") and lst.shows("period.nodes[1].month")
    assert public_fields("review").shows("publicity.channel")
    assert project.shows("outcome.diligent") and not project.shows("outcome.acceptance")
    outcome = {"date": "2026-07-25", "acceptance": "R-2026-004", "diligent": True}
    assert project.part("outcome", outcome) == {"date": "2026-07-25", "diligent": True}
    assert project.part("outcome.date", "2026-07-25") == "2026-07-25"
