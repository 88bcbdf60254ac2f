"""The direct-route DiD: did origin -> target exports of sanctioned goods fall more steeply
than those of other goods once the bans took effect?

The design of DP20097's direct-route regressions, beside the hub design of
:mod:`roundabout.analytics.did`::

    y[p,t] = b * S[p] x Post[p,t] + FE[p] + FE[t] + e

on origin -> target exports summed over the origins, by product and month, from the baseline
start to the window end (balanced, zeros kept for PPML). ``S x Post`` switches on in the
first full month of each product's ban (after its wind-down). The comparison group is other
goods only: never a listed line (not even one banned after the window), never a product set
aside for a broken series, never a line trading in only one of the two periods. Where an
origin reports only totals besides its sanctioned lines (the bundled Eurostat data), its
other goods are the total minus every listed line, one comparison unit (``OTHER``).
``exp(b) - 1`` is the extra fall of sanctioned goods (DP20097: about 80 per cent steeper).
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from roundabout.analytics.did import _fit, prepare
from roundabout.analytics.panel import TOTAL
from roundabout.analytics.resolve import Plan
from roundabout.analytics.result import Coef, Unavailable

OTHER_UNIT = "OTHER"


def direct_frame(
    rows: ir.Table, plan: Plan, bans: ir.Table, exclude: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Monthly origin -> target exports by product (summed over origins) with a ``kind``
    (sanctioned / other) and ``sanctioned_from``, balanced; the totals-minus-listed remainder
    as the unit ``OTHER``."""
    c = rows.filter(
        rows.flow == "export",
        rows.reporter.isin(list(plan.origins)),
        rows.partner == plan.target,
    )
    b = bans.select("b_product", "b_kind", "sanctioned_from")
    j = c.left_join(b, c.product == b.b_product)
    listed = j.b_product.notnull()
    g = j.group_by(["reporter", "period"]).aggregate(
        total=j.value.sum(where=j.product == TOTAL),
        listed=j.value.sum(where=listed),
        has_total=(j.product == TOTAL).any(),
    )
    monthly = (
        j.filter(j.product != TOTAL)
        .group_by(["product", "period"])
        .aggregate(value=j.value.sum())
        .to_pandas()
    )
    rest = g.filter(g.has_total).to_pandas()
    meta = bans.to_pandas().set_index("b_product")
    frames = []
    if not rest.empty:
        rest["value"] = (rest["total"] - rest["listed"].fillna(0.0)).clip(lower=0.0)
        frames.append(
            rest.groupby("period", as_index=False)["value"].sum().assign(product=OTHER_UNIT)
        )
    df = pd.concat([monthly, *frames], ignore_index=True)
    if exclude:
        df = df[~df["product"].isin(exclude)]
    kind = df["product"].map(meta["b_kind"]) if not meta.empty else pd.Series(np.nan, df.index)
    df["kind"] = kind.fillna("other")
    df["listed"] = df["product"].isin(meta.index)
    df["sanctioned_from"] = np.where(
        df["kind"] == "sanctioned", df["product"].map(meta["sanctioned_from"]), None
    )
    # Clean comparison: no listed line that is not (yet) sanctioned.
    df = df[(df["kind"] == "sanctioned") | ~df["listed"]]
    months = plan.span.months()
    units = df.groupby("product").agg(
        kind=("kind", "first"), sanctioned_from=("sanctioned_from", "first")
    )
    b0, b1, w0, w1 = plan.baseline.start, plan.baseline.end, plan.window.start, plan.window.end
    base = df[(df["period"] >= b0) & (df["period"] <= b1)].groupby("product")["value"].sum()
    win = df[(df["period"] >= w0) & (df["period"] <= w1)].groupby("product")["value"].sum()
    two_sided = (base.reindex(units.index).fillna(0) > 0) & (win.reindex(units.index).fillna(0) > 0)
    units = units[(units["kind"] == "sanctioned") | two_sided]
    grid = pd.MultiIndex.from_product([units.index, months], names=["product", "period"])
    values = df.groupby(["product", "period"])["value"].sum().reindex(grid, fill_value=0.0)
    out = values.reset_index()
    out = out.join(units, on="product")
    out["dest"] = plan.target
    return out


def run_direct_did(
    rows: ir.Table, plan: Plan, bans: ir.Table, exclude: tuple[str, ...] = ()
) -> dict[str, Any] | Unavailable:
    """``{"design", "log_linear", "ppml", "units", "comparison_units", "rows"}``."""
    if not plan.direct:
        return Unavailable(f"the origins report no exports to {plan.target} by product")
    frame = direct_frame(rows, plan, bans, exclude)
    if frame.empty:
        return Unavailable(f"no exports to {plan.target} in the baseline and window")
    df = prepare(frame, plan, ["product"])
    n_other = int(df.loc[df["kind"] != "sanctioned", "unit"].nunique())
    if n_other == 0:
        return Unavailable(
            f"no comparison goods on the direct route to {plan.target} (other goods neither by "
            "product nor as totals minus the listed lines)"
        )
    if df["sp"].sum() == 0:
        return Unavailable("no sanctioned product is exported to the target after its ban")
    vcov = {"CRV1": "product"}
    pos = df[df["value"] > 0].copy()
    pos["ly"] = np.log(pos["value"])
    log_linear = _fit("feols", "ly ~ sp | unit + t", pos, vcov, "sp")
    ppml = _fit("fepois", "value ~ sp | unit + t", df, vcov, "sp")

    def show(c: Coef | Unavailable) -> dict[str, Any]:
        return c.to_dict()

    return {
        "available": True,
        "design": f"direct route, origins -> {plan.target}: sanctioned versus other goods "
        "(summed over origins; other goods as totals minus listed lines where only totals exist)",
        "log_linear": show(log_linear),
        "ppml": show(ppml),
        "rows": len(df),
        "units": int(df["unit"].nunique()),
        "comparison_units": n_other,
    }
