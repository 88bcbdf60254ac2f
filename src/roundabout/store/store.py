"""The store: an embedded DuckDB file holding the canonical tables.

Analyses read through Ibis tables (:meth:`Store.table`), so the same analysis code runs on
DuckDB here and on Spark through :mod:`roundabout.store.engines`; the lists, screening and
key tables are read and written by the small query modules of this package
(:mod:`.snapshots`, :mod:`.decisions`, :mod:`.screening_runs`, :mod:`.audit`, ...), the only
code that holds SQL. Every table is defined in :mod:`.schema`; opening a store for writing
migrates it to that shape (:mod:`.migrations`). Writes happen only inside
:meth:`Store.transaction`, which is all-or-nothing: an interrupted or failed load leaves the
store as it was.
"""

from __future__ import annotations

import contextlib
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
        try:
            self.migrate()  # read-only: only refuses a store newer than the code
        except BaseException:
            self.backend.disconnect()
            raise

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection (storage internals only)."""
        con: duckdb.DuckDBPyConnection = self.backend.con
        return con

    def migrate(self) -> list[str]:
        """Bring the store to the current schema (:mod:`.migrations`); the steps applied."""
        from roundabout.store.migrations import migrate

        return [m.name for m in migrate(self)]

    def query_progress(self) -> float:
        """How far the query running on this connection is, 0 to 100 (-1 when none runs)."""
        return float(self.raw.query_progress())

    def has_table(self, name: str) -> bool:
        """Whether the store has table ``name`` (an older store opened read-only may not)."""
        return name in self.backend.list_tables()

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
        """All writes inside happen together or not at all.

        A write the disk refuses (full, or over a file size limit) rolls back and becomes a
        one-line :class:`StoreError` naming the store and the free space (:func:`_io_error`),
        not a traceback."""
        self.raw.begin()
        try:
            yield
            self.raw.commit()
        except (duckdb.IOException, OSError) as exc:
            _rollback(self.raw)
            raise _io_error(self.path, exc) from None
        except duckdb.TransactionException as exc:  # the commit's checkpoint could not write
            _rollback(self.raw)
            if "Could not write" in str(exc) or "No space" in str(exc):
                raise _io_error(self.path, exc) from None
            raise
        except BaseException:
            _rollback(self.raw)
            raise

    def reader(self) -> Store:
        """Another connection to the same open database, for reads in another thread.

        A DuckDB connection must not be shared between threads, but cursors of one database
        run side by side (each sees the last committed state): a long analysis on a reader
        does not hold up the writes and reads of the connection it came from. Close it after
        use (``with store.reader() as r: ...``)."""
        other = object.__new__(Store)
        other.path = self.path
        other.read_only = self.read_only
        other.backend = ibis.duckdb.from_connection(self.raw.cursor())
        return other

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


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):  # no transaction left (a failed commit ends it)
        con.rollback()


def _io_error(path: Path | None, exc: BaseException) -> StoreError:
    """One line for a write the disk refused: the store, why, the free space, what to do."""
    import shutil

    where = path if path is not None else Path(":memory:")
    text = _first_line(exc).removeprefix("IO Error: ")
    if "Could not write" in text:
        text = text[text.index("Could not write") :]
    try:
        free = shutil.disk_usage(where.parent if path is not None else Path.cwd()).free
        room = f"{free / 2**20:,.0f} MiB free on {where.parent}"
    except OSError:
        room = "free space unknown"
    size = where.stat().st_size if path is not None and where.exists() else 0
    return StoreError(
        f"{where}: could not write ({text}); {room}, store {size / 2**20:,.0f} MiB; nothing "
        "was changed: free at least the size of the input files (or raise the file size "
        "limit) and run again"
    )


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
