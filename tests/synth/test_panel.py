"""The synthetic panel generator: deterministic, any size, planted cases where promised."""

from __future__ import annotations

import json

import duckdb
import pyarrow.parquet as pq
import pytest

from roundabout.sources import importer_for
from roundabout.sources.load import load_file
from roundabout.store import FLOWS_SCHEMA, Store
from roundabout.synth.panel import COMTRADE_COLUMNS, PanelSpec, write_panel

SMALL = PanelSpec(
    products=50,
    origins=("DEU", "FRA", "USA"),
    hubs=("ARM", "KAZ"),
    controls=("CHL",),
    start="2021-01",
    end="2022-12",
    n_reroute=3,
    n_lost=2,
    n_local=2,
    n_unsanctioned=2,
    seed=11,
)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = write_panel(tmp_path / "a.csv", SMALL)
    b = write_panel(tmp_path / "b.csv", SMALL)
    c = write_panel(tmp_path / "c.csv", PanelSpec(**{**SMALL.__dict__, "seed": 12}))
    assert a.path.read_bytes() == b.path.read_bytes()
    assert a.path.read_bytes() != c.path.read_bytes()
    assert a.truth == b.truth


def test_csv_has_the_comtrade_columns_and_loads_cleanly(tmp_path):
    panel = write_panel(tmp_path / "p.csv", SMALL)
    header = panel.path.read_text().splitlines()[0].replace('"', "").split(",")
    assert header == COMTRADE_COLUMNS
    with Store(tmp_path / "s.duckdb") as store:
        r = load_file(store, importer_for("comtrade"), panel.path)
        assert (r.rows_loaded, r.rows_rejected) == (panel.rows, 0)
        got = store.raw.execute("SELECT DISTINCT reporter FROM flows ORDER BY 1").fetchall()
    # Numeric Comtrade codes (FRA is 251, not M49's 250) map back to the same countries.
    assert [g[0] for g in got] == ["ARM", "DEU", "FRA", "KAZ", "USA"]


def test_rows_target_is_met_and_memory_is_chunked(tmp_path):
    spec = PanelSpec(rows=200_000, chunk_rows=50_000, seed=1)
    panel = write_panel(tmp_path / "big.parquet", spec, fmt="parquet")
    assert 0.9 * 200_000 <= panel.rows <= 1.3 * 200_000
    meta = pq.ParquetFile(panel.path).metadata
    assert meta.num_rows == panel.rows
    assert meta.num_row_groups > 1  # written in chunks, not at once
    assert tuple(pq.read_schema(panel.path).names) == tuple(FLOWS_SCHEMA.names)


def test_truth_is_written_next_to_the_panel(tmp_path):
    panel = write_panel(tmp_path / "p.parquet", SMALL, fmt="parquet")
    truth = json.loads((tmp_path / "p.parquet.truth.json").read_text())
    assert len(truth) == 3 + 2 + 2 + 2
    assert {t["kind"] for t in truth} == {"reroute", "lost", "local", "unsanctioned"}
    assert len(panel.planted()) == 5 and len(panel.decoys()) == 4
    for t in truth:
        assert (t["sanctioned_from"] is None) == (t["kind"] == "unsanctioned")


@pytest.fixture(scope="module")
def flows_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "p.parquet"
    panel = write_panel(path, SMALL, fmt="parquet")
    con = duckdb.connect()
    con.execute(f"CREATE VIEW flows AS SELECT * FROM read_parquet('{path}')")
    return panel, con


def _sum(con, where: str) -> float:
    return con.execute(f"SELECT coalesce(sum(value), 0) FROM flows WHERE {where}").fetchone()[0]


def test_planted_re_routing_jumps_on_both_legs(flows_db):
    panel, con = flows_db
    for p in [t for t in panel.truth if t.kind == "reroute"]:
        before = f"period < '2022-01' AND product_code = '{p.product}'"
        after = f"period >= '{p.sanctioned_from}' AND product_code = '{p.product}'"
        months_after = len([m for m in range(1, 13) if f"2022-{m:02d}" >= p.sanctioned_from])
        into = f"flow = 'export' AND partner = '{p.hub}'"
        onward = f"flow = 'export' AND reporter = '{p.hub}' AND partner = 'RUS'"
        rate_before = _sum(con, f"{into} AND {before}") / 12
        rate_after = _sum(con, f"{into} AND {after}") / months_after
        assert rate_after > 2 * rate_before
        out_before = _sum(con, f"{onward} AND {before}") / 12
        out_after = _sum(con, f"{onward} AND {after}") / months_after
        assert out_after > 2 * out_before


def test_lost_goods_are_exported_but_not_imported(flows_db):
    panel, con = flows_db
    for p in [t for t in panel.truth if t.kind == "lost"]:
        after = f"period >= '{p.sanctioned_from}' AND product_code = '{p.product}'"
        exported = _sum(con, f"flow = 'export' AND partner = '{p.hub}' AND {after}")
        imported = _sum(con, f"flow = 'import' AND reporter = '{p.hub}' AND {after}")
        assert imported < 0.6 * exported


def test_too_small_for_the_planted_cases_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="too small"):
        write_panel(tmp_path / "x.csv", PanelSpec(products=50, n_reroute=5000))


def _frame(panel):
    return duckdb.sql(f"SELECT * FROM read_parquet('{panel.path}')").df()


def test_departures_from_the_detectors_assumptions_are_planted(tmp_path):
    """Reporting lags, other CIF margins, mirror noise and delayed partial pass-through."""
    from dataclasses import replace

    base = write_panel(tmp_path / "base.parquet", SMALL, fmt="parquet")
    spec = replace(SMALL, report_lag=2, cif=1.12, mirror_noise=0.0, pass_through=0.5, onward_lag=1)
    bent = write_panel(tmp_path / "bent.parquet", spec, fmt="parquet")
    assert base.truth == bent.truth
    d = _frame(bent)
    ex = d[(d.flow == "export") & (d.reporter == "DEU") & (d.partner == "KAZ")]
    im = d[(d.flow == "import") & (d.reporter == "KAZ") & (d.partner == "DEU")]
    m = ex.merge(im, on=["product_code", "period"], suffixes=("_x", "_m"))
    m = m.sort_values(["product_code", "period"])
    # Without noise, the hub's record is the export two months earlier, times the CIF margin.
    m["lagged"] = m.groupby("product_code")["value_x"].shift(2)
    ok = m.dropna(subset=["lagged"])
    ok = ok[~ok.product_code.isin({p.product for p in bent.truth})]
    assert len(ok) > 100
    assert (ok["value_m"] / ok["lagged"]).round(2).eq(1.12).mean() > 0.95
