"""A programme's life replayed from its records as they stand now.

Every record carries the dates of its own events: a need its ``submitted``, a list its
argumentation's date, ``decision.date`` and call's ``published``, a bid-review its
公示 window and objections, a project ``agreement.signed`` and ``outcome.date``, … From
them, each record's earlier versions follow: before its argumentation a list is a draft
without ``argumentation``; before its 公示 ended a notice's outcome is ``pending``; before a
milestone's check the milestone has no ``check``. A ``Script`` names what the records do
not date (when a need was declined, a bid withdrawn, a project terminated, a record taken
down) and the text a correction replaced.

``replay`` returns the programme's steps, oldest first: each a date, a stage (the kind of
decision, ``STAGES``) and the record files as that decision left them. A step's records
are those whose text changed at that date and stage; every state between two steps is a
state the records really had. Earlier versions are the shipped files with lines removed or
rewritten (``textedit``), so each step changes only the lines its decision touches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.dates import working_days
from generator.records import textedit

# The kinds of decision, in the order they are taken on one day.
STAGES = (
    "program",
    "need",
    "need-declined",
    "draft",
    "argument",
    "extension",
    "decision",
    "call",
    "takedown",
    "amendment",
    "bid",
    "bid-withdrawn",
    "withdrawn",
    "closed",
    "review",
    "objection",
    "publicity-end",
    "approval",
    "project",
    "check",
    "award",
    "acceptance",
    "outcome",
    "terminated",
)
REVIEW_STAGES = {
    "list-argumentation": "argument",
    "period-extension": "extension",
    "bid-review": "review",
    "approval": "approval",
    "milestone-check": "check",
    "acceptance": "acceptance",
}
Edit = Callable[[str], str]


@dataclass(frozen=True)
class Patch:
    """Before ``date``, record ``record`` read ``before`` where it now reads ``after``."""

    record: str
    date: dt.date
    stage: str
    before: str
    after: str


@dataclass(frozen=True)
class Script:
    """What the records do not date themselves."""

    start: dt.date  # the programme file's own pull request
    dates: Mapping[tuple[str, str], dt.date] = field(default_factory=dict)  # (record, declined|withdrawn|terminated) → date
    takedowns: Mapping[str, dt.date] = field(default_factory=dict)  # record → when it was made restricted
    rechecks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # milestone → its earlier checks, oldest first
    patches: tuple[Patch, ...] = ()


@dataclass(frozen=True)
class Source:
    """A record file as shipped: its path under the repository, text and data."""

    path: str
    text: str
    data: Mapping[str, Any]

    @property
    def id(self) -> str:
        return str(self.data.get("id") or "program")

    @property
    def kind(self) -> str:
        return str(self.data.get("kind"))


@dataclass(frozen=True)
class Change:
    """One record changed by a step: created, or its status moved."""

    id: str
    kind: str
    created: bool
    status: tuple[str | None, str | None]  # before, after


@dataclass(frozen=True)
class Step:
    date: dt.date
    stage: str
    files: dict[str, str]  # path → text after the step
    changes: tuple[Change, ...]


Moment = tuple[dt.date, int]  # a date and a stage's place in STAGES


@dataclass
class _Life:
    source: Source
    born: Moment
    marks: list[tuple[Moment, Edit]] = field(default_factory=list)  # from this moment on, the edit no longer applies
    statuses: list[tuple[Moment, str]] = field(default_factory=list)  # oldest first

    def text_at(self, when: Moment) -> str | None:
        if when < self.born:
            return None
        text = self.source.text
        for moment, undo in sorted(self.marks, key=lambda m: m[0], reverse=True):  # the latest change is undone first
            if moment > when:
                text = undo(text)
        status = self.status_at(when)
        return textedit.set_value(text, ("status",), status) if status is not None else text

    def status_at(self, when: Moment) -> str | None:
        current = None
        for moment, status in self.statuses:
            if moment <= when:
                current = status
        return current

    def moments(self) -> set[Moment]:
        return {self.born, *(m for m, _ in self.marks), *(m for m, _ in self.statuses)}


def moment(date: dt.date, stage: str) -> Moment:
    return (date, STAGES.index(stage))


def replay(sources: Iterable[Source], script: Script) -> list[Step]:
    """The programme's steps, oldest first (see the module's docstring)."""
    records = {s.id: s for s in sources}
    lives = [_life(s, _Context(records, script)) for s in records.values()]
    at: dict[Moment, list[_Life]] = {}
    for life in lives:
        for when in life.moments():
            at.setdefault(when, []).append(life)
    steps = []
    for when in sorted(at):
        files, changes = {}, []
        for life in at[when]:
            before, after = _previous(life, when), life.text_at(when)
            if after is not None and after != before:
                files[life.source.path] = after
                old = life.status_at(_just_before(when)) if before is not None else None
                changes.append(Change(life.source.id, life.source.kind, before is None, (old, life.status_at(when))))
        if files:
            steps.append(Step(when[0], STAGES[when[1]], files, tuple(sorted(changes, key=lambda c: c.id))))
    return steps


def _just_before(when: Moment) -> Moment:
    return (when[0], when[1] - 1) if when[1] > 0 else (when[0] - dt.timedelta(days=1), len(STAGES))


def _previous(life: _Life, when: Moment) -> str | None:
    return life.text_at(_just_before(when))


class _Context:
    """The shipped records by id and the script, for the lives of records that depend on others."""

    def __init__(self, records: Mapping[str, Source], script: Script) -> None:
        self.records = records
        self.script = script

    def data(self, rid: Any) -> Mapping[str, Any]:
        found = self.records.get(rid) if isinstance(rid, str) else None
        return found.data if found is not None else {}

    def reviews_of(self, subject: str) -> list[Mapping[str, Any]]:
        found = [s.data for s in self.records.values() if s.kind == "review" and s.data.get("subject") == subject]
        return sorted(found, key=lambda d: d["date"])

    def date(self, rid: str, event: str) -> dt.date:
        try:
            return self.script.dates[(rid, event)]
        except KeyError:
            raise KeyError(f"{rid}: the script gives no date for '{event}'") from None


def workday(day: dt.date) -> dt.date:
    """``day``, or the first working day after it."""
    while working_days(day, day)[0] == 0:
        day += dt.timedelta(days=1)
    return day


def _life(source: Source, ctx: _Context) -> _Life:
    makers: dict[str, Callable[[Source, _Context], _Life]] = {
        "need": _need,
        "list": _list,
        "call": lambda s, c: _Life(s, moment(s.data["published"], "call")),
        "bid": _bid,
        "review": _review,
        "project": _project,
        "milestone": _milestone,
        "award": lambda s, c: _Life(s, moment(s.data["date"], "award")),
    }
    make = makers.get(source.kind)
    life = make(source, ctx) if make is not None else _Life(source, moment(ctx.script.start, "program"))
    for patch in ctx.script.patches:
        if patch.record == source.id:
            life.marks.append((moment(patch.date, patch.stage), _replace(patch.after, patch.before)))
    if source.id in ctx.script.takedowns:
        life.marks.append((moment(ctx.script.takedowns[source.id], "takedown"), _set("restricted", "false")))
    return life


def _replace(now: str, before: str) -> Edit:
    def undo(text: str) -> str:
        if text.count(now) != 1:
            raise KeyError(f"the text to replace occurs {text.count(now)} times: {now!r}")
        return text.replace(now, before)

    return undo


def _drop(key: str) -> Edit:
    return lambda text: textedit.drop(text, key)


def _keep(path: tuple[str, ...], count: int) -> Edit:
    return lambda text: textedit.keep_items(text, path, count)


def _set(key: str, value: str) -> Edit:
    return lambda text: textedit.set_value(text, (key,), value)


def _need(source: Source, ctx: _Context) -> _Life:
    d = source.data
    life = _Life(source, moment(d["submitted"], "need"), statuses=[(moment(d["submitted"], "need"), "submitted")])
    if d["status"] == "refined":
        first = min(_list_born(ctx.data(lid), ctx) for lid in d["refined_into"])
        life.statuses.append((first, "refined"))
        life.marks.append((first, _drop("refined_into")))
    elif d["status"] == "declined":
        life.statuses.append((moment(ctx.date(source.id, "declined"), "need-declined"), "declined"))
    return life


def _list_born(d: Mapping[str, Any], ctx: _Context) -> Moment:
    """A list is drafted two weeks before its first review, and never before its needs."""
    reviews = ctx.reviews_of(d["id"])
    needs = [ctx.data(n)["submitted"] for n in d.get("needs", [])]
    drafted = reviews[0]["date"] - dt.timedelta(days=14) if reviews else max(needs) + dt.timedelta(days=30)
    return moment(workday(max([drafted, *needs])), "draft")


def _list(source: Source, ctx: _Context) -> _Life:
    d = source.data
    born = _list_born(d, ctx)
    life = _Life(source, born)
    path: list[tuple[Moment, str]] = [(born, "draft")]
    argued = ctx.data(d.get("argumentation"))
    if argued:
        path.append((moment(argued["date"], "argument"), "argued"))
        life.marks.append((moment(argued["date"], "argument"), _drop("argumentation")))
    if d.get("extension_review"):
        life.marks.append((moment(ctx.data(d["extension_review"])["date"], "extension"), _drop("extension_review")))
    if d.get("decision"):
        path.append((moment(d["decision"]["date"], "decision"), "approved"))
        life.marks.append((moment(d["decision"]["date"], "decision"), _drop("decision")))
    call = ctx.data(d.get("call"))
    if call:
        path.append((moment(call["published"], "call"), "published"))
        life.marks.append((moment(call["published"], "call"), _drop("call")))
    path += _list_ending(d, call, ctx)
    for i, amendment in enumerate(d.get("amendments", [])):
        undo = _drop("amendments") if i == 0 else _keep(("amendments",), i)
        life.marks.append((moment(amendment["date"], "amendment"), undo))
    withdrawal = d.get("withdrawal")
    if withdrawal:
        at = moment(withdrawal["date"], "withdrawn")
        path = [p for p in path if p[0] < at] + [(at, "withdrawn")]
        life.marks.append((at, _drop("withdrawal")))
    life.statuses = path
    if path[-1][1] != d["status"]:
        raise ValueError(f"{source.id}: its dates lead to status {path[-1][1]}, the record says {d['status']}")
    return life


def _list_ending(d: Mapping[str, Any], call: Mapping[str, Any], ctx: _Context) -> list[tuple[Moment, str]]:
    """Closed the working day after its call closes; then awarded when its selection's 公示
    ends (a restricted list's: on the day of the review), or unclaimed on the day a review
    selects no one."""
    if d["status"] not in ("closed", "awarded", "unclaimed") or not call:
        return []
    ending = [(moment(workday(call["closes"] + dt.timedelta(days=1)), "closed"), "closed")]
    for review in ctx.reviews_of(d["id"]):
        if review["type"] != "bid-review":
            continue
        if d["status"] == "unclaimed" and review["result"] == "none":
            ending.append((moment(review["date"], "review"), "unclaimed"))
        elif d["status"] == "awarded" and review["result"] == "selected":  # a restricted list's selection has no 公示
            ending.append((_decided(review["publicity"]) if review.get("publicity") else moment(review["date"], "review"), "awarded"))
    return ending


def _decided(publicity: Mapping[str, Any]) -> Moment:
    """A 公示's outcome is recorded the working day after it ends."""
    return moment(workday(publicity["end"] + dt.timedelta(days=1)), "publicity-end")


def _bid(source: Source, ctx: _Context) -> _Life:
    d = source.data
    born = moment(d["submitted"], "bid")
    life = _Life(source, born, statuses=[(born, "submitted")])
    if d["status"] == "withdrawn":
        life.statuses.append((moment(ctx.date(source.id, "withdrawn"), "bid-withdrawn"), "withdrawn"))
    return life


def _review(source: Source, ctx: _Context) -> _Life:
    d = source.data
    life = _Life(source, moment(d["date"], REVIEW_STAGES[d["type"]]))
    publicity = d.get("publicity")
    if not publicity:
        return life
    for i, objection in enumerate(publicity.get("objections", [])):
        life.marks.append((moment(objection["received"], "objection"), _keep(("publicity", "objections"), i)))
    if publicity["outcome"] != "pending":

        def undecided(text: str) -> str:
            text = textedit.set_value(text, ("publicity", "outcome"), "pending")
            return textedit.set_in_items(text, ("publicity", "objections"), "outcome", "pending") if publicity.get("objections") else text

        life.marks.append((_decided(publicity), undecided))
    return life


def _project(source: Source, ctx: _Context) -> _Life:
    d = source.data
    born = moment(d["agreement"]["signed"], "project")
    life = _Life(source, born, statuses=[(born, "in-progress")])
    if d.get("outcome"):
        ended = moment(d["outcome"]["date"], "outcome")
        life.marks.append((ended, _drop("outcome")))
        life.statuses.append((ended, d["status"]))
    elif d["status"] == "terminated":
        life.statuses.append((moment(ctx.date(source.id, "terminated"), "terminated"), "terminated"))
    return life


def _milestone(source: Source, ctx: _Context) -> _Life:
    d = source.data
    life = _Life(source, moment(ctx.data(d["project"])["agreement"]["signed"], "project"))
    checks = [*ctx.script.rechecks.get(source.id, ()), *([d["check"]] if d.get("check") else [])]
    for i, check in enumerate(checks):
        undo = _drop("check") if i == 0 else _set("check", checks[i - 1])
        life.marks.append((moment(ctx.data(check)["date"], "check"), undo))
    return life
