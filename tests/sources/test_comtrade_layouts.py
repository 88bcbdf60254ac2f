"""Comtrade's legacy and snake_case layouts, detected by their columns."""

from __future__ import annotations

from pathlib import Path

import pytest

from roundabout.errors import InputFileError
from roundabout.sources.comtrade_layouts import detect
from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "comtrade"


def flows(store: Store) -> dict[int, dict[str, object]]:
    t = store.flows().to_pyarrow().to_pylist()
    return {r["source_line"]: r for r in t}


def quarantine(store: Store) -> dict[int, str]:
    return {r["line"]: r["reason"] for r in store.table("quarantine").to_pyarrow().to_pylist()}


def test_detect_names_each_layout() -> None:
    v1 = ["period", "reporterCode", "flowCode", "partnerCode", "cmdCode", "primaryValue"]
    legacy = ["Period", "Trade Flow Code", "Reporter ISO", "Partner ISO", "Commodity Code",
              "Trade Value (US$)"]  # fmt: skip
    snake = ["period", "trade_code", "reporter_code", "partner_iso", "commodity_code",
             "trade_value_us"]  # fmt: skip
    snake_v1 = ["period", "flow_code", "reporter_iso", "partner_code", "cmd_code",
                "primary_value"]  # fmt: skip
    assert detect(v1).name == "api-v1" and not detect(v1).legacy_flows
    assert detect(legacy).name == "legacy" and detect(legacy).legacy_flows
    assert detect(legacy).columns["reporterISO"] == "Reporter ISO"
    assert detect(snake).name == "snake_case" and detect(snake).columns["flowCode"] == "trade_code"
    assert detect(snake_v1).name == "snake_case-v1" and not detect(snake_v1).legacy_flows


def test_detect_names_what_is_missing() -> None:
    with pytest.raises(
        InputFileError,
        match=r"missing columns: primaryValue \(legacy and snake_case layouts: .*"
        r"Trade Value \(US\$\)",
    ):
        detect(["period", "flowCode", "reporterCode", "partnerCode", "cmdCode"], "x.csv")


def test_legacy_website_csv(store: Store, load) -> None:  # type: ignore[no-untyped-def]
    result = load("comtrade", DATA / "legacy_website.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (7, 4, 3)
    got = flows(store)
    # HS4 beside HS6, kept apart by level
    assert (got[2]["product_code"], got[2]["product_level"], got[2]["hs6"]) == ("8703", 4, None)
    assert (got[3]["product_code"], got[3]["product_level"], got[3]["hs6"]) == (
        "870323",
        6,
        "870323",
    )
    # legacy flow codes: 2 export, 1 import, 3 re-export
    assert [got[n]["flow"] for n in (2, 3, 4, 5)] == ["export", "export", "import", "re-export"]
    assert (got[4]["reporter"], got[4]["partner"]) == ("KAZ", "DEU")
    assert (got[2]["period"], got[2]["freq"], got[2]["hs_edition"]) == ("2021-04", "M", "HS2017")
    assert (got[2]["quantity"], got[2]["net_weight_kg"], got[2]["value"]) == (12, 18000, 540000)
    assert quarantine(store) == {
        6: "reporterCode 276 is DEU but reporterISO is FRA",
        7: "product code 870324 is not at its aggregate level 4",
        8: "value implausibly large for one trade line (above 1e+13 USD)",
    }


def test_breakdowns_without_total_are_summed(store: Store, load) -> None:  # type: ignore[no-untyped-def]
    result = load("comtrade", DATA / "snake_breakdowns.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (10, 7, 3)
    assert result.rows_summed == 6
    got = store.flows().to_pandas()
    # an independent sum of the file's rows, in pandas
    import pandas as pd

    raw = pd.read_csv(DATA / "snake_breakdowns.csv", dtype={"period": str})
    arm_m = raw[(raw.trade_code == "M") & (raw.partner_iso == "DEU")]
    row = got[(got.flow == "import") & (got.partner == "DEU")].iloc[0]
    assert row.value == arm_m.trade_value_us.sum() == 400000
    assert row.net_weight_kg == arm_m.netweight_kg.sum()
    assert (row.quantity, row.source_line, row.reporter) == (8, 2, "ARM")
    rus = got[(got.partner == "RUS") & (got.period == "2022-03")].iloc[0]
    assert rus.value == 420000 and pd.isna(rus.net_weight_kg)  # one weight missing: no sum
    # a breakdown alone is its own total (HS4 kept at its level)
    apr = got[got.period == "2022-04"].iloc[0]
    assert (apr.value, apr.product_level) == (900000, 4)
    # where the total exists it is kept and the breakdown quarantined
    kaz = got[got.partner == "KAZ"]
    assert len(kaz) == 1 and kaz.iloc[0].value == 80000
    assert len(got) == 4
    assert quarantine(store) == {
        8: "breakdown by mode of transport (kept: motCode 0)",
        9: "breakdown not summed into a total: another mode-of-transport breakdown of its key "
        "is rejected",
        10: "missing value",
    }
    m = store.table("manifest").to_pyarrow().to_pylist()[0]
    assert (m["rows_read"], m["rows_loaded"], m["rows_summed"]) == (10, 7, 6)


def test_transport_breakdowns_win_over_customs(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "two_dims.csv"
    p.write_text(
        "period,reporterCode,flowCode,partnerCode,cmdCode,customsCode,motCode,primaryValue\n"
        "2022,51,X,643,870323,C00,1000,10\n"
        "2022,51,X,643,870323,C00,2000,20\n"
        "2022,51,X,643,870323,C01,0,25\n"
        "2022,51,X,643,870323,C02,0,5\n"
    )
    result = load("comtrade", p)
    assert (result.rows_loaded, result.rows_rejected, result.rows_summed) == (2, 2, 2)
    assert store.flows().value.sum().execute() == 30
    assert set(quarantine(store).values()) == {
        "customs-procedure breakdown: its key has no total and its mode-of-transport "
        "breakdowns stand for it"
    }


def test_v1_numeric_code_contradicting_iso(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "codes.csv"
    p.write_text(
        "period,reporterCode,reporterISO,flowCode,partnerCode,partnerISO,cmdCode,primaryValue\n"
        "2022,51,ARM,X,643,RUS,870323,10\n"
        "2022,51,ARM,X,643,KAZ,870323,10\n"
        "2022,51,ARM,X,899,_X,870323,10\n"
    )
    result = load("comtrade", p)
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert quarantine(store) == {3: "partnerCode 643 is RUS but partnerISO is KAZ"}


def test_ingest_json_reports_rows_summed(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from roundabout.cli.main import app

    r = CliRunner().invoke(
        app,
        ["ingest", "-f", "comtrade", str(DATA / "snake_breakdowns.csv"), "--db",
         str(tmp_path / "s.duckdb"), "--json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)[0]
    assert (got["rows_read"], got["rows_loaded"], got["rows_summed"]) == (10, 7, 6)


@pytest.mark.parametrize("fmt", ["comtrade"])
def test_placeholder_values_are_quarantined(store: Store, load, tmp_path: Path, fmt: str) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "big.csv"
    p.write_text(
        "period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n"
        "2022,51,X,643,870323,1e308\n"
        "2022,51,X,643,870324,10000000000001\n"
        "2022,51,X,643,870322,9999999999999\n"
    )
    result = load(fmt, p)
    assert (result.rows_loaded, result.rows_rejected) == (1, 2)
    assert result.rejected_reasons == {
        "value implausibly large for one trade line (above 1e+13 USD)": 2
    }
