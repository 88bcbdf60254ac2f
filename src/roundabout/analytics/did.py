"""Difference-in-differences and event study with pyfixest (log-linear and PPML).

The panel is origin -> destination exports by product and month, from the baseline start to
the window end, made balanced (a unit with no trade in a month gets 0, which PPML needs and
the log-linear model drops). Destinations are the hubs and, when the data hold any, control
destinations (neither target, nor hub, nor a default hub, nor under similar sanctions).

With controls, the triple difference of WP 276's regressions::

    y[o,d,p,t] = b * S[p] x Post[p,t] x Hub[d] + c1 * S[p] x Post[p,t] + c2 * Hub[d] x Post[t]
                 + FE[o,d,p] + FE[t] + e

where ``S x Post`` switches on in the first full month of each product's ban (staggered
dates) and ``Post[t]`` from the window start. ``b`` is the extra growth of sanctioned goods
to hubs, relative to control destinations and to other goods: ``exp(b) - 1`` in per cent.
Without controls (the bundled data: the EU's neighbours are all hubs or Russia and Belarus)
the design is a DiD within the hubs, sanctioned versus other goods: ``y ~ S x Post | FE``.

Standard errors are clustered by product (the level at which sanctions vary). The log-linear
model is ``feols(log y)`` on positive flows; PPML is ``fepois(y)`` on all, zeros included
(Santos Silva & Tenreyro 2006), which keeps flows that start from nothing. The event study
(PPML) replaces ``S x Post (x Hub)`` by one dummy per month relative to the ban, binned at
-12 and +12, month -1 left out: coefficients for plotting, pre-trends near zero expected.

Only this module uses pandas, because pyfixest needs a pandas frame; the panel itself is
built by Ibis expressions on the engine. A panel above ``did_max_rows`` is collapsed over
origins (units become hub-product), then products are sampled (a fixed seed) to fit.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import warnings
from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from roundabout.analytics.panel import TOTAL, classify
from roundabout.analytics.params import month_index
from roundabout.analytics.resolve import Plan
from roundabout.analytics.result import Coef, DidResult, EventCoef, Unavailable

EVENT_BINS = 12


def prefetch() -> None:
    """Start importing pyfixest in a background thread: the import takes seconds (numba,
    formulaic, ...) and can overlap the engine's work on the aggregates, which releases the
    interpreter lock. The estimation's own ``import pyfixest`` waits for it to finish (and
    raises ImportError as usual if it failed).

    The thread is not a daemon: a daemon frozen mid-import (numba, LLVM) at interpreter exit
    can hold locks that finalisation then waits on forever; a plain thread is joined before
    exit, which costs at most the rest of the import."""
    global _prefetching
    if "pyfixest" in sys.modules or importlib.util.find_spec("pyfixest") is None:
        return
    _prefetching = threading.Thread(target=_import_pyfixest, name="import-pyfixest", daemon=False)
    _prefetching.start()


_prefetching: threading.Thread | None = None


def _prefetched() -> None:
    """Wait for the prefetch, if one runs: the estimation never imports beside it."""
    t = _prefetching
    if t is not None and t is not threading.current_thread():
        t.join()


def _import_pyfixest() -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # pyfixest's own ``__init__`` is lazy (the estimators load on first attribute
            # access): import the module that holds them, or the prefetch does nothing.
            importlib.import_module("pyfixest.estimation.api")
            importlib.import_module("scipy.stats")  # (the pre-trend test)
    except Exception:  # reported by the estimation's own import
        return


def did_cells(rows: ir.Table, plan: Plan, *, collapse: bool) -> tuple[ir.Table, list[str]]:
    """Monthly exports to hubs and controls per unit; units are (origin, dest, product), or
    (dest, product) when ``collapse``. Returns the table and the unit key columns.

    Reads the panel's monthly rows (``picked`` or ``rows``): products only, not yet
    classified (:func:`balanced` classifies the units)."""
    c = rows
    dests = [*plan.hubs, *plan.controls]
    c = c.filter(
        c.flow == "export",
        c.product != TOTAL,
        c.reporter.isin(list(plan.origins)),
        c.partner.isin(dests),
    )
    c = c.mutate(dest=c.partner, origin=c.reporter)
    keys = ["dest", "product"] if collapse else ["origin", "dest", "product"]
    return c.group_by([*keys, "period"]).aggregate(value=c.value.sum()), keys


def balanced(
    cells: ir.Table, keys: list[str], plan: Plan, goods: ir.Table, exclude: tuple[str, ...] = ()
) -> ir.Table:
    """Every unit with trade in the span, in every month (0 when absent), with its ``kind``
    and ban month (``sanctioned_from``, null unless sanctioned).

    The comparison group is kept clean: goods on the list but banned only after the window
    (``other`` with a ban month) are dropped, as are the products set aside for a broken
    series (``exclude``) and comparison units that trade in only one of baseline and window
    (a line that appears in 2022 only is an artefact of the data, not a comparison)."""
    b, w = plan.baseline, plan.window
    in_b = (cells.period >= b.start) & (cells.period <= b.end)
    in_w = (cells.period >= w.start) & (cells.period <= w.end)
    units = cells.group_by(keys).aggregate(
        total=cells.value.sum(),
        t_base=cells.value.sum(where=in_b).fill_null(0.0),
        t_win=cells.value.sum(where=in_w).fill_null(0.0),
    )
    units = units.filter(units.total > 0)
    if exclude:
        units = units.filter(~units.product.isin(list(exclude)))
    units = classify(units, goods, plan)
    units = units.filter(
        (units.kind == "sanctioned")
        | (units.sanctioned_from.isnull() & (units.t_base > 0) & (units.t_win > 0))
    ).drop("total", "t_base", "t_win")
    units = units.mutate(
        sanctioned_from=ibis.cases(
            (units.kind == "sanctioned", units.sanctioned_from), else_=ibis.null("string")
        )
    )
    months = ibis.memtable({"month": plan.span.months()})
    grid = units.cross_join(months)
    v = cells.select(*[cells[k].name(f"v_{k}") for k in keys], v_period="period", value="value")
    cond = [grid[k] == v[f"v_{k}"] for k in keys] + [grid.month == v.v_period]
    j = grid.left_join(v, cond)
    return j.select(
        *keys,
        "kind",
        period=j.month,
        value=j.value.fill_null(0.0),
        sanctioned_from="sanctioned_from",
    )


def _units(segments: ir.Table, plan: Plan) -> ir.Table:
    s = segments
    return s.filter(
        s.flow == "export",
        s.kind != "total",
        s.value > 0,
        s.reporter.isin(list(plan.origins)),
        s.partner.isin([*plan.hubs, *plan.controls]),
    )


def unit_counts(segments: ir.Table, plan: Plan) -> tuple[int, int]:
    """Units (origin, dest, product) and collapsed units (dest, product) trading in the
    baseline or window, counted on the (small, cached) segments rather than the flows."""
    u = _units(segments, plan)
    full = u.select("reporter", "partner", "product").distinct().count()
    collapsed = u.select("partner", "product").distinct().count()
    return int(full.execute()), int(collapsed.execute())


def sample_products(
    cells: ir.Table, segments: ir.Table, plan: Plan, share: float, seed: int = 0
) -> ir.Table:
    """Keep a random ``share`` of products (fixed seed): same sample on every engine."""
    u = _units(segments, plan)
    products = sorted(u.select("product").distinct().to_pyarrow()["product"].to_pylist())
    rng = np.random.default_rng(seed)
    keep = [p for p in products if rng.random() < share]
    k = ibis.memtable({"k_product": keep})
    return cells.join(k, cells.product == k.k_product).drop("k_product")


def run_did(
    rows: ir.Table,
    segments: ir.Table,
    plan: Plan,
    goods: ir.Table,
    cache: Callable[[ir.Table], ir.Table] = lambda t: t,
    exclude: tuple[str, ...] = (),
) -> DidResult | Unavailable:
    """Build the panel on the engine (one scan of the rows), pull it, estimate.

    ``cache`` materialises the monthly cells on the engine before the balanced panel is
    built from them (the run passes its temporary-table cache).
    """
    if not plan.hubs:
        return Unavailable("no hubs")
    n_months = len(plan.span)
    cap = plan.params.did_max_rows
    full, coll = unit_counts(segments, plan)
    collapsed = full * n_months > cap
    units = coll if collapsed else full
    cells, keys = did_cells(rows, plan, collapse=collapsed)
    share = 1.0
    if units * n_months > cap:
        share = cap / (units * n_months)
        cells = sample_products(cells, segments, plan, share)
    frame = balanced(cache(cells), keys, plan, goods, exclude).to_pandas()
    if frame.empty:
        return Unavailable("no exports to the hubs by product in the baseline and window")
    return estimate(frame, plan, keys, collapsed=collapsed, share=round(share, 4))


def prepare(frame: pd.DataFrame, plan: Plan, keys: list[str]) -> pd.DataFrame:
    """Add ``unit``, ``t``, ``hub``, ``sp`` (S x Post), ``hp`` (Hub x Post), ``rel``."""
    df = frame.copy()
    df["unit"] = df.groupby(keys, sort=False).ngroup()
    # Month numbers through each distinct month (a few dozen), not row by row.
    period = df["period"].astype(str)
    t_of = {p: int(p[:4]) * 12 + int(p[5:7]) - 1 for p in period.unique()}
    df["t"] = period.map(t_of).astype("int64")
    bans = df["sanctioned_from"]
    eff_of = {m: float(month_index(m)) for m in bans.unique() if isinstance(m, str)}
    eff = bans.map(eff_of).astype("float64")  # NaN where no ban month
    df["hub"] = df["dest"].isin(plan.hubs).astype(float)
    df["sp"] = ((df["t"] >= eff) & eff.notna()).astype(float)
    df["hp"] = (df["hub"] * (df["t"] >= month_index(plan.window.start))).astype(float)
    df["rel"] = (df["t"] - eff).clip(-EVENT_BINS, EVENT_BINS)
    df["value"] = df["value"].astype(float)
    return df


def estimate(
    frame: pd.DataFrame, plan: Plan, keys: list[str], *, collapsed: bool, share: float
) -> DidResult | Unavailable:
    df = prepare(frame, plan, keys)
    triple = bool(plan.controls) and df["hub"].nunique() > 1
    if df["sp"].sum() == 0:
        return Unavailable("no sanctioned product is exported to the hubs after its ban")
    if (df["sp"] == 0).all() or df["sp"].nunique() < 2:
        return Unavailable("no variation in sanctioned x post")
    if triple:
        df["treat"] = df["sp"] * df["hub"]
        rhs = "treat + sp + hp"
        design = "triple difference: sanctioned x post x hub, against control destinations"
    else:
        df["treat"] = df["sp"]
        rhs = "treat"
        design = (
            "difference in differences within the hubs: sanctioned versus other goods "
            "(no control destinations in the data)"
        )
    fe = "unit + t"
    vcov = {"CRV1": "product"}
    pos = df[df["value"] > 0].copy()
    pos["ly"] = np.log(pos["value"])
    log_linear = _fit("feols", f"ly ~ {rhs} | {fe}", pos, vcov, "treat")
    ppml = _fit("fepois", f"value ~ {rhs} | {fe}", df, vcov, "treat")
    events, pretrend = _event_study(df, triple, fe, vcov)
    return DidResult(
        pretrend=pretrend,
        design=design,
        log_linear=log_linear,
        ppml=ppml,
        event_study=events,
        rows=len(df),
        units=int(df["unit"].nunique()),
        collapsed_origins=collapsed,
        product_share=share,
        comparison_units=int(df.loc[df["sanctioned_from"].isna(), "unit"].nunique()),
    )


def _fit(
    kind: str, formula: str, data: pd.DataFrame, vcov: dict[str, str], term: str
) -> Coef | Unavailable:
    _prefetched()
    import pyfixest as pf

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit: Any = (pf.feols if kind == "feols" else pf.fepois)(formula, data, vcov=vcov)
            tidy = fit.tidy()
    except Exception as exc:  # pyfixest raises many types (collinearity, separation, ...)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Unavailable(f"{kind} failed: {first}")
    if term not in tidy.index:
        return Unavailable(f"{kind}: {term} was dropped (collinear with the fixed effects)")
    row = tidy.loc[term]
    return Coef(
        estimate=float(row["Estimate"]),
        se=float(row["Std. Error"]),
        pvalue=float(row["Pr(>|t|)"]),
        n=int(getattr(fit, "_N", len(data))),
    )


def _event_study(
    df: pd.DataFrame, triple: bool, fe: str, vcov: dict[str, str]
) -> tuple[tuple[EventCoef, ...] | Unavailable, dict[str, Any] | None]:
    _prefetched()
    import pyfixest as pf

    # Only the columns the model reads (the dummies come on top: keep the frame slim).
    d = df[["value", "unit", "t", "product", "hub", "hp", "rel"]].copy()
    names: list[str] = []
    controls: list[str] = []
    for k in range(-EVENT_BINS, EVENT_BINS + 1):
        if k == -1:
            continue
        name = f"es_{'m' if k < 0 else 'p'}{abs(k)}"
        on = (d["rel"] == k).astype(float)
        d[name] = on * d["hub"] if triple else on
        names.append(name)
        if triple:
            d[f"c{name}"] = on
            controls.append(f"c{name}")
    keep = [n for n in names if d[n].sum() > 0]
    if not keep:
        return Unavailable("no sanctioned product observed around its ban month"), None
    rhs = " + ".join(keep + [c for c in controls if d[c].sum() > 0] + (["hp"] if triple else []))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit: Any = pf.fepois(f"value ~ {rhs} | {fe}", d, vcov=vcov)
            tidy = fit.tidy()
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Unavailable(f"event study failed: {first}"), None
    out: list[EventCoef] = []
    for name in keep:
        if name in tidy.index:
            k = int(name[4:]) * (-1 if name[3] == "m" else 1)
            out.append(
                EventCoef(
                    rel_month=k,
                    estimate=float(tidy.loc[name, "Estimate"]),
                    se=float(tidy.loc[name, "Std. Error"]),
                )
            )
    return tuple(sorted(out, key=lambda e: e.rel_month)), pretrend_test(fit, tidy, keep)


def pretrend_test(fit: Any, tidy: pd.DataFrame, names: list[str]) -> dict[str, Any] | None:
    """Joint Wald test that every pre-ban coefficient (months -12 to -2) is zero, with the
    model's clustered covariance, in its F form with ``clusters - 1`` denominator degrees of
    freedom (the usual small-sample form for cluster-robust tests):
    ``{"pvalue", "chi2", "df", "warning"}``; ``warning`` when they are jointly significant at
    5 per cent (the comparison does not hold before the ban, so the post-ban coefficients are
    not a sanctions effect)."""
    from scipy.stats import f as f_dist  # type: ignore[import-untyped]  # (with pyfixest)

    pre = [n for n in names if n.startswith("es_m") and n in tidy.index]
    coefnames = [str(c) for c in getattr(fit, "_coefnames", [])]
    vcov = getattr(fit, "_vcov", None)
    if not pre or vcov is None or any(n not in coefnames for n in pre):
        return None
    idx = [coefnames.index(n) for n in pre]
    b = tidy.loc[pre, "Estimate"].to_numpy(dtype=float)
    v = np.asarray(vcov, dtype=float)[np.ix_(idx, idx)]
    stat = float(b @ np.linalg.pinv(v) @ b)
    clusters = int(getattr(fit, "_G", [0])[0] if hasattr(fit, "_G") else 0) or 10_000
    p = float(f_dist.sf(stat / len(pre), len(pre), max(clusters - 1, 1)))
    warning = (
        f"the {len(pre)} pre-ban coefficients are jointly significant (p = {p:.3g}): "
        "sanctioned and comparison goods already diverged before the bans, so the DiD "
        "estimates are not a sanctions effect"
        if p < 0.05
        else None
    )
    return {"pvalue": round(p, 6), "chi2": round(stat, 4), "df": len(pre), "warning": warning}
