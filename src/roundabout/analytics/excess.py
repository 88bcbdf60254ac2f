"""Excess flows: how far a product's trade on a route went beyond its counterfactual.

The counterfactual follows WP 276's logic (sanctioned versus other goods, before versus
after): without the sanctions, a sanctioned product's exports on a route would have moved
like the route's *other* goods. So for each route (reporter -> partner) and product::

    growth  = other goods in the window / other goods in the baseline     (same route)
    expected = product in the baseline x growth
    excess   = product in the window - expected

"Other goods" are the products not sanctioned by the end of the window; where the data hold
an all-products total for the route (the bundled Eurostat extract has only totals besides the
sanctioned products), other goods are the total minus the sanctioned products. A route with
no other goods in the baseline gets growth 1 (no adjustment).

Two routes give the findings' first two numbers:

* hub excess (``excess_in``): origin -> hub exports, summed over origins, per hub and product;
* onward excess (``excess_out``): hub -> target exports reported by the hub.

Pass-through, the part that can have gone on to the target, is the smaller of the two
(see :mod:`roundabout.analytics.rank`).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from roundabout.analytics.panel import TOTAL
from roundabout.analytics.resolve import Plan


def other_goods(segments: ir.Table, pool_over: Sequence[str] | None = None) -> ir.Table:
    """Per route (reporter, partner, flow): other goods in baseline and window, and growth.

    Per segment: total minus sanctioned where the route reports a total in that segment,
    else the sum of the other products. (On a route with totals, a product set aside for a
    broken series stays inside "other goods" in both periods, since the totals hold it in
    both; elsewhere it is left out of both.)

    ``pool_over`` (the origins) pools the counterfactual: every route from one of these
    reporters takes the growth of other goods summed over all of them to the same partner,
    ``sum other_win / sum other_base``, the default of ``leaks`` (``--counterfactual
    pooled``). Per-route growth rests on single small routes (other goods from Malta to
    Kyrgyzstan can grow a hundredfold on one shipment); pooling weighs each origin by its
    trade, the way a regression with partner-by-period effects would.
    """
    c = segments
    per_seg = c.group_by(["reporter", "partner", "flow", "seg"]).aggregate(
        total=c.value.sum(where=c.kind == "total"),
        sanctioned=c.value.sum(where=c.kind == "sanctioned"),
        other=c.value.sum(where=c.kind == "other"),
        has_total=(c.kind == "total").any(),
    )
    m = per_seg
    other = ibis.cases(
        (m.has_total, m.total - m.sanctioned.fill_null(0.0)),
        else_=m.other.fill_null(0.0),
    )
    m = m.mutate(other_value=other)
    r = m.group_by(["reporter", "partner", "flow"]).aggregate(
        other_base=m.other_value.sum(where=m.seg == "base").fill_null(0.0),
        other_win=m.other_value.sum(where=m.seg == "win").fill_null(0.0),
    )
    if pool_over is not None:
        o = r.filter(r.reporter.isin(list(pool_over)))
        pooled = o.group_by(["partner", "flow"]).aggregate(
            p_base=o.other_base.sum(), p_win=o.other_win.sum()
        )
        pooled = pooled.select(q_partner="partner", q_flow="flow", p_base="p_base", p_win="p_win")
        j = r.left_join(pooled, (r.partner == pooled.q_partner) & (r.flow == pooled.q_flow))
        mine = j.reporter.isin(list(pool_over))
        r = j.select(
            "reporter",
            "partner",
            "flow",
            other_base=ibis.cases((mine, j.p_base), else_=j.other_base),
            other_win=ibis.cases((mine, j.p_win), else_=j.other_win),
        )
    growth = ibis.cases(
        (r.other_base > 0, ibis.greatest(r.other_win, 0.0) / r.other_base),
        else_=ibis.null("float64"),
    )
    return r.mutate(growth=growth)


def route_excess(
    segments: ir.Table,
    growth: ir.Table,
    *,
    flow: str,
    reporters: Sequence[str],
    partners: Sequence[str],
) -> ir.Table:
    """Per (reporter, partner, product) on the given routes: base, win, expected, excess."""
    c = segments
    c = c.filter(
        c.kind != "total",
        c.seg.notnull(),
        c.flow == flow,
        c.reporter.isin(list(reporters)),
        c.partner.isin(list(partners)),
    )
    p = c.group_by(["reporter", "partner", "flow", "product", "kind"]).aggregate(
        base=c.value.sum(where=c.seg == "base").fill_null(0.0),
        win=c.value.sum(where=c.seg == "win").fill_null(0.0),
    )
    g = growth.select(g_reporter="reporter", g_partner="partner", g_flow="flow", growth="growth")
    j = p.left_join(
        g, (p.reporter == g.g_reporter) & (p.partner == g.g_partner) & (p.flow == g.g_flow)
    )
    rate = j.growth.fill_null(1.0)
    return j.select(
        "reporter",
        "partner",
        "product",
        "kind",
        "base",
        "win",
        growth=rate,
        expected=j.base * rate,
        excess=j.win - j.base * rate,
    )


def hub_excess(segments: ir.Table, growth: ir.Table, plan: Plan) -> ir.Table:
    """Origin -> hub exports beyond expected, per (hub, product), summed over origins.

    Columns: ``hub, product, kind, base_in, win_in, expected_in, excess_in, origins``
    (the number of origins shipping the product to the hub in the window).
    """
    r = route_excess(segments, growth, flow="export", reporters=plan.origins, partners=plan.hubs)
    return r.group_by([r.partner.name("hub"), "product", "kind"]).aggregate(
        base_in=r.base.sum(),
        win_in=r.win.sum(),
        expected_in=r.expected.sum(),
        excess_in=r.excess.sum(),
        origins=(r.win > 0).sum(),
    )


def onward_excess(segments: ir.Table, growth: ir.Table, plan: Plan) -> ir.Table:
    """Hub -> target exports beyond expected, per (hub, product), as the hub reports them.

    Columns: ``hub, product, kind, base_out, win_out, expected_out, excess_out``.
    """
    r = route_excess(
        segments, growth, flow="export", reporters=plan.onward_hubs, partners=[plan.target]
    )
    return r.select(
        hub=r.reporter,
        product=r.product,
        kind=r.kind,
        base_out=r.base,
        win_out=r.win,
        expected_out=r.expected,
        excess_out=r.excess,
    )


def months_above(rows: ir.Table, hubx: ir.Table, plan: Plan, bans: ir.Table) -> ir.Table:
    """Consistency over time: in how many of its window months did origin -> hub exports of
    the product exceed the expected monthly level (``expected_in`` / its months)?

    Columns: ``hub, product, months_above, months``. A product banned during the window counts
    its months under the ban only (``bans``, from :func:`roundabout.analytics.panel.bans`). A
    one-off shipment scores 1 of N months; a steady re-routing channel scores close to N.
    Reads the panel's monthly rows (``picked``).
    """
    w = plan.window
    c = rows.filter(
        # The window's months, as a plain range too: engines push it into the scan.
        rows.period >= w.start,
        rows.period <= w.end,
        rows.seg == "win",
        rows.flow == "export",
        rows.product != TOTAL,
        rows.reporter.isin(list(plan.origins)),
        rows.partner.isin(list(plan.hubs)),
    )
    monthly = c.group_by([c.partner.name("hub"), "product", "period"]).aggregate(
        value=c.value.sum()
    )
    n = len(plan.window)
    b = bans.select(n_product="b_product", n_months="b_months")
    h = hubx.left_join(b, hubx.product == b.n_product)
    months = h.n_months.fill_null(n)
    e = h.select(
        e_hub="hub", e_product="product", per_month=h.expected_in / months, e_months=months
    )
    j = monthly.join(e, (monthly.hub == e.e_hub) & (monthly.product == e.e_product))
    return j.group_by(["hub", "product"]).aggregate(
        months_above=(j.value > j.per_month).sum().cast("int64"),
        months=j.e_months.max().cast("int64"),
    )
