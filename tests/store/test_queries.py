"""Store queries: one test body on every engine (DuckDB and local Spark), same answers."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from roundabout.errors import RoundaboutError
from roundabout.sources import importer_for
from roundabout.sources.load import load_file
from roundabout.store import Store
from roundabout.store.queries import (
    FlowFilter,
    aggregate_flows,
    convert_currency,
    convert_strict,
    filter_flows,
    missing_rates,
)

DATA = Path(__file__).parent.parent / "data" / "comtrade"


@pytest.fixture(scope="module")
def flows_arrow(tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    db = tmp_path_factory.mktemp("q") / "s.duckdb"
    with Store(db) as store:
        load_file(store, importer_for("comtrade"), DATA / "exports_2022.csv")
        load_file(store, importer_for("comtrade"), DATA / "exports_2022.json")
        return store.flows().to_pyarrow()


def as_dicts(expr, keys: list[str]) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    rows = expr.to_pyarrow().to_pylist()
    return sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))


def test_filter_and_aggregate(engine, flows_arrow: pa.Table) -> None:  # type: ignore[no-untyped-def]
    flows = engine("flows", flows_arrow)
    hs6_exports = filter_flows(
        flows, FlowFilter(flows=("export",), product_level=6, freq="M", period_from="2022-03")
    )
    out = as_dicts(aggregate_flows(hs6_exports, ["reporter", "partner"]), ["reporter", "partner"])
    got = {(r["reporter"], r["partner"]): (r["value"], r["rows"]) for r in out}
    assert got == {
        ("DEU", "ARM"): (45000.0, 1),
        ("DEU", "KAZ"): (250000.0, 1),
        ("FRA", "ARM"): (90000.0, 1),
        ("USA", "GEO"): (12000.0, 1),
        ("USA", "KGZ"): (31000.0, 1),
    }
    chapter = filter_flows(flows, FlowFilter(products=("8542",), reporters=("DEU",)))
    assert sorted(chapter.period.to_pyarrow().to_pylist()) == ["2021", "2022-03"]


def test_currency_conversion_needs_explicit_rates(engine, flows_arrow: pa.Table) -> None:  # type: ignore[no-untyped-def]
    flows = engine("flows", flows_arrow)
    eur = filter_flows(flows, FlowFilter(reporters=("DEU",), period_from="2022-03"))
    rates = engine(
        "rates",
        pa.table(
            {
                "currency": ["USD"],
                "period": ["2022-03"],
                "per_target": [1.10],  # 1.10 USD per EUR
                "target": ["EUR"],
            }
        ),
    )
    missing = as_dicts(missing_rates(eur, rates, "EUR"), ["period"])
    assert missing == [{"currency": "USD", "period": "2022-04"}]
    converted = as_dicts(
        convert_currency(eur, rates, "EUR").select("period", "value", "currency"), ["period"]
    )
    assert [r["period"] for r in converted] == ["2022-03", "2022-04"]
    assert converted[0]["currency"] == "EUR"
    assert converted[0]["value"] == pytest.approx(250000.0 / 1.10)
    assert converted[1]["value"] is None  # 2022-04: no rate, never a silent 1:1
    with pytest.raises(RoundaboutError, match="no exchange rate to EUR for USD 2022-04"):
        convert_strict(eur, rates, "EUR")


def test_grouping_by_unknown_column_is_refused(engine, flows_arrow: pa.Table) -> None:  # type: ignore[no-untyped-def]
    flows = engine("flows", flows_arrow)
    with pytest.raises(RoundaboutError, match="cannot group by value"):
        aggregate_flows(flows, ["value"])
