"""Engines: the same Ibis expressions on DuckDB (default, embedded) or Spark (optional).

Every analysis in roundabout takes Ibis tables and never asks which engine runs it. What
differs between engines lives here, one adapter per backend (splink's ``DatabaseAPI``):

* :class:`DuckDBEngine`: the store itself (:meth:`DuckDBEngine.of_store`) or an in-memory
  DuckDB over a Parquet export; hive-partitioned datasets are read with DuckDB's glob.
* :class:`SparkEngine`: Ibis's PySpark backend over a Spark session: local (``local[*]``),
  a cluster master (``spark://``, ``yarn``, ``k8s://``) or Spark Connect (``sc://``, also
  through ``$SPARK_REMOTE``). Its quirks: Arrow tables are registered as temporary views
  (nothing is written to the warehouse), and a query is cached only after the in-memory
  tables it reads (a goods list) are registered, which Ibis's PySpark backend does on
  execution but not on ``.cache()`` (:class:`_SparkBackend`).

Spark sees the data as Parquet: :func:`export_parquet` writes the canonical tables of a store
(``flows`` partitioned by year) and :meth:`Engine.flows` reads them back with the canonical
schema on any engine. Spark is imported lazily; without it you get an install hint.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.errors import EngineUnavailableError, RoundaboutError
from roundabout.store.schema import TABLES
from roundabout.store.store import Store

SPARK_HINT = (
    "the Spark engine needs pyspark: pip install 'roundabout-sanctions[spark]' (and Java 17)"
)
CONNECT_HINT = (
    "Spark Connect (sc://) needs the Connect client: pip install 'pyspark[connect]==4.0.1'"
)
ENGINES: Final = ("duckdb", "spark")
SPARK_REMOTE: Final = "SPARK_REMOTE"
EXPORT_MANIFEST: Final = "roundabout-export.json"
PARTITIONS: Final = {"flows": "year"}


class Engine(ABC):
    """An Ibis backend and what it takes to give it roundabout's tables."""

    name: ClassVar[str]
    backend: Any

    @abstractmethod
    def register(self, name: str, source: Path | pa.Table) -> ir.Table:
        """``source`` (a Parquet file, a Parquet dataset directory, or an Arrow table) as the
        temporary table ``name``."""

    def flows(self, export: Path) -> ir.Table:
        """The canonical ``flows`` of a Parquet export (:func:`export_parquet`)."""
        return self.canonical(export, "flows")

    def canonical(self, export: Path, table: str) -> ir.Table:
        """Table ``table`` of an export, with the store's column order and types (a partition
        column comes back from the directory names with whatever type the engine guesses)."""
        where = Path(export) / table
        if not where.is_dir():
            hint = "" if Path(export).is_dir() else " (no such directory)"
            raise RoundaboutError(
                f"{export}: no {table}/ dataset{hint}; write one with "
                "`roundabout export --db DB --parquet DIR`"
            )
        t = self.register(f"rb_{table}", where)
        schema = TABLES[table]
        missing = [c for c in schema.names if c not in t.columns]
        if missing:
            raise RoundaboutError(f"{where}: not a roundabout {table} dataset (no {missing})")
        return t.select(*(t[c].cast(schema[c]).name(c) for c in schema.names))

    def close(self) -> None:  # noqa: B027 - engines without resources keep this
        """Release what the engine started (a session, a connection)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class DuckDBEngine(Engine):
    """DuckDB: the store's own connection, or a fresh in-memory one."""

    name = "duckdb"

    def __init__(self, backend: Any | None = None) -> None:
        self._own = backend is None
        self.backend = ibis.duckdb.connect() if backend is None else backend

    @classmethod
    def of_store(cls, store: Store) -> DuckDBEngine:
        """The engine of an open store (its tables are ``store.table(name)``)."""
        return cls(store.backend)

    def register(self, name: str, source: Path | pa.Table) -> ir.Table:
        if isinstance(source, pa.Table):
            return self.backend.create_table(name, source, overwrite=True, temp=True)
        path = _existing(source)
        if path.is_dir():  # a dataset, maybe hive-partitioned (year=2022/...)
            glob = str(path / "**" / "*.parquet")
            return self.backend.read_parquet(glob, table_name=name, hive_partitioning=True)
        return self.backend.read_parquet(str(path), table_name=name)

    def close(self) -> None:
        if self._own:
            self.backend.disconnect()


class SparkEngine(Engine):
    """Spark through Ibis's PySpark backend.

    ``master``: ``local[*]`` by default; ``spark://host:7077``, ``yarn``, ``k8s://...`` for a
    cluster; ``sc://host:15002`` for Spark Connect. Without ``master``, ``$SPARK_REMOTE``
    (Spark Connect's own variable) is honoured. A session given is used as it is.
    """

    name = "spark"

    def __init__(
        self, session: Any | None = None, *, master: str | None = None, app_name: str = "roundabout"
    ) -> None:
        if session is None and master is None:
            session = _active_session()  # a notebook's or a test's: used, never stopped
        self._own = session is None
        self.session = session if session is not None else spark_session(app_name, master=master)
        self.backend = _spark_backend_class()().connect(self.session)

    def register(self, name: str, source: Path | pa.Table) -> ir.Table:
        if isinstance(source, pa.Table):  # a temporary view: nothing written to the warehouse
            frame = self.session.createDataFrame(source.to_pandas())
        else:
            frame = self.session.read.parquet(str(_existing(source)))
        frame.createOrReplaceTempView(name)
        return self.backend.table(name)

    def close(self) -> None:
        if self._own:
            self.session.stop()


def _active_session() -> Any | None:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailableError(SPARK_HINT) from None
    return SparkSession.getActiveSession()


def spark_master(master: str | None = None, environ: dict[str, str] | None = None) -> str:
    """The Spark master to use: ``master`` if given, else ``$SPARK_REMOTE``, else
    ``local[*]`` (every core of this machine)."""
    env = os.environ if environ is None else environ
    if master and master.strip():
        return master.strip()
    remote = env.get(SPARK_REMOTE, "").strip()
    return remote or "local[*]"


def spark_session(app_name: str = "roundabout", *, master: str | None = None) -> Any:
    """A Spark session for :func:`spark_master` (an active one is reused). Local sessions get
    settings for one machine (no UI, few shuffle partitions, a temporary warehouse); a
    cluster's or Connect server's own configuration is left alone."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailableError(SPARK_HINT) from None
    if master is None and os.environ.get("PYSPARK_GATEWAY_PORT"):
        # Under spark-submit: the master, memory and packages are spark-submit's.
        return SparkSession.builder.appName(app_name).getOrCreate()
    where = spark_master(master)
    builder = SparkSession.builder.appName(app_name)
    if where.startswith("sc://"):
        try:
            return builder.remote(where).getOrCreate()
        except ImportError:
            raise EngineUnavailableError(CONNECT_HINT) from None
    builder = builder.master(where).config("spark.sql.session.timeZone", "UTC")
    if where.startswith("local"):
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(max(4, 2 * (os.cpu_count() or 1))))
            .config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="roundabout-spark-"))
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _spark_backend_class() -> type[Any]:
    """Ibis's PySpark backend with the one fix roundabout needs (defined on first use, so
    importing this module never imports pyspark)."""
    try:
        from ibis.backends.pyspark import Backend

        _ = ibis.pyspark  # the entry point registers the backend's options (ibis.options.pyspark)
    except ImportError:
        raise EngineUnavailableError(SPARK_HINT) from None
    global _SparkBackend
    if _SparkBackend is None:

        class SparkBackend(Backend):  # type: ignore[misc]
            """``expr.cache()`` compiles the query and hands it to Spark at once, but only
            execution registers the in-memory tables the query reads (a goods list): register
            them first, so the analytics can cache on Spark as on DuckDB."""

            def _create_cached_table(self, name: str, expr: ir.Table) -> ir.Table:
                self._register_in_memory_tables(expr)
                return super()._create_cached_table(name, expr)

        _SparkBackend = SparkBackend
    return _SparkBackend


_SparkBackend: type[Any] | None = None


def open_engine(name: str, *, master: str | None = None) -> Engine:
    """An engine by name (``duckdb``: in memory; ``spark``: :class:`SparkEngine`)."""
    if name == "duckdb":
        if master:
            raise RoundaboutError("--spark-master needs --engine spark")
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(master=master)
    raise RoundaboutError(f"engine {name!r}: expected one of {', '.join(ENGINES)}")


# -- export -----------------------------------------------------------------------------------


def export_parquet(store: Store, directory: Path) -> dict[str, int]:
    """Write the store's canonical tables as Parquet datasets under ``directory/<table>/``
    (``flows`` partitioned by year: ``flows/year=2022/...``), with a manifest
    (``roundabout-export.json``); the rows written per table.

    ``directory`` is created if missing, but its parent must exist. It must be empty or hold
    an earlier export, whose tables are replaced one by one (each written beside the old one,
    then swapped in, so a failed export leaves the earlier table whole).
    """
    directory = Path(directory)
    if not directory.parent.is_dir():
        raise RoundaboutError(f"{directory}: no such directory {directory.parent}")
    if directory.exists() and not directory.is_dir():
        raise RoundaboutError(f"{directory}: not a directory")
    earlier = (directory / EXPORT_MANIFEST).is_file()
    if directory.is_dir() and any(directory.iterdir()) and not earlier:
        raise RoundaboutError(
            f"{directory}: not empty and not a roundabout export; choose an empty directory"
        )
    directory.mkdir(exist_ok=True)
    present = set(store.backend.list_tables())
    rows: dict[str, int] = {}
    for name in TABLES:
        if name not in present:
            continue
        tmp = directory / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
        try:
            rows[name] = _copy_table(store, name, tmp)
            old = directory / name
            if old.exists():
                trash = directory / f".{name}.old.{uuid.uuid4().hex[:8]}"
                old.rename(trash)
                tmp.rename(old)
                shutil.rmtree(trash)
            else:
                tmp.rename(old)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    manifest = {
        "store": str(store.path),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "tables": {n: {"rows": r, "partitioned_by": PARTITIONS.get(n)} for n, r in rows.items()},
    }
    (directory / EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return rows


def _copy_table(store: Store, name: str, out: Path) -> int:
    """DuckDB's ``COPY`` (streaming, parallel): one dataset directory per table."""
    (count,) = store.raw.execute(f'SELECT count(*) FROM "{name}"').fetchone() or (0,)
    part = PARTITIONS.get(name)
    if part and count:
        store.raw.execute(
            f"COPY (SELECT * FROM \"{name}\") TO '{_sql_path(out)}' "
            f"(FORMAT parquet, PARTITION_BY ({part}))"
        )
    else:
        out.mkdir()
        store.raw.execute(
            f"COPY (SELECT * FROM \"{name}\") TO '{_sql_path(out / 'part-0.parquet')}' "
            "(FORMAT parquet)"
        )
    return int(count)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _existing(source: Path | str) -> Path:
    path = Path(source)
    if not path.exists():
        raise RoundaboutError(f"{source}: no such Parquet file or directory")
    return path
