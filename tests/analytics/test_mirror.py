"""Lost in transit on the toy: KAZ records 200 of the 500 shipped in the window."""

from __future__ import annotations

import math
from datetime import date

import pytest

from roundabout.analytics.excess import other_goods
from roundabout.analytics.mirror import log_ratios, lost_in_transit, mirror_pairs

S, OTHER = "847130", "940360"


def test_lost_in_transit_is_the_gap_beyond_the_baseline_gap(toy, index):
    plan, pn = toy()
    assert plan.mirror_hubs == ("KAZ", "ARM")
    lost = index(
        lost_in_transit(mirror_pairs(pn.segments, plan), other_goods(pn.segments), 0.05),
        "hub",
        "product",
    )
    # Window: 500 exported, 210 CIF imported = 200 FOB: gap 300. Baseline gap 0.
    assert lost[("KAZ", S)]["gap_win"] == pytest.approx(300.0)
    assert lost[("KAZ", S)]["gap_base"] == pytest.approx(0.0)
    assert lost[("KAZ", S)]["lost"] == pytest.approx(300.0)
    assert lost[("ARM", S)]["lost"] == pytest.approx(0.0)
    assert lost[("KAZ", OTHER)]["lost"] == pytest.approx(0.0)


def test_log_ratio_medians_by_sanction_group_and_year(toy, index):
    plan, pn = toy()
    r = index(log_ratios(mirror_pairs(pn.segments, plan), 0.05), "kind", "year")
    assert r[("sanctioned", "2021")]["median_log_ratio"] == pytest.approx(0.0)
    # KAZ: log(500 / 200) = 0.916; ARM: 0. The median of the two:
    assert r[("sanctioned", "2022")]["median_log_ratio"] == pytest.approx(math.log(2.5) / 2)
    assert r[("other", "2022")]["median_log_ratio"] == pytest.approx(0.0)
    assert r[("sanctioned", "2022")]["pairs"] == 2


def test_pair_years_where_one_side_reports_nothing_are_dropped(
    make_flows, make_goods, make_plan, index
):
    rows = [
        ("2021-03", "DEU", "KAZ", "export", S, 100.0),
        ("2021-03", "KAZ", "DEU", "import", S, 105.0),
        ("2022-03", "DEU", "KAZ", "export", S, 900.0),  # KAZ reports no imports in 2022
        ("2021-03", "DEU", "RUS", "export", S, 100.0),
        ("2022-03", "DEU", "RUS", "export", S, 10.0),
    ]
    plan, pn = make_plan(
        make_flows(rows),
        make_goods({S: date(2022, 2, 25)}),
        hubs=("KAZ",),
        window="2022-03:2022-03",
        baseline="2021-03:2021-03",
    )
    pairs = mirror_pairs(pn.segments, plan)
    r = index(log_ratios(pairs, 0.05), "kind", "year")
    assert set(r) == {("sanctioned", "2021")}
    # No import record at all for KAZ in 2022: not counted as lost (no evidence either way).
    lost = index(lost_in_transit(pairs, other_goods(pn.segments), 0.05), "hub", "product")
    assert lost[("KAZ", S)]["gap_win"] == pytest.approx(0.0)
