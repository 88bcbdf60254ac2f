"""Tiny hand-made flows for the measure tests: every number in them can be checked by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pytest

from roundabout.analytics.goods import Goods, fold_to_hs6
from roundabout.analytics.inventory import Inventory
from roundabout.analytics.panel import Panel, build
from roundabout.analytics.params import LeakParams, Span
from roundabout.analytics.resolve import Plan, resolve
from roundabout.store.schema import FLOWS_SCHEMA

Row = tuple[Any, ...]  # (period, reporter, partner, flow, product, value[, weight[, currency]])


def flows_arrow(rows: Iterable[Row]) -> pa.Table:
    """Canonical flows from compact rows; ``product`` is ``TOTAL`` or an HS6/CN8 code."""
    out: dict[str, list[Any]] = {name: [] for name in FLOWS_SCHEMA.names}
    for i, row in enumerate(rows):
        period, reporter, partner, flow, product, value = row[:6]
        weight = row[6] if len(row) > 6 else None
        currency = row[7] if len(row) > 7 else "USD"
        level = 0 if product == "TOTAL" else len(product)
        out["period"].append(period)
        out["freq"].append("M" if len(period) == 7 else "A")
        out["year"].append(int(period[:4]))
        out["month"].append(int(period[5:7]) if len(period) == 7 else None)
        out["reporter"].append(reporter)
        out["partner"].append(partner)
        out["partner2"].append(None)
        out["flow"].append(flow)
        out["product_code"].append(product)
        out["product_level"].append(level)
        out["hs6"].append(product[:6] if level >= 6 else None)
        out["hs_edition"].append(None)
        out["value"].append(float(value))
        out["currency"].append(currency)
        out["valuation"].append("FOB" if flow == "export" else "CIF")
        out["quantity"].append(weight)
        out["quantity_unit"].append("kg" if weight is not None else None)
        out["net_weight_kg"].append(weight)
        out["source"].append("test")
        out["file_sha256"].append("test")
        out["source_line"].append(i + 2)
    return pa.table(out, schema=FLOWS_SCHEMA.to_pyarrow())


def goods_arrow(dated: dict[str, date | None]) -> pa.Table:
    """A goods list with the columns find_leaks reads (``hs6``, ``effective_date``, ...)."""
    codes = sorted(dated)
    return pa.table(
        {
            "code": codes,
            "hs6": [c[:6] for c in codes],
            "effective_date": pa.array([dated[c] for c in codes], pa.date32()),
            "description": [f"product {c}" for c in codes],
        }
    )


@pytest.fixture
def make_flows() -> Callable[[Iterable[Row]], ir.Table]:
    """``make_flows(rows)``: an Ibis table (DuckDB, in memory) of canonical flows."""

    def make(rows: Iterable[Row]) -> ir.Table:
        return ibis.duckdb.connect().create_table("flows", flows_arrow(rows))

    return make


@pytest.fixture
def make_goods() -> Callable[[dict[str, date | None]], Goods]:
    def make(dated: dict[str, date | None]) -> Goods:
        return fold_to_hs6("test", goods_arrow(dated))

    return make


@pytest.fixture
def make_plan() -> Callable[..., tuple[Plan, Panel]]:
    """``make_plan(flows, goods, **params)``: the plan and the panel (rows, segments)."""

    def make(flows: ir.Table, goods: Goods, **params: Any) -> tuple[Plan, Panel]:
        for key in ("window", "baseline"):
            if isinstance(params.get(key), str):
                params[key] = Span.parse(params[key])
        plan = resolve(LeakParams(**params), Inventory.of(flows), goods)
        return plan, build(flows, goods, plan)

    return make


def rows_of(table: ir.Table, *keys: str) -> dict[Any, dict[str, Any]]:
    """Execute and index rows by ``keys`` (one key: the value; several: a tuple)."""
    out: dict[Any, dict[str, Any]] = {}
    for r in table.to_pyarrow().to_pylist():
        k = r[keys[0]] if len(keys) == 1 else tuple(r[x] for x in keys)
        out[k] = r
    return out


@pytest.fixture
def index() -> Callable[..., dict[Any, dict[str, Any]]]:
    return rows_of


# The toy: one origin (DEU), hubs KAZ (re-routes) and ARM (local demand), target RUS;
# sanctioned 847130 (banned 2022-02-25, so from 2022-03), other goods 940360.
# Baseline 2021-03:2021-04, window 2022-03:2022-04: two months each.
S, OTHER = "847130", "940360"
BASE, WIN = ("2021-03", "2021-04"), ("2022-03", "2022-04")
TOY_WINDOW, TOY_BASELINE = "2022-03:2022-04", "2021-03:2021-04"


def toy_rows(*, totals_only: bool = False, mirror: bool = True, onward: bool = True) -> list[Row]:
    """Per month (half of each two-month figure in the tests' comments)."""
    rows: list[Row] = []

    def both(months: tuple[str, ...], *rest: Any) -> None:
        rows.extend((m, *rest) for m in months)

    for hub, s_win in (("KAZ", 250.0), ("ARM", 250.0)):
        # origin -> hub: S 100 -> 500, others 1000 -> 1500 (growth 1.5): excess 350.
        both(BASE, "DEU", hub, "export", S, 50.0, 5.0)
        both(WIN, "DEU", hub, "export", S, s_win, 25.0)
        if totals_only:
            both(BASE, "DEU", hub, "export", "TOTAL", 550.0)
            both(WIN, "DEU", hub, "export", "TOTAL", 250.0 + 750.0)
        else:
            both(BASE, "DEU", hub, "export", OTHER, 500.0, 50.0)
            both(WIN, "DEU", hub, "export", OTHER, 750.0, 75.0)
        if mirror:
            # KAZ records only 200 (FOB-equivalent) of the 500 in the window: 300 lost.
            # ARM records all of it.
            both(BASE, hub, "DEU", "import", S, 52.5)
            both(WIN, hub, "DEU", "import", S, 105.0 if hub == "KAZ" else 262.5)
            both(BASE, hub, "DEU", "import", OTHER, 525.0)
            both(WIN, hub, "DEU", "import", OTHER, 787.5)
    if onward:
        # KAZ -> RUS: S 20 -> 320 (others flat): excess_out 300. ARM -> RUS: S flat.
        both(BASE, "KAZ", "RUS", "export", S, 10.0)
        both(WIN, "KAZ", "RUS", "export", S, 160.0)
        both(BASE + WIN, "KAZ", "RUS", "export", OTHER, 100.0)
        both(BASE + WIN, "ARM", "RUS", "export", S, 10.0)
        both(BASE + WIN, "ARM", "RUS", "export", OTHER, 100.0)
    # origin -> target: S 1000 -> 100, others 5000 -> 4000 (growth 0.8): drop 700.
    # Unit value of S: 10 per kg -> 20 per kg.
    both(BASE, "DEU", "RUS", "export", S, 500.0, 50.0)
    both(WIN, "DEU", "RUS", "export", S, 50.0, 2.5)
    both(BASE, "DEU", "RUS", "export", OTHER, 2500.0, 250.0)
    both(WIN, "DEU", "RUS", "export", OTHER, 2000.0, 200.0)
    return rows


@pytest.fixture
def toy(
    make_flows: Callable[[Iterable[Row]], ir.Table],
    make_goods: Callable[[dict[str, date | None]], Goods],
    make_plan: Callable[..., tuple[Plan, Panel]],
) -> Callable[..., tuple[Plan, Panel]]:
    """``toy(**variant)``: plan and panel of the toy (see :func:`toy_rows`)."""

    def make(**variant: Any) -> tuple[Plan, Panel]:
        flows = make_flows(toy_rows(**variant))
        goods = make_goods({S: date(2022, 2, 25)})
        return make_plan(
            flows, goods, hubs=("KAZ", "ARM"), window=TOY_WINDOW, baseline=TOY_BASELINE
        )

    return make


@pytest.fixture
def toy_data() -> Callable[..., list[Row]]:
    """The toy's rows (``toy_data(totals_only=..., mirror=..., onward=...)``), to extend."""
    return toy_rows
