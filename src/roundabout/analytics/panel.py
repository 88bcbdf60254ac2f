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

Two views (:class:`Panel`):

``rows``
    the selected rows themselves, monthly (an expression, never materialised: scanned, with
    narrow filters, by the two measures that need months: the consistency of a finding over
    the window and the DiD);
``segments``
    value and weight per route, product, segment and year: what every other measure reads.
    About twelve times smaller than the monthly cells, it is cached on the engine even for a
    100-million-row panel.
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


def selected(flows: ir.Table, goods: ir.Table, plan: Plan) -> ir.Table:
    """The plan's rows with ``product``, ``kind``, ``sanctioned_from``, ``seg`` and ``year``."""
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
    f = f.select(
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
    g = goods.select(g_product="product", sanctioned_from="sanctioned_from")
    j = f.left_join(g, f.product == g.g_product).drop("g_product")
    kind = ibis.cases(
        (j.product == TOTAL, ibis.literal("total")),
        (j.sanctioned_from.notnull() & (j.sanctioned_from <= w.end), ibis.literal("sanctioned")),
        else_=ibis.literal("other"),
    )
    return j.mutate(kind=kind)


def segments(rows: ir.Table) -> ir.Table:
    """Value and weight per (reporter, partner, flow, product, kind, seg, year).

    ``weight`` (kg) is null unless every row summed has one.
    """
    r = rows.filter(rows.seg.notnull())
    keys = ["reporter", "partner", "flow", "product", "kind", "seg", "year"]
    g = r.group_by(keys).aggregate(
        value=r.value.sum(),
        weight=r.weight.sum(),
        weighed=r.weight.count(),
        n=r.count(),
    )
    return g.select(
        "reporter",
        "partner",
        "flow",
        "product",
        "kind",
        "seg",
        "year",
        "value",
        weight=ibis.cases((g.weighed == g.n, g.weight), else_=ibis.null("float64")),
    )


def build(flows: ir.Table, goods: ir.Table, plan: Plan) -> Panel:
    """The two views as expressions (the caller decides what to cache)."""
    r = selected(flows, goods, plan)
    return Panel(rows=r, segments=segments(r))
