"""Subscriptions: what the Atom feed announces (new lists, 更正公告 and 公示) and what the
iCalendar file holds (application deadlines and 公示 windows). Both are rebuilt from the
records on every build, so an amended date shows up at the next build; neither carries a
wall-clock time. The files are written by ``atom`` and ``ical``, each escaping for its format."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from generator.portal.views import amendments
from generator.public.view import PublicView, Target

Url = Callable[[Target], str]  # absolute URL of a page (and anchor)


@dataclass(frozen=True)
class Entry:
    key: str
    date: dt.date
    title: str
    url: str
    summary: str


def entries(view: PublicView, url: Url) -> list[Entry]:
    """What the feed announces, newest first."""
    out = []
    for lst in view.lists:
        call = view.call_of(lst)
        if call:
            out.append(
                Entry(lst.id, call.published, f"发布榜单：{lst.title}", url(Target(f"lists/{lst.id}.md")), f"{lst.industry}，{call.title}")
            )
    for n in amendments(view):
        out.append(
            Entry(
                f"{n.list.id}-amendment-{n.number}",
                n.amendment.date,
                f"更正公告：{n.list.title}",
                url(Target(f"lists/{n.list.id}.md")),
                n.amendment.summary,
            )
        )
    for notice in view.notices:
        lst = view.list_of(notice)
        winners = "、".join(b.lead.name for b in view.winners(notice))
        pub = notice.publicity
        assert pub is not None  # a public notice has a publicity window
        out.append(
            Entry(
                notice.id,
                pub.start,
                f"评审结果公示：{lst.title}",
                url(_target(view, notice.id)),
                f"拟入选：{winners}；公示期 {pub.start} 至 {pub.end}",
            )
        )
    return sorted(out, key=lambda e: (e.date, e.key), reverse=True)


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.date
    end: dt.date  # inclusive
    summary: str
    url: str


def events(view: PublicView, url: Url) -> list[Event]:
    out = [Event(f"{c.id}-closes", c.closes, c.closes, f"申报截止：{c.title}", url(Target(f"calls/{c.id}.md"))) for c in view.calls]
    for notice in view.notices:
        pub = notice.publicity
        assert pub is not None
        out.append(
            Event(
                f"{notice.id}-publicity",
                pub.start,
                pub.end,
                f"公示期：{view.list_of(notice).title}",
                url(_target(view, notice.id)),
            )
        )
    return sorted(out, key=lambda e: (e.start, e.uid))


def _target(view: PublicView, record_id: str) -> Target:
    target = view.target(record_id)
    assert target is not None, f"{record_id} is in the feed but not public"
    return target
