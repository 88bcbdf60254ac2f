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
    * (no factor for sanctioned status: findings are listed goods only, banned by the end of
      the window; surges of unlisted goods are ranked the same way in a separate list,
      ``unlisted_surges``, since a rise of unlisted goods is no evidence of evasion on its
      own, though it can be misdeclaration under a neighbouring code);
    * consistency over months: ``0.25 + 0.75 x months_above / months`` (a steady channel,
      not one shipment);
    * size of the break: ``0.1 + 0.9 x (1 - expected / window)`` when the window exceeds
      the expected value (a flow ten times its expected level is stronger evidence than one
      ten per cent above it, which the noise of a large flow can produce on its own);
    * route evidence: with onward flows known, ``0.2 + 0.8 x (pass-through + lost) /
      excess_in``, the share of the excess that went on or went missing (local demand keeps
      it all: its noise-level pass-through earns little); without them, 0.5 (the money then
      rests on one leg only).

Coverage: onward excess, pass-through and lost in transit of a (hub, product) are given only
where that hub's own data hold the product in both baseline and window (``covered``); else
they are null, never 0 ("did not rise" would be a claim the data cannot make). The
substitution ratio is given only where the product's direct drop is at least ``min_drop``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from roundabout.analytics.resolve import Plan

NO_ONWARD_WEIGHT = 0.5


def coverage(segments: ir.Table, hubs: tuple[str, ...]) -> ir.Table:
    """(hub, product) pairs that the hub's own data hold in both baseline and window (any
    flow the panel reads from the hub): ``hub, product``."""
    s = segments.filter(
        segments.kind != "total", segments.reporter.isin(list(hubs)), segments.value.notnull()
    )
    p = s.group_by([s.reporter.name("hub"), "product"]).aggregate(
        base=(s.seg == "base").any(), win=(s.seg == "win").any()
    )
    return p.filter(p.base & p.win).select("hub", "product")


def _per_hub(
    t: ir.Table,
    other: ir.Table | None,
    col: str,
    out: str,
    hubs: tuple[str, ...],
    fill: bool = True,
) -> ir.Table:
    """Attach ``other.col`` by (hub, product) as ``out``: 0 where a hub whose data cover the
    product shows nothing (``fill``), null where they do not cover it or the hub has no such
    data."""
    if other is None or not hubs:
        return t.mutate(**{out: ibis.null("float64")})
    o = other.select(_o_hub="hub", _o_product="product", _o_value=col)
    t = t.left_join(o, (t.hub == o._o_hub) & (t.product == o._o_product))
    return t.mutate(
        **{
            out: ibis.cases(
                (
                    t.hub.isin(list(hubs)) & t.covered,
                    t._o_value.fill_null(0.0) if fill else t._o_value,
                ),
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
    covered: ir.Table | None = None,
    min_drop: float = 0.0,
) -> ir.Table:
    """One row per (hub, product) with the evidence columns and ``score``, best first."""
    t = hubx.filter(hubx.kind.isin(["sanctioned", "other"]))
    m = months.select(
        m_hub="hub", m_product="product", months_above="months_above", m_months="months"
    )
    t = t.left_join(m, (t.hub == m.m_hub) & (t.product == m.m_product)).drop("m_hub", "m_product")
    if covered is not None:
        cv = covered.select(c_hub="hub", c_product="product", c_on=ibis.literal(True))
        t = t.left_join(cv, (t.hub == cv.c_hub) & (t.product == cv.c_product))
        t = t.mutate(covered=t.c_on.fill_null(False)).drop("c_hub", "c_product", "c_on")
    else:
        t = t.mutate(covered=ibis.literal(False))
    t = _per_hub(t, onward, "excess_out", "excess_out", plan.onward_hubs)
    t = _per_hub(t, lost, "lost", "lost_in_transit", plan.mirror_hubs, fill=False)
    if drop is not None:
        d = drop.select(d_product="product", direct_drop="direct_drop")
        t = t.left_join(d, t.product == d.d_product).drop("d_product")
    else:
        t = t.mutate(direct_drop=ibis.null("float64"))
    g = goods.select(g_product="product", sanctioned_from="sanctioned_from")
    t = t.left_join(g, t.product == g.g_product).drop("g_product")
    return _score(t, len(plan.window), min_drop)


def _score(t: ir.Table, n_months: int, min_drop: float) -> ir.Table:
    ein = t.excess_in
    pos_in = ibis.greatest(ein, 0.0)
    lost_pos = ibis.greatest(t.lost_in_transit.fill_null(0.0), 0.0)
    passed = ibis.greatest(ibis.least(ein, t.excess_out), 0.0)
    money = ibis.cases(
        (t.excess_out.notnull(), ibis.least(pos_in, passed + lost_pos)),
        else_=pos_in,
    )
    months = t.m_months.fill_null(n_months)
    consistency = t.months_above.fill_null(0).cast("float64") / months.cast("float64")
    brk = ibis.cases(
        (
            (t.win_in > t.expected_in) & (t.win_in > 0),
            1.0 - ibis.greatest(t.expected_in, 0.0) / t.win_in,
        ),
        else_=0.0,
    )
    explained = ibis.cases((pos_in > 0, ibis.least((passed + lost_pos) / pos_in, 1.0)), else_=0.0)
    route = ibis.cases((t.excess_out.notnull(), 0.2 + 0.8 * explained), else_=NO_ONWARD_WEIGHT)
    evidence = route * (0.25 + 0.75 * consistency) * (0.1 + 0.9 * brk)
    ratio = ibis.cases(
        ((t.direct_drop > 0) & (t.direct_drop >= min_drop), ein / t.direct_drop),
        else_=ibis.null("float64"),
    )
    t = t.mutate(
        pass_through=ibis.cases((t.excess_out.notnull(), passed), else_=ibis.null("float64")),
        money=money,
        evidence=evidence,
        score=money * evidence,
        substitution_ratio=ratio,
        months_above=t.months_above.fill_null(0),
        months=months,
    ).drop("m_months")
    return t.order_by([ibis.desc("score"), "hub", "product"])


def top(scored: ir.Table, n: int, kind: str = "sanctioned") -> ir.Table:
    """The ``n`` best pairs of ``kind`` (``sanctioned``: the findings; ``other``: the
    unlisted surges) with a positive score."""
    s = scored.filter(scored.kind == kind, scored.score > 0)
    if kind == "other":  # listed goods banned only after the window are neither
        s = s.filter(s.sanctioned_from.isnull())
    return s.limit(n)
