"""Lost in transit on the toy: KAZ records 200 of the 500 shipped in the window."""

from __future__ import annotations

import math
from datetime import date

import pytest

from roundabout.analytics.excess import other_goods
from roundabout.analytics.mirror import log_ratios, lost_in_transit, mirror_pairs

S, OTHER = "847130", "940360"


def test_lost_in_transit_is_what_the_hub_records_do_not_account_for(toy, index):
    plan, pn = toy()
    assert plan.mirror_hubs == ("KAZ", "ARM")
    lost = index(
        lost_in_transit(mirror_pairs(pn.segments, plan), other_goods(pn.segments), 0.05),
        "hub",
        "product",
    )
    # Baseline: 100 exported, 105 recorded (ratio 1.05); other goods' ratio unchanged (1.05
    # in both periods). Window: 500 exported, 210 recorded = 200 at the baseline ratio.
    k = lost[("KAZ", S)]
    assert k["ratio_base"] == pytest.approx(1.05) and k["hub_change"] == pytest.approx(1.0)
    assert k["lost"] == pytest.approx(300.0)
    assert k["gap_win"] == pytest.approx(300.0)
    assert lost[("ARM", S)]["lost"] == pytest.approx(0.0)
    assert lost[("KAZ", OTHER)]["lost"] == pytest.approx(0.0)


def test_a_uniform_fall_in_a_hubs_coverage_does_not_read_as_loss(
    toy_data, make_flows, make_goods, make_plan, index
):
    """ARM records 20% less of everything in the window: nothing more is lost."""
    rows = [
        (r[0], r[1], r[2], r[3], r[4], r[5] * 0.8, *r[6:])
        if r[1] == "ARM" and r[3] == "import" and r[0] >= "2022"
        else r
        for r in toy_data()
    ]
    plan, pn = make_plan(
        make_flows(rows),
        make_goods({S: date(2022, 2, 25)}),
        hubs=("KAZ", "ARM"),
        window="2022-03:2022-04",
        baseline="2021-03:2021-04",
    )
    lost = index(
        lost_in_transit(mirror_pairs(pn.segments, plan), other_goods(pn.segments), 0.05),
        "hub",
        "product",
    )
    assert lost[("ARM", S)]["hub_change"] == pytest.approx(0.8)
    assert lost[("ARM", S)]["lost"] == pytest.approx(0.0, abs=1e-9)
    assert lost[("KAZ", S)]["lost"] == pytest.approx(300.0)  # KAZ unchanged


def test_log_ratio_medians_by_sanction_group_and_year(toy, index):
    plan, pn = toy()
    r = index(log_ratios(mirror_pairs(pn.segments, plan), 0.05), "kind", "year")
    # ln(M / X), summed over exporters per hub: 2021 ln(1.05) for both hubs.
    assert r[("sanctioned", "2021")]["median_log_ratio"] == pytest.approx(math.log(1.05))
    # 2022: KAZ ln(210 / 500), ARM ln(525 / 500). The median of the two:
    kaz, arm = math.log(210 / 500), math.log(525 / 500)
    assert r[("sanctioned", "2022")]["median_log_ratio"] == pytest.approx((kaz + arm) / 2)
    assert r[("other", "2022")]["median_log_ratio"] == pytest.approx(math.log(1.05))
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
    # No import record at all for KAZ in 2022, no other goods to compare with: no figure
    # (neither loss nor its absence can be read from it).
    lost = index(lost_in_transit(pairs, other_goods(pn.segments), 0.05), "hub", "product")
    assert lost[("KAZ", S)]["lost"] is None


def test_annual_hub_records_give_lost_in_transit_against_other_goods():
    """KAZ reports imports by year, in USD; it records 20% less of everything in 2022 and
    only half of what was shipped of S: 1,200 of 2,400 lost, whatever the currency."""
    import ibis

    from roundabout.analytics import LeakParams, Span, find_leaks

    from .conftest import flows_arrow, goods_arrow

    rows = []
    for y, s_val in (("2021", 100.0), ("2022", 200.0)):
        for m in range(1, 13):
            p = f"{y}-{m:02d}"
            rows += [
                (p, "DEU", "KAZ", "export", S, s_val, None, "EUR"),
                (p, "DEU", "KAZ", "export", OTHER, 1000.0, None, "EUR"),
                (p, "DEU", "RUS", "export", S, 500.0 if y == "2021" else 50.0, None, "EUR"),
                (p, "DEU", "RUS", "export", OTHER, 1000.0, None, "EUR"),
            ]
    rows += [
        ("2021", "KAZ", "DEU", "import", S, 1200 * 1.1, None, "USD"),
        ("2021", "KAZ", "DEU", "import", OTHER, 12000 * 1.1, None, "USD"),
        ("2022", "KAZ", "DEU", "import", S, 1200 * 1.1 * 0.8, None, "USD"),  # half of 2400
        ("2022", "KAZ", "DEU", "import", OTHER, 12000 * 1.1 * 0.8, None, "USD"),
    ]
    flows = ibis.duckdb.connect().create_table("flows", flows_arrow(rows))
    r = find_leaks(
        flows,
        LeakParams(
            hubs=("KAZ",), window=Span("2022-03", "2022-08"), did=False, bootstrap=0,
            placebo=False,
        ),
        goods=goods_arrow({S: date(2022, 2, 25)}),
    )  # fmt: skip
    a = r.to_dict()["measures"]["lost_in_transit_annual"]
    assert a["available"] and a["baseline_years"] == ["2021"] and a["window_years"] == ["2022"]
    assert a["hub_change_other_goods"]["KAZ"] == pytest.approx(0.8)
    assert a["hubs"]["KAZ"]["lost"] == pytest.approx(1200.0)
