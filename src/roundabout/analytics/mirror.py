"""Lost in transit: exports the origin recorded but the hub never recorded as imports.

Chupilkin, Javorcik & Plekhanov (CEPR DP20097, 2025; WP 276 for the first version) find
that goods "recorded as exports in their countries of origin but not recorded as imports by
destination countries" made up around half of the EU's and UK's additional exports to the
CCA3 in 2022-23: trucks bound for Kazakhstan or Kyrgyzstan cross Russia and stay there.

As the replication package does it, the comparison is per importer (hub) x HS6 x year,
*summed over exporters* (the origins): ``X`` what the origins record exporting to the hub,
``M`` what the hub records importing from them. Two numbers come out:

* :func:`log_ratios`: drop the hub-product-years where either side reports nothing, take
  ``ln(M / X)`` and report its median by sanction group (sanctioned versus other goods) and
  year. A fall for sanctioned goods after 2022, beyond the fall for other goods, is the
  signature of goods going missing (CIF/FOB margins are a constant shift: they cancel in the
  comparison).
* :func:`lost_in_transit`, the money, reported against *the same hub's mirror gap for other
  goods*, so that a general change in a hub's recording (a new customs system, a 20 per cent
  fall in coverage) does not read as leakage. Per (hub, product)::

      r      = M_base / X_base                      the product's own recording ratio
      R      = (M_win / X_win) / (M_base / X_base)   of the hub's other goods (pooled)
      lost   = X_win - M_win / (r x R)              exports the hub's records do not account for

  When nothing goes missing, ``M_win = r x R x X_win`` and ``lost`` is 0; a uniform fall in
  the hub's coverage lowers ``M_win`` and ``R`` alike and leaves it at 0. Only (hub,
  product) pairs that the hub records in both periods have a figure (the run drops the
  others: the hub's data do not cover them).

Origin-reported hub excess already contains the lost goods: hub excess = excess that
arrived at the hub + lost-in-transit excess. The offset share therefore takes the hub excess
once (see :mod:`roundabout.analytics.substitution`).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from roundabout.analytics.resolve import Plan


def mirror_pairs(segments: ir.Table, plan: Plan) -> ir.Table:
    """Per (hub, product, kind, seg, year), summed over the origins: ``exported`` (the
    origins' records) and ``imported`` (the hub's record of imports from them); only hubs
    with an import side."""
    c = segments
    hubs, origins = list(plan.mirror_hubs), list(plan.origins)
    exported = (c.flow == "export") & c.reporter.isin(origins) & c.partner.isin(hubs)
    imported = (c.flow == "import") & c.reporter.isin(hubs) & c.partner.isin(origins)
    # One pass over both sides (no union): each row is keyed by its hub.
    c = c.filter(c.kind.isin(["sanctioned", "other"]), exported | imported)
    is_ex = c.flow == "export"
    c = c.select(
        hub=ibis.cases((is_ex, c.partner), else_=c.reporter),
        product=c.product,
        kind=c.kind,
        seg=c.seg,
        year=c.year,
        exported=ibis.cases((is_ex, c.value), else_=0.0),
        imported=ibis.cases((is_ex, 0.0), else_=c.value),
    )
    return c.group_by(["hub", "product", "kind", "seg", "year"]).aggregate(
        exported=c.exported.sum(), imported=c.imported.sum()
    )


def log_ratios(pairs: ir.Table, margin: float = 0.0) -> ir.Table:
    """Median ``ln(M / X)`` by ``kind`` and ``year`` over hub-product-years with both sides
    (see module doc). ``margin`` is accepted for compatibility and not used: a constant
    CIF/FOB margin shifts every ratio alike.

    Columns: ``kind, year, median_log_ratio, pairs``.
    """
    y = pairs.group_by(["hub", "product", "kind", "year"]).aggregate(
        exported=pairs.exported.sum(), imported=pairs.imported.sum()
    )
    y = y.filter(y.exported > 0, y.imported > 0)
    y = y.mutate(lr=(y.imported / y.exported).ln())
    return y.group_by(["kind", "year"]).aggregate(median_log_ratio=y.lr.median(), pairs=y.count())


def lost_in_transit(
    pairs: ir.Table, growth: ir.Table | None = None, margin: float = 0.05
) -> ir.Table:
    """Per (hub, product): ``x_base, m_base, x_win, m_win, ratio_base, hub_change, lost``
    and ``gap_win`` (exports minus FOB-equivalent imports in the window, for orientation;
    ``margin`` is the CIF/FOB margin used there only). ``growth`` is not used (kept for the
    callers' signature): the comparison is with the hub's other goods (see module doc)."""
    p = pairs.filter(pairs.seg.notnull())
    t = p.group_by(["hub", "product", "kind"]).aggregate(
        x_base=p.exported.sum(where=p.seg == "base").fill_null(0.0),
        m_base=p.imported.sum(where=p.seg == "base").fill_null(0.0),
        x_win=p.exported.sum(where=p.seg == "win").fill_null(0.0),
        m_win=p.imported.sum(where=p.seg == "win").fill_null(0.0),
    )
    o = t.filter(t.kind == "other", t.x_base > 0, t.m_base > 0, t.x_win > 0, t.m_win > 0)
    h = o.group_by("hub").aggregate(
        ox_base=o.x_base.sum(), om_base=o.m_base.sum(), ox_win=o.x_win.sum(), om_win=o.m_win.sum()
    )
    h = h.select(r_hub="hub", hub_change=(h.om_win / h.ox_win) / (h.om_base / h.ox_base))
    j = t.left_join(h, t.hub == h.r_hub).drop("r_hub")
    ratio = ibis.cases(
        ((j.x_base > 0) & (j.m_base > 0), j.m_base / j.x_base), else_=ibis.null("float64")
    )
    j = j.mutate(ratio_base=ratio)
    lost = ibis.cases(
        (
            j.ratio_base.notnull() & (j.hub_change > 0),
            j.x_win - j.m_win / (j.ratio_base * j.hub_change),
        ),
        else_=ibis.null("float64"),
    )
    return j.mutate(lost=lost, gap_win=j.x_win - j.m_win / (1.0 + margin))
