"""Direct drop: how far origin -> target exports of each product fell below expected.

The same counterfactual as :mod:`roundabout.analytics.excess` (baseline x growth of other
goods on the same origin -> target route), read the other way round::

    direct_drop = expected - window        (positive when exports fell short)

Summed over sanctioned products this is the denominator of the offset share: WP 276 finds
that the rise of sanctioned exports to the CCA3 made up around 5 per cent of the fall of
direct EU exports of sanctioned goods to Russia in March-August 2022.
"""

from __future__ import annotations

import ibis.expr.types as ir

from roundabout.analytics.excess import route_excess
from roundabout.analytics.resolve import Plan


def direct_drop(segments: ir.Table, growth: ir.Table, plan: Plan) -> ir.Table:
    """Per product: ``product, kind, base_direct, win_direct, expected_direct, direct_drop``."""
    r = route_excess(
        segments, growth, flow="export", reporters=plan.origins, partners=[plan.target]
    )
    g = r.group_by(["product", "kind"]).aggregate(
        base_direct=r.base.sum(),
        win_direct=r.win.sum(),
        expected_direct=r.expected.sum(),
    )
    return g.mutate(direct_drop=g.expected_direct - g.win_direct)
