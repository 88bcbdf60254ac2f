"""From question to plan: defaults adapted to the data, and errors that say what is there."""

from __future__ import annotations

from datetime import date

import pytest

from roundabout.analytics import LeakParams, Span, find_leaks
from roundabout.analytics.goods import fold_to_hs6
from roundabout.analytics.inventory import Inventory
from roundabout.analytics.resolve import resolve
from roundabout.errors import NotFoundError, RoundaboutError

S = "847130"


@pytest.fixture
def toy_flows(make_flows, toy_data):
    return make_flows(toy_data())


@pytest.fixture
def goods(make_goods):
    return make_goods({S: date(2022, 2, 25)})


def _plan(flows, goods, **kw):
    return resolve(LeakParams(**kw), Inventory.of(flows), goods)


def test_defaults_follow_the_data(toy_flows, goods):
    plan = _plan(toy_flows, goods)
    assert plan.target == "RUS"
    assert plan.hubs == ("ARM", "KAZ")  # default order, only those in the data
    assert plan.origins == ("DEU",)
    assert plan.window == Span("2022-03", "2022-04")  # first full month of the 25 Feb ban
    assert plan.baseline == Span("2021-03", "2021-04")  # the same months a year earlier
    assert plan.currency == "USD"
    assert plan.onward_hubs == ("ARM", "KAZ") and plan.mirror_hubs == ("ARM", "KAZ")
    assert any("GEO" in n and "left out" in n for n in plan.notes)


def test_window_outside_the_data_says_what_the_data_cover(toy_flows, goods):
    with pytest.raises(RoundaboutError, match=r"outside the data.*2021-03 to 2022-04"):
        _plan(toy_flows, goods, window=Span("2023-01", "2023-06"))


def test_missing_baseline_months_ask_for_a_baseline(toy_flows, goods):
    with pytest.raises(RoundaboutError, match=r"baseline 2020-04:2020-04 is outside.*--baseline"):
        _plan(toy_flows, goods, window=Span("2021-04", "2021-04"))
    # ... and one given explicitly is used.
    plan = _plan(
        toy_flows, goods, window=Span("2021-04", "2021-04"), baseline=Span("2021-03", "2021-03")
    )
    assert plan.baseline == Span("2021-03", "2021-03")


def test_overlapping_periods_are_refused(toy_flows, goods):
    with pytest.raises(RoundaboutError, match=r"must end before"):
        _plan(
            toy_flows,
            goods,
            window=Span("2021-04", "2022-04"),
            baseline=Span("2021-03", "2021-04"),
        )


def test_absent_hub_lists_the_countries_present(toy_flows, goods):
    with pytest.raises(NotFoundError, match=r"hub TJK absent.*countries present: ARM, KAZ"):
        _plan(toy_flows, goods, hubs=("KAZ", "TJK"))


def test_absent_target_lists_the_partners(toy_flows, goods):
    with pytest.raises(
        NotFoundError, match=r"target BLR is absent.*partners present: ARM, KAZ, RUS"
    ):
        _plan(toy_flows, goods, target="BLR")


def test_absent_origin_lists_the_reporters(toy_flows, goods):
    with pytest.raises(NotFoundError, match=r"origin USA absent.*reporters present: ARM, DEU"):
        _plan(toy_flows, goods, origins=("DEU", "USA"))


def test_mixed_currencies_are_refused_with_their_names(make_flows, goods, toy_data):
    rows = [*toy_data(), ("2022-03", "FRA", "KAZ", "export", S, 10.0, None, "EUR")]
    with pytest.raises(RoundaboutError, match=r"mix currencies \(EUR from FRA; USD from"):
        _plan(make_flows(rows), goods)


def test_aggregate_reporters_are_dropped_when_members_report(make_flows, goods, toy_data):
    rows = [*toy_data(), ("2022-03", "EU27_2020", "KAZ", "export", "TOTAL", 10.0)]
    plan = _plan(make_flows(rows), goods)
    assert plan.origins == ("DEU",)
    assert any("EU27_2020 left out" in n for n in plan.notes)


def test_only_totals_is_not_enough(make_flows, goods):
    rows = [
        ("2021-03", "DEU", "KAZ", "export", "TOTAL", 10.0),
        ("2022-03", "DEU", "RUS", "export", "TOTAL", 10.0),
    ]
    with pytest.raises(RoundaboutError, match=r"no product-level flows.*levels present: 0"):
        _plan(make_flows(rows), goods)


def test_annual_data_only_is_refused(make_flows, goods):
    rows = [("2021", "DEU", "KAZ", "export", S, 10.0), ("2022", "DEU", "RUS", "export", S, 1.0)]
    with pytest.raises(RoundaboutError, match=r"no monthly flows.*annual periods 2021 to 2022"):
        _plan(make_flows(rows), goods)


def test_goods_absent_from_the_data_name_what_is_there(toy_flows):
    import pyarrow as pa

    other = pa.table(
        {"hs6": ["010121"], "effective_date": pa.array([date(2022, 3, 15)], pa.date32())}
    )
    with pytest.raises(RoundaboutError, match=r"none of the 1 HS6 codes.*include: .*847130"):
        find_leaks(toy_flows, LeakParams(did=False), goods=other)
    with pytest.raises(RoundaboutError, match=r"empty"):
        find_leaks(toy_flows, LeakParams(did=False), goods=other.slice(0, 0))


def test_a_list_without_dates_applies_from_the_first_2022_package(toy_flows):
    import pyarrow as pa

    undated = fold_to_hs6(
        "chp", pa.table({"hs6": [S], "effective_date": pa.array([None], pa.date32())})
    )
    plan = resolve(LeakParams(), Inventory.of(toy_flows), undated)
    assert plan.window.start == "2022-03"
    assert any("no date" in n for n in plan.notes)
