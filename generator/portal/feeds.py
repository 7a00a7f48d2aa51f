"""Subscriptions: an Atom feed of new lists, 更正公告 and 公示, and an iCalendar file of
application deadlines and 公示 windows. Both are rebuilt from the records on every build,
so an amended date shows up at the next build; neither carries a wall-clock time."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.dates import SHANGHAI
from generator.portal.views import amendments
from generator.public.view import PublicView, Target

Url = Callable[[Target], str]  # absolute URL of a page (and anchor)
ATOM = "http://www.w3.org/2005/Atom"


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


def _stamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), SHANGHAI).isoformat()


def atom(view: PublicView, site_url: str, url: Url) -> bytes:
    items = entries(view, url)
    program = view.program
    title = program.portal.title if program else "揭榜挂帅"
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", f"{title}：榜单与公示")
    _sub(feed, "id", site_url)
    _sub(feed, "updated", _stamp(max([e.date for e in items], default=view.as_of)))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{site_url}feed.xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=site_url)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _sub(author, "name", program.issuer if program else title)
    for e in items:
        node = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _sub(node, "title", e.title)
        _sub(node, "id", f"{e.url}#{e.key}" if "#" not in e.url else e.url)
        ET.SubElement(node, f"{{{ATOM}}}link", rel="alternate", href=e.url)
        _sub(node, "updated", _stamp(e.date))
        _sub(node, "summary", e.summary)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text


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


def icalendar(view: PublicView, site_url: str, url: Url) -> bytes:
    host = urlsplit(site_url).hostname or "jiebang"
    program = view.program
    stamp = dt.datetime.combine(view.as_of, dt.time(), SHANGHAI).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//jiebang//portal//ZH", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines.append(f"X-WR-CALNAME:{_text(program.portal.title if program else '揭榜挂帅')}：申报截止与公示")
    lines.append("X-WR-TIMEZONE:Asia/Shanghai")
    for e in events(view, url):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{e.start:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.end + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_text(e.summary)}",
            f"URL:{e.url}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(f"{folded}\r\n" for line in lines for folded in _fold(line)).encode("utf-8")


def _text(value: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and line breaks escaped."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")


def _fold(line: str, limit: int = 75) -> Iterator[str]:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    chunk, size, first = "", 0, True
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > (limit if first else limit - 1):
            yield chunk if first else f" {chunk}"
            chunk, size, first = "", 0, False
        chunk += ch
        size += width
    yield chunk if first else f" {chunk}"


def _target(view: PublicView, record_id: str) -> Target:
    target = view.target(record_id)
    assert target is not None, f"{record_id} is in the feed but not public"
    return target
