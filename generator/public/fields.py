"""One allow-list of public fields per kind: the only fields of a public record that open
data, the record histories, the decision log and the leak check may ever show.

A kind that is not listed (needs, redactions) shows nothing. A field not listed is never
shown, in its current value or in any past one: a bid's feasibility plan and declarations, a
review's panel, opinion and result, a list's source needs and argumentation, a milestone's
check (open data derives the check's result instead), the ``restricted`` flag itself. Open data
adds derived values (``bids_count``, ``check_result``) computed from public records only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# A field path as the history writes it: funding.subsidy_cny, indicators[I2].target, outcome.acceptance.
_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


@dataclass(frozen=True)
class PublicFields:
    kind: str
    fields: tuple[str, ...]  # top-level fields, in the order open data writes them
    hidden: Mapping[str, frozenset[str]] = field(default_factory=dict)  # members of a field that are never shown

    def shows(self, path: str) -> bool:
        """Whether a field path (``funding.subsidy_cny``, ``outcome.acceptance``) may be shown."""
        names = [name for name, key in _SEGMENT.findall(path) if name]
        if not names or names[0] not in self.fields:
            return False
        return len(names) < 2 or names[1] not in self.hidden.get(names[0], frozenset())

    def part(self, path: str, value: Any) -> Any:
        """A shown value without the members that are never shown (``outcome`` without its
        ``acceptance``), for a path at or above them."""
        names = [name for name, key in _SEGMENT.findall(path) if name]
        hidden = self.hidden.get(names[0], frozenset()) if len(names) == 1 else frozenset()
        return _without(value, hidden) if hidden else value


def _without(value: Any, hidden: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in hidden}
    if isinstance(value, list):
        return [_without(v, hidden) for v in value]
    return value


PUBLIC_FIELDS: dict[str, PublicFields] = {
    p.kind: p
    for p in (
        PublicFields(
            "program",
            ("id", "issuer", "credit_code", "region", "division", "level", "mode", "basis", "industries", "portal", "policy", "approvals", "open_data"),
        ),
        PublicFields(
            "list",
            ("id", "title", "grade", "status", "issuer", "track", "end_user", "industry", "bottleneck", "impact", "indicators",
             "benchmark", "funding", "period", "eligibility", "decision", "call", "amendments", "withdrawal"),
        ),
        PublicFields("call", ("id", "title", "published", "opens", "closes", "lists", "how_to_apply", "materials", "contacts")),
        PublicFields("review", ("id", "subject", "date", "selected", "publicity")),  # a bid-review's 公示, never its panel
        PublicFields("bid", ("id", "list", "submitted", "lead", "partners", "principal_investigator", "requested_cny", "status")),
        PublicFields(
            "project", ("id", "list", "bid", "review", "agreement", "subsidy_cny", "status", "outcome"),
            hidden={"outcome": frozenset({"acceptance"})},  # the acceptance review is not public; its result is
        ),
        PublicFields("milestone", ("id", "project", "due", "deliverables")),
        PublicFields("award", ("id", "project", "date", "amount_cny", "basis", "milestone", "source", "payer")),
    )
}  # fmt: skip
NOTHING = PublicFields("", ())


def public_fields(kind: str) -> PublicFields:
    """The allow-list of a kind; an empty one for a kind that is never public."""
    return PUBLIC_FIELDS.get(kind, NOTHING)
