"""``unclaimed.xml``: an Atom feed of 无人揭榜 lists nationwide, for re-listing elsewhere.

Entries are the most recently closed unclaimed lists (at most ``ENTRIES``), each linking
to the list's page on its own programme's portal; dates are Beijing midnight, so the
feed carries no wall-clock time.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from generator.dates import SHANGHAI
from generator.federate.views import Row
from generator.portal.text import yuan

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 500


def _stamp(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), SHANGHAI).isoformat()


def _sub(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    node.text = text
    return node


def atom(rows: list[Row], federation: str, title: str, site_url: str | None, names: dict[str, str], as_of: dt.date) -> bytes:
    """``rows``: the unclaimed lists, most recently closed first. An entry's id is the list's
    namespaced id as a URN, the same whatever address the national portal has."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "title", f"{title}：无人揭榜的榜单")
    _sub(feed, "id", f"{site_url}unclaimed.xml" if site_url else f"urn:jiebang:{federation}:unclaimed")
    shown = rows[:ENTRIES]
    _sub(feed, "updated", _stamp(max((r["closes"] for r in shown if r["closes"]), default=as_of)))
    if site_url:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{site_url}unclaimed.xml")
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=f"{site_url}unclaimed/")
    for r in shown:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _sub(entry, "id", f"urn:jiebang:{r['id']}")
        _sub(entry, "title", f"无人揭榜：{r['title']}")
        _sub(entry, "updated", _stamp(r["closes"] or as_of))
        if r["url"]:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=r["url"])
        summary = f"{names.get(r['programme'], r['programme'])}，{r['industry']}，财政资助 {yuan(r['subsidy_cny'])}，总投入 {yuan(r['total_cny'])}"
        _sub(entry, "summary", summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
