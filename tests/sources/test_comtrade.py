"""The Comtrade importer on API v1 output (CSV and JSON)."""

from __future__ import annotations

from pathlib import Path

from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "comtrade"


def rows(store: Store) -> list[dict[str, object]]:
    t = store.flows()
    return t.order_by("source_line").to_pyarrow().to_pylist()  # type: ignore[no-any-return]


def test_csv_rows_are_canonical(store: Store, load) -> None:  # type: ignore[no-untyped-def]
    result = load("comtrade", DATA / "exports_2022.csv")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (13, 7, 6)
    assert result.codes_padded == 1
    by_line = {r["source_line"]: r for r in rows(store)}
    de_kz = by_line[2]
    assert de_kz["period"] == "2022-03" and de_kz["freq"] == "M"
    assert (de_kz["year"], de_kz["month"]) == (2022, 3)
    assert (de_kz["reporter"], de_kz["partner"], de_kz["partner2"]) == ("DEU", "KAZ", None)
    assert (de_kz["flow"], de_kz["valuation"], de_kz["currency"]) == ("export", "FOB", "USD")
    assert (de_kz["product_code"], de_kz["product_level"], de_kz["hs6"]) == ("854231", 6, "854231")
    assert de_kz["hs_edition"] == "HS2022"
    assert de_kz["value"] == 250000.0
    assert (de_kz["quantity"], de_kz["quantity_unit"], de_kz["net_weight_kg"]) == (
        120.5,
        "kg",
        120.5,
    )
    # Comtrade's own codes: 842 USA, 251 France (not M49's 840/250)
    assert (by_line[3]["reporter"], by_line[4]["reporter"]) == ("USA", "FRA")
    # lost leading zero padded
    assert by_line[4]["product_code"] == "010121"
    # imports are CIF, re-exports kept as such, World partner kept
    assert (by_line[5]["flow"], by_line[5]["valuation"]) == ("import", "CIF")
    assert by_line[6]["flow"] == "re-export"
    assert (by_line[7]["partner"], by_line[7]["product_code"], by_line[7]["product_level"]) == (
        "W00",
        "TOTAL",
        0,
    )
    assert by_line[7]["hs6"] is None
    # annual row: refMonth 52
    assert (by_line[14]["period"], by_line[14]["freq"], by_line[14]["month"]) == ("2021", "A", None)
    assert by_line[14]["hs_edition"] == "HS2017"


def test_json_api_answer(store: Store, load) -> None:  # type: ignore[no-untyped-def]
    result = load("comtrade", DATA / "exports_2022.json")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected) == (3, 2, 1)
    got = {(r["reporter"], r["partner"], r["product_code"]): r["value"] for r in rows(store)}
    assert got == {("DEU", "ARM", "847130"): 45000.0, ("USA", "GEO", "010121"): 12000.0}
    q = store.table("quarantine").to_pyarrow().to_pylist()
    assert [(r["line"], r["reason"]) for r in q] == [(3, "negative value")]


def test_iso_column_alone_is_enough(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "iso.csv"
    p.write_text(
        "period,reporterISO,flowCode,partnerISO,cmdCode,primaryValue\n"
        "2022,DEU,X,KGZ,847130,10\n"
        "2022,DEU,X,ZZZ,847130,10\n"
    )
    result = load("comtrade", p)
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert result.rejected_reasons == {"unknown partner country code": 1}


def test_bad_period_and_frequency(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "periods.csv"
    p.write_text(
        "freqCode,period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n"
        "M,202213,276,X,398,847130,1\n"
        "A,202203,276,X,398,847130,1\n"
        "M,2022,276,X,398,847130,1\n"
        "M,20220,276,X,398,847130,1\n"
        "Q,2022,276,X,398,847130,1\n"
        "M,202212,276,X,398,847130,1\n"
    )
    result = load("comtrade", p)
    assert result.rows_loaded == 1
    q = {r["line"]: r["reason"] for r in store.table("quarantine").to_pyarrow().to_pylist()}
    assert q == {
        2: "malformed period",
        3: "frequency does not match period",
        4: "frequency does not match period",
        5: "malformed period",
        6: "frequency does not match period",
    }
