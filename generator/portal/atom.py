"""feed.xml: the Atom feed of ``feeds.entries``, written by feedgen (lxml escapes every value).

XML 1.0 cannot hold most control characters, and lxml refuses them rather than write a feed
no reader accepts: each becomes U+FFFD first (``text.printable``), whatever validation let
through. Dates are the records' own, at Beijing midnight: two builds write the same bytes.
"""

from __future__ import annotations

import datetime as dt

from feedgen.feed import FeedGenerator

from generator.dates import SHANGHAI
from generator.portal.feeds import Url, entries
from generator.portal.text import printable
from generator.public.view import PublicView

NAMESPACE = "http://www.w3.org/2005/Atom"


def feed(view: PublicView, site_url: str, url: Url) -> bytes:
    """The feed of a build; ``site_url`` ends with "/"."""
    items = entries(view, url)
    program = view.program
    title = program.portal.title if program else "揭榜挂帅"
    fg = FeedGenerator()
    fg.id(site_url)
    fg.title(xml_text(f"{title}：榜单与公示"))
    fg.updated(_stamp(max([e.date for e in items], default=view.as_of)))
    fg.link(href=f"{site_url}feed.xml", rel="self")
    fg.link(href=site_url, rel="alternate")
    fg.author(name=xml_text(program.issuer if program else title))
    fg.generator("jiebang")  # not feedgen's name and version: the bytes follow the records only
    for e in items:
        entry = fg.add_entry(order="append")
        entry.id(f"{e.url}#{e.key}" if "#" not in e.url else e.url)
        entry.title(xml_text(e.title))
        entry.link(href=e.url, rel="alternate")
        entry.updated(_stamp(e.date))
        entry.summary(xml_text(e.summary))
    return fg.atom_str(pretty=True, encoding="utf-8", xml_declaration=True)


def xml_text(value: str) -> str:
    """Text an XML 1.0 document can hold: every control character but tab, line feed and
    carriage return replaced by U+FFFD."""
    return printable(value)


def _stamp(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SHANGHAI)
