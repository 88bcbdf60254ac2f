"""The store: an embedded DuckDB file holding the canonical tables.

Analyses read through Ibis tables (:meth:`Store.table`), so the same analysis code runs on
DuckDB here and on Spark through :mod:`roundabout.store.engines`; the lists, screening and
key tables are read and written by the small query modules of this package
(:mod:`.snapshots`, :mod:`.decisions`, :mod:`.screening_runs`, :mod:`.audit`, ...), the only
code that holds SQL.

A store opens a plain DuckDB connection (:attr:`Store.raw`); the Ibis backend over it
(:attr:`Store.backend`) is made on first use, so a command that only screens never imports
Ibis (0.3 s: its DuckDB backend imports the SQL compilers of every dialect). Small queries
and writes go through :meth:`Store.execute` and :meth:`Store.insert`, which write their values
as literals (:mod:`.literal`) so that DuckDB does not import pandas for them.

Every table is defined in :mod:`.schema`; opening a store for writing migrates it to that
shape (:mod:`.migrations`). Writes happen only inside :meth:`Store.transaction`, which is
all-or-nothing: an interrupted or failed load leaves the store as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from roundabout.errors import StoreError
from roundabout.store.holder import is_lock_error, locked_error
from roundabout.store.literal import NotLiteral, run, values_rows

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

_DUCKDB_MAGIC_OFFSET = 8
#: Inserts of at most this many values are written as literals (:meth:`Store.insert`); larger
#: ones go through an Arrow table (fast for many rows, but PyArrow imports pandas).
INSERT_LITERAL_MAX = 4_000


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
        target = ":memory:" if path is None else str(path.absolute())
        try:
            self._con = duckdb.connect(target, read_only=read_only)
        except duckdb.IOException as exc:
            if path is not None and is_lock_error(str(exc)):
                raise locked_error(path, str(exc), read_only=read_only) from None
            raise StoreError(f"{target}: cannot open store: {_first_line(exc)}") from None
        self._backend: Any = None
        # What Ibis sets on a connection it opens (the store's times read in UTC; no Python
        # variables scanned as tables), set here for the connection used before Ibis is.
        self._con.execute("SET timezone = 'UTC'")
        self._con.execute("SET python_enable_replacements = false")
        self._con.execute("SET enable_progress_bar_print = false")
        if memory_limit:
            # Above the limit DuckDB spills temp tables and operators to disk.
            self._con.execute(f"SET memory_limit = '{_checked_size(memory_limit)}'")
        try:
            self.migrate()  # read-only: only refuses a store newer than the code
        except BaseException:
            self._con.close()
            raise

    @property
    def raw(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection (storage internals only)."""
        return self._con

    @property
    def backend(self) -> Any:
        """The Ibis DuckDB backend over :attr:`raw` (made, and Ibis imported, on first use)."""
        if self._backend is None:
            import ibis

            self._backend = ibis.duckdb.from_connection(self._con)
        return self._backend

    def execute(self, sql: str, params: Sequence[Any] = ()) -> duckdb.DuckDBPyConnection:
        """Run ``sql`` (this package's own text, ``?`` placeholders) with ``params`` written
        as literals (:func:`.literal.run`; as parameters when a value has no literal form)."""
        return run(self._con, sql, params)

    def insert(self, name: str, columns: Mapping[str, Sequence[Any]]) -> None:
        """Append rows given column by column to table ``name``: as literals when small
        (no pandas imported), else through an Arrow table (:meth:`append`)."""
        names = list(columns)
        rows = list(zip(*(columns[c] for c in names), strict=True))
        if not rows:
            return
        cols = ", ".join(f'"{c}"' for c in names)
        if len(rows) * len(names) <= INSERT_LITERAL_MAX:
            try:
                self._con.execute(f'INSERT INTO "{name}" ({cols}) VALUES {values_rows(rows)}')
                return
            except NotLiteral:
                pass
        import pyarrow as pa

        self.append(name, pa.table({c: list(columns[c]) for c in names}))

    def migrate(self) -> list[str]:
        """Bring the store to the current schema (:mod:`.migrations`); the steps applied."""
        from roundabout.store.migrations import migrate

        return [m.name for m in migrate(self)]

    def query_progress(self) -> float:
        """How far the query running on this connection is, 0 to 100 (-1 when none runs)."""
        return float(self.raw.query_progress())

    def table_names(self) -> list[str]:
        """The tables and views of the store (and temporary ones), as Ibis lists them."""
        rows = self._con.execute(
            "SELECT DISTINCT table_name FROM information_schema.tables "
            "WHERE table_catalog IN (current_database(), 'temp') "
            "AND table_schema = current_schema()"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def has_table(self, name: str) -> bool:
        """Whether the store has table ``name`` (an older store opened read-only may not)."""
        return name in self.table_names()

    def table(self, name: str) -> ir.Table:
        """An Ibis table of the store (``flows``, ``quarantine``, ``manifest``, ...)."""
        if name not in self.table_names():
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
        other._con = self.raw.cursor()
        other._backend = None
        return other

    def close(self) -> None:
        if self._backend is not None:
            self._backend.disconnect()
        else:
            self._con.close()

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
