"""From the question (:class:`LeakParams`) and the data (:class:`Inventory`) to a :class:`Plan`.

Everything the measures need to know is decided here, once, with an error that says what is
there instead whenever a request cannot be met:

* the target, hubs and origins present in the data. Aggregate reporters (``EU27_2020``) are
  dropped when member states report too: the two would count the same goods twice;
* the product level of each reporter: HS6 where it reports HS6, else CN8 folded to HS6
  (never HS4 aggregates, never two levels summed);
* one currency: values in different currencies are never added (convert first);
* the window and baseline. Without ``--window``, the window starts in the first month wholly
  under the earliest sanction date that has a year of data before it (March 2022 for the EU
  list's 25 February 2022 package) and runs to the last month with product detail, at most
  twelve months; the baseline is the same months one year earlier (WP 276, section 3);
* which measures have their inputs: onward flows need hub-reported exports to the target by
  product, lost in transit needs hub-reported imports by product, direct drop needs origin
  exports to the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from roundabout.analytics.goods import Goods
from roundabout.analytics.inventory import Inventory, Slice, codes, listing
from roundabout.analytics.params import (
    DEFAULT_HUBS,
    NOT_CONTROLS,
    SANCTIONING,
    LeakParams,
    Span,
    add_months,
    month_index,
)
from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.reference.countries import AGGREGATES

PRODUCT_LEVELS = (6, 8)


@dataclass(frozen=True)
class Plan:
    """A concrete analysis: every code here is present in the data."""

    target: str
    hubs: tuple[str, ...]
    origins: tuple[str, ...]
    controls: tuple[str, ...]
    baseline: Span
    window: Span
    currency: str
    levels: tuple[tuple[str, int], ...]  # (reporter, product level 6 or 8)
    data_span: Span  # months with product detail on origin exports
    onward_hubs: tuple[str, ...]  # hubs reporting product exports to the target
    mirror_hubs: tuple[str, ...]  # hubs reporting product imports from the origins
    direct: bool  # origins report product exports to the target
    goods: Goods
    params: LeakParams
    notes: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    @property
    def span(self) -> Span:
        """All months the analysis reads: baseline start to window end."""
        return Span(self.baseline.start, self.window.end)

    def level_groups(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for reporter, level in self.levels:
            out.setdefault(level, []).append(reporter)
        return out


def resolve(params: LeakParams, inv: Inventory, goods: Goods) -> Plan:
    """Check ``params`` against the data and fill in the defaults (see the module doc)."""
    notes: list[str] = []
    monthly = [s for s in inv.slices if s.freq == "M"]
    if not monthly:
        if not inv.slices:
            raise RoundaboutError("the store holds no flows: run roundabout ingest first")
        first = min(s.first for s in inv.slices)
        last = max(s.last for s in inv.slices)
        raise RoundaboutError(
            f"no monthly flows in the data: leaks compares months (found annual periods "
            f"{first} to {last})"
        )
    exports = [s for s in monthly if s.flow == "export"]
    target = _target(params, monthly)
    origins = _origins(params, exports, target, notes)
    hubs = _hubs(params, exports, origins, target, notes)
    levels = _levels(inv, origins, hubs)
    currency = _currency(inv, origins, hubs, target, notes)

    product_exports = inv.select(
        reporters=origins, partners=[*hubs, target], flow="export", levels=PRODUCT_LEVELS
    )
    if not product_exports:
        raise RoundaboutError(
            f"the origins report no product-level exports to {target} or the hubs "
            f"({', '.join(hubs)}): only totals or other partners"
        )
    data_span = Span(min(s.first for s in product_exports), max(s.last for s in product_exports))
    window, baseline = _periods(params, goods, data_span, notes)

    onward = [h for h in hubs if _has_level(inv, h, [target], "export", levels)]
    mirror = [h for h in hubs if _has_level(inv, h, origins, "import", levels)]
    direct = bool(
        inv.select(reporters=origins, partners=[target], flow="export", levels=PRODUCT_LEVELS)
    )
    controls = _controls(params, exports, origins, hubs, target)
    if goods.undated:
        notes.append(
            f"{goods.undated} codes of goods list {goods.name!r} have no date; "
            "they are treated as sanctioned from 2022-02-25"
        )
    if goods.converted:
        notes.append(
            f"goods list {goods.name!r} is in {goods.edition}: {goods.converted} of its codes "
            "converted to HS2017 (UNSD conversion table), the edition of the analysis"
        )
    warnings = _warnings(hubs, target, window, goods)
    return Plan(
        target=target,
        hubs=tuple(hubs),
        origins=tuple(origins),
        controls=tuple(controls),
        baseline=baseline,
        window=window,
        currency=currency,
        levels=tuple(sorted(levels)),
        data_span=data_span,
        onward_hubs=tuple(onward),
        mirror_hubs=tuple(mirror),
        direct=direct,
        goods=goods,
        params=params,
        notes=tuple(notes),
        warnings=tuple(warnings),
    )


#: Hubs whose figures mean little as re-routing, and why.
UNFIT_HUBS = {
    "BLR": "Belarus is under EU export bans of its own since 2022 (Regulation 765/2006 as "
    "amended) and in a customs union with Russia: its sanctioned imports fell with Russia's, "
    "so a negative or small hub excess says nothing about re-routing through it",
}


def _warnings(hubs: list[str], target: str, window: Span, goods: Goods) -> list[str]:
    out = [f"hub {h}: {UNFIT_HUBS[h]}" for h in hubs if h in UNFIT_HUBS and h != target]
    months = goods.first_months()
    if months and months[0] > window.end:
        out.append(
            f"window {window} ends before any ban of goods list {goods.name!r} takes effect "
            f"(the first in {months[0]}): listed goods are compared as if banned, so the "
            "figures measure trends before the sanctions, not evasion"
        )
    return out


def _target(params: LeakParams, monthly: list[Slice]) -> str:
    partners = {s.partner for s in monthly if s.flow == "export"}
    if params.target not in partners:
        raise NotFoundError(
            f"target {params.target} is absent from the data: no monthly exports to it "
            f"(export partners present: {listing(partners)})"
        )
    return params.target


def _origins(params: LeakParams, exports: list[Slice], target: str, notes: list[str]) -> list[str]:
    reporters = {s.reporter for s in exports}
    wanted = params.origins if params.origins is not None else SANCTIONING
    if params.origins is not None:
        missing = [o for o in wanted if o not in reporters]
        if missing:
            raise NotFoundError(
                f"origin {', '.join(missing)} absent from the data: it reports no monthly "
                f"exports (reporters present: {listing(reporters)})"
            )
    present = [o for o in wanted if o in reporters and o != target]
    if not present:
        raise NotFoundError(
            f"none of the origins ({listing(wanted, 8)}) reports monthly exports "
            f"(reporters present: {listing(reporters)}); name them with --origins"
        )
    countries = [o for o in present if o not in AGGREGATES]
    aggregates = [o for o in present if o in AGGREGATES]
    if countries and aggregates:
        notes.append(
            f"aggregate reporter {', '.join(aggregates)} left out: its member states report "
            "too, and adding both would count the same goods twice"
        )
        return countries
    return present


def _hubs(
    params: LeakParams, exports: list[Slice], origins: list[str], target: str, notes: list[str]
) -> list[str]:
    seen = {s.partner for s in exports if s.reporter in origins} | {
        s.reporter for s in exports if s.partner == target
    }
    if params.hubs is not None:
        missing = [h for h in params.hubs if h not in seen]
        if missing:
            candidates = seen - set(origins) - {target} - set(AGGREGATES)
            raise NotFoundError(
                f"hub {', '.join(missing)} absent from the data: no origin exports to it and "
                f"no exports from it to {target} (countries present: {listing(candidates)})"
            )
        return list(params.hubs)
    hubs: list[str] = [h for h in DEFAULT_HUBS if h in seen and h != target]
    dropped = [h for h in DEFAULT_HUBS if h not in hubs]
    if not hubs:
        raise NotFoundError(
            f"none of the default hubs ({', '.join(DEFAULT_HUBS)}) is in the data "
            f"(partners present: {listing(seen)}); name hubs with --hubs"
        )
    if dropped:
        notes.append(f"default hubs not in the data, left out: {', '.join(dropped)}")
    return hubs


def reporter_levels(inv: Inventory, reporters: Sequence[str]) -> list[tuple[str, int]]:
    """The product level the analysis reads for each reporter: HS6 if it reports HS6 (in any
    monthly slice of the inventory), else CN8. Never HS4, never both; a reporter with neither
    is left out.

    This is the one rule: the panel (:func:`roundabout.analytics.panel.picked`) and the
    report's charts (:mod:`roundabout.report.data`) both select rows with it, through
    :func:`roundabout.analytics.panel.at_levels`."""
    out: list[tuple[str, int]] = []
    for reporter in reporters:
        have = {s.level for s in inv.select(reporters=[reporter])}
        for level in PRODUCT_LEVELS:
            if level in have:
                out.append((reporter, level))
                break
    return out


def _levels(inv: Inventory, origins: list[str], hubs: list[str]) -> list[tuple[str, int]]:
    """Per reporter: HS6 if it reports HS6, else CN8. Never HS4, never both."""
    out = reporter_levels(inv, [*origins, *hubs])
    if not any(r in origins for r, _ in out):
        levels = codes(inv.select(reporters=origins), "level")
        raise RoundaboutError(
            "no product-level flows (HS6 or CN8) from the origins: leaks needs products "
            f"(product levels present: {', '.join(levels) or 'none'}; 0 = totals only)"
        )
    return out


def _has_level(
    inv: Inventory, reporter: str, partners: list[str], flow: str, levels: list[tuple[str, int]]
) -> bool:
    level = dict(levels).get(reporter)
    return level is not None and bool(
        inv.select(reporters=[reporter], partners=partners, flow=flow, levels=[level])
    )


def _currency(
    inv: Inventory, origins: list[str], hubs: list[str], target: str, notes: list[str]
) -> str:
    """The currency of the analysis: that of the origins' reports.

    Values in different currencies are never added. The origins' exports carry every
    measure, so they must share one currency; hub-reported flows in another currency (say
    national statistics in USD next to Eurostat in EUR) are left out with a note, and the
    measures that need them report themselves unavailable.
    """
    primary = inv.select(reporters=origins, partners=[*hubs, target])
    currencies = codes(primary, "currency")
    if len(currencies) != 1:
        by = {c: sorted({s.reporter for s in primary if s.currency == c}) for c in currencies}
        detail = "; ".join(f"{c} from {listing(r, 6)}" for c, r in by.items())
        raise RoundaboutError(
            f"the origins' flows mix currencies ({detail}); values in different currencies "
            "are never added: load one source, or convert to one currency first"
        )
    currency = currencies[0]
    other = [s for s in inv.select(reporters=hubs, partners=[*origins, target])
             if s.currency != currency]  # fmt: skip
    if other:
        by_cur = {c: sorted({s.reporter for s in other if s.currency == c})
                  for c in codes(other, "currency")}  # fmt: skip
        detail = "; ".join(f"{c} from {listing(r, 6)}" for c, r in by_cur.items())
        notes.append(
            f"hub-reported flows in another currency than the origins' {currency} are left "
            f"out ({detail}): convert them first to use them"
        )
    return currency


def _periods(params: LeakParams, goods: Goods, data: Span, notes: list[str]) -> tuple[Span, Span]:
    window = params.window
    if window is None:
        window = default_window(goods, data)
        notes.append(f"window {window} derived from the sanction dates and the data")
    if not window.within(data):
        raise RoundaboutError(
            f"window {window} is outside the data: monthly product-level flows cover "
            f"{data.start} to {data.end}"
        )
    baseline = params.baseline if params.baseline is not None else window.shift(-12)
    if not baseline.within(data):
        raise RoundaboutError(
            f"baseline {baseline} is outside the data: monthly product-level flows cover "
            f"{data.start} to {data.end}" + ("" if params.baseline else "; give --baseline")
        )
    if baseline.overlaps(window) or baseline.start > window.start:
        raise RoundaboutError(f"baseline {baseline} must end before window {window} starts")
    return window, baseline


def default_window(goods: Goods, data: Span) -> Span:
    """The first full month of the earliest ban with a year of data before it, to the end
    of the data or twelve months, whichever comes first."""
    earliest_start = add_months(data.start, 12)
    starts = goods.first_months()
    usable = [m for m in starts if earliest_start <= m <= data.end]
    if not usable:
        raise RoundaboutError(
            f"cannot derive a window: no sanction date of list {goods.name!r} falls between "
            f"{earliest_start} and {data.end} (the data cover {data.start} to {data.end}); "
            "give --window and --baseline"
        )
    start = min(usable)
    end = min(data.end, add_months(start, 11))
    if month_index(end) < month_index(start):
        end = start
    return Span(start, end)


def _controls(
    params: LeakParams, exports: list[Slice], origins: list[str], hubs: list[str], target: str
) -> list[str]:
    destinations = {s.partner for s in exports if s.reporter in origins and s.level in (6, 8)}
    if params.controls is not None:
        missing = [c for c in params.controls if c not in destinations]
        if missing:
            raise NotFoundError(
                f"control {', '.join(missing)} absent: the origins export nothing to it by "
                f"product (destinations present: {listing(destinations)})"
            )
        return list(params.controls)
    skip = NOT_CONTROLS | set(hubs) | {target} | set(AGGREGATES) | set(origins)
    return sorted(destinations - skip)
