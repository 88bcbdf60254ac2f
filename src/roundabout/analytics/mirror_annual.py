"""Lost in transit on annual hub records, as the replication package can use them.

Several hubs publish imports by product only by year (the Kazakh and Kyrgyz statistics
offices, for instance). The comparison of :mod:`roundabout.analytics.mirror` works per year
as well: per hub x HS6 x calendar year, ``X`` is what the origins record exporting to the
hub over the twelve months, summed over exporters, and ``M`` what the hub records importing
from them that year. The money measure compares the window's years with the baseline's,
against the same hub's ratio for other goods::

    lost = X_win - M_win / (r x R),   r = M_base / X_base,   R = hub's other goods' change

Because ``r`` and ``R`` are ratios of the hub's records to the origins', a hub that reports
in another currency (USD against the origins' EUR) needs no conversion: the exchange rate
moves other goods' ratio as much as the product's, and ``lost`` is in the origins' currency.

Only years in which the origins report all twelve months count; only (hub, product) pairs
the hub records in both the baseline's and the window's years have a figure.
"""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from roundabout.analytics import editions
from roundabout.analytics.resolve import PRODUCT_LEVELS, Plan
from roundabout.analytics.result import Unavailable


def _years(plan: Plan) -> tuple[list[str], list[str]]:
    base = sorted({m[:4] for m in plan.baseline.months()})
    win = sorted({m[:4] for m in plan.window.months()})
    return base, [y for y in win if y not in base]


def annual_lost(flows: ir.Table, plan: Plan, bans: ir.Table) -> dict[str, Any] | Unavailable:
    """``{"available", "years", "hubs": {hub: {"lost", "products"}}, "median_log_ratios"}``,
    or why not (no annual imports by product from the hubs)."""
    base_years, win_years = _years(plan)
    if not win_years:
        return Unavailable("the baseline and window fall in the same calendar years")
    f = flows
    m = f.filter(
        f.freq == "A",
        f.flow == "import",
        f.reporter.isin(list(plan.hubs)),
        f.partner.isin(list(plan.origins)),
        f.product_level.isin(list(PRODUCT_LEVELS)),
        f.period.isin(base_years + win_years),
    )
    m = editions.recode(m)
    imports = m.group_by([m.reporter.name("hub"), "product", m.period.name("yr")]).aggregate(
        imported=m.value.sum(), currencies=m.currency.nunique()
    )
    have = imports.to_pyarrow().to_pylist()
    if not have:
        return Unavailable("no hub reports annual imports by product from the origins")
    x = f.filter(
        f.freq == "M",
        f.flow == "export",
        f.currency == plan.currency,
        f.reporter.isin(list(plan.origins)),
        f.partner.isin(list(plan.hubs)),
        f.period.left(4).isin(base_years + win_years),
    )
    level = ibis.literal(False)
    for lv, reporters in plan.level_groups().items():
        level = level | (x.reporter.isin(reporters) & (x.product_level == lv))
    x = editions.recode(x.filter(level))
    months = x.group_by(x.period.left(4).name("yr")).aggregate(n=x.period.nunique())
    full = [r["yr"] for r in months.to_pyarrow().to_pylist() if int(r["n"]) == 12]
    if not (set(full) & set(base_years)) or not (set(full) & set(win_years)):
        return Unavailable(
            "the origins' monthly exports do not cover whole calendar years of both the "
            f"baseline ({', '.join(base_years)}) and the window ({', '.join(win_years)})"
        )
    exports = x.group_by([x.partner.name("hub"), "product", x.period.left(4).name("yr")]).aggregate(
        exported=x.value.sum()
    )
    ex = {
        (r["hub"], r["product"], r["yr"]): float(r["exported"])
        for r in exports.to_pyarrow().to_pylist()
    }
    kinds = {r["b_product"]: r["b_kind"] for r in bans.to_pyarrow().to_pylist()}
    cells: dict[tuple[str, str], dict[str, float]] = {}
    for r in have:
        if r["yr"] not in full:
            continue
        key = (r["hub"], r["product"])
        seg = "base" if r["yr"] in base_years else "win"
        c = cells.setdefault(key, {"xb": 0.0, "mb": 0.0, "xw": 0.0, "mw": 0.0})
        c["m" + seg[0]] += float(r["imported"])
    for (hub, product, yr), v in ex.items():
        if yr not in full or (hub, product) not in cells:
            continue
        seg = "base" if yr in base_years else "win"
        cells[(hub, product)]["x" + seg[0]] += v
    hub_change: dict[str, float] = {}
    for hub in plan.hubs:
        o = [c for (h, p), c in cells.items() if h == hub and kinds.get(p) != "sanctioned"
             and min(c.values()) > 0]  # fmt: skip
        if o:
            xb, mb = sum(c["xb"] for c in o), sum(c["mb"] for c in o)
            xw, mw = sum(c["xw"] for c in o), sum(c["mw"] for c in o)
            hub_change[hub] = (mw / xw) / (mb / xb)
    hubs: dict[str, dict[str, Any]] = {}
    for (hub, product), c in sorted(cells.items()):
        if kinds.get(product) != "sanctioned" or hub not in hub_change:
            continue
        if c["xb"] <= 0 or c["mb"] <= 0:
            continue
        lost = c["xw"] - c["mw"] / ((c["mb"] / c["xb"]) * hub_change[hub])
        h = hubs.setdefault(hub, {"lost": 0.0, "products": 0})
        h["lost"] += lost
        h["products"] += 1
    return {
        "available": True,
        "baseline_years": [y for y in base_years if y in full],
        "window_years": [y for y in win_years if y in full],
        "hub_change_other_goods": {h: round(v, 6) for h, v in hub_change.items()},
        "hubs": {
            h: {"lost": round(v["lost"], 2), "products": v["products"]} for h, v in hubs.items()
        },
    }
