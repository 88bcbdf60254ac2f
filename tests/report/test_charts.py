"""The charts people read: money in currency units, hubs on their own panel, a Sankey scale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roundabout.report import charts
from roundabout.report.data import Flowchart, Scope, Series, monthly_series
from roundabout.store import Store


def test_amounts_read_in_currency_units():
    assert charts._amount(3.5e9, "EUR") == "EUR 3.5bn"
    assert charts._amount(250e6, "EUR") == "EUR 250.0m"
    assert charts._amount(-40e3, "USD") == "USD -40.0k"


def test_monthly_chart_axes_in_currency_units_and_hubs_on_their_own_panel():
    rows = [
        {"period": f"2022-{m:02d}", "route": route, "value": value}
        for m in range(1, 7)
        for route, value in (("direct", 3.5e9 - m * 1e8), ("to ARM", 2e7 + m * 1e6))
    ]
    spec = charts.monthly_spec(Series(rows=rows, currency="EUR", sanction_dates=[]))
    direct, hubs = spec["vconcat"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert {r["route"] for r in direct["layer"][0]["data"]["values"]} == {"direct"}
    assert {r["route"] for r in hubs["layer"][0]["data"]["values"]} == {"to ARM"}
    svg = charts.to_svg(spec)
    assert re.search(r">EUR \d(\.\d)?bn<", svg), "direct panel axis in EUR bn"
    assert re.search(r">EUR \d+m<", svg), "hub panel on its own scale, in EUR m"
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)  # what a reader sees
    assert not [t for t in labels if re.fullmatch(r"[\d.,]+[GMk]?", t)], labels
    assert not [t for t in labels if "via" in t]


def test_monthly_routes_are_named_to_the_hub(synthetic_store: Path):
    with Store(synthetic_store, read_only=True) as store:
        s = monthly_series(store.flows(), Scope(hubs=("ARM", "KAZ")))
    assert not hasattr(s, "reason"), s
    assert isinstance(s, Series)
    assert {r["route"] for r in s.rows} == {"direct", "to ARM", "to KAZ"}


def test_sankey_has_a_scale_bar_worth_its_pixels():
    chart = Flowchart(
        links=[
            {"source": "DEU", "target": "ARM", "value": 100.0},
            {"source": "DEU", "target": "RUS", "value": 300.0},
            {"source": "ARM", "target": "RUS", "value": 50.0},
        ],
        currency="EUR",
        period="2022-03 to 2022-08",
    )
    svg = charts.sankey_svg(chart, "RUS")
    # Largest column 400 (DEU); (420 - 24 top - 10 bottom - 8 padding) / 400 = 0.945 px per
    # euro, so the 20-pixel bar is worth 21.2 euros.
    assert ">= EUR 21<" in svg
    assert "DEU to ARM: EUR 100" in svg


def test_event_study_chart_carries_the_pretrend_warning():
    coefs = [{"rel_month": k, "estimate": 0.1 * k, "se": 0.05} for k in (-3, -2, 0, 1)]
    spec = charts.event_study_spec(coefs, "jointly significant (p = 0.001)")
    assert spec["title"]["subtitle"] == "Warning: jointly significant (p = 0.001)"
    assert "subtitle" not in charts.event_study_spec(coefs)["title"]
    assert "Warning: jointly significant" in charts.to_svg(spec)


@pytest.mark.parametrize("currency", ["EUR", "USD"])
def test_money_axis_names_the_currency(currency):
    axis = charts.money_axis(currency)
    assert axis["title"] == currency and f"'{currency} '" in axis["labelExpr"]


def test_charts_leave_out_what_the_analysis_set_aside(synthetic_store: Path):
    from roundabout.report.data import goods_table

    listed = set(goods_table("eu_hs6")["g_hs6"].to_pylist())
    with Store(synthetic_store, read_only=True) as store:
        flows = store.flows()
        codes = sorted(set(flows.hs6.to_pyarrow().to_pylist()) & listed)
        one = codes[0]

        def total(**kw: object) -> float:
            s = monthly_series(flows, Scope(hubs=("ARM", "KAZ"), **kw))  # type: ignore[arg-type]
            assert isinstance(s, Series), s
            return sum(r["value"] for r in s.rows)

        alone = total(products=(one,))
        assert alone > 0
        assert total() - total(exclude=(one,)) == pytest.approx(alone, rel=1e-9)
