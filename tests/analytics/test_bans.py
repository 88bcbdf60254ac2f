"""Bans as the law has them: wind-down dates, pre-ban months, price thresholds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from roundabout.analytics import LeakParams, Span, find_leaks
from roundabout.analytics.goods import ban_month, fold_to_hs6, load_goods
from roundabout.errors import InputFileError

from .conftest import flows_arrow


def test_ban_month_is_after_the_later_of_effective_and_wind_down():
    assert ban_month(date(2022, 4, 8), date(2022, 7, 10)) == "2022-08"
    assert ban_month(date(2022, 2, 25), date(2022, 5, 1)) == "2022-06"
    assert ban_month(date(2022, 3, 15), date(2022, 3, 15)) == "2022-04"
    assert ban_month(date(2022, 4, 1), None) == "2022-04"
    # A wind-down before the effective date (80 rows of the EU list) changes nothing.
    assert ban_month(date(2022, 4, 8), date(2022, 3, 1)) == "2022-05"


def test_the_eu_list_has_its_wind_down_and_thresholds():
    g = {r["product"]: r for r in load_goods("eu_hs6").table.to_pylist()}
    assert g["870120"]["sanctioned_from"] == "2022-08"  # road tractors: wind-down to 10 July
    cars = g["870324"]
    assert (cars["max_price_eur"], cars["partial"], cars["sanctioned_from"]) == (
        50000.0,
        True,
        "2022-04",
    )
    laptops = g["847130"]  # dual use too: the threshold does not limit the whole ban
    assert laptops["max_price_eur"] == 750.0 and not laptops["partial"]


def test_pre_ban_months_of_the_window_do_not_count():
    s, other = "870324", "940360"
    rows = []
    for m, hub, direct in (("03", 900.0, 100.0), ("04", 200.0, 100.0)):
        rows += [
            (f"2021-{m}", "DEU", "KAZ", "export", s, 100.0),
            (f"2022-{m}", "DEU", "KAZ", "export", s, hub),  # March: a pre-ban surge
            (f"2021-{m}", "DEU", "RUS", "export", s, 500.0),
            (f"2022-{m}", "DEU", "RUS", "export", s, direct),
            (f"2021-{m}", "DEU", "KAZ", "export", other, 1000.0),
            (f"2022-{m}", "DEU", "KAZ", "export", other, 1000.0),
            (f"2021-{m}", "DEU", "RUS", "export", other, 1000.0),
            (f"2022-{m}", "DEU", "RUS", "export", other, 1000.0),
        ]
    import ibis

    flows = ibis.duckdb.connect().create_table("flows", flows_arrow(rows))
    goods = pa.table(
        {
            "hs6": [s],
            "effective_date": pa.array([date(2022, 3, 15)], pa.date32()),
            "category": ["luxury"],
            "max_price_eur": [50000.0],
            "description": ["cars"],
        }
    )
    r = find_leaks(
        flows,
        LeakParams(
            hubs=("KAZ",),
            window=Span("2022-03", "2022-04"),
            did=False,
            bootstrap=0,
            placebo=False,
        ),
        goods=goods,
    )
    # April only: 200 against 100 (hub), 100 against 500 (direct).
    assert r.summary.group.hub_excess == pytest.approx(100.0)
    assert r.summary.group.direct_drop == pytest.approx(400.0)
    (f,) = r.findings
    assert f.months == 1 and f.sanctioned_from == "2022-04"
    assert f.ban == "banned above EUR 50,000 per unit from 2022-04"
    assert f.partial_ban and "banned above EUR 50,000 per unit from 2022-04" in f.explanation
    assert "share_above_threshold" in f.reasons  # no pieces in these flows


def test_fold_keeps_the_lowest_threshold_and_drops_it_when_a_line_has_none():
    t = pa.table(
        {
            "hs6": ["870323", "870323", "870324"],
            "effective_date": pa.array([date(2022, 3, 15)] * 3, pa.date32()),
            "max_price_eur": pa.array([50000.0, None, 50000.0], pa.float64()),
            "category": ["luxury", "dual_use", "luxury"],
        }
    )
    g = {r["product"]: r for r in fold_to_hs6("t", t).table.to_pylist()}
    assert g["870323"]["max_price_eur"] is None and not g["870323"]["partial"]
    assert g["870324"]["partial"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("870323,2022-13-01,,luxury,750", "effective_date"),
        ("870323,2022-03-15,,luxury,lots", "max_price_eur"),
        ("870323,2022-03-15,,luxury,-5", "max_price_eur"),
    ],
)
def test_a_goods_file_with_a_malformed_date_or_threshold_is_refused_naming_its_line(
    tmp_path: Path, line: str, message: str
):
    p = tmp_path / "mine.csv"
    p.write_text(
        "code,effective_date,wind_down_date,category,max_price_eur\n"
        "870324,2022-03-15,,luxury,50000\n" + line + "\n"
    )
    with pytest.raises(InputFileError) as exc:
        load_goods(str(p))
    assert "line 3" in str(exc.value) and message in str(exc.value)


def test_share_above_the_price_threshold_where_the_flows_count_pieces():
    """Cars banned above EUR 50,000: of EUR 1.4m shipped, the 60,000-a-car lines are 0.6m."""
    import ibis

    s, other = "870324", "940360"
    rows = [
        ("2021-04", "DEU", "KAZ", "export", s, 100_000.0),
        ("2022-04", "DEU", "KAZ", "export", s, 600_000.0),  # 10 cars at 60,000
        ("2022-04", "FRA", "KAZ", "export", s, 800_000.0),  # 20 cars at 40,000
        ("2021-04", "FRA", "KAZ", "export", s, 100_000.0),
        ("2021-04", "DEU", "RUS", "export", s, 900_000.0),
        ("2022-04", "DEU", "RUS", "export", s, 100_000.0),
        ("2021-04", "DEU", "KAZ", "export", other, 1e6),
        ("2022-04", "DEU", "KAZ", "export", other, 1e6),
        ("2021-04", "FRA", "KAZ", "export", other, 1e6),
        ("2022-04", "FRA", "KAZ", "export", other, 1e6),
        ("2021-04", "DEU", "RUS", "export", other, 1e6),
        ("2022-04", "DEU", "RUS", "export", other, 1e6),
    ]
    t = flows_arrow([(*r, None, "EUR") for r in rows])
    cars = [2.0, 10.0, 20.0, 2.0, 18.0, 2.0, None, None, None, None, None, None]
    t = t.set_column(t.schema.get_field_index("quantity"), "quantity", pa.array(cars))
    units = ["p/st" if q is not None else None for q in cars]
    t = t.set_column(t.schema.get_field_index("quantity_unit"), "quantity_unit", pa.array(units))
    flows = ibis.duckdb.connect().create_table("flows", t)
    goods = pa.table(
        {
            "hs6": [s],
            "effective_date": pa.array([date(2022, 3, 15)], pa.date32()),
            "category": ["luxury"],
            "max_price_eur": [50000.0],
        }
    )
    r = find_leaks(
        flows,
        LeakParams(
            hubs=("KAZ",), window=Span("2022-04", "2022-04"), did=False, bootstrap=0,
            placebo=False,
        ),
        goods=goods,
    )  # fmt: skip
    (f,) = r.findings
    assert f.share_above_threshold == pytest.approx(600_000 / 1_400_000)
    assert "share_above_threshold" not in f.reasons
