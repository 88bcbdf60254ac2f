"""Typed results of ``find_leaks``: what ``roundabout leaks --json`` prints.

Every measure is either its result or :class:`Unavailable` with the reason (no hub-reported
imports, no onward flows, no weights, ...); one missing measure never stops the others.
:meth:`LeakResult.to_dict` gives the JSON object: ``summary`` (the chosen hubs as a group at
its top level, each hub under ``summary.hubs``), ``findings`` (best first), ``measures`` (the
status and detail of each measure) and ``notes`` (choices made for you).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from roundabout.analytics.params import Span


@dataclass(frozen=True)
class Unavailable:
    """A measure whose inputs are missing, and why."""

    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"available": False, "reason": self.reason}


def money(x: float | None) -> float | None:
    return None if x is None else round(float(x), 2)


def share(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


@dataclass(frozen=True)
class Figures:
    """Money figures for one hub or the group (in the summary's currency)."""

    direct_drop: float | None
    hub_excess: float | None
    lost_in_transit: float | None
    offset_share: float | None
    excess_out: float | None = None
    offset_share_ci: tuple[float, float] | None = None
    chapters: dict[str, dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "direct_drop": money(self.direct_drop),
            "hub_excess": money(self.hub_excess),
            "lost_in_transit": money(self.lost_in_transit),
            "offset_share": share(self.offset_share),
            "offset_share_ci": None
            if self.offset_share_ci is None
            else [share(self.offset_share_ci[0]), share(self.offset_share_ci[1])],
            "excess_out": money(self.excess_out),
        }
        if self.chapters is not None:
            out["chapters"] = self.chapters
        return out


@dataclass(frozen=True)
class RawChange:
    """The same comparison without counterfactual: plain window minus baseline, per month of
    each period (so a 12-month baseline and a 6-month window compare like with like)."""

    direct_drop: float  # baseline per month x window months - window (window's months)
    hub_increase: float
    offset_share: float | None
    base_months: int = 0
    win_months: int = 0
    direct_base_per_month: float = 0.0
    direct_win_per_month: float = 0.0
    hubs_base_per_month: float = 0.0
    hubs_win_per_month: float = 0.0
    warning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "direct_drop": money(self.direct_drop),
            "hub_increase": money(self.hub_increase),
            "offset_share": share(self.offset_share),
            "baseline_months": self.base_months,
            "window_months": self.win_months,
            "per_month": {
                "direct_baseline": money(self.direct_base_per_month),
                "direct_window": money(self.direct_win_per_month),
                "hubs_baseline": money(self.hubs_base_per_month),
                "hubs_window": money(self.hubs_win_per_month),
            },
            "warning": self.warning,
        }


@dataclass(frozen=True)
class Placebo:
    """The analysis with every ban and both periods a year earlier: excess found where no
    ban was in force measures what the method finds without sanctions."""

    hub_excess: float | None
    direct_drop: float | None
    offset_share: float | None
    baseline: Span
    window: Span
    hubs: dict[str, float | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "available": True,
            "hub_excess": money(self.hub_excess),
            "direct_drop": money(self.direct_drop),
            "offset_share": share(self.offset_share),
            "baseline": str(self.baseline),
            "window": str(self.window),
            "hubs": {h: money(v) for h, v in self.hubs.items()},
        }


@dataclass(frozen=True)
class Summary:
    group: Figures
    currency: str
    baseline: Span
    window: Span
    target: str
    goods: str
    hubs: dict[str, Figures]
    raw: RawChange
    sanctioned_products: int
    products_substitution_over_half: int | None
    counterfactual: str = "pooled"
    placebo: Placebo | Unavailable | None = None
    hs_conversion: dict[str, Any] | None = None
    bootstrap: int = 0
    min_drop: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.group.to_dict(),
            "counterfactual": self.counterfactual,
            "bootstrap": self.bootstrap,
            "min_drop": self.min_drop,
            "placebo": None if self.placebo is None else self.placebo.to_dict(),
            "hs_conversion": self.hs_conversion,
            "currency": self.currency,
            "baseline": str(self.baseline),
            "window": str(self.window),
            "target": self.target,
            "goods": self.goods,
            "hubs": {h: f.to_dict() for h, f in self.hubs.items()},
            "raw": self.raw.to_dict(),
            "sanctioned_products": self.sanctioned_products,
            "products_substitution_over_half": self.products_substitution_over_half,
        }


@dataclass(frozen=True)
class Finding:
    """One (hub, product) pair with its evidence."""

    hub: str
    product: str
    description: str | None
    score: float
    excess_in: float
    excess_out: float | None
    lost_in_transit: float | None
    substitution_ratio: float | None
    explanation: str
    sanctioned: bool
    sanctioned_from: str | None
    baseline_in: float
    window_in: float
    expected_in: float
    pass_through: float | None
    direct_drop: float | None
    months_above: int
    months: int
    ban: str | None = None  # "banned above EUR 50,000 per unit from 2022-04"
    max_price_eur: float | None = None
    partial_ban: bool = False
    share_above_threshold: float | None = None
    reasons: dict[str, str] = field(default_factory=dict)  # why a figure is null
    listed_in_heading: tuple[str, ...] = ()  # unlisted surges: listed codes of the same HS4

    def to_dict(self) -> dict[str, Any]:
        return {
            "hub": self.hub,
            "product": self.product,
            "description": self.description,
            "score": money(self.score),
            "excess_in": money(self.excess_in),
            "excess_out": money(self.excess_out),
            "lost_in_transit": money(self.lost_in_transit),
            "substitution_ratio": share(self.substitution_ratio),
            "explanation": self.explanation,
            "sanctioned": self.sanctioned,
            "sanctioned_from": self.sanctioned_from,
            "baseline_in": money(self.baseline_in),
            "window_in": money(self.window_in),
            "expected_in": money(self.expected_in),
            "pass_through": money(self.pass_through),
            "direct_drop": money(self.direct_drop),
            "months_above": self.months_above,
            "months": self.months,
            "ban": self.ban,
            "max_price_eur": self.max_price_eur,
            "partial_ban": self.partial_ban,
            "share_above_threshold": share(self.share_above_threshold),
            "reasons": dict(self.reasons),
            "listed_in_heading": list(self.listed_in_heading),
        }


@dataclass(frozen=True)
class LogRatio:
    kind: str
    year: str
    median_log_ratio: float
    pairs: int


@dataclass(frozen=True)
class UnitValue:
    route: str
    products: int
    median_log_change: float
    uv_base: float
    uv_win: float
    per_item: int = 0  # products whose unit value is per item (supplementary units)
    other_products: int = 0
    other_median_log_change: float | None = None  # other goods, same route
    relative: float | None = None  # sanctioned minus other goods: the sanctions' part


@dataclass(frozen=True)
class Coef:
    estimate: float
    se: float
    pvalue: float
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": round(self.estimate, 6),
            "se": round(self.se, 6),
            "pvalue": round(self.pvalue, 6),
            "n": self.n,
        }


@dataclass(frozen=True)
class EventCoef:
    rel_month: int
    estimate: float
    se: float


@dataclass(frozen=True)
class DidResult:
    """Pyfixest estimates (see :mod:`roundabout.analytics.did`)."""

    design: str
    log_linear: Coef | Unavailable
    ppml: Coef | Unavailable
    event_study: tuple[EventCoef, ...] | Unavailable
    rows: int
    units: int
    collapsed_origins: bool
    product_share: float
    comparison_units: int = 0  # units of goods not sanctioned (the within-hub comparison)
    pretrend: dict[str, Any] | None = None  # joint test of the pre-ban event coefficients

    @property
    def caveat(self) -> str | None:
        """A warning when the comparison group is too thin to identify much."""
        if self.design.startswith("difference in differences") and (
            self.comparison_units < 0.1 * self.units
        ):
            return (
                f"only {self.comparison_units} of {self.units} units are goods not sanctioned: "
                "the within-hub comparison is thin and the estimate weakly identified"
            )
        return None

    def to_dict(self) -> dict[str, Any]:
        es = self.event_study
        return {
            "available": True,
            "design": self.design,
            "log_linear": self.log_linear.to_dict(),
            "ppml": self.ppml.to_dict(),
            "event_study": es.to_dict()
            if isinstance(es, Unavailable)
            else [
                {"rel_month": e.rel_month, "estimate": round(e.estimate, 6), "se": round(e.se, 6)}
                for e in es
            ],
            "rows": self.rows,
            "units": self.units,
            "collapsed_origins": self.collapsed_origins,
            "product_share": self.product_share,
            "comparison_units": self.comparison_units,
            "pretrend": self.pretrend,
            "caveat": self.caveat,
        }


LostDetail: TypeAlias = tuple[LogRatio, ...]
Measure: TypeAlias = Any  # a measure's detail, or Unavailable


@dataclass(frozen=True)
class LeakResult:
    summary: Summary
    findings: tuple[Finding, ...]
    hub_excess: Unavailable | None = None
    onward: Unavailable | None = None
    direct: Unavailable | None = None
    lost_in_transit: LostDetail | Unavailable = ()
    unit_values: tuple[UnitValue, ...] | Unavailable = ()
    did: DidResult | Unavailable = field(default_factory=lambda: Unavailable("not run"))
    lost_in_transit_annual: dict[str, Any] | Unavailable = field(
        default_factory=lambda: Unavailable("not run")
    )
    did_direct: dict[str, Any] | Unavailable = field(default_factory=lambda: Unavailable("not run"))
    origins: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    set_aside: tuple[Any, ...] = ()  # editions.SetAside
    unlisted_surges: tuple[Finding, ...] = ()
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "unlisted_surges": [f.to_dict() for f in self.unlisted_surges],
            "set_aside": [a.to_dict() for a in self.set_aside],
            "measures": self._measures(),
            "origins": list(self.origins),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }

    def _measures(self) -> dict[str, Any]:
        def status(u: Unavailable | None) -> dict[str, Any]:
            return {"available": True} if u is None else u.to_dict()

        lost = self.lost_in_transit
        uv = self.unit_values
        return {
            "hub_excess": status(self.hub_excess),
            "onward": status(self.onward),
            "direct_drop": status(self.direct),
            "substitution": status(self.direct or self.hub_excess),
            "lost_in_transit": lost.to_dict()
            if isinstance(lost, Unavailable)
            else {
                "available": True,
                "median_log_ratios": [
                    {
                        "kind": r.kind,
                        "year": r.year,
                        "median_log_ratio": round(r.median_log_ratio, 6),
                        "pairs": r.pairs,
                    }
                    for r in lost
                ],
            },
            "unit_values": uv.to_dict()
            if isinstance(uv, Unavailable)
            else {
                "available": True,
                "routes": [
                    {
                        "route": u.route,
                        "products": u.products,
                        "median_log_change": round(u.median_log_change, 6),
                        "uv_base": None if u.uv_base != u.uv_base else round(u.uv_base, 4),
                        "uv_win": None if u.uv_win != u.uv_win else round(u.uv_win, 4),
                        "per_item": u.per_item,
                        "other_products": u.other_products,
                        "other_median_log_change": None
                        if u.other_median_log_change is None
                        else round(u.other_median_log_change, 6),
                        "relative_to_other_goods": None
                        if u.relative is None
                        else round(u.relative, 6),
                    }
                    for u in uv
                ],
            },
            "lost_in_transit_annual": self.lost_in_transit_annual.to_dict()
            if isinstance(self.lost_in_transit_annual, Unavailable)
            else self.lost_in_transit_annual,
            "did": self.did.to_dict(),
            "did_direct": self.did_direct.to_dict()
            if isinstance(self.did_direct, Unavailable)
            else self.did_direct,
        }
