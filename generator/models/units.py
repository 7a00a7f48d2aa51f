"""Is this the same unit? By 统一社会信用代码 when both sides have one, else by a normalised name."""

from __future__ import annotations

import unicodedata

from generator.models.common import Bidder, Unit


def normalise_name(name: str) -> str:
    """A unit name for loose comparison: NFKC (full-width brackets and letters become
    half-width), without spaces or punctuation, so that 重庆某（集团）有限公司 and
    重庆某(集团)有限公司 are one name."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def same_unit(name: str, code: str | None, unit: Unit | Bidder) -> bool:
    """Whether a unit named ``name`` (with ``code`` when known) is ``unit``: by code when both
    have one, else by name (teams and individuals have no code)."""
    if code and unit.credit_code:
        return code == unit.credit_code
    return normalise_name(name) == normalise_name(unit.name)
