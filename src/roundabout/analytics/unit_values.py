"""Unit values: value per kilogram of sanctioned products, before and after, by route.

DP20097 finds that, despite evasion, sanctions "resulted in a substantial increase in unit
values of products exported to Russia either directly or indirectly": goods that get
through cost more, and the roundabout adds margins. Per route and sanctioned product::

    unit value = value / net weight (kg)        in the baseline and in the window
    change     = log(unit value in window / unit value in baseline)

summarised by route as the median change over products (a median, since a few products
with tiny weights have wild unit values). Routes: ``direct`` (origin -> target), ``to_hubs``
(origin -> hub) and ``onward`` (hub -> target). Weights are used rather than the reported
quantities because their unit (kg) is the same for every product; a cell counts only when
every row in it has a weight.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from roundabout.analytics.resolve import Plan


def unit_values(segments: ir.Table, plan: Plan) -> ir.Table:
    """Columns: ``route, products, median_log_change, uv_base, uv_win`` (the last two are
    value per kg over all products of the route, for orientation)."""
    c = segments.filter(
        segments.kind == "sanctioned",
        segments.seg.notnull(),
        segments.weight.notnull(),
        segments.weight > 0,
        segments.flow == "export",
    )
    origins, hubs, target = list(plan.origins), list(plan.hubs), plan.target
    route = ibis.cases(
        (c.reporter.isin(origins) & (c.partner == target), ibis.literal("direct")),
        (c.reporter.isin(origins) & c.partner.isin(hubs), ibis.literal("to_hubs")),
        (c.reporter.isin(hubs) & (c.partner == target), ibis.literal("onward")),
        else_=ibis.null("string"),
    )
    c = c.mutate(route=route).filter(lambda t: t.route.notnull())
    p = c.group_by(["route", "product"]).aggregate(
        v_base=c.value.sum(where=c.seg == "base"),
        w_base=c.weight.sum(where=c.seg == "base"),
        v_win=c.value.sum(where=c.seg == "win"),
        w_win=c.weight.sum(where=c.seg == "win"),
    )
    p = p.filter(p.v_base > 0, p.w_base > 0, p.v_win > 0, p.w_win > 0)
    p = p.mutate(change=((p.v_win / p.w_win) / (p.v_base / p.w_base)).ln())
    return p.group_by("route").aggregate(
        products=p.count(),
        median_log_change=p.change.median(),
        uv_base=p.v_base.sum() / p.w_base.sum(),
        uv_win=p.v_win.sum() / p.w_win.sum(),
    )
