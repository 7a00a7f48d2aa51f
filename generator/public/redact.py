"""Cleaning text from the past before the public sees it.

History shows values the records no longer hold, and a build of an earlier revision shows
records as they stood then. Such text may name what is not public now, or hold personal data
that was removed later. :class:`Redactor` cleans every such value, in this order:

- personal data and classified text as the privacy rules recognise them now (``scrub``,
  given by the caller: the rules sit above this package) — replaced by 〔已隐去〕;
- every text a redaction record withholds (``records/redactions.yaml``) — 〔已隐去〕;
- ids of records that are not public — 〔非公开记录〕 — and other identifying strings of such
  records — 〔非公开信息〕 (:class:`generator.public.leaks.Secrets`).

It never fails: whatever history holds, it shows less, never breaks a build.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cached_property
from typing import Any

from generator.public.leaks import Secrets

REDACTED = "〔已隐去〕"
SKIPPED_KEYS = frozenset({"credit_code"})  # codes of units, never personal data (as P001 reads them)


def _nothing(text: str) -> str:
    return text


@dataclass(frozen=True)
class Redactor:
    secrets: Secrets | None = None
    redacted: frozenset[str] = frozenset()  # texts withheld by redaction records
    scrub: Callable[[str], str] = _nothing  # personal data and classified text → REDACTED

    @classmethod
    def of(cls, secrets: Secrets | None, redacted: Iterable[str], scrub: Callable[[str], str]) -> Redactor:
        return cls(secrets, frozenset(t for t in redacted if t), scrub)

    @cached_property
    def _withheld(self) -> re.Pattern[str] | None:
        pattern = "|".join(re.escape(t) for t in sorted(self.redacted, key=len, reverse=True))
        return re.compile(pattern) if pattern else None

    def text(self, text: str) -> str:
        text = self.scrub(text)
        if self._withheld is not None:
            text = self._withheld.sub(REDACTED, text)
        return self.secrets.redact(text) if self.secrets is not None else text

    def value(self, value: Any) -> Any:
        """A JSON-form value with every text in it cleaned (credit codes excepted)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: v if k in SKIPPED_KEYS else self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def fields_of(self, item: Any) -> Any:
        """A frozen dataclass (an override from a commit message) with its texts cleaned."""
        if not is_dataclass(item) or isinstance(item, type):
            return item
        changed = {}
        for f in fields(item):
            value = getattr(item, f.name)
            if isinstance(value, str) or (isinstance(value, tuple) and all(isinstance(v, str) for v in value)):
                cleaned = self.text(value) if isinstance(value, str) else tuple(self.text(v) for v in value)
                if cleaned != value:
                    changed[f.name] = cleaned
        return replace(item, **changed) if changed else item
