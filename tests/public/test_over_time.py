"""Which past versions of a record the public saw."""

from __future__ import annotations

import datetime as dt

from generator.models.corpus import Corpus
from generator.public.over_time import dependency_start, own_state, seen
from generator.public.view import PublicView

D = dt.date.fromisoformat


def lst(status: str, restricted: bool = False, call: str | None = None) -> dict[str, object]:
    return {"kind": "list", "status": status, "restricted": restricted, "call": call}


def test_a_list_is_seen_from_its_publication_only() -> None:
    versions = [(D("2024-05-01"), lst("draft")), (D("2024-05-05"), lst("argued")), (D("2024-05-20"), lst("published", call="C"))]
    versions.append((D("2024-06-01"), lst("closed", call="C")))
    assert seen("list", versions, None, D("2024-07-01")) == [False, False, True, True]


def test_restricted_versions_and_what_follows() -> None:
    versions = [(D("2024-05-20"), lst("published")), (D("2024-06-01"), lst("published", restricted=True)), (D("2024-06-05"), None)]
    assert seen("list", versions, None, D("2024-07-01")) == [True, False, False]  # a deletion after an unseen version is unseen
    assert own_state("list", lst("withdrawn", call="C-2024-01")) == (True, None)
    assert own_state("list", lst("withdrawn")) == (False, None)
    assert own_state("list", {"status": "published"}) == (False, None)  # no restricted flag: fail closed
    assert own_state("need", {"restricted": False}) == (False, None)


def test_a_notice_is_seen_from_the_first_day_of_its_publicity() -> None:
    def notice(start: str) -> dict[str, object]:
        return {"type": "bid-review", "restricted": False, "selected": ["B-1"], "publicity": {"start": start}}

    versions = [(D("2024-07-01"), notice("2024-07-08")), (D("2024-07-05"), notice("2024-07-08")), (D("2024-07-08"), notice("2024-07-08"))]
    # the first version was replaced before the 公示; the second was current on its first day
    assert seen("review", versions, None, D("2024-08-01")) == [False, True, True]
    assert seen("review", versions[:1], None, D("2024-07-07")) == [False]  # not started on the build's date
    assert own_state("review", {**notice("2024-07-08"), "type": "list-argumentation"})[0] is False


def test_bids_and_projects_are_dated_by_the_notice(corpus: Corpus, view: PublicView) -> None:
    start = dependency_start(corpus, view.ids)
    assert start["B-2024-001"] == D("2024-07-08") and start["P-2024-001"] == D("2024-07-08") and start["A-2024-001-1"] == D("2024-07-08")
    assert "B-2024-002" not in start  # never selected: never public
    bid = {"restricted": False}
    assert seen("bid", [(D("2024-06-18"), bid), (D("2024-06-25"), bid)], start["B-2024-001"], D("2024-08-01")) == [False, True]
