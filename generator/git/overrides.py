"""``Policy-Override`` lines: the one grammar of an override, wherever it is written.

SPEC §7: ``Policy-Override: C00x ID… reason`` names a change rule, the ids of the
records whose findings of that rule it excuses, and why; it excuses nothing else. This
module is the only parser of that line. It reads a commit message (the history index,
the decision log, the audit, ``validate --base`` on the main line) and a pull request's
description (``validate --base`` while the pull request is checked) alike, so an
override means the same wherever it is read, and one accepted while a pull request is
checked is accepted again once its description is the approving commit's message.

An override is one line that begins with ``Policy-Override:`` (any case; a full-width
colon ``：`` too). The rest is written as officials type it: ``C001 L-2024-003 理由``,
``C001: L-2024-003 理由``, ``C001：L-2024-003，L-2024-004 理由``, with full-width spaces,
letters or digits. The line may stand anywhere in the text, not only in git's trailer
block: a squash merge appends ``Co-authored-by:`` after the description, which would
push it out of the block. Text inside an HTML comment (``<!-- … -->``) is not shown on a
pull request's page and does not count. A line that names no change rule, no record
id or no reason is rejected with a Chinese explanation of what is wrong and how to
write it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from generator.models.common import ID_PATTERNS

KEY = "Policy-Override"
_LINE = re.compile(r"^[ \t\u3000]*policy-override[ \t\u3000]*[:：](?P<value>.*)$", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_SEPARATORS = re.compile(r"[\s,，、;；:：]*")
_ALNUM = "0-9０-９A-Za-zＡ-Ｚａ-ｚ"
_DASH = "-－‐‑–—"
_RULE = re.compile(rf"[A-Za-zＡ-Ｚａ-ｚ][0-9０-９]{{3}}(?![{_ALNUM}{_DASH}])")
_ID = re.compile(
    rf"[A-Za-zＡ-Ｚａ-ｚ][{_DASH}][0-9０-９]{{4}}[{_DASH}][0-9０-９]{{2,3}}(?:[{_DASH}][0-9０-９]{{1,2}})?(?![{_ALNUM}{_DASH}])"
)
_RECORD_ID = re.compile("|".join(f"(?:{p.strip('^$')})" for kind, p in ID_PATTERNS.items() if kind != "program"))
_EXAMPLE_REASON = "（2025）渝0106民初123号民事裁定书要求删除"


@dataclass(frozen=True)
class Override:
    """A valid override: findings of ``rule`` on the records ``ids`` are excused, for ``reason``."""

    rule: str  # a change rule, e.g. C001
    ids: tuple[str, ...]  # the record ids it excuses, in the order written
    reason: str
    text: str = field(default="", compare=False)  # the line after the key, as written

    def excuses(self, rule: str, record: str | None) -> bool:
        return rule == self.rule and record in self.ids


@dataclass(frozen=True)
class Rejected:
    """A ``Policy-Override`` line that does not follow the grammar: it excuses nothing."""

    text: str  # the line after the key, as written
    problem: str  # in Chinese: what is wrong and how to write it


@dataclass(frozen=True)
class Overrides:
    """Every ``Policy-Override`` line of one text, in order."""

    found: tuple[Override, ...] = ()
    rejected: tuple[Rejected, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.found or self.rejected)


def overrides_in(text: str) -> Overrides:
    """The ``Policy-Override`` lines of a commit message or a pull request's description."""
    found: list[Override] = []
    rejected: list[Rejected] = []
    for line in _COMMENT.sub("", text).splitlines():
        m = _LINE.match(line)
        parsed = parse_override(m["value"]) if m else None
        if isinstance(parsed, Override):
            found.append(parsed)
        elif isinstance(parsed, Rejected):
            rejected.append(parsed)
    return Overrides(tuple(found), tuple(rejected))


def parse_override(value: str) -> Override | Rejected:
    """One override from the text after ``Policy-Override:``."""
    text = value.strip()
    at = _skip(text, 0)
    rule = _RULE.match(text, at)
    if rule is None:
        return Rejected(text, f"没有写明要豁免的变更规则编号。应写作：{_example()}（规则编号、记录编号、理由之间用空格分隔）。")
    name = _normal(rule[0])
    if not name.startswith("C"):
        return Rejected(text, f"{name} 不是变更规则：只有变更规则（C 开头，如 C001）可以豁免，记录本身的错误必须改正。")
    ids: list[str] = []
    at = _skip(text, rule.end())
    while (found := _ID.match(text, at)) is not None and _RECORD_ID.fullmatch(_normal(found[0])):
        ids.append(_normal(found[0]))
        at = _skip(text, found.end())
    if not ids:
        return Rejected(text, f"没有写明豁免哪些记录：规则编号后须列出记录编号。应写作：{_example(name)}。")
    reason = text[at:].strip()
    if not any(ch.isalnum() for ch in reason):
        return Rejected(text, f"没有写明理由：记录编号后须写明豁免的理由。应写作：{_example(name, ids)}。")
    return Override(name, tuple(dict.fromkeys(ids)), reason, text)


def _skip(text: str, at: int) -> int:
    """The position after any separators (spaces of either width, commas, colons) at ``at``."""
    m = _SEPARATORS.match(text, at)
    return m.end() if m else at


def _normal(token: str) -> str:
    """Full-width letters, digits and dashes as ASCII, letters upper-case: ``ｌ－２０２４－００３`` → ``L-2024-003``."""
    folded = unicodedata.normalize("NFKC", token)
    return re.sub(f"[{_DASH}]", "-", folded).upper()


def _example(rule: str = "C001", ids: list[str] | None = None) -> str:
    return f"{KEY}: {rule} {' '.join(ids or ['L-2024-003'])} {_EXAMPLE_REASON}"
