"""Findings: one flat, frozen record per problem, and the report that collects them."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from dataclasses import field as _field


class Level(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # an overridden change rule: shown, never failing


ERROR, WARNING, INFO = Level.ERROR, Level.WARNING, Level.INFO


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place. Field order is the sort order."""

    path: str
    line: int
    column: int
    rule: str
    level: Level = _field(compare=False)
    message: str = _field(compare=False)
    record: str | None = _field(default=None, compare=False)
    field: str | None = _field(default=None, compare=False)
    cites: str | None = _field(default=None, compare=False)

    def as_json(self) -> dict[str, object]:
        """The public JSON form of SPEC §5 (plus ``field`` and ``cites``)."""
        data = asdict(self)
        data["level"] = str(self.level)
        return data


@dataclass(frozen=True)
class Note:
    """A line of a report about no file: e.g. a ``Policy-Override`` taken or not taken
    and why. Notes never change the exit code or the counts."""

    level: Level
    title: str  # what it is about, e.g. Policy-Override
    message: str

    def as_json(self) -> dict[str, str]:
        return {"level": str(self.level), "title": self.title, "message": self.message}


@dataclass
class Report:
    """Every finding of one run, sorted; the exit code follows from the levels."""

    findings: list[Diagnostic] = _field(default_factory=list)
    files: int = 0
    records: int = 0
    notes: list[Note] = _field(default_factory=list)  # in the order they were made

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.findings.extend(diagnostics)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self.findings), key=_sort_key)

    @property
    def counts(self) -> Counter[str]:
        return Counter(str(d.level) for d in set(self.findings))

    @property
    def exit_code(self) -> int:
        return 1 if self.counts[ERROR] else 0

    def summary(self) -> dict[str, int]:
        counts = self.counts
        return {
            "files": self.files,
            "records": self.records,
            "errors": counts[ERROR],
            "warnings": counts[WARNING],
            "info": counts[INFO],
        }


def _sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    return (d.path, d.line, d.column, d.rule, d.message)
