"""What the report and the dashboard show, computed from a store: one function per section.

Each function returns its data, or :class:`~roundabout.analytics.Unavailable` with the reason
when its inputs are missing (no flows by product from the hubs, no screening run yet, a store
that mixes currencies...). A section never fails the whole report: the renderer prints
"not available: <reason>" in its place.

Flows are read through Ibis (:func:`roundabout.store.queries.filter_flows` and
:func:`~roundabout.store.queries.aggregate_flows`), never SQL strings. Rows of different
product levels overlap (a CN8 row is part of its HS6), so every product-level sum keeps, per
reporter, the level the analysis reads (HS6 where the reporter has HS6 rows, else CN8), by
the analysis's own rule (:func:`roundabout.analytics.resolve.reporter_levels`).

The charts use the analysis's own definitions, never their own: the goods list as
:func:`roundabout.analytics.goods.load_goods` folds it (HS2017, ban months after the
wind-down), rows converted to that edition by :func:`roundabout.analytics.editions.recode`,
and, when the report has a leak result, its hubs, origins and currency, without the products
it set aside. They chart flows, never a measure: every figure of the analysis (excess, drop,
offset share, intervals, placebo) comes from :func:`find_leaks` itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.analytics import LeakParams, LeakResult, Unavailable, editions, find_leaks
from roundabout.analytics.goods import load_goods
from roundabout.analytics.inventory import Inventory
from roundabout.analytics.panel import at_levels
from roundabout.analytics.params import (
    DEFAULT_GOODS,
    DEFAULT_HUBS,
    DEFAULT_TARGET,
    SANCTIONING,
)
from roundabout.analytics.resolve import reporter_levels
from roundabout.errors import RoundaboutError
from roundabout.reference import goods_lists
from roundabout.store import Store, audit
from roundabout.store.queries import FlowFilter, aggregate_flows, filter_flows

#: What WP 276 and its follow-up report, to print next to our offset shares.
PUBLISHED: tuple[tuple[str, str, str], ...] = (
    (
        "EBRD WP 276 (Chupilkin, Javorcik & Plekhanov, 2023)",
        "March-August 2022, Armenia, Kazakhstan, Kyrgyz Republic",
        "about 5% of the drop in sanctioned exports to Russia offset via the hubs",
    ),
    (
        "CEPR DP 20097 (2025 revision)",
        "2022-2023, wider set of hubs",
        "5 to 10 per cent",
    ),
)

MAX_SANKEY_ORIGINS = 8


@dataclass(frozen=True)
class Scope:
    """Which flows a chart covers: the dashboard's filters, the report's defaults.

    ``hubs``/``origins`` ``None`` mean the defaults of :mod:`roundabout.analytics.params`
    (those present in the data). ``products`` are code prefixes (``"84"`` is chapter 84,
    ``"847130"`` one subheading). Periods are ``YYYY-MM``, inclusive.
    """

    target: str = DEFAULT_TARGET
    hubs: tuple[str, ...] | None = None
    origins: tuple[str, ...] | None = None
    goods: str = DEFAULT_GOODS
    products: tuple[str, ...] = ()
    period_from: str | None = None
    period_to: str | None = None
    currency: str | None = None  # None: the most common currency of the rows
    #: HS6 codes (HS2017) left out of the charts: the products the analysis set aside for a
    #: broken series (``LeakResult.set_aside``), so charts and measures cover the same goods.
    exclude: tuple[str, ...] = ()

    def hub_list(self) -> tuple[str, ...]:
        return self.hubs if self.hubs else DEFAULT_HUBS

    def origin_list(self) -> tuple[str, ...]:
        """The origins; by default the sanctioning countries without the ``EU27_2020``
        aggregate, which would count its members twice."""
        return self.origins if self.origins else tuple(c for c in SANCTIONING if c != "EU27_2020")


@dataclass(frozen=True)
class Series:
    """Monthly values of sanctioned goods by route (``direct`` or ``to <hub>``)."""

    rows: list[dict[str, Any]]
    currency: str
    sanction_dates: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Flowchart:
    """Links of the Sankey: origin -> hub -> target (and origin -> target directly)."""

    links: list[dict[str, Any]]
    currency: str
    period: str
    notes: list[str] = field(default_factory=list)


def goods_table(name: str) -> pa.Table:
    """HS6 codes (HS2017) of a goods list with the first month each is banned, as the
    analysis folds them (:func:`roundabout.analytics.goods.load_goods`)."""
    t = load_goods(name).table
    return pa.table({"g_hs6": t["product"], "g_from": t["sanctioned_from"]})


def _sanctioned(
    flows: ir.Table, scope: Scope, reporters: Sequence[str], partners: Sequence[str]
) -> ir.Table:
    """Monthly export rows of sanctioned goods, at the product level the analysis reads for
    each reporter (:func:`~roundabout.analytics.resolve.reporter_levels`: HS6 where it reports
    HS6, else CN8), so a chart and ``roundabout leaks`` select the same rows."""
    inv = Inventory.of(flows.filter(flows.reporter.isin(list(reporters))))
    levels = reporter_levels(inv, reporters)
    f = filter_flows(
        flows,
        FlowFilter(
            reporters=tuple(reporters),
            partners=tuple(partners),
            flows=("export",),
            products=scope.products,
            freq="M",
            period_from=scope.period_from,
            period_to=scope.period_to,
        ),
    )
    f = editions.recode(f.filter(at_levels(f, levels)))
    goods = ibis.memtable(goods_table(scope.goods))
    f = f.semi_join(goods, f.product == goods.g_hs6)
    if scope.exclude:
        f = f.filter(~f.product.isin(list(scope.exclude)))
    return f


def _one_currency(
    rows: list[dict[str, Any]], notes: list[str], wanted: str | None = None
) -> tuple[list[dict[str, Any]], str]:
    counts = Counter(r["currency"] for r in rows)
    if not counts:
        return rows, wanted or ""
    currency = wanted or counts.most_common(1)[0][0]
    if any(c != currency for c in counts):
        others = ", ".join(sorted(c for c in counts if c != currency))
        notes.append(f"rows in {others} left out: values in different currencies are not added")
    return [r for r in rows if r["currency"] == currency], currency


def sanction_dates(
    goods: str, period_from: str | None, period_to: str | None
) -> list[dict[str, Any]]:
    """The first full months under the bans (after their wind-down), with how many HS6 codes
    each covered, as the analysis times them."""
    months = Counter(load_goods(goods).table["sanctioned_from"].to_pylist())
    return [
        {"month": m, "codes": n}
        for m, n in sorted(months.items())
        if (period_from is None or m >= period_from) and (period_to is None or m <= period_to)
    ]


def monthly_series(flows: ir.Table, scope: Scope) -> Series | Unavailable:
    """Sanctioned exports of the origins by month: straight to the target, and to each hub."""
    hubs = scope.hub_list()
    t = _sanctioned(flows, scope, scope.origin_list(), (scope.target, *hubs))
    agg = aggregate_flows(t, ["period", "partner"]).order_by(["period", "partner"])
    rows = agg.to_pyarrow().to_pylist()
    if not rows:
        return Unavailable(
            f"no monthly exports by product of sanctioned goods ({scope.goods}) from the origins "
            f"to {scope.target} or the hubs ({', '.join(hubs)}) in the store"
        )
    notes: list[str] = []
    rows, currency = _one_currency(rows, notes, scope.currency)
    out: dict[tuple[str, str], float] = {}
    for r in rows:
        route = "direct" if r["partner"] == scope.target else f"to {r['partner']}"
        out[(r["period"], route)] = out.get((r["period"], route), 0.0) + float(r["value"])
    periods = sorted({p for p, _ in out})
    return Series(
        rows=[{"period": p, "route": k, "value": round(v, 2)} for (p, k), v in sorted(out.items())],
        currency=currency,
        sanction_dates=sanction_dates(scope.goods, periods[0], periods[-1]),
        notes=notes,
    )


def sankey(flows: ir.Table, scope: Scope) -> Flowchart | Unavailable:
    """Sanctioned goods origin -> hub -> target, and origin -> target, over the scope's period.

    The first stage is what the origins report exporting to each hub; the second what each
    hub reports exporting to the target. A hub that reports no exports by product gets no
    second-stage link (a note says so) rather than a made-up one.
    """
    hubs = scope.hub_list()
    first = _sanctioned(flows, scope, scope.origin_list(), (scope.target, *hubs))
    rows = aggregate_flows(first, ["reporter", "partner"]).to_pyarrow().to_pylist()
    if not rows:
        return Unavailable(
            f"no exports by product of sanctioned goods ({scope.goods}) from the origins to "
            f"{scope.target} or the hubs ({', '.join(hubs)}) in the store"
        )
    notes: list[str] = []
    rows, currency = _one_currency(rows, notes, scope.currency)
    onward = _sanctioned(flows, scope, hubs, (scope.target,))
    second = [
        r
        for r in aggregate_flows(onward, ["reporter", "partner"]).to_pyarrow().to_pylist()
        if r["currency"] == currency
    ]
    by_origin: dict[str, float] = {}
    for r in rows:
        by_origin[r["reporter"]] = by_origin.get(r["reporter"], 0.0) + float(r["value"])
    top = set(sorted(by_origin, key=lambda o: -by_origin[o])[:MAX_SANKEY_ORIGINS])
    links: dict[tuple[str, str], float] = {}
    for r in rows:
        origin = r["reporter"] if r["reporter"] in top else "other origins"
        links[(origin, r["partner"])] = links.get((origin, r["partner"]), 0.0) + float(r["value"])
    for r in second:
        links[(r["reporter"], r["partner"])] = links.get(
            (r["reporter"], r["partner"]), 0.0
        ) + float(r["value"])
    reached = {r["partner"] for r in rows} - {scope.target}
    silent = sorted(reached - {r["reporter"] for r in second})
    if silent:
        notes.append(
            f"{', '.join(silent)} report no exports by product to {scope.target}: "
            "their onward link is not drawn"
        )
    span = f"{scope.period_from or 'start'} to {scope.period_to or 'end'}"
    return Flowchart(
        links=[
            {"source": s, "target": t, "value": round(v, 2)}
            for (s, t), v in sorted(links.items(), key=lambda kv: -kv[1])
            if v > 0
        ],
        currency=currency,
        period=span,
        notes=notes,
    )


def leaks(store: Store, params: LeakParams) -> LeakResult | Unavailable:
    """:func:`find_leaks` on the store, or why it cannot run on these data."""
    try:
        return find_leaks(store.flows(), params)
    except RoundaboutError as exc:
        return Unavailable(str(exc))


def chp_tiers() -> list[dict[str, Any]]:
    """The Common High Priority list by tier: code, description."""
    t = goods_lists.entries("chp")
    out: dict[str, list[dict[str, str]]] = {}
    for r in t.to_pylist():
        out.setdefault(r["tier"] or "?", []).append(
            {"code": r["code"], "description": r["description"] or ""}
        )
    return [{"tier": tier, "items": items} for tier, items in sorted(out.items())]


def screening_summary(store: Store) -> dict[str, Any] | Unavailable:
    """Runs, hits and decisions recorded in the store by ``roundabout screen``."""
    tables = set(store.backend.list_tables())
    if "screening_results" not in tables or not audit.has_event(
        store, "screening_run", "shipment_run"
    ):
        return Unavailable("no screening run in this store (run `roundabout screen parties`)")
    r = store.table("screening_results")
    n = int(r.count().execute())
    if n == 0:
        return Unavailable("no screening hit recorded in this store yet")
    by_status = r.group_by("status").aggregate(n=r.count()).to_pyarrow().to_pylist()
    runs = int(r.run_id.nunique().execute())
    parties = int(r.party_id.nunique().execute())
    matches = int(r.filter(r.is_match).count().execute())
    decided: dict[str, int] = {}
    if "screening_decisions" in tables:
        d = store.table("screening_decisions")
        for row in d.group_by("decision").aggregate(n=d.count()).to_pyarrow().to_pylist():
            decided[row["decision"]] = int(row["n"])
    return {
        "runs": runs,
        "hits": n,
        "parties_hit": parties,
        "matches": matches,
        "by_status": {row["status"]: int(row["n"]) for row in by_status},
        "decisions": decided,
        "open_alerts": len(alerts(store)),
        "audit": audit.verify(store).to_dict(),
    }


def alerts(store: Store, limit: int = 200) -> list[dict[str, Any]]:
    """The alert queue: each (party record, list entry) hit of the latest run that hit it, not
    yet decided on for that record and the entry as it now stands, matches first, best score
    first. A record is the party id with the content screened (``party_hash``): a decision on
    one record of ``p17`` leaves another record of ``p17`` in the queue."""
    tables = set(store.backend.list_tables())
    if "screening_results" not in tables:
        return []
    r = store.table("screening_results")
    last = r.screened_at.max().over(group_by=[r.party_id, r.party_hash, r.entity_id])
    latest = r.mutate(_last=last).filter(lambda t: t.screened_at == t._last).drop("_last")
    if "screening_decisions" in tables:
        d = store.table("screening_decisions")
        latest = latest.anti_join(
            d,
            (latest.party_id == d.party_id)
            & (latest.party_hash == d.party_hash)
            & (latest.entity_id == d.entity_id)
            & (latest.entity_hash == d.entity_hash),
        )
    if "list_entities" in tables:
        e = store.table("list_entities").select(
            e_snap="snapshot_id", e_id="entity_id", entity_name="name", entity_schema="schema"
        )
        latest = latest.left_join(
            e, (latest.snapshot_id == e.e_snap) & (latest.entity_id == e.e_id)
        ).drop("e_snap", "e_id")
    else:
        latest = latest.mutate(entity_name=ibis.null(str), entity_schema=ibis.null(str))
    q = latest.order_by([ibis.desc("is_match"), ibis.desc("score"), "party_id", "entity_id"])
    rows = q.limit(limit).to_pyarrow().to_pylist()
    return [
        {
            "party_id": x["party_id"],
            "party_hash": x["party_hash"],
            "entity_id": x["entity_id"],
            "entity_name": x["entity_name"],
            "entity_schema": x["entity_schema"],
            "score": round(float(x["score"]), 4),
            "match": bool(x["is_match"]),
            "status": x["status"],
            "snapshot_id": x["snapshot_id"],
            "run_id": x["run_id"],
            "screened_at": x["screened_at"].isoformat(),
        }
        for x in rows
    ]
