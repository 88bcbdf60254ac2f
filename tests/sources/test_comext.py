"""Eurostat Comext through the real loader: bulk files (both column sets) and extracts.

The extract samples in ``tests/data/comext/`` are cut from the bundled real files (see the
``PROVENANCE.md`` there); the bulk files are hand-made in the documented column sets.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.errors import InputFileError
from roundabout.sources import importer_for
from roundabout.sources.comext import (
    cn_code,
    cn_flags,
    cn_key,
    hs_edition_of_cn_year,
    period_key,
    period_ok,
    period_parts,
)
from roundabout.sources.load import LoadResult, load_file
from roundabout.store import Store

TESTS = Path(__file__).parent.parent
DATA = TESTS / "data" / "comext"
EXAMPLES = TESTS.parent / "examples" / "data"
EXTRACT = DATA / "cn8_extract_sample.parquet"
CHPL = DATA / "chpl_subset_sample.csv"
TOTALS = DATA / "monthly_totals_sample.csv"
LEGACY = DATA / "bulk_legacy_with_regime_total.csv"
CURRENT = DATA / "bulk_current_components_only.csv"
BIG = EXAMPLES / "eurostat_comext_eu27_exports_to_ru_and_neighbours_cn8_monthly_2020_2022.parquet"


def _load(tmp_path: Path, path: Path) -> tuple[Store, LoadResult]:
    store = Store(tmp_path / "s.duckdb")
    return store, load_file(store, importer_for("comext"), path)


def _flows(store: Store) -> dict[int, dict[str, Any]]:
    rows = store.table("flows").to_pyarrow().to_pylist()
    return {r["source_line"]: r for r in rows}


def _quarantine(store: Store) -> dict[int, str]:
    rows = store.table("quarantine").to_pyarrow().to_pylist()
    return {r["line"]: r["reason"] for r in rows}


def _invariant(r: LoadResult) -> None:
    assert r.rows_read == r.rows_loaded + r.rows_rejected


# --- the bundled extract (Parquet) ----------------------------------------------------------


def test_parquet_extract_loads_cn8_and_hs4_as_separate_levels(tmp_path: Path) -> None:
    store, r = _load(tmp_path, EXTRACT)
    src = pq.read_table(EXTRACT).to_pylist()
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (len(src), len(src), 0)
    f = store.table("flows")
    counts = f.group_by("product_level").aggregate(n=f.count()).to_pyarrow().to_pylist()
    levels = {row["product_level"]: row["n"] for row in counts}
    want = {
        8: sum(s["code_level"] == "CN8" for s in src),
        4: sum(s["code_level"] == "HS4" for s in src),
    }
    assert levels == want
    # the line number is the record number (row index + 1), values unchanged
    got = _flows(store)
    for i, s in enumerate(src):
        row = got[i + 1]
        assert row["product_code"] == s["product_code"]
        assert row["value"] == s["value_eur"]
        assert row["period"] == s["period_yyyy_mm"]
        assert row["product_level"] == (8 if s["code_level"] == "CN8" else 4)
        assert row["hs6"] == (s["product_code"][:6] if s["code_level"] == "CN8" else None)
        assert row["hs_edition"] == ("HS2022" if s["period_yyyy_mm"] >= "2022" else "HS2017")
        assert (row["freq"], row["month"]) == ("M", int(s["period_yyyy_mm"][5:]))
        assert (row["flow"], row["valuation"], row["currency"]) == ("export", "FOB", "EUR")
    assert {got[i + 1]["reporter"] for i, s in enumerate(src) if s["reporter_iso2"] == "GR"} == {
        "GRC"
    }
    assert {got[i + 1]["partner"] for i, s in enumerate(src) if s["partner_iso2"] == "KG"} == {
        "KGZ"
    }
    # codes that start with zero are kept as text, not padded
    assert r.codes_padded == 0
    assert any(row["product_code"].startswith("0") for row in got.values())


def test_csv_extract_chpl_subset(tmp_path: Path) -> None:
    store, r = _load(tmp_path, CHPL)
    assert (r.rows_read, r.rows_loaded) == (200, 200)
    got = _flows(store)
    assert sorted(got) == list(range(2, 202))  # file lines: header is line 1
    first = got[2]  # AT,AM,84715000,2020-01,24709
    assert (first["reporter"], first["partner"], first["product_code"]) == (
        "AUT",
        "ARM",
        "84715000",
    )
    assert (first["period"], first["year"], first["month"], first["value"]) == (
        "2020-01",
        2020,
        1,
        24709.0,
    )
    assert first["hs6"] == "847150"
    assert all(row["product_level"] == 8 for row in got.values())


def test_monthly_totals_keep_aggregate_reporters_and_import_flows(tmp_path: Path) -> None:
    store, r = _load(tmp_path, TOTALS)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (112, 112, 0)
    f = store.table("flows")
    rows = f.to_pyarrow().to_pylist()
    assert {x["reporter"] for x in rows} == {
        "EU27_2020",
        "EU_CHANGING",
        "EA20",
        "EA_CHANGING",
        "GBR",
        "GRC",
        "DEU",
    }
    assert {(x["product_code"], x["product_level"], x["hs6"], x["hs_edition"]) for x in rows} == {
        ("TOTAL", 0, None, None)
    }
    imports = [x for x in rows if x["flow"] == "import"]
    assert imports and {x["partner"] for x in imports} == {"KGZ"}
    assert {x["valuation"] for x in imports} == {"CIF"}
    src = duckdb.sql(f"select * from read_csv('{TOTALS}', all_varchar=true)").fetchall()
    eu_kg = [x for x in src if x[:4] == ("EU27_2020", "KG", "EXPORT", "2022-02")]
    got = f.filter(
        (f.reporter == "EU27_2020") & (f.partner == "KGZ") & (f.flow == "export")
        & (f.period == "2022-02")
    ).value.to_pyarrow().to_pylist()  # fmt: skip
    assert got == [float(eu_kg[0][4])]


# --- bulk files ----------------------------------------------------------------------------


def test_legacy_bulk_keeps_regime_total_only(tmp_path: Path) -> None:
    store, r = _load(tmp_path, LEGACY)
    _invariant(r)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected, r.codes_padded) == (12, 5, 7, 1)
    got = _flows(store)
    assert sorted(got) == [4, 5, 7, 8, 13]
    # FR -> RU: regimes 1 (1000) and 2 (500) and their total 4 (1500): counted once
    fr = got[4]
    assert (fr["reporter"], fr["partner"], fr["value"], fr["net_weight_kg"]) == (
        "FRA",
        "RUS",
        1500.0,
        15.0,
    )
    assert (fr["quantity"], fr["quantity_unit"]) == (3.0, "A")
    assert (fr["period"], fr["freq"], fr["hs_edition"]) == ("2022-01", "M", "HS2022")
    # PERIOD 202252 is the year 2022
    annual = got[5]
    assert (annual["period"], annual["freq"], annual["year"], annual["month"]) == (
        "2022",
        "A",
        2022,
        None,
    )
    assert annual["reporter"] == "DEU" and annual["partner"] == "KGZ"
    # a CN8 code that lost its leading zero
    assert (got[7]["product_code"], got[7]["hs6"], got[7]["product_level"]) == (
        "01012100",
        "010121",
        8,
    )
    assert (got[8]["product_code"], got[8]["product_level"], got[8]["hs_edition"]) == (
        "TOTAL",
        0,
        None,
    )
    # GR (the geonomenclature's Greece), an import: CIF; CN2019 embeds HS2017
    gr = got[13]
    assert (gr["reporter"], gr["partner"], gr["flow"], gr["valuation"]) == (
        "GRC",
        "ARM",
        "import",
        "CIF",
    )
    assert (gr["period"], gr["hs_edition"]) == ("2019", "HS2017")
    component = (
        "STAT_REGIME is a component of the total, which the file also has "
        "(kept: the total rows, STAT_REGIME 4)"
    )
    assert _quarantine(store) == {
        2: component,
        3: component,
        6: "confidential product code (letters in the CN code, e.g. 8471XXXX): not a CN8 code",
        9: "unknown partner country code",
        10: "malformed period (expected YYYYMM, YYYY-MM or YYYY; month 52 = year)",
        11: component,
        12: "missing value",
    }


def test_legacy_bulk_without_total_keeps_components(tmp_path: Path) -> None:
    lines = LEGACY.read_text().splitlines()
    no_total = [lines[0]] + [ln for ln in lines[1:] if ",E,84713000,75220," in ln and ",2,1," in ln]
    no_total += [ln for ln in lines[1:] if ",2,2,A,202201," in ln]
    path = tmp_path / "nc202201.dat"
    path.write_text("\n".join(no_total) + "\n")
    store, r = _load(tmp_path, path)
    assert (r.rows_read, r.rows_loaded) == (2, 2)
    f = store.table("flows")
    assert f.value.sum().execute() == 1500.0  # regimes 1 + 2: their sum is the total


def test_current_bulk_components_and_codes(tmp_path: Path) -> None:
    store, r = _load(tmp_path, CURRENT)
    _invariant(r)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected, r.codes_padded) == (13, 6, 7, 0)
    got = _flows(store)
    assert sorted(got) == [2, 3, 4, 5, 12, 14]
    # EL is Greece; procedures 1 and 2 are disjoint parts, both loaded
    assert (got[2]["reporter"], got[2]["partner"]) == ("GRC", "RUS")
    assert got[2]["value"] + got[3]["value"] == 1250.0
    assert got[2]["quantity"] is None and got[2]["quantity_unit"] is None  # NO_SU
    assert got[2]["net_weight_kg"] == 5.0
    # XI (Northern Ireland) and XU (Great Britain) are both GBR; PERIOD 202452 is the year
    xi = got[4]
    assert (xi["reporter"], xi["partner"], xi["flow"], xi["valuation"]) == (
        "GBR",
        "KAZ",
        "import",
        "CIF",
    )
    assert (xi["period"], xi["freq"], xi["month"], xi["hs_edition"]) == (
        "2024",
        "A",
        None,
        "HS2022",
    )
    assert (xi["quantity"], xi["quantity_unit"]) == (3.0, "p/st")
    assert (got[5]["reporter"], got[5]["partner"]) == ("GBR", "ARM")
    assert got[12]["product_code"] == "TOTAL" and got[12]["product_level"] == 0
    assert (got[14]["reporter"], got[14]["hs_edition"]) == ("GBR", "HS2017")  # CN2021
    assert _quarantine(store) == {
        6: "confidential product code (letters in the CN code, e.g. 8471XXXX): not a CN8 code",
        7: "product code is not CN8 (kept levels: 0, 8; 0 = TOTAL)",
        8: "unknown flow (kept: 1 import, 2 export, IMPORT, EXPORT)",
        9: "unknown STAT_PROCEDURE code (kept: 1, 2, 3, 9, or the total)",
        10: "malformed period (expected YYYYMM, YYYY-MM or YYYY; month 52 = year)",
        11: "negative value",
        13: "non-numeric net weight",
    }
    q = store.table("quarantine").to_pyarrow().to_pylist()
    raw6 = next(x["raw"] for x in q if x["line"] == 6)
    assert raw6.startswith("DE|KG|E|8471XXXX|")


def test_header_names_are_case_insensitive(tmp_path: Path) -> None:
    text = CURRENT.read_text().splitlines()
    path = tmp_path / "full_v2_202401.dat"
    path.write_text("\n".join([text[0].lower(), *text[1:]]) + "\n")
    _, r = _load(tmp_path, path)
    assert (r.rows_read, r.rows_loaded) == (13, 6)


def test_unknown_columns_name_what_each_variant_misses(tmp_path: Path) -> None:
    labels = EXAMPLES / "eurostat_comext_cn8_product_labels.csv"
    store = Store(tmp_path / "s.duckdb")
    with pytest.raises(InputFileError) as err:
        load_file(store, importer_for("comext"), labels)
    msg = str(err.value)
    assert "not a Comext file" in msg
    assert "missing REPORTER, PARTNER, PRODUCT_NC, FLOW, STAT_PROCEDURE, PERIOD, VALUE_EUR" in msg
    assert "DECLARANT_ISO" in msg and "VALUE_IN_EUROS" in msg
    assert "REPORTER_ISO2" in msg and "PERIOD_YYYY_MM" in msg
    assert store.table("flows").count().execute() == 0
    assert store.table("manifest").count().execute() == 0


def test_loading_twice_loads_nothing(tmp_path: Path) -> None:
    store, first = _load(tmp_path, LEGACY)
    again = load_file(store, importer_for("comext"), LEGACY)
    assert again.status == "already_loaded" and again.rows_loaded == 0
    assert store.table("flows").count().execute() == first.rows_loaded
    assert store.table("quarantine").count().execute() == first.rows_rejected


# --- period and CN8 normalisation, as properties ------------------------------------------


_CON = ibis.duckdb.connect()


def _periods(values: list[str | None]) -> list[dict[str, Any]]:
    t = ibis.memtable(
        {"i": list(range(len(values))), "s": values}, schema={"i": "int64", "s": "string"}
    )
    t = t.mutate(p=period_key(t.s.strip().nullif("")))
    t = t.mutate(ok=period_ok(t.p))
    t = _CON.create_table(ibis.util.gen_name("p"), t, temp=True)
    per = period_parts(t.p, t.ok)
    out = t.select("i", "ok", period=per.period, freq=per.freq, year=per.year, month=per.month)
    return sorted(_CON.to_pyarrow(out).to_pylist(), key=lambda r: r["i"])


def _oracle_period(s: str | None) -> tuple[str, str, int, int | None] | None:
    if s is None:
        return None
    k = s.strip().upper().replace("-", "").replace("M", "")
    m = re.fullmatch(r"((?:19|20)\d\d)(0[1-9]|1[0-2]|52)?", k)
    if not m:
        return None
    year, month = m.group(1), m.group(2)
    if month is None or month == "52":
        return year, "A", int(year), None
    return f"{year}-{month}", "M", int(year), int(month)


_period_texts = st.one_of(
    st.builds(
        lambda y, m, fmt: fmt.format(y=y, m=m),
        st.integers(min_value=1900, max_value=2099),
        st.sampled_from([*range(0, 14), 52, 53, 99]),
        st.sampled_from(
            ["{y}{m:02d}", "{y}-{m:02d}", "{y}M{m:02d}", " {y}{m:02d} ", "{y}", "{y}{m}"]
        ),
    ),
    st.text(alphabet="0123456789-M :", max_size=8),
    st.none(),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_period_texts, min_size=1, max_size=30))
def test_property_periods(values: list[str | None]) -> None:
    for value, row in zip(values, _periods(values), strict=True):
        want = _oracle_period(value)
        if want is None:
            assert not row["ok"] and row["period"] is None, value
        else:
            assert row["ok"], value
            assert (row["period"], row["freq"], row["year"], row["month"]) == want, value
            if want[1] == "A":
                assert len(row["period"]) == 4


def _codes(values: list[str | None]) -> list[dict[str, Any]]:
    t = ibis.memtable(
        {"i": list(range(len(values))), "s": values}, schema={"i": "int64", "s": "string"}
    )
    t = t.mutate(d=cn_key(t.s.strip().nullif("")))
    f = cn_flags(t.d)
    t = t.mutate(total=f.total, numeric=f.numeric, letters=f.letters)
    t = _CON.create_table(ibis.util.gen_name("c"), t, temp=True)
    c = cn_code(t.d, t.total, t.numeric, t.letters)
    out = t.select(
        "i",
        code=c.code,
        level=c.level,
        hs6=c.hs6,
        padded=c.padded,
        confidential=c.confidential,
        bad=c.bad,
    )
    return sorted(_CON.to_pyarrow(out).to_pylist(), key=lambda r: r["i"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1_000_000, max_value=99_999_999), min_size=1, max_size=30))
def test_property_cn8_codes_lost_zero_is_padded(codes: list[int]) -> None:
    """A CN8 code printed as a number (``1012100``) comes back as ``01012100``."""
    rows = _codes([str(c) for c in codes] + [f"{c:08d}" for c in codes])
    n = len(codes)
    for c, as_number, as_text in zip(codes, rows[:n], rows[n:], strict=True):
        want = f"{c:08d}"
        for row in (as_number, as_text):
            assert (row["code"], row["level"], row["hs6"]) == (want, 8, want[:6])
            assert not row["bad"] and not row["confidential"]
        assert as_number["padded"] == (c < 10_000_000)
        assert not as_text["padded"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=99_999_999),
            st.integers(min_value=2, max_value=7),
            st.text(alphabet="XSRAB", min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_property_codes_with_letters_are_confidential(items: list[tuple[int, int, str]]) -> None:
    values = [f"{c:08d}"[:keep] + letters for c, keep, letters in items]
    for value, row in zip(values, _codes(values), strict=True):
        assert row["confidential"], value
        assert row["code"] is None and not row["bad"], value


def test_total_and_garbage_codes() -> None:
    rows = _codes(["TOTAL", "total", " 8471.30.00 ", "XXXX", "", None, "84-71"])
    assert [(r["code"], r["level"]) for r in rows[:3]] == [
        ("TOTAL", 0),
        ("TOTAL", 0),
        ("84713000", 8),
    ]
    assert rows[3]["bad"] and not rows[3]["confidential"]
    assert rows[4]["code"] is None and not rows[4]["bad"]  # blank: "missing", not "malformed"
    assert rows[5]["code"] is None
    assert rows[6]["bad"]


@pytest.mark.parametrize(
    ("year", "edition"),
    [(1995, "HS1992"), (2001, "HS1996"), (2006, "HS2002"), (2011, "HS2007"), (2012, "HS2012"),
     (2016, "HS2012"), (2017, "HS2017"), (2021, "HS2017"), (2022, "HS2022"), (2025, "HS2022")],
)  # fmt: skip
def test_hs_edition_follows_the_cn_year(year: int, edition: str) -> None:
    expr = hs_edition_of_cn_year(ibis.literal(year, "int16"))
    assert _CON.execute(expr) == edition


# --- the real bundled file, through the CLI ------------------------------------------------


def test_cli_ingests_the_bundled_parquet(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    cmd = ["ingest", "--format", "comext", str(BIG), "--db", str(db), "--json"]
    out = CliRunner().invoke(app, cmd)
    assert out.exit_code == 0, out.stderr
    [result] = json.loads(out.stdout)
    assert result["status"] == "loaded"
    assert result["rows_read"] == 1_141_670
    assert result["rows_loaded"] == 1_141_670
    assert result["rows_rejected"] == 0
    with duckdb.connect(str(db), read_only=True) as con:
        by_level = dict(con.sql("select product_level, count(*) from flows group by 1").fetchall())
        assert by_level == {8: 997_559, 4: 144_111}
        kg = dict(
            con.sql(
                "select year, sum(value) / 1e6 from flows "
                "where partner = 'KGZ' and product_level = 8 group by 1"
            ).fetchall()
        )
        ru = dict(
            con.sql(
                "select year, sum(value) / 1e9 from flows "
                "where partner = 'RUS' and product_level = 8 group by 1"
            ).fetchall()
        )
        reporters = con.sql("select count(distinct reporter) from flows").fetchone()
    # PROVENANCE sanity totals: CN8 exports to KG EUR 63 M, 75 M, 495 M; to RU 29.5, 33.2,
    # 12.6 bn (2020, 2021, 2022)
    assert kg[2020] == pytest.approx(63, rel=0.01)
    assert kg[2021] == pytest.approx(75, rel=0.01)
    assert kg[2022] == pytest.approx(495, rel=0.01)
    assert ru[2020] == pytest.approx(29.5, rel=0.01)
    assert ru[2021] == pytest.approx(33.2, rel=0.01)
    assert ru[2022] == pytest.approx(12.6, rel=0.01)
    assert reporters == (27,)
    again = CliRunner().invoke(app, cmd)
    assert json.loads(again.stdout)[0]["status"] == "already_loaded"
