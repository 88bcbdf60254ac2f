"""Engines: the same Ibis expressions on DuckDB (default, embedded) or Spark (optional).

DuckDB is the store itself (:class:`roundabout.store.Store`). For data that outgrows one
machine, export the canonical tables to Parquet (:func:`export_parquet`) and open them on
Spark (:func:`spark_backend` + :func:`read_table`): every analysis in roundabout takes Ibis
tables, so it runs unchanged. Spark is imported lazily; without it you get an install hint.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.errors import EngineUnavailableError, RoundaboutError
from roundabout.store.store import Store

SPARK_HINT = "the Spark engine needs pyspark: pip install 'roundabout[spark]' (and Java 17)"


def spark_session(app_name: str = "roundabout", *, master: str = "local[2]") -> Any:
    """A Spark session (an existing active one is reused); local mode by default."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailableError(SPARK_HINT) from None
    return (
        SparkSession.builder.appName(app_name)
        .master(master)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="roundabout-spark-"))
        .getOrCreate()
    )


def spark_backend(session: Any | None = None) -> Any:
    """An Ibis backend over a Spark session (creates a local one when none is given)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise EngineUnavailableError(SPARK_HINT) from None
    return ibis.pyspark.connect(session if session is not None else spark_session())


def export_parquet(store: Store, directory: Path, tables: tuple[str, ...] = ("flows",)) -> None:
    """Write store tables as Parquet under ``directory/<table>/`` (for Spark or archives)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in tables:
        out = directory / name
        out.mkdir(exist_ok=True)
        store.table(name).to_parquet(out / "part-0.parquet")


def read_table(backend: Any, name: str, source: Path | pa.Table) -> ir.Table:
    """Register ``source`` (a Parquet file/directory or an Arrow table) as ``name``."""
    if isinstance(source, pa.Table):
        if backend.name == "pyspark":  # a temp view: nothing written to the warehouse
            frame = backend._session.createDataFrame(source.to_pandas())
            frame.createOrReplaceTempView(name)
            return backend.table(name)
        return backend.create_table(name, source, overwrite=True, temp=True)
    if not Path(source).exists():
        raise RoundaboutError(f"{source}: no such Parquet file or directory")
    return backend.read_parquet(str(source), table_name=name)
