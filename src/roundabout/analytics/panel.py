"""The panel every measure reads: flows on the routes that matter, classified by the goods list.

Only these routes are kept:

* origin -> hub, origin -> target and origin -> control exports (reported by the origin);
* hub -> target exports (reported by the hub: the onward leg);
* hub imports from the origins (reported by the hub: the mirror of the first route).

``product`` is the HS6 code *in the goods list's edition* (HS2017), or ``TOTAL`` for
all-product rows: rows coded in HS2022 are converted through the UNSD tables before anything
else (:mod:`roundabout.analytics.editions`; a split adds its parts to one code, so nothing is
counted twice). Each reporter contributes one product level (see
:mod:`roundabout.analytics.resolve`): CN8 lines are summed to their HS6, HS4 aggregates are
never read. Rows are classified by the goods list:

* ``sanctioned``: the product is banned by the end of the window. Only the months under the
  ban count: a line banned from 2022-06 contributes June to the end of the window, and the
  same months one year earlier as its baseline (like against like);
* ``other``: every other product ("goods not sanctioned at that time");
* ``total``: the all-products row, used for other goods where only totals exist
  (other = total - sanctioned, as for the bundled Eurostat data);
* ``set_aside`` (set by :func:`roundabout.analytics.editions.set_aside`): a product whose
  series breaks, present in one period only.

``seg`` marks the months of the baseline (``base``) and of the window (``win``); months in
between keep ``seg`` null and serve only the event study.

Three views (:class:`Panel`):

``picked``
    the selected rows, monthly, before classification (an expression, never materialised:
    scanned, with narrow filters, by the two measures that need months);
``rows``
    the same rows classified (``kind``, ``sanctioned_from``);
``segments``
    value and weight per route, product, segment and year: what every other measure reads.
    Summed from ``picked`` and classified after summing. About twelve times smaller than the
    monthly cells, it is cached on the engine even for a 100-million-row panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.analytics import editions
from roundabout.analytics.goods import Goods
from roundabout.analytics.params import month_index, month_name
from roundabout.analytics.resolve import Plan

TOTAL = "TOTAL"

#: Units of ``quantity`` that count items (pieces): the supplementary unit of cars, phones.
PIECE_UNITS = frozenset({"p/st", "pst", "u", "nar", "pcs", "pieces", "items", "number of items"})


@dataclass(frozen=True)
class Panel:
    rows: ir.Table
    segments: ir.Table
    picked: ir.Table
    bans: ir.Table


def bans(goods: Goods, plan: Plan) -> pa.Table:
    """Per listed product, for this plan: ``b_product, sanctioned_from, b_kind`` (sanctioned
    when banned by the window's end, else other), ``b_win_from`` / ``b_base_from`` (the first
    window / baseline month that counts) and ``b_months`` (window months counted).

    When no line is banned by the window's end (a window before any ban), every listed line
    counts as sanctioned over the whole window: the run says why that means little.
    """
    w, b = plan.window, plan.baseline
    months = goods.table["sanctioned_from"].to_pylist()
    any_banned = any(m <= w.end for m in months)
    kinds: list[str] = []
    win_from: list[str] = []
    base_from: list[str] = []
    n: list[int] = []
    for m in months:
        if not any_banned or m <= w.start:
            kinds.append("sanctioned")
            win_from.append(w.start)
            base_from.append(b.start)
            n.append(len(w))
        elif m <= w.end:
            offset = month_index(m) - month_index(w.start)
            kinds.append("sanctioned")
            win_from.append(m)
            base_from.append(month_name(min(month_index(b.start) + offset, month_index(b.end))))
            n.append(len(w) - offset)
        else:
            kinds.append("other")
            win_from.append(w.start)
            base_from.append(b.start)
            n.append(len(w))
    return pa.table(
        {
            "b_product": goods.table["product"],
            "sanctioned_from": pa.array(months, pa.string()),
            "b_kind": kinds,
            "b_win_from": win_from,
            "b_base_from": base_from,
            "b_months": pa.array(n, pa.int64()),
        }
    )


def at_levels(f: ir.Table, levels: Sequence[tuple[str, int]]) -> ir.BooleanValue:
    """Rows of each reporter at its product level (``(reporter, level)`` pairs, from
    :func:`roundabout.analytics.resolve.reporter_levels`): a CN8 row is part of its HS6, so
    summing two levels would count the same goods twice. No pairs: no rows."""
    groups: dict[int, list[str]] = {}
    for reporter, lv in levels:
        groups.setdefault(lv, []).append(reporter)
    cond: ir.BooleanValue = ibis.literal(False)
    for lv, reporters in groups.items():
        cond = cond | (f.reporter.isin(reporters) & (f.product_level == lv))
    return cond


def picked(flows: ir.Table, plan: Plan, ban_table: ir.Table | None = None) -> ir.Table:
    """The plan's rows with ``product`` (converted to the list's edition), ``weight``,
    ``seg`` and ``year``, not yet classified."""
    f = flows
    hubs, origins = list(plan.hubs), list(plan.origins)
    destinations = [*hubs, plan.target, *plan.controls]
    route = (
        ((f.flow == "export") & f.reporter.isin(origins) & f.partner.isin(destinations))
        | ((f.flow == "export") & f.reporter.isin(hubs) & (f.partner == plan.target))
        | ((f.flow == "import") & f.reporter.isin(hubs) & f.partner.isin(origins))
    )
    level = (f.product_level == 0) | at_levels(f, plan.levels)
    span = plan.span
    f = f.filter(
        f.freq == "M",
        f.period >= span.start,
        f.period <= span.end,
        f.currency == plan.currency,
        route,
        level,
    )
    f = editions.recode(f)
    b, w = plan.baseline, plan.window
    if ban_table is not None:
        bt = ban_table.select("b_product", "b_win_from", "b_base_from")
        f = f.left_join(bt, f.product == bt.b_product)
        win_from = f.b_win_from.fill_null(w.start)
        base_from = f.b_base_from.fill_null(b.start)
    else:
        win_from, base_from = ibis.literal(w.start), ibis.literal(b.start)
    return f.select(
        "reporter",
        "partner",
        "flow",
        "period",
        "value",
        "product",
        "quantity",
        "quantity_unit",
        "product_code",
        "recoded_from",
        "recoded_how",
        weight=f.net_weight_kg,
        year=f.period.left(4),
        seg=ibis.cases(
            ((f.period >= base_from) & (f.period <= b.end), ibis.literal("base")),
            ((f.period >= win_from) & (f.period <= w.end), ibis.literal("win")),
            else_=ibis.null("string"),
        ),
    )


def classify(t: ir.Table, ban_table: ir.Table, plan: Plan) -> ir.Table:
    """``t`` (with a ``product`` column) with ``sanctioned_from`` and ``kind`` added."""
    g = ban_table.select(g_product="b_product", sanctioned_from="sanctioned_from", g_kind="b_kind")
    j = t.left_join(g, t.product == g.g_product).drop("g_product")
    kind = ibis.cases(
        (j.product == TOTAL, ibis.literal("total")),
        (j.g_kind.notnull(), j.g_kind),
        else_=ibis.literal("other"),
    )
    return j.mutate(kind=kind).drop("g_kind")


def segments(rows: ir.Table, ban_table: ir.Table, plan: Plan) -> ir.Table:
    """Value and weight per (reporter, partner, flow, product, kind, seg, year), from the
    unclassified rows (:func:`picked`): summed first, classified after.

    ``weight`` (kg) is null unless every row summed has one; ``items`` (the supplementary
    unit, pieces) likewise.
    """
    r = rows.filter(rows.seg.notnull())
    keys = ["reporter", "partner", "flow", "product", "seg", "year"]
    pieces = r.quantity.notnull() & r.quantity_unit.lower().isin(sorted(PIECE_UNITS))
    g = r.group_by(keys).aggregate(
        value=r.value.sum(),
        weight=r.weight.sum(),
        weighed=r.weight.count(),
        items=r.quantity.sum(where=pieces),
        itemed=pieces.sum(),
        n=r.count(),
    )
    c = classify(g, ban_table, plan)
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
        items=ibis.cases((c.itemed == c.n, c.items), else_=ibis.null("float64")),
    )


def build(flows: ir.Table, goods: Goods, plan: Plan) -> Panel:
    """The views as expressions (the caller decides what to cache)."""
    bt = ibis.memtable(bans(goods, plan))
    p = picked(flows, plan, bt)
    return Panel(rows=classify(p, bt, plan), segments=segments(p, bt, plan), picked=p, bans=bt)
