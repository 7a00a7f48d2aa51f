"""calendar.ics: the iCalendar file of ``feeds.events``, written by the icalendar library
(RFC 5545 TEXT escaping of backslash, semicolon, comma and line feed; lines folded at 75 octets).

A record's text may hold line breaks the library does not know as such (a lone carriage
return, a vertical tab, U+2028, U+0085): a reader that split lines there would see properties
or whole events the records never had. Every line break becomes a line feed, which the library
escapes, and every other control character U+FFFD, before a value reaches the library.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar

from generator.dates import SHANGHAI
from generator.portal.feeds import Url, events
from generator.portal.text import printable
from generator.public.view import PublicView


def calendar(view: PublicView, site_url: str, url: Url) -> bytes:
    """Deadlines and 公示 windows as all-day events; stamped with the build's date."""
    host = urlsplit(site_url).hostname or "jiebang"
    program = view.program
    stamp = dt.datetime.combine(view.as_of, dt.time(), SHANGHAI).astimezone(dt.UTC)
    cal = icalendar.Calendar()
    for key, value in [("VERSION", "2.0"), ("PRODID", "-//jiebang//portal//ZH"), ("CALSCALE", "GREGORIAN"), ("METHOD", "PUBLISH")]:
        cal.add(key, value)
    cal.add("X-WR-CALNAME", icalendar.vText(ics_text(f"{program.portal.title if program else '揭榜挂帅'}：申报截止与公示")))
    cal.add("X-WR-TIMEZONE", "Asia/Shanghai")
    for e in events(view, url):
        event = icalendar.Event()
        event.add("UID", f"{e.uid}@{host}")
        event.add("DTSTAMP", stamp)
        event.add("DTSTART", e.start)
        event.add("DTEND", e.end + dt.timedelta(days=1))
        event.add("SUMMARY", ics_text(e.summary))
        event.add("URL", icalendar.vUri(e.url))
        event.add("TRANSP", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical(sorted=False)


def ics_text(value: str) -> str:
    """A TEXT value with every line break a line feed and no other control character."""
    return printable("\n".join(value.splitlines()))
