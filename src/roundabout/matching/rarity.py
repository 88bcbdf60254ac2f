"""How common a name token is in the sanctions lists: a weight factor in [RARITY_MIN, 1].

A match on "Mohammed", "Ali" or "Ivan" says less than a match on "Prokopenko": the scorer
(:mod:`roundabout.matching.compare`) and the candidate index (:mod:`roundabout.matching.index`)
both multiply a token's weight by its rarity, an IDF factor

    rarity = clamp(log(N / df) / log(N / RARE_DF), RARITY_MIN, 1)

where ``df`` is the number of list names (of ``N``) holding the token's skeleton. Tokens in at
most :data:`RARE_DF` names, and tokens never seen in the lists, keep their full weight.

The document frequencies are computed once from the bundled OFAC SDN (2024-05-03, with aliases)
and UN consolidated lists and committed as ``data/token_df.json`` (regenerate with
``python scripts/build_token_df.py``): no labelled data goes into them, and the same table serves
every list screened, so a score does not depend on which other lists are loaded.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources
from typing import Final

RARE_DF: Final = 20
RARITY_MIN: Final = 0.3
#: Skeletons seen in fewer names than this are not stored (they weigh 1 anyway).
_STORE_MIN: Final = RARE_DF


@cache
def _table() -> tuple[int, dict[str, int]]:
    path = resources.files("roundabout.matching").joinpath("data/token_df.json")
    raw = json.loads(path.read_text("utf-8"))
    return int(raw["names"]), {str(k): int(v) for k, v in raw["df"].items()}


@lru_cache(maxsize=200_000)
def rarity(skel: str) -> float:
    """The weight factor of a token with skeleton ``skel``."""
    n, df = _table()
    d = df.get(skel)
    if d is None or d <= RARE_DF:
        return 1.0
    return max(RARITY_MIN, min(1.0, math.log(n / d) / math.log(n / RARE_DF)))


def document_frequencies(skeleton_sets: Iterable[Iterable[str]]) -> tuple[int, dict[str, int]]:
    """Number of names and, per skeleton, in how many of them it occurs."""
    counts: Counter[str] = Counter()
    n = 0
    for sk in skeleton_sets:
        n += 1
        counts.update(set(sk))
    return n, {k: v for k, v in sorted(counts.items()) if v > _STORE_MIN}
