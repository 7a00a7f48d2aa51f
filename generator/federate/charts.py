"""Charts as static SVG: horizontal bars with Chinese labels, readable without JavaScript.

Built with the standard library's ElementTree rather than a charting package: pygal
writes a ``<script>`` element, random element ids and the wall-clock date into every
chart, and matplotlib lays text out with its own fonts (without Chinese glyphs on most
servers, so labels are measured wrong and it warns on every one). Bars need neither.
Text stays text (the browser's Chinese font draws it); the output has no script, no
link and no external reference, and the same figures give the same bytes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

SVG = "http://www.w3.org/2000/svg"
FONT = "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif"
WIDTH, LABEL, VALUE, ROW, TOP = 760, 170, 110, 22, 44
MAX_ROWS = 36
COLOUR = "#3f51b5"


def _label(text: str, limit: int = 11) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(
    title: str, rows: Sequence[tuple[str, float | None]], shown: Callable[[float], str], *, whole: float | None = None, note: str = ""
) -> bytes:
    """One bar per (label, value); a value of None is drawn as “—” without a bar. ``whole``:
    the value of a full-length bar (1 for shares), else the largest value."""
    rows = list(rows)[:MAX_ROWS]
    height = TOP + ROW * max(len(rows), 1) + (34 if note else 14)
    ET.register_namespace("", SVG)
    svg = ET.Element(
        f"{{{SVG}}}svg",
        {
            "width": str(WIDTH),
            "height": str(height),
            "viewBox": f"0 0 {WIDTH} {height}",
            "role": "img",
            "aria-label": title,
            "font-family": FONT,
        },
    )
    ET.SubElement(svg, f"{{{SVG}}}title").text = title
    _text(svg, 12, 24, title, size=16, weight="bold")
    top = whole or max((v for _, v in rows if v is not None), default=0.0) or 1.0
    span = WIDTH - LABEL - VALUE - 20
    for n, (label, value) in enumerate(rows):
        y = TOP + n * ROW
        _text(svg, LABEL - 8, y + 15, _label(label), anchor="end")
        if value is None:
            _text(svg, LABEL + 4, y + 15, "—", fill="#666")
            continue
        length = max(value / top * span, 1.0 if value else 0.0)
        ET.SubElement(
            svg, f"{{{SVG}}}rect", {"x": str(LABEL), "y": str(y + 3), "width": f"{length:.1f}", "height": str(ROW - 6), "fill": COLOUR}
        )
        _text(svg, LABEL + length + 6, y + 15, shown(value))
    if note:
        _text(svg, 12, height - 12, note, size=11, fill="#666")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="unicode") + "\n").encode("utf-8")


def _text(
    parent: ET.Element, x: float, y: float, text: str, *, size: int = 13, anchor: str = "start", weight: str = "normal", fill: str = "#222"
) -> None:
    node = ET.SubElement(
        parent,
        f"{{{SVG}}}text",
        {"x": f"{x:.1f}", "y": str(y), "font-size": str(size), "text-anchor": anchor, "font-weight": weight, "fill": fill},
    )
    node.text = text


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def wan(value: float) -> str:
    """Yuan as 万元."""
    return f"{value / 10000:,.0f} 万元" if value >= 10000 else f"{value:,.0f} 元"


def count(value: float) -> str:
    return f"{value:,.0f}"
