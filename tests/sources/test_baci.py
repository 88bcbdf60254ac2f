"""CEPII BACI through the real loader: thousands, tonnes, padding, NA, quarantine, edition."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roundabout.errors import InputFileError
from roundabout.sources import importer_for
from roundabout.sources.baci import hs_edition_from_name
from roundabout.sources.load import load_file
from roundabout.store import Store

DATA = Path(__file__).parent.parent / "data" / "baci"
SAMPLE = DATA / "BACI_HS17_Y2022_V202401.csv"


def _flows(store: Store) -> dict[int, dict[str, Any]]:
    rows = store.table("flows").to_pyarrow().to_pylist()
    return {r["source_line"]: r for r in rows}


def _quarantine(store: Store) -> dict[int, str]:
    rows = store.table("quarantine").to_pyarrow().to_pylist()
    return {r["line"]: r["reason"] for r in rows}


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Store, Any]:
    store = Store(tmp_path / "s.duckdb")
    result = load_file(store, importer_for("baci"), SAMPLE)
    return store, result


def test_counts(loaded: tuple[Store, Any]) -> None:
    _, r = loaded
    assert r.status == "loaded"
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (16, 7, 9)
    assert r.rows_read == r.rows_loaded + r.rows_rejected
    assert r.codes_padded == 1  # 10121 -> 010121 (line 4)


def test_values_are_thousand_usd_and_quantities_tonnes(loaded: tuple[Store, Any]) -> None:
    store, _ = loaded
    f = _flows(store)
    fr_ru = f[2]
    assert (fr_ru["reporter"], fr_ru["partner"], fr_ru["flow"]) == ("FRA", "RUS", "export")
    assert fr_ru["value"] == pytest.approx(1_234_567.0)
    assert (fr_ru["currency"], fr_ru["valuation"]) == ("USD", "FOB")
    # "   NA" is a null quantity, not an error
    assert fr_ru["quantity"] is None and fr_ru["quantity_unit"] is None
    assert fr_ru["net_weight_kg"] is None
    in_kz = f[3]
    assert (in_kz["reporter"], in_kz["partner"]) == ("IND", "KAZ")
    assert in_kz["value"] == pytest.approx(10_500.0)
    assert in_kz["quantity"] == pytest.approx(2.25)
    assert in_kz["quantity_unit"] == "t"
    assert in_kz["net_weight_kg"] == pytest.approx(2_250.0)
    # spaces around values are trimmed
    assert f[7]["value"] == pytest.approx(12_250.0)
    assert f[7]["net_weight_kg"] == pytest.approx(300.0)
    assert f[8]["quantity"] is None  # NA
    assert f[4]["quantity"] is None  # blank


def test_annual_period_and_codes(loaded: tuple[Store, Any]) -> None:
    store, _ = loaded
    f = _flows(store)
    for r in f.values():
        assert (r["period"], r["freq"], r["year"], r["month"]) == ("2022", "A", 2022, None)
        assert r["product_level"] == 6
        assert r["hs6"] == r["product_code"]
        assert r["hs_edition"] == "HS2017"
        assert r["partner2"] is None
        assert r["source"] == "baci"
    assert f[4]["product_code"] == "010121"  # lost its leading zero, padded back
    assert (f[4]["reporter"], f[4]["partner"]) == ("USA", "KGZ")
    assert (f[5]["reporter"], f[5]["partner"]) == ("AUT", "ARM")  # 040 and 051
    assert (f[7]["reporter"], f[8]["reporter"]) == ("CHE", "S19")  # 757, 490 Other Asia nes


def test_bad_rows_are_quarantined_with_line_and_reason(loaded: tuple[Store, Any]) -> None:
    store, _ = loaded
    assert _quarantine(store) == {
        9: "unknown exporter country code (i)",
        10: "unknown importer country code (j)",
        11: "product code (k) is not an HS6 code",
        12: "product code (k) is not an HS6 code",
        13: "non-numeric value (v)",
        14: "negative value (v)",
        15: "negative quantity (q)",
        16: "missing value (v)",
        17: "malformed year (t)",
    }
    raw = store.table("quarantine").to_pyarrow().to_pylist()
    by_line = {r["line"]: r for r in raw}
    assert by_line[13]["raw"] == "2022|251|643|847130|abc|1"
    assert by_line[13]["source_file"] == SAMPLE.name


def test_loading_twice_loads_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    first = load_file(store, importer_for("baci"), SAMPLE)
    again = load_file(store, importer_for("baci"), SAMPLE)
    assert first.status == "loaded"
    assert again.status == "already_loaded"
    assert again.rows_loaded == 0
    assert store.table("flows").count().execute() == first.rows_loaded
    assert store.table("manifest").count().execute() == 1


@pytest.mark.parametrize(
    ("name", "edition"),
    [
        ("BACI_HS92_Y1995_V202401.csv", "HS1992"),
        ("BACI_HS96_Y2000_V202401.csv", "HS1996"),
        ("BACI_HS02_Y2005_V202401.csv", "HS2002"),
        ("BACI_HS07_Y2010_V202401.csv", "HS2007"),
        ("BACI_HS12_Y2015_V202401.csv", "HS2012"),
        ("BACI_HS17_Y2022_V202401.csv", "HS2017"),
        ("baci_hs22_y2023_v202501.csv", "HS2022"),
        ("/some/dir/BACI_HS22_Y2023_V202501.csv", "HS2022"),
        ("BACI_HS99_Y2022_V202401.csv", None),
        ("baci_2022.csv", None),
        ("XBACI_HS17_Y2022.csv", None),
    ],
)
def test_hs_edition_from_file_name(name: str, edition: str | None) -> None:
    assert hs_edition_from_name(name) == edition


def test_edition_unknown_when_file_renamed(tmp_path: Path) -> None:
    renamed = tmp_path / "baci_2022.csv"
    shutil.copy(SAMPLE, renamed)
    store = Store(tmp_path / "s.duckdb")
    load_file(store, importer_for("baci"), renamed)
    editions = store.table("flows").hs_edition.to_pyarrow().to_pylist()
    assert editions and all(e is None for e in editions)


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "BACI_HS17_Y2022_V202401.csv"
    bad.write_text("t,i,j,k,v\n2022,251,643,847130,1\n")
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(InputFileError, match="missing columns: q"):
        load_file(store, importer_for("baci"), bad)
    assert store.table("flows").count().execute() == 0


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=10100, max_value=999999),  # HS6 as a number (zero lost)
            st.integers(min_value=0, max_value=10**9),  # value, thousandths of k$
            st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_property_codes_padded_and_values_scaled(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[int, int, int | None]]
) -> None:
    d = tmp_path_factory.mktemp("baci")
    path = d / "BACI_HS12_Y2015_V202401.csv"
    lines = ["t,i,j,k,v,q"]
    for code, v, q in rows:
        lines.append(f"2015,251,643,{code},{v / 1000},{'NA' if q is None else q / 1000}")
    path.write_text("\n".join(lines) + "\n")
    store = Store(d / "s.duckdb")
    r = load_file(store, importer_for("baci"), path)
    assert r.rows_read == len(rows) == r.rows_loaded
    assert r.codes_padded == sum(1 for code, _, _ in rows if code < 100000)
    got = _flows(store)
    for i, (code, v, q) in enumerate(rows):
        row = got[i + 2]
        assert row["product_code"] == f"{code:06d}"
        assert row["value"] == pytest.approx(v, rel=1e-9, abs=1e-6)
        if q is None:
            assert row["quantity"] is None and row["net_weight_kg"] is None
        else:
            assert row["net_weight_kg"] == pytest.approx(q, rel=1e-9, abs=1e-6)
        assert row["hs_edition"] == "HS2012"
    store.close()


def test_value_above_the_bound_is_quarantined(load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "BACI_HS17_Y2022_V202401.csv"
    p.write_text("t,i,j,k,v,q\n2022,251,643,847130,1e308,1\n2022,251,643,847130,12.5,1\n")
    result = load("baci", p)
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert result.rejected_reasons == {
        "value implausibly large for one trade line (above 1e+13 USD) (v is in thousands)": 1
    }
