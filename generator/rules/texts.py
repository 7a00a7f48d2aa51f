"""Every text of every record, walked once per record set for the rules that read text
(P001–P003, S006): a national set has ~2 million text fields, and one walk costs what
the rules' own checks cost."""

from __future__ import annotations

import functools

from generator.models import Record
from generator.models.common import Leaf, texts
from generator.models.corpus import Corpus


@functools.lru_cache(maxsize=1)
def record_texts(corpus: Corpus) -> list[tuple[Record, list[Leaf]]]:
    """Each record with its text leaves (``models.common.texts``), in corpus order."""
    return [(rec, texts(rec)) for rec in corpus]
