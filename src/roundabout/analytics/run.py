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

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.analytics import did as did_mod
from roundabout.analytics import editions, explain
from roundabout.analytics.direct import direct_drop
from roundabout.analytics.excess import hub_excess, months_above, onward_excess, other_goods
from roundabout.analytics.goods import Goods, load_goods
from roundabout.analytics.inventory import Inventory, listing
from roundabout.analytics.mirror import log_ratios, lost_in_transit, mirror_pairs
from roundabout.analytics.mirror_annual import annual_lost
from roundabout.analytics.panel import PIECE_UNITS, Panel, build
from roundabout.analytics.params import LeakParams
from roundabout.analytics.rank import coverage, score_table, top
from roundabout.analytics.resolve import PRODUCT_LEVELS, Plan, resolve
from roundabout.analytics.result import (
    DidResult,
    Figures,
    Finding,
    LeakResult,
    LogRatio,
    Placebo,
    RawChange,
    Summary,
    Unavailable,
    UnitValue,
)
from roundabout.analytics.substitution import by_product, offset_share, ratio
from roundabout.analytics.uncertainty import offset_share_ci
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


@dataclasses.dataclass(frozen=True)
class _Core:
    """The measures every run needs, for one plan (the real one or the placebo)."""

    panel: Panel
    seg: ir.Table
    growth: ir.Table
    hubx: ir.Table | None
    drop: ir.Table | None
    set_aside: tuple[editions.SetAside, ...]


def _core(flows: ir.Table, plan: Plan, inv: Inventory, goods: Goods, cache: _Cache) -> _Core:
    panel = build(flows, goods, plan)
    seg, aside = editions.set_aside(
        cache(panel.segments), plan.hubs, plan.origins, plan.baseline, plan.window
    )
    seg = cache(seg)
    pool = plan.origins if plan.params.counterfactual == "pooled" else None
    growth = cache(other_goods(seg, pool))
    hubx = cache(hub_excess(seg, growth, plan)) if _hub_gap(inv, plan) is None else None
    drop = cache(direct_drop(seg, growth, plan)) if plan.direct else None
    return _Core(panel, seg, growth, hubx, drop, aside)


def _run(flows: ir.Table, plan: Plan, inv: Inventory, folded: Goods, cache: _Cache) -> LeakResult:
    goods = folded.expr()
    core = _core(flows, plan, inv, folded, cache)
    seg, growth, hubx, drop = core.seg, core.growth, core.hubx, core.drop
    n_sanctioned = _check_goods(seg, folded)
    notes = list(plan.notes)

    hub_gap = _hub_gap(inv, plan)
    onward_gap = _onward_gap(inv, plan)
    covered = cache(coverage(seg, plan.hubs))
    onward = (
        cache(_covered_only(onward_excess(seg, growth, plan), covered))
        if onward_gap is None
        else None
    )
    if onward_gap is None and len(plan.onward_hubs) < len(plan.hubs):
        missing = [h for h in plan.hubs if h not in plan.onward_hubs]
        notes.append(f"onward flows by product missing for {', '.join(missing)}")
    direct_gap = (
        None
        if plan.direct
        else Unavailable(f"the origins report no exports to {plan.target} by product")
    )
    mirror_gap = _mirror_gap(inv, plan)
    lost: ir.Table | None = None
    ratios: tuple[LogRatio, ...] | Unavailable = mirror_gap or ()
    if mirror_gap is None:
        if len(plan.mirror_hubs) < len(plan.hubs):
            missing = [h for h in plan.hubs if h not in plan.mirror_hubs]
            notes.append(f"imports by product (the mirror side) missing for {', '.join(missing)}")
        pairs = cache(mirror_pairs(seg, plan))
        lost = cache(
            _covered_only(lost_in_transit(pairs, growth, plan.params.cif_fob_margin), covered)
        )
        ratios = _log_ratios(pairs, plan)
    uv = _unit_values(seg, plan)
    lost_annual = annual_lost(flows, plan, core.panel.bans)
    aside = tuple(a.product for a in core.set_aside)
    did = _did(core.panel.picked, seg, plan, core.panel.bans, cache, aside)
    did_direct = _did_direct(core.panel.picked, plan, core.panel.bans, aside)

    conversion = editions.conversion_counts(core.panel.picked)
    if conversion["rows_converted"]:
        notes.append(
            f"{conversion['rows_converted']:,} rows ({conversion['codes_converted']} HS2022 "
            f"codes, {plan.currency} {conversion['value_converted'] / 1e6:,.1f}m) converted to "
            "HS2017, the goods list's edition, through the UNSD tables (summary.hs_conversion)"
        )
    if core.set_aside:
        total = sum(a.hub_value for a in core.set_aside)
        notes.append(
            f"{len(core.set_aside)} products set aside: present in one period only at product "
            f"level (series breaks, {plan.currency} {total / 1e6:,.1f}m to the hubs; see "
            "set_aside)"
        )
    summary = _summary(plan, hubx, onward, lost, drop, n_sanctioned)
    summary = dataclasses.replace(
        summary,
        hs_conversion=conversion,
        placebo=_placebo(flows, plan, inv, folded, cache) if plan.params.placebo else None,
    )
    summary = _with_uncertainty(summary, plan, hubx, drop)
    if summary.raw.warning:
        notes.append(summary.raw.warning)
    findings: tuple[Finding, ...] = ()
    surges: tuple[Finding, ...] = ()
    if hubx is not None:
        months = months_above(core.panel.picked, hubx, plan, core.panel.bans)
        scored = cache(
            score_table(
                hubx, months, goods, plan, onward=onward, lost=lost, drop=drop,
                covered=covered, min_drop=plan.params.min_drop,
            )
        )  # fmt: skip
        findings = _findings(top(scored, plan.params.top), plan, folded, core.panel.picked)
        surges = _findings(top(scored, plan.params.top, "other"), plan, folded, None)
    return LeakResult(
        summary=summary,
        findings=findings,
        hub_excess=hub_gap,
        onward=onward_gap,
        direct=direct_gap,
        lost_in_transit=ratios,
        unit_values=uv,
        did=did,
        did_direct=did_direct,
        lost_in_transit_annual=lost_annual,
        origins=plan.origins,
        notes=tuple(notes),
        set_aside=core.set_aside,
        unlisted_surges=surges,
        warnings=plan.warnings,
    )


def _covered_only(t: ir.Table, covered: ir.Table) -> ir.Table:
    """Rows of (hub, product) pairs that the hub's own data cover in both periods."""
    c = covered.select(k_hub="hub", k_product="product")
    return t.semi_join(c, (t.hub == c.k_hub) & (t.product == c.k_product))


def _placebo(
    flows: ir.Table, plan: Plan, inv: Inventory, goods: Goods, cache: _Cache
) -> Placebo | Unavailable:
    """Every ban and both periods moved 12 months earlier, the same method otherwise."""
    base, win = plan.baseline.shift(-12), plan.window.shift(-12)
    if not base.within(plan.data_span):
        return Unavailable(
            f"the placebo's baseline {base} is outside the data (monthly product-level flows "
            f"cover {plan.data_span.start} to {plan.data_span.end})"
        )
    shifted = goods.shifted(-12)
    p = dataclasses.replace(plan, baseline=base, window=win, goods=shifted)
    core = _core(flows, p, inv, shifted, cache)
    fig = _figures(core.hubx, None, None, core.drop)
    excess = fig.get("excess", {}) if core.hubx is not None else {}
    total = sum(excess.values()) if core.hubx is not None else None
    dd = fig.get("dd", {}).get(None, 0.0) if core.drop is not None else None
    return Placebo(
        hub_excess=total,
        direct_drop=dd,
        offset_share=offset_share(total, dd),
        baseline=base,
        window=win,
        hubs={h: excess.get(h, 0.0) if core.hubx is not None else None for h in plan.hubs},
    )


def _with_uncertainty(
    summary: Summary, plan: Plan, hubx: ir.Table | None, drop: ir.Table | None
) -> Summary:
    """Bootstrap interval of the offset share, and the hub x HS chapter breakdown."""
    if hubx is None:
        return summary
    h = hubx.filter(hubx.kind == "sanctioned")
    ex = h.select("hub", "product", "excess_in", "base_in", "win_in").to_pyarrow().to_pylist()
    dr: list[dict[str, Any]] = []
    if drop is not None:
        d = drop.filter(drop.kind == "sanctioned")
        dr = d.select("product", "direct_drop").to_pyarrow().to_pylist()
    group_ci: tuple[float, float] | None = None
    hub_ci: dict[str, tuple[float, float] | None] = {hub: None for hub in plan.hubs}
    if drop is not None:
        group_ci, hub_ci = offset_share_ci(
            [(r["hub"], r["product"], float(r["excess_in"])) for r in ex],
            [(r["product"], float(r["direct_drop"])) for r in dr],
            plan.hubs,
            plan.params.bootstrap,
            plan.params.seed,
        )
    drop_by_ch: dict[str, float] = {}
    for r in dr:
        drop_by_ch[r["product"][:2]] = drop_by_ch.get(r["product"][:2], 0.0) + r["direct_drop"]
    chapters: dict[str, dict[str, dict[str, Any]]] = {hub: {} for hub in plan.hubs}
    for r in ex:
        ch = chapters.setdefault(r["hub"], {}).setdefault(
            r["product"][:2],
            {"hub_excess": 0.0, "baseline_in": 0.0, "window_in": 0.0, "products": 0},
        )
        ch["hub_excess"] += float(r["excess_in"])
        ch["baseline_in"] += float(r["base_in"])
        ch["window_in"] += float(r["win_in"])
        ch["products"] += 1
    for per in chapters.values():
        for code, ch in per.items():
            dd = drop_by_ch.get(code) if drop is not None else None
            ch["direct_drop"] = None if dd is None else round(dd, 2)
            ch["offset_share"] = (
                None if (o := offset_share(ch["hub_excess"], dd)) is None else round(o, 6)
            )
            ch["description"] = hs.describe(code, "HS2017")
            for k in ("hub_excess", "baseline_in", "window_in"):
                ch[k] = round(ch[k], 2)
    hubs = {
        hub: dataclasses.replace(
            f,
            offset_share_ci=hub_ci.get(hub),
            chapters=dict(
                sorted(chapters.get(hub, {}).items(), key=lambda kv: -kv[1]["hub_excess"])
            ),
        )
        for hub, f in summary.hubs.items()
    }
    group = dataclasses.replace(summary.group, offset_share_ci=group_ci)
    return dataclasses.replace(
        summary, group=group, hubs=hubs, bootstrap=plan.params.bootstrap if drop is not None else 0
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
    by = {(r["route"], r["kind"]): r for r in rows}
    if not any(k == "sanctioned" for _, k in by):
        return Unavailable(
            "no net weights or pieces on sanctioned flows in both baseline and window "
            "(values only), so no unit values"
        )
    out: list[UnitValue] = []
    for (route, kind), r in sorted(by.items()):
        if kind != "sanctioned":
            continue
        other = by.get((route, "other"))
        change = float(r["median_log_change"])
        out.append(
            UnitValue(
                route,
                int(r["products"]),
                change,
                float(r["uv_base"]) if r["uv_base"] is not None else float("nan"),
                float(r["uv_win"]) if r["uv_win"] is not None else float("nan"),
                per_item=int(r["per_item"]),
                other_products=int(other["products"]) if other else 0,
                other_median_log_change=float(other["median_log_change"]) if other else None,
                relative=change - float(other["median_log_change"]) if other else None,
            )
        )
    return tuple(out)


def _did_direct(
    rows: ir.Table, plan: Plan, bans: ir.Table, exclude: tuple[str, ...]
) -> dict[str, Any] | Unavailable:
    if not plan.params.did:
        return Unavailable("not requested")
    try:
        from roundabout.analytics.did_direct import run_direct_did

        return run_direct_did(rows, plan, bans, exclude)
    except ImportError:
        return Unavailable("pyfixest is not installed: pip install pyfixest")


def _did(
    rows: ir.Table,
    seg: ir.Table,
    plan: Plan,
    bans: ir.Table,
    cache: _Cache,
    exclude: tuple[str, ...] = (),
) -> DidResult | Unavailable:
    if not plan.params.did:
        return Unavailable("not requested")
    try:
        return did_mod.run_did(rows, seg, plan, bans, cache, exclude)
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
    min_drop: float = 0.0,
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
        by_hub(h, excess=h.excess_in.sum(), raw_base=h.base_in.sum(), raw_win=h.win_in.sum())
    if onward is not None:
        o = onward.filter(onward.kind == "sanctioned")
        by_hub(o, out=o.excess_out.sum())
    if lost is not None:
        x = lost.filter(lost.kind == "sanctioned")
        by_hub(x, lost=x.lost.sum())
    if drop is not None:
        d = drop.filter(drop.kind == "sanctioned")
        a = d.aggregate(
            dd=d.direct_drop.sum(), raw_base=d.base_direct.sum(), raw_win=d.win_direct.sum()
        )
        for name in ("dd", "raw_base", "raw_win"):
            parts.append(
                a.select(m=ibis.literal(name), hub=ibis.null("string"), v=a[name].cast("float64"))
            )
        if hubx is not None:
            sub = by_product(hubx.filter(hubx.kind == "sanctioned"), d)
            big = (sub.substitution_ratio > 0.5) & (sub.direct_drop >= min_drop)
            c = sub.aggregate(n=big.sum().fill_null(0))
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
    fig = _figures(hubx, onward, lost, drop, plan.params.min_drop)
    excess = fig.get("excess", {})
    out = fig.get("out", {})
    lost_by = fig.get("lost", {})
    dd: float | None = None
    over_half: int | None = None
    if drop is not None:
        dd = fig.get("dd", {}).get(None, 0.0)
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
    raw = _raw(plan, fig)
    return Summary(
        group=group,
        currency=plan.currency,
        baseline=plan.baseline,
        window=plan.window,
        target=plan.target,
        goods=plan.goods.name,
        hubs=hubs,
        raw=raw,
        sanctioned_products=n_sanctioned,
        products_substitution_over_half=over_half,
        counterfactual=plan.params.counterfactual,
        min_drop=plan.params.min_drop,
    )


def _raw(plan: Plan, fig: dict[str, dict[str | None, float]]) -> RawChange:
    """Window against baseline without counterfactual, per month of each period: the
    baseline's monthly level times the window's months is what "no change" means."""
    nb, nw = len(plan.baseline), len(plan.window)
    direct_b = fig.get("raw_base", {}).get(None, 0.0)
    direct_w = fig.get("raw_win", {}).get(None, 0.0)
    hubs_b = sum(v for k, v in fig.get("raw_base", {}).items() if k is not None)
    hubs_w = sum(v for k, v in fig.get("raw_win", {}).items() if k is not None)
    drop = direct_b / nb * nw - direct_w
    inc = hubs_w - hubs_b / nb * nw
    warning = (
        f"baseline {plan.baseline} ({nb} months) and window {plan.window} ({nw} months) differ "
        "in length: raw figures are compared per month, and seasonality no longer cancels out"
        if nb != nw
        else None
    )
    return RawChange(
        direct_drop=drop,
        hub_increase=inc,
        offset_share=ratio(inc, drop),
        base_months=nb,
        win_months=nw,
        direct_base_per_month=direct_b / nb,
        direct_win_per_month=direct_w / nw,
        hubs_base_per_month=hubs_b / nb,
        hubs_win_per_month=hubs_w / nw,
        warning=warning,
    )


def _findings(
    best: ir.Table, plan: Plan, goods: Goods, picked: ir.Table | None
) -> tuple[Finding, ...]:
    rows = best.to_pyarrow().to_pylist()
    g = goods.table.to_pylist()
    listed = {r["product"]: r for r in g}
    above = _share_above(picked, rows, plan, listed) if picked is not None and rows else {}
    out: list[Finding] = []
    for r in rows:
        product = r["product"]
        entry = listed.get(product)
        desc = (
            (entry or {}).get("description")
            or hs.describe(product, "HS2017")
            or hs.describe(product)
        )
        sanctioned = r["kind"] == "sanctioned"
        price = entry["max_price_eur"] if entry and sanctioned else None
        partial = bool(entry and sanctioned and entry["partial"])
        since = r["sanctioned_from"] if sanctioned else None
        ban = _ban_text(since, price, partial, plan.currency) if since else None
        reasons = _reasons(r, plan)
        share_above = above.get((r["hub"], product))
        if price is not None and share_above is None:
            reasons["share_above_threshold"] = (
                "no supplementary units (pieces) on these flows, so no unit value per item"
            )
        facts = explain.Facts(
            hub=r["hub"],
            product=product,
            description=desc,
            target=plan.target,
            currency=plan.currency,
            window=str(plan.window),
            sanctioned=sanctioned,
            sanctioned_from=since,
            excess_in=float(r["excess_in"]),
            expected_in=float(r["expected_in"]),
            window_in=float(r["win_in"]),
            excess_out=_opt(r["excess_out"]),
            lost=_opt(r["lost_in_transit"]),
            months_above=int(r["months_above"]),
            months=int(r["months"]),
            ban=ban,
            covered=bool(r["covered"]),
            onward_data=r["hub"] in plan.onward_hubs,
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
                sanctioned_from=since,
                baseline_in=float(r["base_in"]),
                window_in=float(r["win_in"]),
                expected_in=float(r["expected_in"]),
                pass_through=_opt(r["pass_through"]),
                direct_drop=_opt(r["direct_drop"]),
                months_above=int(r["months_above"]),
                months=int(r["months"]),
                ban=ban,
                max_price_eur=price,
                partial_ban=partial,
                share_above_threshold=share_above,
                reasons=reasons,
                listed_in_heading=()
                if sanctioned
                else tuple(sorted(p for p in listed if p[:4] == product[:4])),
            )
        )
    return tuple(out)


def _ban_text(since: str, price: float | None, partial: bool, currency: str) -> str:
    """``banned from 2022-04``; ``banned above EUR 50,000 per unit from 2022-04``."""
    if price is not None and partial:
        return f"banned above EUR {price:,.0f} per unit from {since}"
    if price is not None:
        return f"banned from {since} (a luxury ban above EUR {price:,.0f} per unit also applies)"
    return f"banned from {since}"


def _reasons(r: dict[str, Any], plan: Plan) -> dict[str, str]:
    """Why each null figure of a finding is null."""
    hub, product, out = r["hub"], r["product"], {}
    gap = (
        f"{hub}'s data hold no {product} in both baseline {plan.baseline} and window {plan.window}"
    )
    if r["excess_out"] is None:
        out["excess_out"] = (
            gap
            if hub in plan.onward_hubs
            else f"{hub} reports no exports by product to {plan.target} in the data"
        )
        out["pass_through"] = out["excess_out"]
    if r["lost_in_transit"] is None:
        out["lost_in_transit"] = (
            gap
            if hub in plan.mirror_hubs
            else f"{hub} reports no imports by product from the origins in the data"
        )
    if r["substitution_ratio"] is None:
        dd = r["direct_drop"]
        out["substitution_ratio"] = (
            f"no direct exports of {product} to {plan.target} in the data"
            if dd is None
            else f"direct drop {explain.amount(float(dd), plan.currency)} is under --min-drop "
            f"{explain.amount(plan.params.min_drop, plan.currency)}"
        )
    return out


def _share_above(
    picked: ir.Table, rows: list[dict[str, Any]], plan: Plan, listed: dict[str, Any]
) -> dict[tuple[str, str], float]:
    """Per (hub, product) with a price threshold: the share of the window's origin -> hub
    value in (origin, line, month) cells whose value per item is above the threshold.

    Only where the flows give quantities in pieces; EUR thresholds only for EUR flows."""
    wanted = {
        (r["hub"], r["product"])
        for r in rows
        if r["kind"] == "sanctioned" and (listed.get(r["product"]) or {}).get("max_price_eur")
    }
    if not wanted or plan.currency != "EUR":
        return {}
    products = sorted({p for _, p in wanted})
    c = picked.filter(
        picked.seg == "win",
        picked.flow == "export",
        picked.reporter.isin(list(plan.origins)),
        picked.partner.isin(list(plan.hubs)),
        picked.product.isin(products),
        picked.quantity > 0,
        picked.quantity_unit.lower().isin(sorted(PIECE_UNITS)),
    )
    cells = c.group_by(["reporter", "partner", "product", "product_code", "period"]).aggregate(
        value=c.value.sum(), items=c.quantity.sum()
    )
    out_rows = cells.to_pyarrow().to_pylist()
    tot: dict[tuple[str, str], list[float]] = {}
    for x in out_rows:
        key = (x["partner"], x["product"])
        if key not in wanted:
            continue
        limit = float(listed[x["product"]]["max_price_eur"])
        acc = tot.setdefault(key, [0.0, 0.0])
        acc[0] += float(x["value"])
        if float(x["value"]) / float(x["items"]) > limit:
            acc[1] += float(x["value"])
    return {k: v[1] / v[0] for k, v in tot.items() if v[0] > 0}


def _opt(x: Any) -> float | None:
    return None if x is None else float(x)
