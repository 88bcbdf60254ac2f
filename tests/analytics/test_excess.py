"""Hub and onward excess on the toy (numbers in tests/analytics/conftest.py, by hand)."""

from __future__ import annotations

import pytest

from roundabout.analytics.excess import hub_excess, months_above, onward_excess, other_goods

S, OTHER = "847130", "940360"


def test_other_goods_growth_is_window_over_baseline(toy, index):
    _, pn = toy()
    g = index(other_goods(pn.segments), "reporter", "partner", "flow")
    assert g[("DEU", "KAZ", "export")]["growth"] == pytest.approx(1500 / 1000)
    assert g[("DEU", "RUS", "export")]["growth"] == pytest.approx(4000 / 5000)
    assert g[("KAZ", "RUS", "export")]["growth"] == pytest.approx(1.0)


def test_hub_excess_is_window_minus_baseline_grown_like_other_goods(toy, index):
    plan, pn = toy()
    h = index(hub_excess(pn.segments, other_goods(pn.segments), plan), "hub", "product")
    kaz = h[("KAZ", S)]
    assert kaz["kind"] == "sanctioned"
    assert (kaz["base_in"], kaz["win_in"]) == (100.0, 500.0)
    assert kaz["expected_in"] == pytest.approx(150.0)
    assert kaz["excess_in"] == pytest.approx(350.0)
    # Other goods grow exactly at their own rate: no excess.
    assert h[("KAZ", OTHER)]["excess_in"] == pytest.approx(0.0)


def test_totals_only_gives_the_same_excess(toy, index):
    """Where only totals exist, other goods = total - sanctioned (the Eurostat case)."""
    plan, pn = toy(totals_only=True)
    g = index(other_goods(pn.segments), "reporter", "partner", "flow")
    assert g[("DEU", "KAZ", "export")]["other_base"] == pytest.approx(1000.0)
    assert g[("DEU", "KAZ", "export")]["other_win"] == pytest.approx(1500.0)
    h = index(hub_excess(pn.segments, other_goods(pn.segments), plan), "hub", "product")
    assert h[("KAZ", S)]["excess_in"] == pytest.approx(350.0)
    assert ("KAZ", "TOTAL") not in h


def test_onward_excess_is_reported_by_the_hub(toy, index):
    plan, pn = toy()
    o = index(onward_excess(pn.segments, other_goods(pn.segments), plan), "hub", "product")
    assert o[("KAZ", S)]["excess_out"] == pytest.approx(300.0)
    assert o[("ARM", S)]["excess_out"] == pytest.approx(0.0)


def test_months_above_counts_window_months_over_the_monthly_expectation(toy, index):
    plan, pn = toy()
    h = hub_excess(pn.segments, other_goods(pn.segments), plan)
    m = index(months_above(pn.picked, h, plan, pn.bans), "hub", "product")
    assert m[("KAZ", S)]["months_above"] == 2  # 250 > 150 / 2 in both months
    assert m[("KAZ", OTHER)]["months_above"] == 0  # 750 == 1500 / 2: not above
