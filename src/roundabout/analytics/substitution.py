"""How much of the fall in direct exports came back through the hubs.

*Substitution ratio* of a product (DP20097, section 5): its excess exports to the hubs over
the drop of its direct exports to the target, ``excess_in / drop``. The authors find ratios
above 50 per cent for numerous products even though the aggregate offset is small. A finding's
ratio is its hub's share: ``excess_in(hub, product) / drop(product)``.

*Offset share* of a group of hubs: the same ratio over all sanctioned products,
``hub excess / direct drop``. The issue spells the numerator "hub excess + lost-in-transit
excess"; the hub excess here is what the *origins* recorded, which is already the sum of the
excess that arrived at the hubs and the excess lost in transit
(:mod:`roundabout.analytics.mirror`), so the lost goods are counted once, not twice. WP 276
reports around 5 per cent for the CCA3 in March-August 2022; the authors later wrote "5 to 10
per cent", rising.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator`` when the denominator is a positive drop, else None."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def offset_share(hub_excess: float | None, direct_drop: float | None) -> float | None:
    """Hub excess over direct drop (None without a positive drop)."""
    return ratio(hub_excess, direct_drop)


def by_product(hubx: ir.Table, drop: ir.Table) -> ir.Table:
    """Per product, the hubs as a group: ``product, excess_in, direct_drop, substitution_ratio``."""
    h = hubx.group_by("product").aggregate(excess_in=hubx.excess_in.sum())
    d = drop.select(d_product="product", direct_drop="direct_drop")
    j = h.join(d, h.product == d.d_product)
    r = ibis.cases((j.direct_drop > 0, j.excess_in / j.direct_drop), else_=ibis.null("float64"))
    return j.select("product", "excess_in", "direct_drop", substitution_ratio=r)


def count_over(table: ir.Table, threshold: float = 0.5) -> ir.IntegerScalar:
    """How many products have a substitution ratio above ``threshold``."""
    return (table.substitution_ratio > threshold).sum()
