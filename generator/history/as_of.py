"""An earlier revision as the portal may show it now (``jiebang build --as-of``).

Records read at an earlier revision were public by the rules of their day; the build shows
only what is still public now. So HEAD is consulted as well:

- every record of the earlier revision that is not public at HEAD (restricted since, deleted
  since, no longer selected, …) is withheld, with everything that depends on it
  (``PublicView(withheld=…)``); a record public at neither time (a need, an unselected bid, a
  milestone check's review) is not withheld, so the public view counts and reads it as it does
  now (the number of bids on a list, a milestone's check result) — :func:`withheld_then`;
- every text is cleaned as history is (:func:`generator.history.public.scrub`, and the texts
  HEAD's redaction record withholds): personal data removed since never comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.dates import SHANGHAI
from generator.git.log import build_index
from generator.git.repo import GitRecords, head_time
from generator.history.public import redacted_texts, scrub
from generator.history.record import Reader
from generator.models import KINDS, Record
from generator.models.common import share_fields_sets, texts
from generator.models.corpus import Corpus
from generator.models.refs import references as refs
from generator.public.leaks import NOT_RECORDS, Secrets
from generator.public.redact import SKIPPED_KEYS, Redactor
from generator.public.view import PublicView
from generator.public.visibility import public_ids
from generator.records.tree import load_at


@dataclass(frozen=True)
class Present:
    """What HEAD says about records read at an earlier revision."""

    withheld: frozenset[str]  # ids of the earlier records that are not public now
    redacted: frozenset[str]  # texts the redaction record withholds now
    secrets: Secrets  # what identifies the records not shown, judged against what is public now
    corpus: Corpus  # the earlier records, the texts of the public ones cleaned


def present(root: Path, past: Corpus, day: dt.date) -> Present:
    """HEAD's view of ``past``, the records of an earlier revision built for ``day``."""
    src = GitRecords(root)
    head = load_at(src, "HEAD").corpus
    stamp = head_time(root)
    now = PublicView(head, max(day, dt.datetime.fromtimestamp(stamp, SHANGHAI).date() if stamp else day))
    withheld = withheld_then(past, day, now)
    then = PublicView(past, day, withheld)
    secrets = Secrets.of(then, now=now)
    redacted = redacted_texts(build_index(src, "HEAD"), Reader(src), head)
    corpus, broken = cleaned(past, then.ids, Redactor.of(secrets, redacted, scrub))
    if broken:  # withheld whole: what identifies them is secret too
        secrets = Secrets.of(PublicView(past, day, withheld | broken), now=now)
    return Present(withheld | broken, redacted, secrets, corpus)


def withheld_then(past: Corpus, day: dt.date, now: PublicView) -> frozenset[str]:
    """The records of an earlier revision that a view of it on ``day`` may not show because of
    what ``now`` says: those restricted now (or depending on a restricted record), those gone
    since, and those the earlier records make public on ``day`` that are not public now."""
    gone = frozenset(r.id for r in past if r.kind not in NOT_RECORDS and (r.id in now.hidden or r.id not in now.corpus.by_id))
    return gone | frozenset(i for i in public_ids(past, day, gone) if i not in now.ids)


def cleaned(
    corpus: Corpus, shown: frozenset[str], redactor: Redactor, memo: dict[int, tuple[Record, Record | None]] | None = None
) -> tuple[Corpus, frozenset[str]]:
    """The records with every text of the shown ones (and the programme) cleaned, references to
    other records and credit codes excepted; and the ids of records that would not be valid
    once cleaned (withheld whole rather than shown uncleaned). ``memo``: records cleaned
    before, by ``id()`` (a record seen in many views is cleaned once)."""
    records: list[Record] = []
    broken: set[str] = set()
    for rec in corpus:
        if rec.id not in shown and rec.kind != "program":
            records.append(rec)
            continue
        found = memo.get(id(rec)) if memo is not None else None
        fresh = found[1] if found is not None else _clean_record(rec, redactor)
        if memo is not None and found is None:
            memo[id(rec)] = (rec, fresh)  # the record is kept: its id() is not reused while the memo lives
        if fresh is None:
            broken.add(rec.id)
        records.append(fresh or rec)
    return Corpus(records, corpus.broken), frozenset(broken)


def _clean_record(rec: Record, redactor: Redactor) -> Record | None:
    """The record with its texts cleaned (itself when nothing changes); None when the cleaned
    record would not be valid."""
    data = _cleaned(rec, redactor)
    if data is None:
        return rec
    try:
        fresh = KINDS[rec.kind].model.model_validate(data)
    except ValidationError:
        return None
    share_fields_sets(fresh)
    if rec.source is not None:
        fresh.attach(rec.source)
    return fresh


def _cleaned(rec: Record, redactor: Redactor) -> dict[str, Any] | None:
    """The record's JSON form with its texts cleaned; None when nothing changes."""
    references = {path for path, _, _ in refs(rec)}
    data: dict[str, Any] | None = None
    for parent, key, text in texts(rec):
        path = (*parent, key)
        if key in SKIPPED_KEYS or path == ("id",) or path in references:
            continue
        clean = redactor.text(text)
        if clean != text:
            data = data or rec.model_dump(mode="json")
            target: Any = data
            for step in parent:
                target = target[step]
            target[key] = clean
    return data
