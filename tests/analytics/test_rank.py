"""Ranking on the toy: KAZ re-routes S, ARM keeps it (local demand)."""

from __future__ import annotations

import pytest

from roundabout.analytics.direct import direct_drop
from roundabout.analytics.excess import hub_excess, months_above, onward_excess, other_goods
from roundabout.analytics.mirror import lost_in_transit, mirror_pairs
from roundabout.analytics.rank import NO_ONWARD_WEIGHT, coverage, score_table, top

S, OTHER = "847130", "940360"


def _scored(plan, pn, *, onward=True, lost=True):
    g = other_goods(pn.segments)
    h = hub_excess(pn.segments, g, plan)
    return score_table(
        h,
        months_above(pn.picked, h, plan, pn.bans),
        plan.goods.expr(),
        plan,
        onward=onward_excess(pn.segments, g, plan) if onward else None,
        lost=lost_in_transit(mirror_pairs(pn.segments, plan), g, 0.05) if lost else None,
        drop=direct_drop(pn.segments, g, plan),
        covered=coverage(pn.segments, plan.hubs),
    )


def test_re_routing_scores_and_local_demand_does_not(toy, index):
    plan, pn = toy()
    s = index(_scored(plan, pn), "hub", "product")
    kaz, arm = s[("KAZ", S)], s[("ARM", S)]
    # KAZ: pass-through min(350, 300) = 300, plus 300 lost, capped at excess_in 350.
    assert kaz["pass_through"] == pytest.approx(300.0)
    assert kaz["money"] == pytest.approx(350.0)
    # Evidence: sanctioned, 2 of 2 months, window 500 vs expected 150, onward known.
    brk = 1 - 150 / 500
    assert kaz["evidence"] == pytest.approx(1.0 * 1.0 * (0.25 + 0.75) * (0.1 + 0.9 * brk))
    assert kaz["score"] == pytest.approx(350.0 * kaz["evidence"])
    assert kaz["substitution_ratio"] == pytest.approx(0.5)
    # ARM: the same excess in, nothing onward, nothing lost: no money at stake.
    assert arm["excess_in"] == pytest.approx(350.0)
    assert arm["money"] == pytest.approx(0.0)
    best = top(_scored(plan, pn), 10).to_pyarrow().to_pylist()
    assert [(r["hub"], r["product"]) for r in best] == [("KAZ", S)]


def test_without_onward_data_the_excess_counts_at_half_weight(toy, index):
    plan, pn = toy(onward=False, mirror=False)
    assert plan.onward_hubs == ()
    s = index(_scored(plan, pn, onward=False, lost=False), "hub", "product")
    kaz = s[("KAZ", S)]
    assert kaz["excess_out"] is None
    assert kaz["money"] == pytest.approx(350.0)
    brk = 1 - 150 / 500
    assert kaz["evidence"] == pytest.approx(NO_ONWARD_WEIGHT * (0.1 + 0.9 * brk))


def test_goods_off_the_list_are_never_findings(make_flows, make_goods, make_plan, index):
    from datetime import date

    rows = []
    for p in (S, OTHER):  # the same jump for both products, on the same route
        rows += [
            ("2021-03", "DEU", "KAZ", "export", p, 100.0),
            ("2022-03", "DEU", "KAZ", "export", p, 500.0),
            ("2021-03", "DEU", "RUS", "export", p, 100.0),
            ("2022-03", "DEU", "RUS", "export", p, 100.0),
        ]
    rows += [
        ("2021-03", "DEU", "KAZ", "export", "TOTAL", 1200.0),
        ("2022-03", "DEU", "KAZ", "export", "TOTAL", 2000.0),
    ]
    plan, pn = make_plan(
        make_flows(rows),
        make_goods({S: date(2022, 2, 25)}),
        hubs=("KAZ",),
        window="2022-03:2022-03",
    )
    s = index(_scored(plan, pn, onward=False, lost=False), "hub", "product")
    assert s[("KAZ", OTHER)]["kind"] == "other"
    assert s[("KAZ", OTHER)]["excess_in"] == pytest.approx(s[("KAZ", S)]["excess_in"])
    # Ranked the same way, but in their own list: never among the findings.
    assert s[("KAZ", OTHER)]["score"] == pytest.approx(s[("KAZ", S)]["score"])
    scored = _scored(plan, pn, onward=False, lost=False)
    findings = top(scored, 10).to_pyarrow().to_pylist()
    surges = top(scored, 10, "other").to_pyarrow().to_pylist()
    assert [r["product"] for r in findings] == [S]
    assert [r["product"] for r in surges] == [OTHER]


def test_onward_figures_only_where_the_hub_data_cover_the_product(
    make_flows, make_goods, make_plan, index
):
    """A hub file holding only one product: no onward figure (null, not 0) for the others."""
    from datetime import date

    cars, laptops = "870323", S
    rows = []
    for p in (cars, laptops):
        rows += [
            ("2021-03", "DEU", "KAZ", "export", p, 100.0),
            ("2022-03", "DEU", "KAZ", "export", p, 500.0),
            ("2021-03", "DEU", "RUS", "export", p, 400.0),
            ("2022-03", "DEU", "RUS", "export", p, 100.0),
        ]
    rows += [
        ("2021-03", "DEU", "KAZ", "export", OTHER, 1000.0),
        ("2022-03", "DEU", "KAZ", "export", OTHER, 1000.0),
        ("2021-03", "KAZ", "RUS", "export", cars, 10.0),  # the hub's file: cars only
        ("2022-03", "KAZ", "RUS", "export", cars, 310.0),
    ]
    plan, pn = make_plan(
        make_flows(rows),
        make_goods({cars: date(2022, 2, 25), laptops: date(2022, 2, 25)}),
        hubs=("KAZ",),
        window="2022-03:2022-03",
    )
    assert plan.onward_hubs == ("KAZ",)
    s = index(_scored(plan, pn, lost=False), "hub", "product")
    assert s[("KAZ", cars)]["excess_out"] == pytest.approx(300.0)
    assert s[("KAZ", laptops)]["excess_out"] is None
    assert s[("KAZ", laptops)]["pass_through"] is None


def test_a_hub_file_covering_one_product_gives_no_onward_or_lost_figure_elsewhere():
    """KAZ's own file (exports to RUS and imports from DEU) holds cars only: laptops get no
    onward, pass-through or lost-in-transit figure (null with the reason, never 0); cars get
    theirs."""
    from datetime import date

    import ibis

    from roundabout.analytics import LeakParams, Span, find_leaks

    from .conftest import flows_arrow, goods_arrow

    cars, laptops = "870323", S
    rows = []
    for p in (cars, laptops):
        rows += [
            ("2021-03", "DEU", "KAZ", "export", p, 100.0),
            ("2022-03", "DEU", "KAZ", "export", p, 500.0),
            ("2021-03", "DEU", "RUS", "export", p, 400.0),
            ("2022-03", "DEU", "RUS", "export", p, 100.0),
        ]
    rows += [
        ("2021-03", "DEU", "KAZ", "export", OTHER, 1000.0),
        ("2022-03", "DEU", "KAZ", "export", OTHER, 1000.0),
        ("2021-03", "DEU", "RUS", "export", OTHER, 1000.0),
        ("2022-03", "DEU", "RUS", "export", OTHER, 1000.0),
        # The hub's file: cars and other goods only.
        ("2021-03", "KAZ", "RUS", "export", cars, 10.0),
        ("2022-03", "KAZ", "RUS", "export", cars, 310.0),
        ("2021-03", "KAZ", "DEU", "import", cars, 105.0),
        ("2022-03", "KAZ", "DEU", "import", cars, 210.0),  # 200 of the 500 at the old ratio
        ("2021-03", "KAZ", "RUS", "export", OTHER, 100.0),
        ("2022-03", "KAZ", "RUS", "export", OTHER, 100.0),
        ("2021-03", "KAZ", "DEU", "import", OTHER, 1050.0),
        ("2022-03", "KAZ", "DEU", "import", OTHER, 1050.0),
    ]
    flows = ibis.duckdb.connect().create_table("flows", flows_arrow(rows))
    goods = goods_arrow({cars: date(2022, 2, 25), laptops: date(2022, 2, 25)})
    params = LeakParams(
        hubs=("KAZ",),
        baseline=Span("2021-03", "2021-03"),
        window=Span("2022-03", "2022-03"),
        did=False,
        bootstrap=0,
        placebo=False,
    )
    r = find_leaks(flows, params, goods=goods)
    f = {x.product: x for x in r.findings}
    assert f[cars].excess_out == pytest.approx(300.0)
    assert f[cars].lost_in_transit == pytest.approx(300.0)
    lap = f[laptops]
    assert lap.excess_in == pytest.approx(400.0)
    assert (lap.excess_out, lap.pass_through, lap.lost_in_transit) == (None, None, None)
    for key in ("excess_out", "pass_through", "lost_in_transit"):
        assert lap.reasons[key].startswith(f"KAZ's data hold no {laptops} in both baseline")
    # The hub's totals count only what its data cover.
    assert r.summary.hubs["KAZ"].excess_out == pytest.approx(300.0)
