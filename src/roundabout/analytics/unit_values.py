"""Unit values: value per item (or per kilogram) of sanctioned products, before and after,
relative to other goods on the same route.

DP20097 finds that, despite evasion, sanctions "resulted in a substantial increase in unit
values of products exported to Russia either directly or indirectly": goods that get
through cost more, and the roundabout adds margins. Per route, kind and product::

    unit value = value / items (the supplementary unit, pieces of cars or phones) where the
                 data have items in both periods, else value / net weight (kg)
    change     = log(unit value in window / unit value in baseline)

summarised by route and kind as the median change over products (a median, since a few
products with tiny weights have wild unit values). The sanctions' part is the sanctioned
goods' median change *minus other goods' on the same route* (``relative_to_other_goods``):
a general 15 per cent rise in prices is not a sanctions effect. Routes: ``direct`` (origin ->
target), ``to_hubs`` (origin -> hub) and ``onward`` (hub -> target). A cell counts only when
every row in it has a weight (or items).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from roundabout.analytics.resolve import Plan


def unit_values(segments: ir.Table, plan: Plan) -> ir.Table:
    """Columns: ``route, kind, products, per_item, median_log_change, uv_base, uv_win`` (the
    last two are value per kg over the products measured per kg, for orientation)."""
    c = segments.filter(
        segments.kind.isin(["sanctioned", "other"]),
        segments.seg.notnull(),
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
    p = c.group_by(["route", "kind", "product"]).aggregate(
        v_base=c.value.sum(where=c.seg == "base"),
        v_win=c.value.sum(where=c.seg == "win"),
        w_base=c.weight.sum(where=(c.seg == "base") & (c.weight > 0)),
        w_win=c.weight.sum(where=(c.seg == "win") & (c.weight > 0)),
        i_base=c.items.sum(where=(c.seg == "base") & (c.items > 0)),
        i_win=c.items.sum(where=(c.seg == "win") & (c.items > 0)),
        w_all=c.weight.count() == c.count(),
        i_all=c.items.count() == c.count(),
    )
    p = p.filter(p.v_base > 0, p.v_win > 0)
    by_item = p.i_all & (p.i_base > 0) & (p.i_win > 0)
    by_kg = p.w_all & (p.w_base > 0) & (p.w_win > 0)
    p = p.filter(by_item | by_kg)
    change = ibis.cases(
        (by_item, ((p.v_win / p.i_win) / (p.v_base / p.i_base)).ln()),
        else_=((p.v_win / p.w_win) / (p.v_base / p.w_base)).ln(),
    )
    p = p.mutate(change=change, per_item=by_item)
    kg = ~p.per_item
    return p.group_by(["route", "kind"]).aggregate(
        products=p.count(),
        per_item=p.per_item.sum(),
        median_log_change=p.change.median(),
        uv_base=p.v_base.sum(where=kg) / p.w_base.sum(where=kg),
        uv_win=p.v_win.sum(where=kg) / p.w_win.sum(where=kg),
    )
