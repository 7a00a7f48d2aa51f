"""View models: visibility, figures, windows and sums the pages show."""

from __future__ import annotations

import datetime as dt

from generator.models.review import Publicity
from generator.portal import views
from generator.public.view import PublicView, Target
from tests.portal.conftest import AS_OF


def test_only_public_records_are_in_view(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    assert [lst.id for lst in view.lists] == ["L-2024-001", "L-2024-004", "L-2024-005"]
    assert [n.id for n in view.notices] == ["R-2024-002"]
    assert [p.id for p in view.projects] == ["P-2024-001"]
    hidden = {"L-2024-002", "L-2024-003", "N-2024-001", "B-2024-002", "B-2024-003", "B-2024-004", "R-2024-001", "R-2024-003", "P-2024-002"}
    assert not hidden & view.ids
    assert {"M-2024-002-1", "A-2024-002-1"}.isdisjoint(view.ids)  # they depend on the restricted list


def test_a_call_lists_only_its_public_lists(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    call = corpus.get("C-2024-01", type(view.calls[0]))
    assert call.lists == ["L-2024-001", "L-2024-002"]
    assert [lst.id for lst in view.lists_of(call)] == ["L-2024-001"]


def test_a_notice_is_public_from_the_first_day_of_its_window(corpus) -> None:  # type: ignore[no-untyped-def]
    assert "R-2024-002" not in PublicView(corpus, dt.date(2024, 7, 7)).ids
    assert "R-2024-002" in PublicView(corpus, dt.date(2024, 7, 8)).ids


def test_every_public_record_has_a_place_on_the_portal(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    assert view.target("L-2024-001") == Target("lists/L-2024-001.md")
    assert view.target("B-2024-001") == Target("notices/R-2024-002.md", "B-2024-001")
    assert view.target("M-2024-001-1") == Target("projects/P-2024-001.md", "M-2024-001-1")
    assert view.target("A-2024-001-2") == Target("projects/P-2024-001.md", "A-2024-001-2")
    assert view.target("L-2024-002") is None
    assert all(view.target(i) for i in view.ids)


def test_bids_count_leaves_out_withdrawn_and_restricted_bids(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    counts = {lst.id: view.bids_count(lst) for lst in view.lists}
    assert counts == {"L-2024-001": 2, "L-2024-004": 1, "L-2024-005": 0}


def test_home_figures(corpus) -> None:  # type: ignore[no-untyped-def]
    fig = views.figures(PublicView(corpus, AS_OF))
    assert (fig.lists, fig.lists_open, fig.lists_awarded) == (3, 2, 1)
    assert (fig.committed_cny, fig.paid_cny) == (100000, 100000)
    assert fig.claimed_of_decided == (1, 1)
    assert fig.succeeded_of_finished == (1, 1)


def test_open_calls_count_days_left_to_the_deadline(corpus) -> None:  # type: ignore[no-untyped-def]
    found = views.open_calls(PublicView(corpus, AS_OF))
    assert [(o.call.id, o.days_left, o.lists, o.days_left_text) for o in found] == [("C-2024-02", 21, 2, "剩余 21 天")]
    last = views.open_calls(PublicView(corpus, dt.date(2024, 7, 31)))
    assert last[0].days_left_text == "今日截止"
    assert views.open_calls(PublicView(corpus, dt.date(2024, 8, 1))) == []


def test_finance_runs_the_total_after_each_payment(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    money = views.finance(view, view.projects[0])
    assert [(p.award.id, p.cumulative_cny) for p in money.payments] == [
        ("A-2024-001-1", 30000),
        ("A-2024-001-2", 70000),
        ("A-2024-001-3", 100000),
    ]
    assert (money.paid_cny, money.share) == (100000, 100)


def test_notice_window_and_working_days(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    notice = view.notices[0]
    assert views.notice_state(view, notice) == "公示中"
    assert views.notice_state(PublicView(corpus, dt.date(2024, 7, 13)), notice) == "公示期满"
    # 29 September 2024, a Sunday, is a 调休 working day; 1–7 October are holidays
    assert views.working_days(dt.date(2024, 9, 27), dt.date(2024, 10, 8)) == 4
    assert [w.subsidy_cny for w in views.winners(view, notice)] == [100000]


def test_amendments_newest_first(corpus) -> None:  # type: ignore[no-untyped-def]
    found = views.amendments(PublicView(corpus, AS_OF))
    assert [(n.list.id, n.number, n.amendment.date) for n in found] == [("L-2024-004", 1, dt.date(2024, 7, 5))]


def test_an_objection_found_groundless_is_never_called_no_objection() -> None:
    """A record that still says no-objection beside a dismissed objection (as records made before
    objections-dismissed existed do) reads as what happened."""
    window = {"start": "2024-07-08", "end": "2024-07-12", "objections": [], "outcome": "no-objection"}
    objection = {"received": "2024-07-10", "summary": "反映申报材料不实", "outcome": "dismissed"}
    assert views.outcome_label(Publicity.model_validate(window)) == "公示期满无异议"
    assert views.outcome_label(Publicity.model_validate({**window, "objections": [objection]})) == "公示期满，异议经核查不成立"
    dismissed = {**window, "objections": [objection], "outcome": "objections-dismissed"}
    assert views.outcome_label(Publicity.model_validate(dismissed)) == "公示期满，异议经核查不成立"


def test_a_government_led_list_names_the_programme_as_issuer_and_the_subsidy_first(corpus) -> None:  # type: ignore[no-untyped-def]
    view = PublicView(corpus, AS_OF)
    lst = view.lists[0]
    assert views.issuer_name(view, lst) == "重庆市沙坪坝区科学技术局"
    assert [s[0] for s in views.funding_sources(view, lst)] == ["财政资助", "需求单位投入"]
    money = views.finance(view, view.projects[0])
    assert [(p.label, p.committed_cny, p.paid_cny) for p in money.by_payer] == [("财政资助", 100000, 100000), ("需求单位投入", 200000, 0)]
