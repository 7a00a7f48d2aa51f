"""The organisations of one contracting process (OCDS ``parties``), each once, roles merged.

A unit with a 统一社会信用代码 is the party ``CN-USCI-<code>`` with that identifier, so the same
unit has the same id in every process and every programme. A team or an individual (SPEC §8)
has no registered identifier: OCDS then leaves ``identifier`` out and the party has a local id
(the bid's id and its place in it). The programme's issuer is identified by
``program.credit_code`` when the programme gives it, else by the programme's id alone.
"""

from __future__ import annotations

from typing import Any

from generator.models import Program
from generator.models.common import Bidder, Unit
from generator.ocds.codes import SCHEME


def party_id(code: str) -> str:
    return f"{SCHEME}-{code}"


class Parties:
    def __init__(self) -> None:
        self.found: dict[str, dict[str, Any]] = {}

    def add(self, name: str, roles: list[str], code: str | None = None, local_id: str | None = None) -> dict[str, str]:
        """The party (found or new) with ``roles`` added; its reference ``{id, name}``."""
        pid = party_id(code) if code else str(local_id)
        party = self.found.setdefault(pid, {"id": pid, "name": name, "roles": []})
        if code and "identifier" not in party:
            party["identifier"] = {"scheme": SCHEME, "id": code, "legalName": name}
        party["roles"] += [r for r in roles if r not in party["roles"]]
        return {"id": pid, "name": party["name"]}  # one spelling per unit: the first seen

    def unit(self, unit: Unit | Bidder, roles: list[str], local_id: str | None = None) -> dict[str, str]:
        """A unit by its credit code; a team or an individual (no code) by ``local_id``."""
        return self.add(unit.name, roles, unit.credit_code, local_id)

    def issuer(self, program: Program, roles: list[str]) -> dict[str, str]:
        """The programme's issuer (the bureau)."""
        return self.add(program.issuer, roles, program.credit_code, program.id)

    def all(self) -> list[dict[str, Any]]:
        return list(self.found.values())
