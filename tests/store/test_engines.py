"""Engine adapters: the Parquet export (flows partitioned by year, read back canonically on
every engine), Spark's cache quirk held by its adapter, and ``leaks --engine spark`` giving
the same summary and findings as DuckDB on the synthetic store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from roundabout.cli.main import app
from roundabout.errors import RoundaboutError
from roundabout.store import Store
from roundabout.store.engines import (
    EXPORT_MANIFEST,
    DuckDBEngine,
    SparkEngine,
    export_parquet,
    spark_master,
)
from roundabout.store.schema import FLOWS_SCHEMA

LEAKS = ["leaks", "--no-did", "--hubs", "ARM,KAZ,KGZ", "--window", "2022-03:2022-08", "--json"]


@pytest.fixture(scope="module")
def exported(synthetic_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "pq"
    res = CliRunner().invoke(app, ["export", "--db", str(synthetic_store), "--parquet", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _sorted_rows(table: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pyarrow().to_pylist())


def test_export_writes_every_table_and_flows_by_year(synthetic_store: Path, exported: Path) -> None:
    con = duckdb.connect(str(synthetic_store), read_only=True)
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("flows", "manifest")
    }  # type: ignore[index]
    years = sorted(r[0] for r in con.execute("SELECT DISTINCT year FROM flows").fetchall())
    con.close()
    manifest = json.loads((exported / EXPORT_MANIFEST).read_text(encoding="utf-8"))
    assert manifest["tables"]["flows"] == {"rows": counts["flows"], "partitioned_by": "year"}
    assert set(manifest["tables"]) == {"flows", "quarantine", "manifest", "fx_rates"}
    assert sorted(p.name for p in (exported / "flows").iterdir()) == [f"year={y}" for y in years]
    files = list((exported / "flows").rglob("*.parquet"))
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet({[str(f) for f in files]})").fetchone()
    assert n is not None and n[0] == counts["flows"]


def test_an_export_reads_back_as_the_store(synthetic_store: Path, exported: Path) -> None:
    with DuckDBEngine() as eng, Store(synthetic_store, read_only=True) as store:
        flows = eng.flows(exported)
        assert flows.schema() == FLOWS_SCHEMA  # the partition column's type restored
        assert _sorted_rows(flows) == _sorted_rows(store.flows())


def test_export_refuses_a_foreign_directory_and_replaces_its_own(
    synthetic_store: Path, tmp_path: Path
) -> None:
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with Store(synthetic_store, read_only=True) as store:
        with pytest.raises(RoundaboutError, match="not empty and not a roundabout export"):
            export_parquet(store, foreign)
        with pytest.raises(RoundaboutError, match="no such directory"):
            export_parquet(store, tmp_path / "missing" / "pq")
        first = export_parquet(store, tmp_path / "pq")
        again = export_parquet(store, tmp_path / "pq")
    assert first == again
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == sorted(
        [EXPORT_MANIFEST, "flows", "quarantine", "manifest", "fx_rates"]
    )  # no temporary or old copies left
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / "missing").exists()


def test_the_spark_master_comes_from_the_option_then_spark_remote() -> None:
    assert spark_master(None, {}) == "local[*]"
    assert spark_master(None, {"SPARK_REMOTE": "sc://h:15002"}) == "sc://h:15002"
    assert spark_master("spark://m:7077", {"SPARK_REMOTE": "sc://h:15002"}) == "spark://m:7077"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "spark"], "--engine spark reads a Parquet export: give --parquet DIR"),
        (["--spark-master", "local[2]"], "--spark-master needs --engine spark"),
        (["--db", "x.duckdb", "--parquet", "."], "give --db or --parquet, not both"),
        (["--parquet", "nosuch"], "nosuch: no flows/ dataset (no such directory)"),
    ],
)
def test_engine_options_are_checked_in_one_line(args: list[str], message: str) -> None:
    res = CliRunner().invoke(app, ["leaks", "--no-did", *args])
    assert res.exit_code == 1
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line, line


def test_duckdb_on_the_export_gives_what_the_store_gives(
    synthetic_store: Path, exported: Path
) -> None:
    runner = CliRunner()
    on_store = runner.invoke(app, [*LEAKS, "--db", str(synthetic_store)])
    on_parquet = runner.invoke(app, [*LEAKS, "--engine", "duckdb", "--parquet", str(exported)])
    assert on_store.exit_code == 0 and on_parquet.exit_code == 0, on_parquet.output
    assert json.loads(on_store.stdout) == json.loads(on_parquet.stdout)


def test_spark_caches_queries_that_read_in_memory_tables(spark_session: Any) -> None:
    """The quirk the adapter holds: plain Ibis PySpark cannot ``.cache()`` a query joining a
    memtable (a goods list), whose view it registers only on execution; the adapter can. If
    the plain case stops failing, Ibis fixed it and the adapter's override can go."""
    import ibis
    import pyarrow as pa

    adapter = SparkEngine(spark_session)
    flows = adapter.register("rb_probe", pa.table({"hs6": ["847130", "870323"], "v": [1.0, 2.0]}))
    cached = flows.join(ibis.memtable({"hs6": ["870323"]}), "hs6").cache()
    assert cached.to_pyarrow().to_pylist() == [{"hs6": "870323", "v": 2.0}]
    cached.release()
    plain = ibis.pyspark.connect(spark_session)
    other = plain.table("rb_probe").join(ibis.memtable({"hs6": ["847130"]}), "hs6")
    with pytest.raises(Exception, match=r"(?i)TABLE_OR_VIEW_NOT_FOUND|not found"):
        other.cache()


def test_leaks_on_spark_gives_the_summary_and_findings_of_duckdb(
    synthetic_store: Path, exported: Path, spark_session: Any
) -> None:
    runner = CliRunner()
    duck = runner.invoke(app, [*LEAKS, "--db", str(synthetic_store)])
    spark = runner.invoke(app, [*LEAKS, "--engine", "spark", "--parquet", str(exported)])
    assert duck.exit_code == 0 and spark.exit_code == 0, spark.output
    a, b = json.loads(duck.stdout), json.loads(spark.stdout)
    assert a["findings"], "the synthetic store has planted re-routing"
    _same(b["summary"], a["summary"])
    assert [(f["hub"], f["product"]) for f in b["findings"]] == [
        (f["hub"], f["product"]) for f in a["findings"]
    ]
    _same(b["findings"], a["findings"])
    _same(b["measures"], a["measures"])
    assert spark_session.getActiveSession() is not None  # the CLI reused, and left, the session


def _same(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, float):
        assert a == pytest.approx(b, rel=1e-9, abs=1e-6), path
    else:
        assert a == b, path
