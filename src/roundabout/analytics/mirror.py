"""Lost in transit: exports the origin recorded but the hub never recorded as imports.

Chupilkin, Javorcik & Plekhanov (CEPR DP20097, 2025; WP 276 for the first version) find
that goods "recorded as exports in their countries of origin but not recorded as imports by
destination countries" made up around half of the EU's and UK's additional exports to the
CCA3 in 2022-23: trucks bound for Kazakhstan or Kyrgyzstan cross Russia and stay there.

Two numbers come out of the mirror comparison, origin-reported exports (FOB) against
hub-reported imports from that origin (CIF):

* :func:`log_ratios`, the replication package's rule: per (origin, hub, product, year) (the
  years of the baseline and window months),
  drop the pair-years where either side reports nothing, take
  ``log(exports / (imports / (1 + margin)))`` and report its median by sanction group
  (sanctioned versus other goods) and year. A rise for sanctioned goods after 2022, beyond
  the rise for other goods, is the signature of goods going missing.
* :func:`lost_in_transit`, the money: per (hub, product), the gap
  ``exports - imports / (1 + margin)`` in the window beyond the baseline gap grown like the
  route's other goods, over the origin-years for which the hub reports imports at all (a hub
  that publishes nothing for an origin is not evidence of loss). ``margin`` allows for CIF
  values including freight and insurance (5 per cent by default).

Origin-reported hub excess already contains the lost goods: hub excess = excess that
arrived at the hub + lost-in-transit excess. The offset share therefore takes the hub excess
once (see :mod:`roundabout.analytics.substitution`).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from roundabout.analytics.resolve import Plan


def mirror_pairs(segments: ir.Table, plan: Plan) -> ir.Table:
    """Per (origin, hub, product, kind, seg, year): ``exported`` (origin's record) and
    ``imported`` (hub's record); only hubs with an import side."""
    c = segments
    hubs, origins = list(plan.mirror_hubs), list(plan.origins)
    exported = (c.flow == "export") & c.reporter.isin(origins) & c.partner.isin(hubs)
    imported = (c.flow == "import") & c.reporter.isin(hubs) & c.partner.isin(origins)
    # One pass over both sides (no union): each row is keyed by its (origin, hub).
    c = c.filter(c.kind != "total", exported | imported)
    is_ex = c.flow == "export"
    c = c.select(
        origin=ibis.cases((is_ex, c.reporter), else_=c.partner),
        hub=ibis.cases((is_ex, c.partner), else_=c.reporter),
        product=c.product,
        kind=c.kind,
        seg=c.seg,
        year=c.year,
        exported=ibis.cases((is_ex, c.value), else_=0.0),
        imported=ibis.cases((is_ex, 0.0), else_=c.value),
    )
    return c.group_by(["origin", "hub", "product", "kind", "seg", "year"]).aggregate(
        exported=c.exported.sum(), imported=c.imported.sum()
    )


def log_ratios(pairs: ir.Table, margin: float) -> ir.Table:
    """Median log(exports / FOB-adjusted imports) by ``kind`` and ``year`` (see module doc).

    Columns: ``kind, year, median_log_ratio, pairs``.
    """
    y = pairs.group_by(["origin", "hub", "product", "kind", "year"]).aggregate(
        exported=pairs.exported.sum(), imported=pairs.imported.sum()
    )
    y = y.filter(y.exported > 0, y.imported > 0)
    y = y.mutate(lr=(y.exported / (y.imported / (1.0 + margin))).ln())
    return y.group_by(["kind", "year"]).aggregate(median_log_ratio=y.lr.median(), pairs=y.count())


def lost_in_transit(pairs: ir.Table, growth: ir.Table, margin: float) -> ir.Table:
    """Per (hub, product): ``gap_base, gap_win, expected_gap, lost`` (see module doc)."""
    cover = pairs.group_by(["origin", "hub", "year"]).aggregate(reported=pairs.imported.sum())
    cover = cover.filter(cover.reported > 0).select(c_origin="origin", c_hub="hub", c_year="year")
    p = pairs.filter(pairs.seg.notnull())
    p = p.join(
        cover, (p.origin == cover.c_origin) & (p.hub == cover.c_hub) & (p.year == cover.c_year)
    )
    gap = p.exported - p.imported / (1.0 + margin)
    p = p.mutate(gap=gap)
    r = p.group_by(["origin", "hub", "product", "kind"]).aggregate(
        gap_base=p.gap.sum(where=p.seg == "base").fill_null(0.0),
        gap_win=p.gap.sum(where=p.seg == "win").fill_null(0.0),
    )
    g = growth.filter(growth.flow == "export").select(
        g_origin="reporter", g_hub="partner", growth="growth"
    )
    j = r.left_join(g, (r.origin == g.g_origin) & (r.hub == g.g_hub))
    j = j.mutate(expected_gap=j.gap_base * j.growth.fill_null(1.0))
    out = j.group_by(["hub", "product", "kind"]).aggregate(
        gap_base=j.gap_base.sum(),
        gap_win=j.gap_win.sum(),
        expected_gap=j.expected_gap.sum(),
    )
    return out.mutate(lost=out.gap_win - out.expected_gap)
