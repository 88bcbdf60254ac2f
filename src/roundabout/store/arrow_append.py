"""Large Arrow batches appended inside a transaction, let go as soon as each is written.

A snapshot's rows go to DuckDB a batch at a time, all in the load's one transaction
(:func:`roundabout.lists.snapshots.save`). Registering each batch as a view
(``con.register``, ``INSERT ... SELECT ... FROM`` it, ``con.unregister``) keeps every batch
alive until the commit: the view's drop is itself part of the transaction, so DuckDB's
catalog still holds the dropped view, and through it the Arrow table, until the transaction
ends. A million-link load kept about 0.3 GB of batches that way. A relation over the batch
(``con.from_arrow(batch).select(...).insert_into(table)``) writes the same rows in the same
transaction and holds the batch only while the statement runs.

A load's batches are written with DuckDB on one thread (:func:`one_thread`): each batch's
insert is too small for its worker threads to pay, and on two shared cores they cost CPU
(waiting for one another) and wall time. A million-link load measured 14.0 s of DuckDB CPU
(17.0 s wall) for its inserts with two threads, 6.8 s (10.0 s wall) with one, at a load
average of 3-5.

The select list is given per column of the table (in the table's own column order, read from
the catalog, so the batch's columns are matched by name as in :meth:`Store.append`): a SQL
expression over the batch's columns, or a constant (a Python value, such as the snapshot's id).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import duckdb

from roundabout.store.store import Store

if TYPE_CHECKING:
    import pyarrow as pa


class Constant:
    """A value written as it is into every row (not read from the batch)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


def _columns(store: Store, table: str) -> list[str]:
    rows = store.raw.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
        "AND schema_name = current_schema() AND database_name = current_database() "
        "ORDER BY column_index",
        [table],
    ).fetchall()
    return [str(r[0]) for r in rows]


def append(store: Store, table: str, batch: pa.Table, select: Mapping[str, str | Constant]) -> None:
    """Append ``batch`` to ``table``: column ``c`` of the table gets ``select[c]`` (a SQL
    expression over the batch's columns, or a :class:`Constant`), or the batch's column ``c``
    when ``select`` does not name it."""
    exprs: list[duckdb.Expression] = []
    for c in _columns(store, table):
        how = select.get(c)
        if isinstance(how, Constant):
            exprs.append(duckdb.ConstantExpression(how.value))
        elif how is not None:
            exprs.append(duckdb.SQLExpression(how))
        elif c in batch.column_names:
            exprs.append(duckdb.ColumnExpression(f'"{c}"'))
        else:
            raise ValueError(f"{table}.{c}: neither in the batch nor given")
    store.raw.from_arrow(batch).select(*exprs).insert_into(table)


@contextmanager
def one_thread(store: Store) -> Iterator[None]:
    """DuckDB's ``threads`` set to 1 inside (a setting of the whole database, so also of its
    readers meanwhile), and set back to what it was after."""
    row = store.raw.execute("SELECT current_setting('threads')").fetchone()
    before = int(row[0]) if row else 1
    store.raw.execute("SET threads = 1")
    try:
        yield
    finally:
        store.raw.execute(f"SET threads = {before:d}")
