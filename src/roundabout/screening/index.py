"""Candidate generation: an inverted index over name-token keys, so screening is not all-pairs.

Every list name is analysed once (:func:`roundabout.names.analyze`); each of its tokens is
indexed under

* its skeleton (``Shchukin``/``Schukin`` share ``sukin``),
* its skeleton with one letter deleted, for tokens of 5+ letters (one typo or one romanisation
  difference that the skeleton does not fold still meets: symmetric-delete, as in SymSpell),
* its consonant skeleton (``#mhmd``), reached only by queries written in an abjad,

and each pair of adjacent tokens is indexed joined (``+sergeilavrov``) so that names run together
are found. A query looks up the same keys; each list name collects the IDF weight of the query
tokens it shares. Keys shared by more than :data:`COMMON` names only raise the weight of
candidates found through rarer keys (unless the query has nothing rarer). The best
:data:`MAX_CANDIDATES` names by shared weight go on to full scoring.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from roundabout.names.keys import consonants
from roundabout.names.normalize import NameForm

COMMON = 1500
MAX_CANDIDATES = 40
MIN_SHARE = 0.4
OWN_SHARE = 0.6
_MIN_DELETE_LEN = 5


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int  # position of the entity in the screener's entity list
    form: NameForm


def _deletes(key: str) -> list[str]:
    if len(key) < _MIN_DELETE_LEN:
        return []
    return ["~" + key[:i] + key[i + 1 :] for i in range(len(key))]


def token_keys(skel: str) -> list[str]:
    """The keys one token skeleton is indexed and looked up under."""
    return [skel, "~" + skel, *_deletes(skel)] if len(skel) >= _MIN_DELETE_LEN else [skel]


class NameIndex:
    """Inverted index from token keys to list names."""

    def __init__(self, names: Sequence[IndexedName]) -> None:
        self.names = list(names)
        postings: dict[str, set[int]] = defaultdict(set)
        for nid, item in enumerate(self.names):
            sk = item.form.skeletons
            for s in sk:
                for k in token_keys(s):
                    postings[k].add(nid)
            for t in item.form.tokens:
                postings["#" + consonants(t)].add(nid)
            for a, b in pairwise(sk):
                postings["+" + a + b].add(nid)
            if len(sk) > 1:
                postings["+" + "".join(sk)].add(nid)
                postings["^" + "".join(s[0] for s in sk)].add(nid)
        self.postings: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in postings.items()}
        self._common: dict[str, frozenset[int]] = {
            k: frozenset(v) for k, v in postings.items() if len(v) > COMMON
        }
        n = max(len(self.names), 1)
        self._idf = {k: math.log(1 + n / len(v)) for k, v in self.postings.items()}
        # Each name's own token weight: a short list name fully inside a longer query counts.
        self._own = [sum(self._idf[s] for s in item.form.skeletons) for item in self.names]

    def __len__(self) -> int:
        return len(self.names)

    def _query_groups(self, form: NameForm) -> list[list[str]]:
        """Per query token (or joined pair), the keys that count as one shared token."""
        groups: list[list[str]] = []
        sk = form.skeletons
        for s in sk:
            keys = token_keys(s)
            keys.append("+" + s)  # the query wrote as one word what the list splits
            groups.append(keys)
        if form.abjad:
            groups.extend(["#" + consonants(t)] for t in form.tokens)
        for a, b in pairwise(sk):
            groups.append([a + b, "~" + a + b])
        if len(sk) == 1 and 2 <= len(sk[0]) <= 6:
            groups.append(["^" + sk[0]])
        return groups

    def candidates(self, form: NameForm, limit: int = MAX_CANDIDATES) -> list[int]:
        """Ids of the list names most worth scoring against ``form``, best first."""
        if form.empty:
            return []
        weights: dict[int, float] = {}
        deferred: list[tuple[float, frozenset[int]]] = []
        n_tokens = len(form.skeletons)
        total = 0.0
        for g, keys in enumerate(self._query_groups(form)):
            hit: set[int] = set()
            best_idf = 0.0
            for k in keys:
                post = self.postings.get(k)
                if post is None:
                    continue
                best_idf = max(best_idf, self._idf[k])
                if len(post) <= COMMON:
                    hit.update(post)
                else:
                    deferred.append((self._idf[k], self._common[k]))
            if g < n_tokens:
                total += self._idf.get(keys[0], best_idf)
            for nid in hit:
                weights[nid] = weights.get(nid, 0.0) + best_idf
        if not weights and deferred:
            # Only common tokens: intersect them instead of taking their union.
            deferred.sort(key=lambda x: len(x[1]))
            common = (
                frozenset.intersection(*(p for _, p in deferred))
                if len(deferred) > 1
                else frozenset()
            )
            return sorted(common)[:limit]
        for idf, common_post in deferred:
            for nid in common_post & weights.keys():
                weights[nid] += idf
        if n_tokens > 1:
            # A name scoring near the threshold shares most of the query's token weight.
            floor = MIN_SHARE * total
            own = self._own
            weights = {n: w for n, w in weights.items() if w >= floor or w >= OWN_SHARE * own[n]}
        # Rank by shared weight, less the weight of the list name left unmatched: among names
        # sharing "ali hassan", "Hassan ALI" comes before "Ali Hassan Mohammed Al-Tikriti".
        own = self._own
        return sorted(weights, key=lambda n: -(2 * weights[n] - own[n]))[:limit]


def build(entities_names: Iterable[tuple[int, NameForm]]) -> NameIndex:
    return NameIndex([IndexedName(e, f) for e, f in entities_names])
