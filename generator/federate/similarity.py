"""同质化: lists of different programmes that ask for nearly the same thing.

A list's text is its title, its “卡点”问题 and its indicators (name and target), cut into
words by jieba (NFKC, lower case; punctuation, spaces and one-character words such as
的、与 dropped). Two lists are compared by the Jaccard similarity of their word sets —
the share of words they have in common — estimated from MinHash signatures of 128
permutations (datasketch; standard error ≤ 0.045). Signatures are made once per
programme, when it is harvested, and kept with its cached result.

Grouping scales to 10⁵ lists without comparing every pair: lists are taken in order
(year, then id) and each joins the earliest list it is similar to at or above the
threshold — its group's *leader* — found through a MinHash LSH index of the leaders
only; a list similar to none leads a group of its own. Every member's score is its
similarity to its leader. A group is reported when its lists come from two programmes
or more. The LSH bands favour recall (false negatives weigh four times false
positives): a pair at the threshold is found ~86% of the time, one 0.1 above it ~98%.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

NUM_PERM = 128
SEED = 1  # every signature must use the same permutations …
SCHEME = "affine32"  # … and the same hashing scheme (datasketch's default since 2.0)
LSH_WEIGHTS = (0.2, 0.8)  # false positive, false negative
SIGNATURE_BYTES = NUM_PERM * 4


def words(title: str, bottleneck: str, indicators: Sequence[dict[str, Any]]) -> set[str]:
    """The word set a list is compared by."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    text = " ".join([title, bottleneck, *(f"{i.get('name', '')} {i.get('target', '')}" for i in indicators)])
    text = unicodedata.normalize("NFKC", text).lower()
    return {w for w in jieba.lcut(text) if (len(w) > 1 and any(ch.isalnum() for ch in w)) or (len(w) == 1 and w.isascii() and w.isalnum())}


def signatures(word_sets: Sequence[set[str]]) -> np.ndarray:
    """MinHash signatures, one row of ``NUM_PERM`` uint32 per word set."""
    from datasketch import MinHash

    if not word_sets:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    found = MinHash.bulk([[w.encode("utf-8") for w in sorted(ws)] for ws in word_sets], num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    return np.vstack([m.hashvalues.astype(np.uint32) for m in found])


def to_bytes(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


def from_bytes(blobs: Sequence[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    return np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(blobs), NUM_PERM)


def scores(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of one signature to each row of ``others``."""
    return (others == signature).mean(axis=1) if len(others) else np.zeros(0)


@dataclass(frozen=True)
class Group:
    leader: int  # index into the lists as given
    members: tuple[tuple[int, float], ...]  # (index, similarity to the leader), leader excluded, best first


def groups(sigs: np.ndarray, programmes: Sequence[str], threshold: float) -> list[Group]:
    """Groups of near-duplicates spanning two programmes or more; ``sigs`` in the order
    in which lists may lead (earliest first)."""
    from datasketch import LeanMinHash, MinHashLSH
    from datasketch.lsh import _optimal_param

    params = _optimal_param(threshold, NUM_PERM, *LSH_WEIGHTS)
    index = MinHashLSH(num_perm=NUM_PERM, params=params)
    leaders: list[int] = []
    joined: dict[int, list[tuple[int, float]]] = {}
    for i in range(len(sigs)):
        sketch = LeanMinHash(seed=SEED, hashvalues=sigs[i], scheme=SCHEME)
        candidates = sorted(index.query(sketch))
        if candidates:
            found = scores(sigs[i], sigs[candidates])
            best = int(np.argmax(found))
            if found[best] >= threshold:
                joined[candidates[best]].append((i, float(found[best])))
                continue
        index.insert(i, sketch, check_duplication=False)
        leaders.append(i)
        joined[i] = []
    out = []
    for leader in leaders:
        members = joined[leader]
        if members and len({programmes[leader], *(programmes[m] for m, _ in members)}) > 1:
            out.append(Group(leader, tuple(sorted(members, key=lambda m: (-m[1], m[0])))))
    return out
