"""Unit values on the toy: direct exports of S go from 10 to 20 per kg."""

from __future__ import annotations

import math

import pytest

from roundabout.analytics.unit_values import unit_values


def test_unit_value_change_by_route(toy, index):
    plan, pn = toy()
    uv = index(unit_values(pn.segments, plan), "route")
    assert uv["direct"]["median_log_change"] == pytest.approx(math.log(2.0))
    assert uv["direct"]["uv_base"] == pytest.approx(10.0)
    assert uv["to_hubs"]["median_log_change"] == pytest.approx(0.0)
    assert "onward" not in uv  # the hubs report no weights


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
