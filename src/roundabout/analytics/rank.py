"""Ranking: which (hub, product) pairs most deserve an analyst's time.

``score = money at stake x strength of evidence``, in the data's currency, so a score reads
as "this much, discounted by how sure we are".

Money at stake
    With the hub's onward exports known: the goods that can have reached the target, i.e.
    pass-through ``min(excess_in, excess_out)`` plus the goods lost in transit, never more
    than ``excess_in``. Without onward data: ``excess_in``. Never below zero.
    A hub's genuine local demand (imports rise, nothing goes on, nothing goes missing) has
    no pass-through and no loss, so it scores near zero.

Strength of evidence, a product of factors in (0, 1]
    * sanctioned status: 1 for products banned by the end of the window, 0.01 otherwise
      (a rise of unsanctioned goods is trade diversion, not evasion);
    * consistency over months: ``0.25 + 0.75 x months_above / months`` (a steady channel,
      not one shipment);
    * size of the break: ``0.1 + 0.9 x (1 - expected / window)`` when the window exceeds
      the expected value (a flow ten times its expected level is stronger evidence than one
      ten per cent above it, which the noise of a large flow can produce on its own);
    * route evidence: with onward flows known, ``0.2 + 0.8 x (pass-through + lost) /
      excess_in``, the share of the excess that went on or went missing (local demand keeps
      it all: its noise-level pass-through earns little); without them, 0.5 (the money then
      rests on one leg only).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from roundabout.analytics.resolve import Plan

UNSANCTIONED_WEIGHT = 0.01
NO_ONWARD_WEIGHT = 0.5


def _per_hub(
    t: ir.Table, other: ir.Table | None, col: str, out: str, hubs: tuple[str, ...]
) -> ir.Table:
    """Attach ``other.col`` by (hub, product) as ``out``: 0 where a hub that has the data
    shows nothing for the product, null for hubs without the data (measure unavailable)."""
    if other is None or not hubs:
        return t.mutate(**{out: ibis.null("float64")})
    o = other.select(_o_hub="hub", _o_product="product", _o_value=col)
    t = t.left_join(o, (t.hub == o._o_hub) & (t.product == o._o_product))
    return t.mutate(
        **{
            out: ibis.cases(
                (t.hub.isin(list(hubs)), t._o_value.fill_null(0.0)),
                else_=ibis.null("float64"),
            )
        }
    ).drop("_o_hub", "_o_product", "_o_value")


def score_table(
    hubx: ir.Table,
    months: ir.Table,
    goods: ir.Table,
    plan: Plan,
    *,
    onward: ir.Table | None = None,
    lost: ir.Table | None = None,
    drop: ir.Table | None = None,
) -> ir.Table:
    """One row per (hub, product) with the evidence columns and ``score``, best first."""
    t = hubx
    m = months.select(m_hub="hub", m_product="product", months_above="months_above")
    t = t.left_join(m, (t.hub == m.m_hub) & (t.product == m.m_product)).drop("m_hub", "m_product")
    t = _per_hub(t, onward, "excess_out", "excess_out", plan.onward_hubs)
    t = _per_hub(t, lost, "lost", "lost_in_transit", plan.mirror_hubs)
    if drop is not None:
        d = drop.select(d_product="product", direct_drop="direct_drop")
        t = t.left_join(d, t.product == d.d_product).drop("d_product")
    else:
        t = t.mutate(direct_drop=ibis.null("float64"))
    g = goods.select(g_product="product", sanctioned_from="sanctioned_from")
    t = t.left_join(g, t.product == g.g_product).drop("g_product")
    return _score(t, len(plan.window))


def _score(t: ir.Table, n_months: int) -> ir.Table:
    ein = t.excess_in
    pos_in = ibis.greatest(ein, 0.0)
    lost_pos = ibis.greatest(t.lost_in_transit.fill_null(0.0), 0.0)
    passed = ibis.greatest(ibis.least(ein, t.excess_out), 0.0)
    money = ibis.cases(
        (t.excess_out.notnull(), ibis.least(pos_in, passed + lost_pos)),
        else_=pos_in,
    )
    consistency = t.months_above.fill_null(0).cast("float64") / float(n_months)
    brk = ibis.cases(
        (
            (t.win_in > t.expected_in) & (t.win_in > 0),
            1.0 - ibis.greatest(t.expected_in, 0.0) / t.win_in,
        ),
        else_=0.0,
    )
    sanction = ibis.cases((t.kind == "sanctioned", 1.0), else_=UNSANCTIONED_WEIGHT)
    explained = ibis.cases((pos_in > 0, ibis.least((passed + lost_pos) / pos_in, 1.0)), else_=0.0)
    route = ibis.cases((t.excess_out.notnull(), 0.2 + 0.8 * explained), else_=NO_ONWARD_WEIGHT)
    evidence = sanction * route * (0.25 + 0.75 * consistency) * (0.1 + 0.9 * brk)
    ratio = ibis.cases((t.direct_drop > 0, ein / t.direct_drop), else_=ibis.null("float64"))
    t = t.mutate(
        pass_through=ibis.cases((t.excess_out.notnull(), passed), else_=ibis.null("float64")),
        money=money,
        evidence=evidence,
        score=money * evidence,
        substitution_ratio=ratio,
        months_above=t.months_above.fill_null(0),
    )
    return t.order_by([ibis.desc("score"), "hub", "product"])


def top(scored: ir.Table, n: int) -> ir.Table:
    """The ``n`` best findings with a positive score."""
    return scored.filter(scored.score > 0).limit(n)
