"""An earlier revision as the portal may show it now (``jiebang build --as-of``).

Records read at an earlier revision were public by the rules of their day; the build shows
only what is still public now. So HEAD is consulted as well:

- every record of the earlier revision that is not public at HEAD (restricted since, deleted
  since, no longer selected, …) is withheld, with everything that depends on it
  (``PublicView(withheld=…)``);
- every text is cleaned as history is (:func:`generator.history.public.scrub`, and the texts
  HEAD's redaction record withholds): personal data removed since never comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from generator.dates import SHANGHAI
from generator.git.log import build_index
from generator.git.repo import GitRecords, head_time
from generator.history.public import redacted_texts, scrub
from generator.history.record import Reader
from generator.models import KINDS, Record
from generator.models.common import share_fields_sets, texts
from generator.models.corpus import Corpus
from generator.public.leaks import NOT_RECORDS
from generator.public.redact import SKIPPED_KEYS, Redactor
from generator.public.visibility import public_ids
from generator.records.tree import load_at


@dataclass(frozen=True)
class Present:
    """What HEAD says about records read at an earlier revision."""

    withheld: frozenset[str]  # ids of the earlier records that are not public now
    redacted: frozenset[str]  # texts the redaction record withholds now
    corpus: Corpus  # the earlier records, cleaned


def present(root: Path, past: Corpus, day: dt.date) -> Present:
    """HEAD's view of ``past``, the records of an earlier revision built for ``day``."""
    src = GitRecords(root)
    head = load_at(src, "HEAD").corpus
    stamp = head_time(root)
    now = max(day, dt.datetime.fromtimestamp(stamp, SHANGHAI).date() if stamp else day)
    public_now = public_ids(head, now)
    index = build_index(src, "HEAD")
    redacted = redacted_texts(index, Reader(src), head)
    corpus, broken = cleaned(past, Redactor.of(None, redacted, scrub))
    withheld = frozenset(r.id for r in past if r.kind not in NOT_RECORDS and r.id not in public_now) | broken
    return Present(withheld, redacted, corpus)


def cleaned(corpus: Corpus, redactor: Redactor) -> tuple[Corpus, frozenset[str]]:
    """The records with every text cleaned; and the ids of records that would not be valid
    once cleaned (withheld whole rather than shown uncleaned)."""
    records: list[Record] = []
    broken: set[str] = set()
    for rec in corpus:
        if not any(key not in SKIPPED_KEYS and redactor.text(text) != text for _, key, text in texts(rec)):
            records.append(rec)
            continue
        try:
            fresh = KINDS[rec.kind].model.model_validate(redactor.value(rec.model_dump(mode="json")))
        except ValidationError:
            broken.add(rec.id)
            records.append(rec)
            continue
        share_fields_sets(fresh)
        if rec.source is not None:
            fresh.attach(rec.source)
        records.append(fresh)
    return Corpus(records, corpus.broken), frozenset(broken)
