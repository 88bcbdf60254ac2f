"""The panel every measure reads: flows on the routes that matter, classified by the goods list.

Only these routes are kept:

* origin -> hub, origin -> target and origin -> control exports (reported by the origin);
* hub -> target exports (reported by the hub: the onward leg);
* hub imports from the origins (reported by the hub: the mirror of the first route).

``product`` is the HS6 code, or ``TOTAL`` for all-product rows. Each reporter contributes one
product level (see :mod:`roundabout.analytics.resolve`): CN8 lines are summed to their HS6,
HS4 aggregates are never read. Rows are classified by the goods list:

* ``sanctioned``: the product is banned at some point up to the end of the window (its
  ``sanctioned_from`` month is at or before it);
* ``other``: every other product ("goods not sanctioned at that time");
* ``total``: the all-products row, used for other goods where only totals exist
  (other = total - sanctioned, as for the bundled Eurostat data).

``seg`` marks the months of the baseline (``base``) and of the window (``win``); months in
between keep ``seg`` null and serve only the event study.

Three views (:class:`Panel`):

``picked``
    the selected rows, monthly, before classification (an expression, never materialised:
    scanned, with narrow filters, by the two measures that need months: the consistency of
    a finding over the window and the DiD; neither needs the goods list row by row);
``rows``
    the same rows classified (``kind``, ``sanctioned_from``);
``segments``
    value and weight per route, product, segment and year: what every other measure reads.
    Summed from ``picked`` and classified after summing (the goods list is joined to the
    sums, not to the rows). About twelve times smaller than the monthly cells, it is cached
    on the engine even for a 100-million-row panel.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from roundabout.analytics.resolve import Plan

TOTAL = "TOTAL"


@dataclass(frozen=True)
class Panel:
    rows: ir.Table
    segments: ir.Table
    picked: ir.Table


def picked(flows: ir.Table, plan: Plan) -> ir.Table:
    """The plan's rows with ``product``, ``weight``, ``seg`` and ``year``, not yet classified
    (no join: what the scans that need no ``kind`` read)."""
    f = flows
    hubs, origins = list(plan.hubs), list(plan.origins)
    destinations = [*hubs, plan.target, *plan.controls]
    route = (
        ((f.flow == "export") & f.reporter.isin(origins) & f.partner.isin(destinations))
        | ((f.flow == "export") & f.reporter.isin(hubs) & (f.partner == plan.target))
        | ((f.flow == "import") & f.reporter.isin(hubs) & f.partner.isin(origins))
    )
    level = f.product_level == 0
    for lv, reporters in plan.level_groups().items():
        level = level | (f.reporter.isin(reporters) & (f.product_level == lv))
    span = plan.span
    f = f.filter(
        f.freq == "M",
        f.period >= span.start,
        f.period <= span.end,
        f.currency == plan.currency,
        route,
        level,
    )
    b, w = plan.baseline, plan.window
    return f.select(
        "reporter",
        "partner",
        "flow",
        "period",
        "value",
        product=ibis.cases((f.product_level == 0, ibis.literal(TOTAL)), else_=f.hs6),
        weight=f.net_weight_kg,
        year=f.period.left(4),
        seg=ibis.cases(
            ((f.period >= b.start) & (f.period <= b.end), ibis.literal("base")),
            ((f.period >= w.start) & (f.period <= w.end), ibis.literal("win")),
            else_=ibis.null("string"),
        ),
    )


def classify(t: ir.Table, goods: ir.Table, plan: Plan) -> ir.Table:
    """``t`` (with a ``product`` column) with ``sanctioned_from`` and ``kind`` added."""
    g = goods.select(g_product="product", sanctioned_from="sanctioned_from")
    j = t.left_join(g, t.product == g.g_product).drop("g_product")
    kind = ibis.cases(
        (j.product == TOTAL, ibis.literal("total")),
        (
            j.sanctioned_from.notnull() & (j.sanctioned_from <= plan.window.end),
            ibis.literal("sanctioned"),
        ),
        else_=ibis.literal("other"),
    )
    return j.mutate(kind=kind)


def selected(flows: ir.Table, goods: ir.Table, plan: Plan) -> ir.Table:
    """The plan's rows with ``product``, ``kind``, ``sanctioned_from``, ``seg`` and ``year``."""
    return classify(picked(flows, plan), goods, plan)


def segments(rows: ir.Table, goods: ir.Table, plan: Plan) -> ir.Table:
    """Value and weight per (reporter, partner, flow, product, kind, seg, year), from the
    unclassified rows (:func:`picked`): summed first, classified after (a join of the sums,
    not of the rows).

    ``weight`` (kg) is null unless every row summed has one.
    """
    r = rows.filter(rows.seg.notnull())
    keys = ["reporter", "partner", "flow", "product", "seg", "year"]
    g = r.group_by(keys).aggregate(
        value=r.value.sum(),
        weight=r.weight.sum(),
        weighed=r.weight.count(),
        n=r.count(),
    )
    c = classify(g, goods, plan)
    return c.select(
        "reporter",
        "partner",
        "flow",
        "product",
        "kind",
        "seg",
        "year",
        "value",
        weight=ibis.cases((c.weighed == c.n, c.weight), else_=ibis.null("float64")),
    )


def build(flows: ir.Table, goods: ir.Table, plan: Plan) -> Panel:
    """The views as expressions (the caller decides what to cache)."""
    p = picked(flows, plan)
    return Panel(rows=classify(p, goods, plan), segments=segments(p, goods, plan), picked=p)
