"""Unit values on the toy: direct exports of S go from 10 to 20 per kg."""

from __future__ import annotations

import math

import pytest

from roundabout.analytics.unit_values import unit_values


def test_unit_value_change_by_route(toy, index):
    plan, pn = toy()
    all_uv = index(unit_values(pn.segments, plan), "route", "kind")
    uv = {r: v for (r, k), v in all_uv.items() if k == "sanctioned"}
    assert uv["direct"]["median_log_change"] == pytest.approx(math.log(2.0))
    assert uv["direct"]["uv_base"] == pytest.approx(10.0)
    assert uv["to_hubs"]["median_log_change"] == pytest.approx(0.0)
    assert "onward" not in uv  # the hubs report no weights
    # Other goods on the direct route: 10 per kg in both periods.
    assert all_uv[("direct", "other")]["median_log_change"] == pytest.approx(0.0)


def test_unit_values_are_relative_to_other_goods_and_per_item_where_possible():
    """Every price up 15%: the sanctions' part of the rise is nil."""
    from datetime import date

    import ibis

    from roundabout.analytics import LeakParams, Span, find_leaks
    from roundabout.analytics.result import UnitValue

    from .conftest import flows_arrow, goods_arrow

    rows = []
    for p, price in (("870323", 40000.0), ("940360", 100.0)):
        rows += [
            ("2021-03", "DEU", "RUS", "export", p, price * 10, 1000.0),
            ("2022-03", "DEU", "RUS", "export", p, price * 1.15 * 8, 900.0),
            ("2021-03", "DEU", "KAZ", "export", p, price * 10, 1000.0),
            ("2022-03", "DEU", "KAZ", "export", p, price * 1.15 * 12, 1000.0),
        ]
    t = flows_arrow(rows)
    # Supplementary units: the number of cars/pieces (10, 8, 10, 12), not the kilograms.
    items = [10.0, 8.0, 10.0, 12.0] * 2
    t = t.set_column(
        t.schema.get_field_index("quantity"),
        "quantity",
        ibis.memtable({"q": items}).to_pyarrow()["q"],
    )
    t = t.set_column(
        t.schema.get_field_index("quantity_unit"),
        "quantity_unit",
        ibis.memtable({"u": ["p/st"] * 8}).to_pyarrow()["u"],
    )
    flows = ibis.duckdb.connect().create_table("flows", t)
    r = find_leaks(
        flows,
        LeakParams(
            hubs=("KAZ",), window=Span("2022-03", "2022-03"), did=False, bootstrap=0,
            placebo=False,
        ),
        goods=goods_arrow({"870323": date(2022, 2, 25)}),
    )  # fmt: skip
    uv = {u.route: u for u in r.unit_values}  # type: ignore[union-attr]
    direct = uv["direct"]
    assert isinstance(direct, UnitValue) and direct.per_item == 1
    assert direct.median_log_change == pytest.approx(math.log(1.15))
    assert direct.relative == pytest.approx(0.0, abs=1e-12)


def test_no_weights_no_rows(make_flows, make_goods, make_plan):
    from datetime import date

    rows = [
        ("2021-03", "DEU", "KAZ", "export", "847130", 100.0),
        ("2022-03", "DEU", "KAZ", "export", "847130", 500.0),
        ("2021-03", "DEU", "RUS", "export", "847130", 100.0),
        ("2022-03", "DEU", "RUS", "export", "847130", 10.0),
    ]
    plan, pn = make_plan(
        make_flows(rows),
        make_goods({"847130": date(2022, 2, 25)}),
        hubs=("KAZ",),
        window="2022-03:2022-03",
    )
    assert unit_values(pn.segments, plan).count().execute() == 0
