"""The errors that end a command with a message for the official, never a traceback."""

from __future__ import annotations


class CannotRun(Exception):
    """The run cannot happen at all (exit 2): no records folder, bad revision, …"""


class RecordErrors(Exception):
    """The records have errors, so nothing is published (exit 1); the message is the report."""
