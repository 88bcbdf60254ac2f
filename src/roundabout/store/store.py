"""The store: an embedded DuckDB file holding the canonical tables.

All reads go through Ibis tables (:meth:`Store.table`), so the same analysis code runs on
DuckDB here and on Spark through :mod:`roundabout.store.engines`. Writes happen only inside
:meth:`Store.transaction`, which is all-or-nothing: an interrupted or failed load leaves the
store as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.errors import StoreError
from roundabout.store.holder import is_lock_error, locked_error
from roundabout.store.schema import TABLES

_DUCKDB_MAGIC_OFFSET = 8


class Store:
    """A roundabout store in one DuckDB file (``str`` or ``Path``; in memory with ``None``).

    A file another process holds (DuckDB: one writer or many readers) raises
    :class:`~roundabout.errors.StoreLockedError` naming the holder (:mod:`.holder`).
    """

    def __init__(
        self,
        path: str | Path | None,
        *,
        read_only: bool = False,
        memory_limit: str | None = None,
    ) -> None:
        path = None if path is None else Path(path)
        self.path = path
        self.read_only = read_only
        if path is not None:
            _check_is_duckdb(path)
            if not read_only:
                path.parent.mkdir(parents=True, exist_ok=True)
            elif not path.exists():
                raise StoreError(f"{path}: no such store (run `roundabout ingest` first)")
        target = ":memory:" if path is None else str(path)
        try:
            self.backend: Any = ibis.duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as exc:
            if path is not None and is_lock_error(str(exc)):
                raise locked_error(path, str(exc), read_only=read_only) from None
            raise StoreError(f"{target}: cannot open store: {_first_line(exc)}") from None
        self.raw.execute("SET enable_progress_bar_print = false")
        if memory_limit:
            # Above the limit DuckDB spills temp tables and operators to disk.
            self.raw.execute(f"SET memory_limit = '{_checked_size(memory_limit)}'")
        if not read_only:
            self.ensure_schema()

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection (storage internals only)."""
        con: duckdb.DuckDBPyConnection = self.backend.con
        return con

    def ensure_schema(self) -> None:
        """Create any missing canonical table."""
        existing = set(self.backend.list_tables())
        for name, schema in TABLES.items():
            if name not in existing:
                self.backend.create_table(name, schema=schema)
                continue
            # a store written by an older version: add the columns it lacks (nullable)
            have = set(self.backend.table(name).columns)
            for column, dtype in schema.items():
                if column not in have and dtype.nullable:
                    self.raw.execute(
                        f'ALTER TABLE "{name}" ADD COLUMN "{column}" {_duck_type(dtype)}'
                    )

    def table(self, name: str) -> ir.Table:
        """An Ibis table of the store (``flows``, ``quarantine``, ``manifest``, ...)."""
        if name not in self.backend.list_tables():
            raise StoreError(f"{self.path}: no table {name!r} (is this a roundabout store?)")
        return self.backend.table(name)

    def flows(self) -> ir.Table:
        """The canonical trade-flow table."""
        return self.table("flows")

    def append(self, name: str, data: pa.Table) -> None:
        """Append a small Arrow table to a store table (columns by name)."""
        handle = f"_rb_append_{name}"
        self.raw.register(handle, data)
        try:
            cols = ", ".join(f'"{c}"' for c in data.column_names)
            self.raw.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM "{handle}"')
        finally:
            self.raw.unregister(handle)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside happen together or not at all."""
        self.raw.begin()
        try:
            yield
        except BaseException:
            self.raw.rollback()
            raise
        else:
            self.raw.commit()

    def close(self) -> None:
        self.backend.disconnect()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _duck_type(dtype: Any) -> str:
    """The DuckDB type name of an Ibis type (for the few types the schema uses)."""
    names = {"int64": "BIGINT", "int32": "INTEGER", "int16": "SMALLINT", "int8": "TINYINT",
             "float64": "DOUBLE", "string": "VARCHAR", "boolean": "BOOLEAN"}  # fmt: skip
    return names[str(dtype).lstrip("!")]


def _checked_size(text: str) -> str:
    """A DuckDB memory size such as ``1.5GB`` or ``800MB`` (refuses anything else)."""
    import re

    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip()):
        raise StoreError(f"memory limit {text!r}: expected a size such as 1.5GB or 800MB")
    return text.strip()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _check_is_duckdb(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as fh:
        head = fh.read(16)
    if head[_DUCKDB_MAGIC_OFFSET : _DUCKDB_MAGIC_OFFSET + 4] != b"DUCK":
        raise StoreError(f"{path}: not a DuckDB file; refusing to overwrite it")
