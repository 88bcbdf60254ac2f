"""Engine-neutral queries over the canonical tables (Ibis expressions, no SQL strings).

These run unchanged on DuckDB and Spark: each takes Ibis tables and returns an expression.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from roundabout.errors import RoundaboutError

GROUPABLE = ("period", "year", "freq", "reporter", "partner", "flow", "hs6", "product_code",
             "product_level", "currency", "source")  # fmt: skip


@dataclass(frozen=True)
class FlowFilter:
    """Which flows to keep. Empty tuples mean "all"."""

    reporters: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    flows: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # code prefixes: "84" keeps chapter 84 at any level
    product_level: int | None = None
    freq: str | None = None
    period_from: str | None = None  # inclusive, same format as ``period``
    period_to: str | None = None


def filter_flows(flows: ir.Table, f: FlowFilter) -> ir.Table:
    """Apply a :class:`FlowFilter`."""
    preds: list[ir.BooleanValue] = []
    if f.reporters:
        preds.append(flows.reporter.isin(list(f.reporters)))
    if f.partners:
        preds.append(flows.partner.isin(list(f.partners)))
    if f.flows:
        preds.append(flows.flow.isin(list(f.flows)))
    if f.products:
        any_prefix = ibis.literal(False)
        for p in f.products:
            any_prefix = any_prefix | flows.product_code.startswith(p)
        preds.append(any_prefix)
    if f.product_level is not None:
        preds.append(flows.product_level == f.product_level)
    if f.freq is not None:
        preds.append(flows.freq == f.freq)
    if f.period_from is not None:
        preds.append(flows.period >= f.period_from)
    if f.period_to is not None:
        preds.append(flows.period <= f.period_to)
    return flows.filter(*preds) if preds else flows


def aggregate_flows(flows: ir.Table, by: Sequence[str]) -> ir.Table:
    """Sum values (and weights) by ``by`` columns; the currency is always kept as a key.

    Rows of different product levels overlap (a CN8 row is part of its HS4 heading), so
    grouping must fix ``product_level`` (or group by it) to avoid double counting: this
    function refuses to sum across levels silently.
    """
    unknown = [c for c in by if c not in GROUPABLE]
    if unknown:
        raise RoundaboutError(
            f"cannot group by {', '.join(unknown)} (known: {', '.join(GROUPABLE)})"
        )
    keys = list(dict.fromkeys([*by, "currency", "product_level"]))
    return flows.group_by(keys).aggregate(
        value=flows.value.sum(),
        net_weight_kg=flows.net_weight_kg.sum(),
        rows=flows.count(),
    )


def convert_currency(flows: ir.Table, rates: ir.Table, target: str) -> ir.Table:
    """Values in ``target`` currency, using an explicit rates table.

    ``rates`` has columns ``currency``, ``period``, ``per_target`` (units of ``currency`` per
    one unit of ``target``) and ``target``. A row whose currency already is ``target`` is
    kept as is; a row without a rate for its (currency, period) gets a null value, and
    :func:`missing_rates` lists them, so nothing converts silently.
    """
    r = rates.filter(rates.target == target).select(
        _cur=rates.currency, _per=rates.period, _rate=rates.per_target
    )
    j = flows.left_join(r, (flows.currency == r._cur) & (flows.period == r._per))
    value = ibis.cases((j.currency == target, j.value), else_=j.value / j._rate)
    return j.mutate(value=value, currency=ibis.literal(target)).drop("_cur", "_per", "_rate")


def missing_rates(flows: ir.Table, rates: ir.Table, target: str) -> ir.Table:
    """The (currency, period) pairs of ``flows`` that have no rate to ``target``."""
    need = flows.filter(flows.currency != target).select("currency", "period").distinct()
    have = rates.filter(rates.target == target).select(currency=rates.currency, period=rates.period)
    return need.anti_join(have, ["currency", "period"])


def currencies(flows: ir.Table) -> ir.Table:
    """The distinct currencies present (to refuse mixing them)."""
    return flows.select("currency").distinct()


def convert_strict(flows: ir.Table, rates: ir.Table, target: str) -> ir.Table:
    """:func:`convert_currency`, but an error naming the missing rates if any are missing."""
    missing = missing_rates(flows, rates, target).order_by(["currency", "period"]).limit(6)
    rows = missing.to_pyarrow().to_pylist()
    if rows:
        shown = ", ".join(f"{r['currency']} {r['period']}" for r in rows[:5])
        more = " and more" if len(rows) > 5 else ""
        raise RoundaboutError(
            f"no exchange rate to {target} for {shown}{more}: add them to the rates table"
        )
    return convert_currency(flows, rates, target)
