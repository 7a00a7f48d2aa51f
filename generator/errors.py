"""The errors that end a command with a message for the official, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class CannotRun(Exception):
    """The run cannot happen at all (exit 2): no records folder, bad revision, …"""


class RecordErrors(Exception):
    """The records have errors, so nothing is published (exit 1); the message is the report,
    ``findings`` its findings (``diagnostics.Diagnostic``), for whoever shows them otherwise."""

    def __init__(self, message: str, findings: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.findings = tuple(findings)
