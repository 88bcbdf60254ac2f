"""The report's charts select rows by the analysis's own product-level rule.

A CN8 row is part of its HS6, so a reporter's rows are read at one level: HS6 where it
reports HS6 at all, else CN8 (:func:`roundabout.analytics.resolve.reporter_levels`). The
report once chose per chart the finest level among the rows it happened to show, so a
reporter with HS6 rows elsewhere but only CN8 rows to a hub was charted while
``roundabout leaks`` left those rows out."""

from __future__ import annotations

from roundabout.analytics import Unavailable
from roundabout.analytics.inventory import Inventory
from roundabout.analytics.resolve import reporter_levels
from roundabout.report.data import Scope, monthly_series

PHONES = "851712"  # on the EU list, banned in full from 2022-04 (mobile phones)


def _flows(make_flows):
    rows = [
        # DEU reports HS6 (to a control) and, to the hub, only CN8: read at HS6, so its
        # CN8 rows to ARM are not in the analysis, nor in the chart.
        ("2022-05", "DEU", "USA", "export", PHONES, 70.0),
        ("2022-05", "DEU", "ARM", "export", PHONES + "00", 100.0),
        # FRA reports both levels of the same goods: HS6 only, never the two summed.
        ("2022-05", "FRA", "ARM", "export", PHONES, 50.0),
        ("2022-05", "FRA", "ARM", "export", PHONES + "00", 50.0),
        # ITA reports CN8 only: read at CN8.
        ("2022-05", "ITA", "ARM", "export", PHONES + "10", 30.0),
        ("2022-05", "ITA", "RUS", "export", PHONES + "10", 5.0),
    ]
    return make_flows(rows)


def test_the_levels_are_the_analysis_rule(make_flows):
    inv = Inventory.of(_flows(make_flows))
    assert reporter_levels(inv, ["DEU", "FRA", "ITA", "KAZ"]) == [
        ("DEU", 6),
        ("FRA", 6),
        ("ITA", 8),
    ]


def test_the_monthly_chart_reads_each_reporter_at_its_analysis_level(make_flows):
    scope = Scope(hubs=("ARM",), origins=("DEU", "FRA", "ITA"), period_from="2022-01")
    series = monthly_series(_flows(make_flows), scope)
    assert not isinstance(series, Unavailable)
    by_route = {(r["period"], r["route"]): r["value"] for r in series.rows}
    # FRA's HS6 50 + ITA's CN8 30; DEU's CN8 100 and FRA's CN8 50 are not read.
    assert by_route == {("2022-05", "to ARM"): 80.0, ("2022-05", "direct"): 5.0}
