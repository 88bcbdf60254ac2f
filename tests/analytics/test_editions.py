"""HS editions: HS2022 rows against an HS2017 list, splits added once, broken series set aside."""

from __future__ import annotations

from datetime import date

import ibis
import pyarrow as pa
import pytest

from roundabout.analytics import LeakParams, Span, find_leaks

from .conftest import flows_arrow, goods_arrow

PHONE17, SMART22, OTHER22 = "851712", "851713", "851714"  # HS2022 split 851712 in two
TRACTOR17, TRACTOR22 = "870120", "870121"
OTHER = "940360"


def _flows(rows, hs2022_from: str = "2022-01") -> ibis.Table:
    t = flows_arrow(rows)
    editions = [
        None if lv == 0 else ("HS2022" if p >= hs2022_from else "HS2017")
        for p, lv in zip(t["period"].to_pylist(), t["product_level"].to_pylist(), strict=True)
    ]
    t = t.set_column(t.schema.get_field_index("hs_edition"), "hs_edition", pa.array(editions))
    return ibis.duckdb.connect().create_table("flows", t)


def _rows() -> list[tuple]:
    rows = []
    for m in ("03", "04"):
        b, w = f"2021-{m}", f"2022-{m}"
        # Phones: 100 a month in 2021 (HS2017), 60 + 40 in 2022 (HS2022 split): no change.
        rows += [
            (b, "DEU", "KAZ", "export", PHONE17, 100.0),
            (w, "DEU", "KAZ", "export", SMART22, 60.0),
            (w, "DEU", "KAZ", "export", OTHER22, 40.0),
            (b, "DEU", "RUS", "export", PHONE17, 500.0),
            (w, "DEU", "RUS", "export", SMART22, 50.0),
            # Tractors: only the 2022 lines are in the data (the 2021 ones were not extracted).
            (w, "DEU", "KAZ", "export", TRACTOR22, 300.0),
            (b, "DEU", "KAZ", "export", OTHER, 1000.0),
            (w, "DEU", "KAZ", "export", OTHER, 1000.0),
            (b, "DEU", "RUS", "export", OTHER, 1000.0),
            (w, "DEU", "RUS", "export", OTHER, 1000.0),
        ]
    return rows


@pytest.fixture
def result():
    goods = goods_arrow({PHONE17: date(2022, 2, 25), TRACTOR17: date(2022, 2, 25)})
    params = LeakParams(
        hubs=("KAZ",),
        origins=("DEU",),
        baseline=Span("2021-03", "2021-04"),
        window=Span("2022-03", "2022-04"),
        did=False,
        bootstrap=50,
        placebo=False,
    )
    return find_leaks(_flows(_rows()), params, goods=goods)


def test_hs2022_rows_are_converted_and_a_split_is_counted_once(result):
    hubs = result.summary.hubs["KAZ"]
    # 60 + 40 = 100 a month against 100 a month, flat other goods: no excess (not 200).
    assert hubs.hub_excess == pytest.approx(0.0)
    # Direct: 1000 -> 100 over the two months, other goods flat: drop 900.
    assert result.summary.group.direct_drop == pytest.approx(900.0)
    conv = result.summary.hs_conversion
    # 4 phone rows to KAZ, 2 to RUS, 2 tractor rows: 120 + 80 + 100 + 600.
    assert conv is not None and conv["rows_converted"] == 8
    assert conv["value_converted"] == pytest.approx(900.0)
    assert conv["by_link"]["split"]["codes"] == 3
    assert any("converted to HS2017" in n for n in result.notes)


def test_a_series_present_in_one_period_only_is_set_aside_with_its_money(result):
    aside = {a.product: a for a in result.set_aside}
    assert set(aside) == {TRACTOR17}
    a = aside[TRACTOR17]
    assert a.value == pytest.approx(600.0) and a.hub_value == pytest.approx(600.0)
    assert "baseline" in a.reason and TRACTOR22 in a.reason
    out = result.to_dict()
    assert out["set_aside"][0]["product"] == TRACTOR17
    assert {"product", "reason", "value"} <= set(out["set_aside"][0])
    # Not a finding: its 600 would otherwise read as pure excess.
    assert TRACTOR17 not in {f.product for f in result.findings}
    assert all(f.sanctioned for f in result.findings)
