"""What the public may see (SPEC §6). The portal, open data and the decision log ask here.

Public: records that are not ``restricted``, do not depend on a restricted record, and
are in a visible state — lists from ``published`` on (a withdrawn list only if it had
been published), calls, bid-reviews once their 公示 has started, the bids they select,
and the projects, milestones and awards that follow. Never: needs, unselected bids,
other reviews as records (their results appear on project pages, never the panel).
"""

from __future__ import annotations

import datetime as dt

from generator.models import Bid, Review
from generator.models.corpus import Corpus
from generator.models.listing import PUBLIC_LIST_STATUSES

# A record depends on these references: if one is hidden for confidentiality, so is it.
_DEPENDS_ON = {
    "bid": ("list",),
    "review": ("subject",),
    "project": ("list", "bid", "review"),
    "milestone": ("project",),
    "award": ("project", "milestone"),
}


def restricted_ids(corpus: Corpus, withheld: frozenset[str] = frozenset()) -> frozenset[str]:
    """Restricted records and every record that depends on one, transitively. ``withheld``:
    more ids to treat as restricted (records an earlier revision holds that are not public now)."""
    hidden = {r.id for r in corpus if r.restricted} | withheld
    changed = True
    while changed:  # dependency chains are at most four long: list → bid → project → award
        changed = False
        for rec in corpus:
            if rec.id in hidden:
                continue
            for name in _DEPENDS_ON.get(rec.kind, ()):
                if getattr(rec, name, None) in hidden:
                    hidden.add(rec.id)
                    changed = True
                    break
    return frozenset(hidden)


def public_ids(corpus: Corpus, today: dt.date, withheld: frozenset[str] = frozenset()) -> frozenset[str]:
    """Ids of every record the portal and open data may show on ``today``; never those in
    ``withheld`` nor the records that depend on them."""
    hidden = restricted_ids(corpus, withheld)
    public: set[str] = set()
    for lst in corpus.lists:
        if lst.id not in hidden and (lst.status in PUBLIC_LIST_STATUSES or (lst.status == "withdrawn" and lst.call)):
            public.add(lst.id)
    public.update(c.id for c in corpus.calls if c.id not in hidden)
    for rev in corpus.reviews:
        if _notice_started(rev, today) and rev.id not in hidden and rev.subject in public:
            public.add(rev.id)
            public.update(b for b in rev.selected if b not in hidden and corpus.get(b, Bid))
    for proj in corpus.projects:
        if proj.id not in hidden and {proj.list, proj.bid, proj.review} <= public:
            public.add(proj.id)
    public.update(m.id for m in corpus.milestones if m.project in public and m.id not in hidden)
    public.update(a.id for a in corpus.awards if a.project in public and a.id not in hidden)
    return frozenset(public)


def _notice_started(rev: Review, today: dt.date) -> bool:
    return rev.type == "bid-review" and rev.publicity is not None and bool(rev.selected) and rev.publicity.start <= today
