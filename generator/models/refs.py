"""Every reference from one record to another, with the kind it must point at.

R001 checks them; the portal and the visibility rules follow them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.models import Award, Bid, Call, ChallengeList, Milestone, Need, Project, Record, Redactions, Review
from generator.models.common import ID_PATTERNS
from generator.models.review import SUBJECT_KIND

Ref = tuple[tuple[str | int, ...], str, str]  # (field path, target id, target kind)


def references(rec: Record) -> Iterator[Ref]:
    """(field path, id, expected kind) for each reference the record makes."""
    if isinstance(rec, Need):
        yield from _many("refined_into", rec.refined_into, "list")
    elif isinstance(rec, ChallengeList):
        yield from _many("needs", rec.needs, "need")
        yield from _one("argumentation", rec.argumentation, "review")
        yield from _one("call", rec.call, "call")
        yield from _one("extension_review", rec.extension_review, "review")
    elif isinstance(rec, Call):
        yield from _many("lists", rec.lists, "list")
    elif isinstance(rec, Bid):
        yield from _one("list", rec.list, "list")
    elif isinstance(rec, Review):
        yield from _one("subject", rec.subject, SUBJECT_KIND[rec.type])
        yield from _many("selected", rec.selected, "bid")
    elif isinstance(rec, Project):
        yield from _one("list", rec.list, "list")
        yield from _one("bid", rec.bid, "bid")
        yield from _one("review", rec.review, "review")
        if rec.outcome is not None:
            yield ("outcome", "acceptance"), rec.outcome.acceptance, "review"
    elif isinstance(rec, Milestone):
        yield from _one("project", rec.project, "project")
        yield from _one("check", rec.check, "review")
    elif isinstance(rec, Award):
        yield from _one("project", rec.project, "project")
        yield from _one("milestone", rec.milestone, "milestone")
    elif isinstance(rec, Redactions):
        for i, entry in enumerate(rec.entries):
            yield ("entries", i, "record"), entry.record, kind_of_id(entry.record)


def kind_of_id(record_id: str) -> str:
    """The kind whose id pattern a record id matches (the programme's id is lower case)."""
    return next((k for k, p in ID_PATTERNS.items() if re.match(p, record_id)), "program")


def _one(name: str, value: str | None, kind: str) -> Iterator[Ref]:
    if value:
        yield (name,), value, kind


def _many(name: str, values: list[str], kind: str) -> Iterator[Ref]:
    for i, value in enumerate(values):
        yield (name, i), value, kind
