"""What every importer shares: the raw read, the staged result, the registry of formats.

An importer turns one file into a *staged* Ibis table: the canonical ``flows`` columns
(:data:`roundabout.store.schema.FLOWS_SCHEMA`, minus ``file_sha256``) plus

* ``_line``: the line (or record) number in the file, for quarantine and evidence;
* ``_reason``: null for a good row, else why it goes to quarantine;
* ``_padded``: true when a product code lost its leading zero and was padded;
* ``_raw`` (optional, see :class:`Staged`): the row's fields as read, joined by ``|``.

The loader (:mod:`roundabout.sources.load`) does the rest: manifest, quarantine, atomicity.
Importers never hold a file in Python memory: DuckDB streams it.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import ibis
import ibis.expr.types as ir

from roundabout.errors import InputFileError
from roundabout.sources.files import (
    HEAD_BYTES,
    TextFile,
    Utf8Check,
    check_text_file,
    explain_engine_error,
)
from roundabout.sources.normalize import text

_names = itertools.count()


@dataclass
class StageContext:
    """What an importer needs to stage one file."""

    backend: Any
    path: Path
    workdir: Path
    encoding: str = "utf-8"
    delimiter: str | None = None
    mapping: Path | None = None
    options: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)

    def temp_name(self, prefix: str) -> str:
        """A fresh name for a temp view or table, dropped again by :meth:`cleanup`."""
        name = f"_rb_{prefix}_{next(_names)}"
        self.created.append(name)
        return name

    def cleanup(self) -> None:
        """Drop every temp view and table this context created (newest first)."""
        for name in reversed(self.created):
            for drop in (self.backend.drop_view, self.backend.drop_table):
                try:
                    drop(name, database="temp", force=True)
                except Exception:  # wrong kind: DuckDB refuses to drop a table as a view
                    continue
        self.created.clear()

    def temp_table(self, data: Any, prefix: str = "ref") -> ir.Table:
        """Upload a small in-memory table (pyarrow) as a temp table of the engine."""
        name = self.temp_name(prefix)
        self.backend.create_table(name, data, temp=True)
        return self.backend.table(name)

    def checkpoint(self, expr: ir.Table, prefix: str = "step") -> ir.Table:
        """Materialise ``expr`` as a temp table and return it.

        Ibis and DuckDB both inline chained projections: an expression that reuses a derived
        column many times is evaluated (and compiled) many times, which grows exponentially.
        A checkpoint computes each step once. Build each step only from columns of the
        previous checkpoint.
        """
        name = self.temp_name(prefix)
        self.backend.create_table(name, expr, temp=True)
        return self.backend.table(name)


@dataclass(frozen=True)
class Staged:
    """A staged file: the canonical columns plus ``_line``, ``_reason``, ``_padded``.

    The quarantine keeps each rejected row as read. Either ``table`` has a ``_raw`` column,
    or ``raw`` is the raw text table (with ``_line``) and the loader rebuilds ``_raw`` for
    the rejected rows only, which is much cheaper on large files.
    """

    table: ir.Table
    encoding: str
    source: str
    raw: ir.Table | None = None


class Importer(ABC):
    """One trade-data format."""

    format: ClassVar[str]
    source: ClassVar[str]
    default_delimiter: ClassVar[str] = ","

    @abstractmethod
    def stage(self, ctx: StageContext) -> Staged:
        """Read ``ctx.path`` into a staged table (see the module docstring)."""


@dataclass(frozen=True)
class CsvScan:
    """A checked CSV file registered as a lazy scan (nothing read yet).

    ``table`` has every column as text. Materialise it through :meth:`first_step`, which
    adds ``_line`` and turns CSV parse errors into :class:`InputFileError`.
    """

    table: ir.Table
    file: TextFile
    header_line: int
    utf8: Utf8Check | None = None

    def first_step(self, ctx: StageContext, expr: ir.Table, prefix: str = "clean") -> ir.Table:
        """Materialise a projection of the scan (one pass over the file) with ``_line``.

        DuckDB keeps the file's order when it writes the table, so a row's ``rowid`` is its
        record number in the file.
        """
        try:
            t = ctx.checkpoint(expr, prefix)
        except Exception as exc:  # DuckDB raises several types for CSV problems
            if self.utf8 is not None:
                self.utf8.result()  # a bad byte explains the engine's error best
            raise explain_engine_error(ctx.path, exc) from None
        if self.utf8 is not None:
            self.utf8.result()
        return t.mutate(_line=(t.rowid() + self.header_line + 1).cast("int64"))


def scan_csv_text(
    ctx: StageContext,
    *,
    delimiter: str,
    required: list[str],
    skip_rows: int = 0,
    any_of: list[list[str]] | None = None,
    names: Sequence[str] = (),
) -> CsvScan:
    """Check a delimited file and register it as a lazy all-text scan.

    Checks the file first (empty, binary, encoding, delimiter, missing or duplicate
    columns). DuckDB then parses it strictly when the scan is materialised: a line with the
    wrong number of fields, an unterminated quote or invalid UTF-8 is an
    :class:`InputFileError` naming the line.
    """
    tf = check_text_file(
        ctx.path,
        delimiter=delimiter,
        encoding=ctx.encoding,
        skip_rows=skip_rows,
        workdir=ctx.workdir,
        full_utf8=False,
    )
    # the rest of the file is checked for UTF-8 while the engine reads it
    utf8 = (
        Utf8Check(tf.path)
        if Utf8Check is not None and tf.read_path == tf.path and tf.size > HEAD_BYTES
        else None
    )
    header_line = skip_rows + 1
    header = list(tf.header)
    if names:
        # Statistical tables often have headers a program cannot use (empty cells, names
        # repeated across a two-line header): ``names`` replace the first ones by position.
        if len(names) > len(header):
            raise InputFileError(
                ctx.path,
                f"the mapping's column_names has {len(names)} names but the header line has "
                f"{len(header)} fields",
                header_line,
            )
        header = [*names, *header[len(names) :]]
        header = [h or f"column{i}" for i, h in enumerate(header, start=1)]
        tf = replace(tf, header=tuple(header))
    missing = [c for c in required if c not in header]
    for group in any_of or []:
        if not any(c in header for c in group):
            missing.append(" or ".join(group))
    if missing:
        found = ", ".join(header[:12]) + (" ..." if len(header) > 12 else "")
        raise InputFileError(
            ctx.path, f"missing columns: {', '.join(missing)} (found: {found})", header_line
        )
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputFileError(ctx.path, f"duplicate columns: {', '.join(dupes)}", header_line)
    view = ctx.temp_name("csv")
    table = ctx.backend.read_csv(
        str(tf.read_path),
        table_name=view,
        columns={h: "VARCHAR" for h in header},
        header=True,
        delim=delimiter,
        quote='"',
        escape='"',
        strict_mode=True,
        null_padding=False,
        skip=skip_rows,
        max_line_size=1 << 22,
        auto_detect=False,
    )
    return CsvScan(table=table, file=tf, header_line=header_line, utf8=utf8)


def read_csv_text(
    ctx: StageContext,
    *,
    delimiter: str,
    required: list[str],
    skip_rows: int = 0,
    any_of: list[list[str]] | None = None,
    names: Sequence[str] = (),
) -> tuple[ir.Table, TextFile]:
    """Read a delimited file, every column as text, into a temp table with ``_line``.

    The simple path for small files; large formats project the columns they need straight
    from :func:`scan_csv_text` instead (one pass, no copy of unused columns).
    """
    scan = scan_csv_text(
        ctx,
        delimiter=delimiter,
        required=required,
        skip_rows=skip_rows,
        any_of=any_of,
        names=names,
    )
    return scan.first_step(ctx, scan.table, "raw"), scan.file


def raw_joined(raw: ir.Table, columns: list[str]) -> ir.StringValue:
    """The row's fields as read, joined by ``|`` (kept for quarantined rows)."""
    parts = [raw[c].fill_null("") for c in columns]
    return ibis.literal("|").join(parts)


def col(raw: ir.Table, name: str) -> ir.StringValue:
    """A column of the raw table, or a null text column when the file lacks it."""
    if name in raw.columns:
        return text(raw[name])
    return ibis.null("string")
