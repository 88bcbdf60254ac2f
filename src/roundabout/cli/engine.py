"""``--engine duckdb|spark``, ``--parquet DIR``, ``--spark-master URL``: where an analysis runs.

DuckDB reads the store (``--db``) or a Parquet export (``--parquet``); Spark reads a Parquet
export only (``roundabout export --db DB --parquet DIR`` writes one), locally (``local[*]``)
or on the cluster ``--spark-master`` or ``$SPARK_REMOTE`` names.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import ibis.expr.types as ir
import typer

from roundabout.cli._common import db_path
from roundabout.errors import RoundaboutError


class EngineName(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


EngineOption = Annotated[
    EngineName,
    typer.Option("--engine", help="Where the analysis runs: duckdb (default) or spark."),
]
ParquetOption = Annotated[
    Path | None,
    typer.Option(
        "--parquet",
        help="Read a Parquet export (`roundabout export`) instead of the store; Spark needs it.",
        show_default=False,
    ),
]
SparkMasterOption = Annotated[
    str | None,
    typer.Option(
        "--spark-master",
        help="Spark master: local[*] (default), spark://host:7077, yarn, sc://host:15002 "
        "(Spark Connect); default $SPARK_REMOTE when set.",
        show_default=False,
    ),
]


@contextmanager
def open_flows(
    engine: EngineName, db: Path | None, parquet: Path | None, spark_master: str | None
) -> Iterator[ir.Table]:
    """The canonical flows on the chosen engine, open for the duration of the block."""
    from roundabout.store import Store
    from roundabout.store.engines import open_engine

    if engine is EngineName.spark and parquet is None:
        raise RoundaboutError(
            "--engine spark reads a Parquet export: give --parquet DIR "
            "(write one with `roundabout export --db DB --parquet DIR`)"
        )
    if spark_master and engine is not EngineName.spark:
        raise RoundaboutError("--spark-master needs --engine spark")
    if parquet is not None and db is not None:
        raise RoundaboutError("give --db or --parquet, not both")
    if parquet is None:
        with Store(db_path(db), read_only=True) as store:
            yield store.flows()  # the store's own DuckDB (DuckDBEngine.of_store(store))
        return
    with open_engine(engine.value, master=spark_master) as eng:
        yield eng.flows(parquet)
