"""``jiebang similar``: at 榜单论证 time, the published lists of a federation that a draft
list of this programme resembles — an advisory, never a finding.

The draft is read from this records repository (it need not be public: it is compared
here and goes nowhere); the federation's lists come from the same harvest and cache as
``jiebang federate``. Every published list is scored against the draft (one vectorised
comparison of signatures; 10⁵ lists take milliseconds), and those at or above the
threshold are listed, most similar first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from generator.errors import CannotRun
from generator.federate import similarity
from generator.federate.cache import HarvestCache, default_dir
from generator.federate.config import load_config
from generator.federate.corpus import National
from generator.federate.harvest import Harvested, harvest
from generator.models import ChallengeList
from generator.records.tree import load_tree

LIMIT = 10


@dataclass(frozen=True)
class Match:
    id: str
    title: str
    programme: str  # its region, as the national portal names it
    url: str | None
    score: float


@dataclass(frozen=True)
class Advice:
    list_id: str
    title: str
    threshold: float
    matches: list[Match]
    harvested: list[Harvested]
    compared: int  # published lists compared with


def similar_to(root: Path, list_id: str, config_file: Path, cache: Path | None = None, threshold: float | None = None) -> Advice:
    config = load_config(config_file)
    loaded = load_tree(root)
    draft = loaded.corpus.get(list_id, ChallengeList)
    if draft is None:
        raise CannotRun(f"在 {root / 'records'} 中找不到榜单 {list_id}（或其记录有错误，请先运行 jiebang validate）。")
    limit = threshold if threshold is not None else config.federation.similarity.threshold
    own = f"{loaded.corpus.program.id}/{list_id}" if loaded.corpus.program else None
    words = similarity.words(draft.title, draft.bottleneck, [i.model_dump() for i in draft.indicators])
    signature = similarity.signatures([words])[0]
    with HarvestCache.opened(default_dir(cache), config.federation.id) as store:
        national = National(store, harvest(config.sources, store))
        ids, sigs = national.signatures()
        scores = similarity.scores(signature, sigs)
        best = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] >= limit and ids[i] != own][:LIMIT]
        found = {
            r["id"]: r for r in national.list_columns("id", "title", "programme", "url").to_pylist() if r["id"] in {ids[i] for i in best}
        }
        names = {str(p["programme"]): str(p["region"]) for p in national.programmes}
        matches = [
            Match(ids[i], found[ids[i]]["title"], names.get(found[ids[i]]["programme"], ""), found[ids[i]]["url"], float(scores[i]))
            for i in best
        ]
        return Advice(list_id, draft.title, limit, matches, national.harvested, len(ids))
