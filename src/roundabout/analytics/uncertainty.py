"""How sure is the offset share? A bootstrap over products, and the chapter breakdown.

The offset share is a ratio of two sums over sanctioned products: hub excess over direct
drop. Its uncertainty comes mostly from *which* products happen to be in the data: a few
products (cars, phones, trucks) carry most of both sums. :func:`offset_share_ci` resamples
products with replacement (``n`` times, a fixed ``seed``, so the interval is reproducible)
and takes the 5th and 95th percentiles of the resampled ratio: a 90 per cent interval, for
the hubs as a group and for each hub (same resamples).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def offset_share_ci(
    excess: Iterable[tuple[str, str, float]],
    drop: Iterable[tuple[str, float]],
    hubs: tuple[str, ...],
    n: int,
    seed: int = 0,
    level: float = 0.90,
) -> tuple[tuple[float, float] | None, dict[str, tuple[float, float] | None]]:
    """``excess`` rows ``(hub, product, excess_in)``, ``drop`` rows ``(product, direct_drop)``
    -> the interval for the group and per hub (None where no resample has a positive drop)."""
    if n <= 0:
        return None, {h: None for h in hubs}
    products = sorted({p for _, p, _ in excess} | {p for p, _ in drop})
    if not products:
        return None, {h: None for h in hubs}
    at = {p: i for i, p in enumerate(products)}
    e = np.zeros((len(hubs), len(products)))
    col = {h: i for i, h in enumerate(hubs)}
    for hub, product, value in excess:
        if hub in col:
            e[col[hub], at[product]] += value
    d = np.zeros(len(products))
    for product, value in drop:
        d[at[product]] += value
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(products), size=(n, len(products)))
    dd = d[draws].sum(axis=1)
    per_hub = np.stack([e[i][draws].sum(axis=1) for i in range(len(hubs))])  # hubs x n
    ok = dd > 0
    tail = (1 - level) / 2 * 100

    def interval(num: np.ndarray) -> tuple[float, float] | None:
        if not ok.any():
            return None
        r = num[ok] / dd[ok]
        return float(np.percentile(r, tail)), float(np.percentile(r, 100 - tail))

    group = interval(per_hub.sum(axis=0))
    return group, {h: interval(per_hub[col[h]]) for h in hubs}
