"""The rule catalogue: every rule has a stable ID, a level, a citation and a docstring.

A rule is a small function ``check(corpus, policy) -> Iterator[Finding]``; it never
computes positions (``record.finding(path, message)`` carries a field path, turned
into ``file:line:column`` here) and never prints. Rules whose findings come from a
stage rather than a function (S001–S003, S005 from loading) are declared with
``check=None`` so the catalogue still documents them. Change rules (C001–C005) compare
the record set at a base revision with the head: ``@change_rule`` registers
``check(base, head, today)``, which ``run_change_rules`` runs and ``run_rules`` never does.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from generator.diagnostics import Diagnostic, Level
from generator.models import Finding, Policy
from generator.models.corpus import Corpus
from generator.records.locate import dotted, locate

Check = Callable[[Corpus, Policy], Iterable[Finding]]
ChangeCheck = Callable[[Corpus, Corpus, dt.date], Iterable[Finding]]  # (base, head, today)
RULE_ID = re.compile(r"^[SRFTEBLPC]\d{3}$")
UNCITED = "—"  # shown in the catalogue, not appended to messages


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    cites: str
    title: str  # first docstring line, Chinese: what the rule demands
    doc: str  # the rest: why, and the failing and passing examples
    stage: str  # parse | schema | record | corpus | change
    check: Check | None = None
    needs_policy: bool = True
    change_check: ChangeCheck | None = None  # stage "change": compares the base with the head


REGISTRY: dict[str, Rule] = {}


def _register(rule_: Rule) -> Rule:
    if not RULE_ID.match(rule_.id):
        raise ValueError(f"bad rule id {rule_.id!r}")
    if rule_.id in REGISTRY:
        raise ValueError(f"rule {rule_.id} registered twice")
    if not rule_.cites or not rule_.title:
        raise ValueError(f"rule {rule_.id} needs a citation and a docstring")
    REGISTRY[rule_.id] = rule_
    return rule_


def rule(rule_id: str, *, level: Level, cites: str, stage: str = "corpus", needs_policy: bool = True) -> Callable[[Check], Check]:
    """Register a check function under a rule ID; its docstring is its documentation."""

    def wrap(fn: Check) -> Check:
        title, doc = _split_doc(fn)
        _register(Rule(rule_id, level, cites, title, doc, stage, fn, needs_policy))
        return fn

    return wrap


def change_rule(rule_id: str, *, level: Level, cites: str) -> Callable[[ChangeCheck], ChangeCheck]:
    """Register a change rule: ``check(base, head, today)`` compares two record sets."""

    def wrap(fn: ChangeCheck) -> ChangeCheck:
        title, doc = _split_doc(fn)
        _register(Rule(rule_id, level, cites, title, doc, "change", None, False, fn))
        return fn

    return wrap


def declare(rule_id: str, *, level: Level, cites: str, stage: str, doc: str) -> Rule:
    """Document a rule whose findings a stage (not a function) produces."""
    title, _, rest = inspect.cleandoc(doc).partition("\n")
    return _register(Rule(rule_id, level, cites, title.strip(), rest.strip(), stage, None))


def _split_doc(fn: Callable[..., object]) -> tuple[str, str]:
    doc = inspect.cleandoc(fn.__doc__ or "")
    title, _, rest = doc.partition("\n")
    return title.strip(), rest.strip()


def cites_for(rule_: Rule, policy: Policy | None) -> str:
    """The article a rule cites: the programme's own (``policy.citations``) or the default."""
    return policy.citations.get(rule_.id, rule_.cites) if policy is not None else rule_.cites


def to_diagnostic(rule_: Rule, finding: Finding, cites: str | None = None) -> Diagnostic:
    """A rule's finding at the file, line and column of its field."""
    source = finding.record.source
    line, column = locate(source.node if source else None, finding.path)
    cites = cites or rule_.cites
    suffix = "" if cites == UNCITED else f"（{cites}）"
    message = finding.message
    if suffix and message.endswith("。"):
        message = message[:-1]
    return Diagnostic(
        path=source.path if source else "",
        line=line,
        column=column,
        rule=rule_.id,
        level=rule_.level,
        message=message + suffix,
        record=finding.record.id,
        field=dotted(finding.path) or None,
        cites=cites,
    )


def run_rules(corpus: Corpus, select: Iterable[str] | None = None) -> list[Diagnostic]:
    """Run every corpus rule (or the selected ones) over the record set."""
    wanted = set(select) if select is not None else None
    out: list[Diagnostic] = []
    for rule_ in catalogue():
        if rule_.check is None or rule_.stage != "corpus" or (wanted is not None and rule_.id not in wanted):
            continue
        if rule_.needs_policy and corpus.policy is None:
            continue  # no valid program.yaml: that is reported once, by S003/S004
        cites = cites_for(rule_, corpus.policy)
        out.extend(to_diagnostic(rule_, f, cites) for f in rule_.check(corpus, corpus.policy))  # type: ignore[arg-type]
    return out


def run_change_rules(base: Corpus, head: Corpus, today: dt.date) -> list[Diagnostic]:
    """Run every change rule: what the head may not do to the base (C001–C005)."""
    out: list[Diagnostic] = []
    for rule_ in catalogue():
        if rule_.change_check is not None:
            cites = cites_for(rule_, head.policy)
            out.extend(to_diagnostic(rule_, f, cites) for f in rule_.change_check(base, head, today))
    return out


def catalogue() -> list[Rule]:
    """Every registered rule, by ID."""
    from generator import rules  # noqa: F401  (importing the package registers every module)

    return [REGISTRY[k] for k in sorted(REGISTRY)]


def findings_of(check: Check, corpus: Corpus) -> Iterator[Finding]:
    """A single rule's raw findings (for tests)."""
    yield from check(corpus, corpus.policy)  # type: ignore[arg-type]
