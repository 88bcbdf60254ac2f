"""Orchestration: question + flows -> every measure -> ranked findings -> :class:`LeakResult`.

The steps, each a small module:

1. :mod:`~roundabout.analytics.goods` folds the goods list to HS6 with ban months;
2. :mod:`~roundabout.analytics.inventory` reads what the flows hold (one scan);
3. :mod:`~roundabout.analytics.resolve` turns the question into a :class:`Plan`, or raises
   an error that says what is there instead;
4. :mod:`~roundabout.analytics.panel` selects and classifies the rows on the plan's routes
   and sums them by segment (a second scan), cached on the engine as a temporary table (the
   store itself is never written); the monthly consistency of findings and the DiD scan
   the selected rows again with narrow filters;
5. the measures, each an Ibis expression over the cells: excess (hub and onward), direct
   drop, lost in transit, unit values, substitution; then DiD on a pandas frame;
6. :mod:`~roundabout.analytics.rank` scores (hub, product) pairs; the top ones get a sentence
   from :mod:`~roundabout.analytics.explain`.

A measure whose inputs are missing is :class:`Unavailable` with its reason; the others run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.analytics import did as did_mod
from roundabout.analytics import explain
from roundabout.analytics.direct import direct_drop
from roundabout.analytics.excess import hub_excess, months_above, onward_excess, other_goods
from roundabout.analytics.goods import Goods, load_goods
from roundabout.analytics.inventory import Inventory, listing
from roundabout.analytics.mirror import log_ratios, lost_in_transit, mirror_pairs
from roundabout.analytics.panel import build
from roundabout.analytics.params import LeakParams
from roundabout.analytics.rank import score_table, top
from roundabout.analytics.resolve import PRODUCT_LEVELS, Plan, resolve
from roundabout.analytics.result import (
    DidResult,
    Figures,
    Finding,
    LeakResult,
    LogRatio,
    RawChange,
    Summary,
    Unavailable,
    UnitValue,
)
from roundabout.analytics.substitution import by_product, offset_share, ratio
from roundabout.analytics.unit_values import unit_values
from roundabout.errors import RoundaboutError
from roundabout.reference import hs


class _Cache:
    """Tables cached on the engine for the run (temporary; released at the end)."""

    def __init__(self) -> None:
        self.held: list[Any] = []

    def __call__(self, expr: ir.Table) -> ir.Table:
        # Engine quirks (Spark's cache) live in the engine adapters (roundabout.store.engines).
        cached = expr.cache()
        self.held.append(cached)
        return cached

    def release(self) -> None:
        for t in reversed(self.held):
            try:
                t.release()
            except Exception:  # already gone with its connection
                continue
        self.held.clear()


@contextmanager
def _caching() -> Iterator[_Cache]:
    cache = _Cache()
    try:
        yield cache
    finally:
        cache.release()


def find_leaks(
    flows: ir.Table, params: LeakParams | None = None, *, goods: pa.Table | None = None
) -> LeakResult:
    """Run every measure on ``flows`` (an Ibis table with the canonical ``flows`` schema).

    ``goods`` overrides the list named in ``params.goods`` with a table of the shape of
    :func:`roundabout.reference.goods_lists.entries`.
    """
    params = params or LeakParams()
    folded = load_goods(params.goods, goods)
    inv = Inventory.of(flows)
    plan = resolve(params, inv, folded)
    if params.did:
        did_mod.prefetch()  # the pyfixest import overlaps the aggregates
    with _caching() as cache:
        return _run(flows, plan, inv, folded, cache)


def _run(flows: ir.Table, plan: Plan, inv: Inventory, folded: Goods, cache: _Cache) -> LeakResult:
    goods = folded.expr()
    panel = build(flows, goods, plan)
    seg = cache(panel.segments)
    n_sanctioned = _check_goods(seg, folded)
    growth = cache(other_goods(seg))
    notes = list(plan.notes)

    hub_gap = _hub_gap(inv, plan)
    hubx = cache(hub_excess(seg, growth, plan)) if hub_gap is None else None
    onward_gap = _onward_gap(inv, plan)
    onward = cache(onward_excess(seg, growth, plan)) if onward_gap is None else None
    if onward_gap is None and len(plan.onward_hubs) < len(plan.hubs):
        missing = [h for h in plan.hubs if h not in plan.onward_hubs]
        notes.append(f"onward flows by product missing for {', '.join(missing)}")
    direct_gap = (
        None
        if plan.direct
        else Unavailable(f"the origins report no exports to {plan.target} by product")
    )
    drop = cache(direct_drop(seg, growth, plan)) if direct_gap is None else None
    mirror_gap = _mirror_gap(inv, plan)
    lost: ir.Table | None = None
    ratios: tuple[LogRatio, ...] | Unavailable = mirror_gap or ()
    if mirror_gap is None:
        if len(plan.mirror_hubs) < len(plan.hubs):
            missing = [h for h in plan.hubs if h not in plan.mirror_hubs]
            notes.append(f"imports by product (the mirror side) missing for {', '.join(missing)}")
        pairs = cache(mirror_pairs(seg, plan))
        lost = cache(lost_in_transit(pairs, growth, plan.params.cif_fob_margin))
        ratios = _log_ratios(pairs, plan)
    uv = _unit_values(seg, plan)
    did = _did(panel.picked, seg, plan, goods, cache)

    summary = _summary(plan, hubx, onward, lost, drop, n_sanctioned)
    findings: tuple[Finding, ...] = ()
    if hubx is not None:
        months = months_above(panel.picked, hubx, plan)
        scored = score_table(hubx, months, goods, plan, onward=onward, lost=lost, drop=drop)
        findings = _findings(top(scored, plan.params.top), plan, folded)
    return LeakResult(
        summary=summary,
        findings=findings,
        hub_excess=hub_gap,
        onward=onward_gap,
        direct=direct_gap,
        lost_in_transit=ratios,
        unit_values=uv,
        did=did,
        origins=plan.origins,
        notes=tuple(notes),
    )


def _check_goods(cl: ir.Table, goods: Goods) -> int:
    s = cl.filter(cl.kind == "sanctioned")
    n = int(s.product.nunique().execute())
    if n == 0:
        sample = cl.filter(cl.kind != "total").select("product").distinct().limit(8)
        have = sample.to_pyarrow()["product"].to_pylist()
        raise RoundaboutError(
            f"none of the {goods.table.num_rows} HS6 codes of goods list {goods.name!r} "
            "appears in the flows of the window and baseline "
            f"(products present include: {listing(have) if have else 'none'})"
        )
    return n


def _hub_gap(inv: Inventory, plan: Plan) -> Unavailable | None:
    if inv.select(reporters=plan.origins, partners=plan.hubs, flow="export", levels=PRODUCT_LEVELS):
        return None
    return Unavailable(
        f"the origins report no exports by product to the hubs ({', '.join(plan.hubs)})"
    )


def _onward_gap(inv: Inventory, plan: Plan) -> Unavailable | None:
    if plan.onward_hubs:
        return None
    totals = inv.select(reporters=plan.hubs, partners=[plan.target], flow="export", levels=[0])
    have = (
        f"only totals, from {listing({s.reporter for s in totals})}"
        if totals
        else "nothing from the hubs"
    )
    return Unavailable(
        f"no hub reports its exports to {plan.target} by product (the data hold {have}); "
        "excess_out and pass-through need them"
    )


def _mirror_gap(inv: Inventory, plan: Plan) -> Unavailable | None:
    if plan.mirror_hubs:
        return None
    totals = inv.select(reporters=plan.hubs, partners=plan.origins, flow="import", levels=[0])
    have = (
        f"hub imports only as totals, from {listing({s.reporter for s in totals})}"
        if totals
        else "no imports reported by the hubs"
    )
    return Unavailable(
        "no hub reports its imports from the origins by product: the mirror (import) side "
        f"is missing ({have}); lost in transit needs both sides by product"
    )


def _log_ratios(pairs: ir.Table, plan: Plan) -> tuple[LogRatio, ...]:
    rows = log_ratios(pairs, plan.params.cif_fob_margin).to_pyarrow().to_pylist()
    return tuple(
        LogRatio(r["kind"], r["year"], float(r["median_log_ratio"]), int(r["pairs"]))
        for r in sorted(rows, key=lambda r: (r["kind"], r["year"]))
    )


def _unit_values(seg: ir.Table, plan: Plan) -> tuple[UnitValue, ...] | Unavailable:
    rows = unit_values(seg, plan).to_pyarrow().to_pylist()
    if not rows:
        return Unavailable(
            "no net weights on sanctioned flows in both baseline and window (values only), "
            "so no unit values"
        )
    return tuple(
        UnitValue(
            r["route"],
            int(r["products"]),
            float(r["median_log_change"]),
            float(r["uv_base"]),
            float(r["uv_win"]),
        )
        for r in sorted(rows, key=lambda r: str(r["route"]))
    )


def _did(
    rows: ir.Table, seg: ir.Table, plan: Plan, goods: ir.Table, cache: _Cache
) -> DidResult | Unavailable:
    if not plan.params.did:
        return Unavailable("not requested")
    try:
        return did_mod.run_did(rows, seg, plan, goods, cache)
    except ImportError:
        return Unavailable("pyfixest is not installed: pip install pyfixest")
    except MemoryError:
        return Unavailable(
            f"out of memory for the DiD panel: lower did_max_rows ({plan.params.did_max_rows:,})"
        )


def _figures(
    hubx: ir.Table | None,
    onward: ir.Table | None,
    lost: ir.Table | None,
    drop: ir.Table | None,
) -> dict[str, dict[str | None, float]]:
    """The summary's sums over sanctioned products, in one query: ``{measure: {hub: v}}``
    (hub None for the group-wide direct drop and substitution count)."""
    parts: list[ir.Table] = []

    def by_hub(t: ir.Table, **measures: ir.NumericValue) -> None:
        a = t.group_by("hub").aggregate(**measures)
        for name in measures:
            parts.append(a.select(m=ibis.literal(name), hub=a.hub, v=a[name].cast("float64")))

    if hubx is not None:
        h = hubx.filter(hubx.kind == "sanctioned")
        by_hub(h, excess=h.excess_in.sum(), increase=(h.win_in - h.base_in).sum())
    if onward is not None:
        o = onward.filter(onward.kind == "sanctioned")
        by_hub(o, out=o.excess_out.sum())
    if lost is not None:
        x = lost.filter(lost.kind == "sanctioned")
        by_hub(x, lost=x.lost.sum())
    if drop is not None:
        d = drop.filter(drop.kind == "sanctioned")
        a = d.aggregate(dd=d.direct_drop.sum(), raw=(d.base_direct - d.win_direct).sum())
        for name in ("dd", "raw"):
            parts.append(
                a.select(m=ibis.literal(name), hub=ibis.null("string"), v=a[name].cast("float64"))
            )
        if hubx is not None:
            sub = by_product(hubx.filter(hubx.kind == "sanctioned"), d)
            c = sub.aggregate(n=(sub.substitution_ratio > 0.5).sum().fill_null(0))
            parts.append(
                c.select(
                    m=ibis.literal("over_half"), hub=ibis.null("string"), v=c.n.cast("float64")
                )
            )
    out: dict[str, dict[str | None, float]] = {}
    if not parts:
        return out
    u = parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0]
    for r in u.to_pyarrow().to_pylist():
        out.setdefault(r["m"], {})[r["hub"]] = float(r["v"] or 0.0)
    return out


def _summary(
    plan: Plan,
    hubx: ir.Table | None,
    onward: ir.Table | None,
    lost: ir.Table | None,
    drop: ir.Table | None,
    n_sanctioned: int,
) -> Summary:
    fig = _figures(hubx, onward, lost, drop)
    excess = fig.get("excess", {})
    increase = fig.get("increase", {})
    out = fig.get("out", {})
    lost_by = fig.get("lost", {})
    dd: float | None = None
    raw_drop = 0.0
    over_half: int | None = None
    if drop is not None:
        dd = fig.get("dd", {}).get(None, 0.0)
        raw_drop = fig.get("raw", {}).get(None, 0.0)
        if hubx is not None:
            over_half = int(fig.get("over_half", {}).get(None, 0.0))
    hubs: dict[str, Figures] = {}
    for hub in plan.hubs:
        hx = excess.get(hub) if hubx is not None else None
        hubs[hub] = Figures(
            direct_drop=dd,
            hub_excess=hx,
            lost_in_transit=lost_by.get(hub, 0.0) if hub in plan.mirror_hubs else None,
            offset_share=offset_share(hx, dd),
            excess_out=out.get(hub, 0.0) if hub in plan.onward_hubs else None,
        )
    total = sum(excess.values()) if hubx is not None else None
    group = Figures(
        direct_drop=dd,
        hub_excess=total,
        lost_in_transit=sum(lost_by.values()) if plan.mirror_hubs and lost is not None else None,
        offset_share=offset_share(total, dd),
        excess_out=sum(out.values()) if onward is not None else None,
    )
    inc = sum(increase.values())
    return Summary(
        group=group,
        currency=plan.currency,
        baseline=plan.baseline,
        window=plan.window,
        target=plan.target,
        goods=plan.goods.name,
        hubs=hubs,
        raw=RawChange(direct_drop=raw_drop, hub_increase=inc, offset_share=ratio(inc, raw_drop)),
        sanctioned_products=n_sanctioned,
        products_substitution_over_half=over_half,
    )


def _findings(best: ir.Table, plan: Plan, goods: Goods) -> tuple[Finding, ...]:
    rows = best.to_pyarrow().to_pylist()
    described = dict(
        zip(
            goods.table["product"].to_pylist(),
            goods.table["description"].to_pylist(),
            strict=True,
        )
    )
    out: list[Finding] = []
    n = len(plan.window)
    for r in rows:
        product = r["product"]
        desc = described.get(product) or hs.describe(product, "HS2017") or hs.describe(product)
        sanctioned = r["kind"] == "sanctioned"
        facts = explain.Facts(
            hub=r["hub"],
            product=product,
            description=desc,
            target=plan.target,
            currency=plan.currency,
            window=str(plan.window),
            sanctioned=sanctioned,
            sanctioned_from=r["sanctioned_from"] if sanctioned else None,
            excess_in=float(r["excess_in"]),
            expected_in=float(r["expected_in"]),
            window_in=float(r["win_in"]),
            excess_out=_opt(r["excess_out"]),
            lost=_opt(r["lost_in_transit"]),
            months_above=int(r["months_above"]),
            months=n,
        )
        out.append(
            Finding(
                hub=r["hub"],
                product=product,
                description=desc,
                score=float(r["score"]),
                excess_in=float(r["excess_in"]),
                excess_out=_opt(r["excess_out"]),
                lost_in_transit=_opt(r["lost_in_transit"]),
                substitution_ratio=_opt(r["substitution_ratio"]),
                explanation=explain.sentence(facts),
                sanctioned=sanctioned,
                sanctioned_from=r["sanctioned_from"] if sanctioned else None,
                baseline_in=float(r["base_in"]),
                window_in=float(r["win_in"]),
                expected_in=float(r["expected_in"]),
                pass_through=_opt(r["pass_through"]),
                direct_drop=_opt(r["direct_drop"]),
                months_above=int(r["months_above"]),
                months=n,
            )
        )
    return tuple(out)


def _opt(x: Any) -> float | None:
    return None if x is None else float(x)
