"""Any CSV or Parquet table, described by a column-mapping file (``--format table``).

National statistics offices publish trade by partner country in their own layouts; the
mapping file (:mod:`roundabout.sources.mapping`) says what each column means and this
importer does the rest, in the steps every importer follows (see
:mod:`roundabout.sources.base`): read every column as text, build the canonical columns
with Ibis expressions, and give each bad row a quarantine reason instead of dropping it.

The steps, each ending in a :meth:`~roundabout.sources.base.StageContext.checkpoint` so the
generated SQL stays small:

1. **read**: CSV through :func:`~roundabout.sources.base.read_csv_text` (or, when the
   mapping renames the header with ``column_names``, the same reader with those names), or
   Parquet with every column cast to text. ``_line`` is the file's line number: blank
   lines and quoted line breaks, which the CSV engine skips or joins, are accounted for.
2. **melt**: with ``values`` (several flows side by side) or ``unpivot`` (one column per
   year) each file line becomes one row per value column; the cell lands in ``_cell``.
3. **countries**: the distinct country names or codes of the file (a few hundred at most)
   are resolved in Python (:func:`~roundabout.sources.mapping.resolve_country`) into a small
   table that is joined back; a name nobody knows stays null and its row is quarantined
   with a reason naming it.
4. **parse**: period, flow, product code and numbers.
5. **reasons**: the first failing check per row, mapping filters first, so a country-group
   row ("CIS") is reported as filtered, not as an unknown country.

The staged table has no ``_raw`` column: :class:`~roundabout.sources.base.Staged` carries
the raw table instead and the loader joins the quarantined rows' fields back by ``_line``
(several melted rows share a line, and all of them get that line's fields).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.errors import InputFileError, MappingError
from roundabout.sources.base import (
    Importer,
    StageContext,
    Staged,
    read_csv_text,
)
from roundabout.sources.files import (
    TextFile,
    check_exists,
)
from roundabout.sources.mapping import (
    COUNTRY_COLUMNS,
    FLOW_WORDS,
    FieldSpec,
    Mapping,
    PeriodSpec,
    load_mapping,
    resolve_country,
)
from roundabout.sources.normalize import (
    MAJOR_CURRENCIES,
    MAX_VALUE,
    MAX_VALUE_OTHER,
    Number,
    number,
    parsed_columns,
    product_code,
    quantity_checks,
    recode,
    text,
)

_UTF8: Final = ("utf-8", "utf8")


class TableImporter(Importer):
    """CSV or Parquet with a YAML column mapping (``roundabout ingest --format table``)."""

    format = "table"
    source = "table"

    def stage(self, ctx: StageContext) -> Staged:
        if ctx.mapping is None:
            raise MappingError(
                "--format table needs --mapping FILE (a YAML column mapping; "
                "see examples/mappings/)"
            )
        mapping = load_mapping(ctx.mapping)
        if mapping.format == "parquet":
            raw, encoding = read_parquet_text(ctx, mapping.required_columns()), "utf-8"
        else:
            encoding = mapping.encoding if _is_utf8(ctx.encoding) else ctx.encoding
            raw = read_mapped_csv(replace(ctx, encoding=encoding), mapping)
        table = normalize_table(raw, mapping, ctx)
        return Staged(table=table, encoding=encoding, source=mapping.source, raw=raw)


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in _UTF8


# --- Step 1: read -------------------------------------------------------------------------


def read_mapped_csv(ctx: StageContext, m: Mapping) -> ir.Table:
    """Read the CSV file as text columns with ``_line`` (see the module docstring).

    ``ctx`` carries the encoding to use; ``ctx.delimiter`` (``--delimiter``) wins over the
    mapping's ``delimiter``.
    """
    delimiter = ctx.delimiter or m.delimiter
    required = m.required_columns()
    raw, tf = read_csv_text(
        ctx,
        delimiter=delimiter,
        required=required,
        skip_rows=m.skip_rows,
        names=m.column_names or (),
    )
    return _true_lines(ctx, raw, tf, delimiter, m.skip_rows)


def _physical_lines(path: Path) -> int:
    """Lines in the file (a last line without a newline counts), read 1 MiB at a time."""
    lines, last = 0, b"\n"
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def line_shifts(path: Path, delimiter: str, skip_rows: int) -> list[tuple[int, int]]:
    """Where record numbers and line numbers part: ``(record index, extra lines)`` pairs.

    The CSV engine numbers records, skipping blank lines and joining quoted line breaks;
    quarantine must name the line a person sees in an editor. Each pair says: from this
    data record (0-based) on, the line is ``extra`` lines further down than the record
    count suggests. Armstat's file has a blank line after every record, so its list is
    long; most files have none and are never scanned (see :func:`_true_lines`).
    """
    shifts: list[tuple[int, int]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for _ in range(skip_rows):
            fh.readline()
        reader = csv.reader(fh, delimiter=delimiter, quotechar='"')
        if next(reader, None) is None:
            return shifts
        first_data_line = skip_rows + 2
        index, shift, consumed = 0, 0, reader.line_num
        for record in reader:
            start = skip_rows + consumed + 1
            consumed = reader.line_num
            if not record:
                continue
            extra = start - (first_data_line + index)
            if extra != shift:
                shifts.append((index, extra))
                shift = extra
            index += 1
    return shifts


def _true_lines(
    ctx: StageContext, raw: ir.Table, tf: TextFile, delimiter: str, skip_rows: int
) -> ir.Table:
    """Correct ``_line`` for blank lines and multi-line records (a no-op for most files)."""
    rows = int(raw.count().execute())
    header_line = skip_rows + 1
    if rows == _physical_lines(tf.read_path) - header_line or len(tf.header) < 2:
        return raw  # one record per line after the header: the engine's numbering holds
    shifts = line_shifts(tf.read_path, delimiter, skip_rows)
    if not shifts:
        return raw
    ref = ctx.temp_table(
        pa.table(
            {
                "_sidx": pa.array([s[0] for s in shifts], pa.int64()),
                "_shift": pa.array([s[1] for s in shifts], pa.int64()),
            }
        ),
        "lines",
    )
    t = raw.mutate(_idx=raw._line - (header_line + 1))
    joined = t.asof_join(ref, t._idx >= ref._sidx)
    fixed = joined.mutate(_line=joined._line + ibis.coalesce(joined._shift, 0))
    return ctx.checkpoint(fixed.drop("_idx", "_sidx", "_shift"), "lines")


def read_parquet_text(ctx: StageContext, required: list[str]) -> ir.Table:
    """A Parquet file with every column cast to text and ``_line`` = record number (from 1)."""
    check_exists(ctx.path)
    with ctx.path.open("rb") as fh:
        magic = fh.read(4)
    if magic != b"PAR1":
        raise InputFileError(ctx.path, "not a Parquet file (the mapping says format: parquet)")
    con = ctx.backend
    view = ctx.temp_name("parquet")
    name = ctx.temp_name("raw")
    try:
        t = con.read_parquet(str(ctx.path), table_name=view)
        con.create_table(
            name, t.select(*[t[c].cast("string").name(c) for c in t.columns]), temp=True
        )
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(ctx.path, f"cannot be read as Parquet: {first}") from None
    raw = con.table(name)
    missing = [c for c in required if c not in raw.columns]
    if missing:
        found = ", ".join(raw.columns[:12]) + (" ..." if len(raw.columns) > 12 else "")
        raise InputFileError(ctx.path, f"missing columns: {', '.join(missing)} (found: {found})")
    return raw.mutate(_line=(raw.rowid() + 1).cast("int64"))


# --- Steps 2 to 5 -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Melt:
    """One value column of the file and what its rows share (a flow, a header label)."""

    column: str | None
    flow: str | None = None
    label: str | None = None


def _melts(m: Mapping, columns: list[str], path: Path) -> list[_Melt]:
    if m.values is not None:
        return [_Melt(v.column, flow=v.flow) for v in m.values]
    if m.unpivot is None:
        return [_Melt(None)]
    if m.unpivot.columns is not None:
        return [_Melt(c, label=c) for c in m.unpivot.columns]
    pattern = re.compile(m.unpivot.regex or "")
    out: list[_Melt] = []
    for c in columns:
        found = pattern.search(c)
        if found:
            out.append(_Melt(c, label=found.group(1) if pattern.groups else found.group(0)))
    if not out:
        shown = ", ".join(columns[:12])
        raise InputFileError(path, f"no column matches unpivot.regex {pattern.pattern!r} ({shown})")
    return out


def _constants(m: Mapping, ctx: StageContext) -> dict[str, str]:
    """``file_name`` fields evaluated against the file's name (by dotted field name)."""
    named: dict[str, FieldSpec | None] = {f"columns.{k}": v for k, v in m.columns.fields().items()}
    named |= {"period.year": m.period.year, "period.month": m.period.month}
    out: dict[str, str] = {}
    for where, spec in named.items():
        if spec is None or spec.file_name is None:
            continue
        pattern = re.compile(spec.file_name)
        found = pattern.search(ctx.path.name)
        if found is None:
            raise MappingError(
                f"{ctx.mapping}: field {where}.file_name: {spec.file_name!r} does not match "
                f"the file name {ctx.path.name!r}"
            )
        out[where] = found.group(1) if pattern.groups else found.group(0)
    return out


def _check_engine_regexes(m: Mapping, ctx: StageContext) -> None:
    """Filters' ``matches`` run in the engine (RE2 for DuckDB), whose syntax is narrower than
    Python's (no lookaround, no backreferences): try each pattern once, name the field."""
    for i, f in enumerate(m.filters):
        if f.matches is None:
            continue
        try:
            ctx.backend.execute(ibis.literal("").re_search(f.matches))
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise MappingError(
                f"{ctx.mapping}: field filters[{i}].matches: the engine cannot run "
                f"{f.matches!r}: {first}"
            ) from None


def normalize_table(raw: ir.Table, m: Mapping, ctx: StageContext) -> ir.Table:
    """Canonical columns plus ``_line``, ``_reason``, ``_padded`` (see the module docstring).

    ``_raw`` is left to the loader, which rebuilds it from the raw table by ``_line`` for
    the quarantined rows only.
    """
    file_cols = [c for c in raw.columns if c != "_line"]
    virtual = m.unpivot.name if m.unpivot else None
    if virtual is not None and virtual in file_cols:
        raise MappingError(
            f"{ctx.mapping}: field unpivot.name: {virtual!r} is also a column of the file"
        )
    consts = _constants(m, ctx)
    _check_engine_regexes(m, ctx)

    def field(t: ir.Table, spec: FieldSpec | None, where: str) -> ir.StringValue:
        if spec is None:
            return ibis.null("string")
        if spec.column is not None:
            return t[spec.column].cast("string")
        if spec.file_name is not None:
            return ibis.literal(consts[where])
        return ibis.literal(spec.constant)

    # Step 2: melt. Keep the file columns the mapping reads, one row per value column.
    melts = _melts(m, file_cols, ctx.path)
    keep = [c for c in m.file_columns() if c in file_cols]
    filters = {f"_filter{i}": f for i, f in enumerate(m.filters)}
    parts = []
    for melt in melts:
        if melt.column is None:
            cell = field(raw, m.columns.value, "columns.value")
        else:
            cell = raw[melt.column].cast("string")
        extra = {virtual: ibis.literal(melt.label)} if virtual is not None else {}
        parts.append(
            raw.select(
                _line=raw._line,
                _cell=cell,
                _vflow=ibis.literal(melt.flow, type="string"),
                **{c: raw[c] for c in keep},
                **extra,
            )
        )
    melted = parts[0] if len(parts) == 1 else ibis.union(*parts, distinct=False)
    t = ctx.checkpoint(melted, "melt")

    # Step 3: countries, resolved once per distinct name or code.
    t = t.mutate(
        **{
            f"_k_{name}": field(t, getattr(m.columns, name), f"columns.{name}").strip()
            for name in COUNTRY_COLUMNS
        },
        **{key: _filter_hit(t, f.column, f) for key, f in filters.items()},
    )
    for name in COUNTRY_COLUMNS:
        if getattr(m.columns, name) is None:
            t = t.mutate(**{f"_c_{name}": ibis.null("string")})
            continue
        scheme: str = getattr(m.country_scheme, name)
        t = _join_countries(t, f"_k_{name}", f"_c_{name}", scheme, m.country_aliases, ctx)
    t = ctx.checkpoint(t, "countries")

    # Step 4: period, flow, product code, numbers. First the texts (markers applied), then
    # the parsing: two steps keep the SQL of each small.
    zero, missing = m.zero_values, m.missing_values
    t = t.mutate(
        _per_col=(
            t[m.period.column].cast("string")
            if m.period.column is not None
            else ibis.null("string")
        ),
        _year_txt=field(t, m.period.year, "period.year"),
        _month_txt=field(t, m.period.month, "period.month"),
        _freq_given=text(field(t, m.columns.freq, "columns.freq")).upper(),
        _flow_raw=ibis.coalesce(t._vflow, field(t, m.columns.flow, "columns.flow")).strip(),
        _code_txt=field(t, m.columns.product_code, "columns.product_code"),
        _value_txt=marked_text(t._cell, zero, missing),
        _qty_txt=marked_text(field(t, m.columns.quantity, "columns.quantity"), zero, []),
        _wgt_txt=marked_text(field(t, m.columns.net_weight_kg, "columns.net_weight_kg"), zero, []),
        _currency=text(field(t, m.columns.currency, "columns.currency")).upper(),
        _hs_edition=text(field(t, m.columns.hs_edition, "columns.hs_edition")),
        _valuation=text(field(t, m.columns.valuation, "columns.valuation")).upper(),
        _qty_unit=text(field(t, m.columns.quantity_unit, "columns.quantity_unit")),
    )
    t = ctx.checkpoint(t, "texts")
    per = period_parts(
        m.period,
        column=t._per_col if m.period.column is not None else None,
        year=t._year_txt if m.period.year is not None else None,
        month=t._month_txt if m.period.month is not None else None,
    )
    prod = product_code(t._code_txt)
    value = number(t._value_txt, scale=m.value_scale)
    qty, wgt = number(t._qty_txt), number(t._wgt_txt)
    t = t.mutate(
        _period=per.period,
        _year=per.year,
        _month=per.month,
        _freq=per.freq,
        _per_ok=per.ok,
        _flow=recode(t._flow_raw.lower(), FLOW_WORDS),
        **parsed_columns(prod, value, qty, wgt),
    )
    t = ctx.checkpoint(t, "parsed")

    # Step 5: the first failing check, and the canonical columns.
    checks: list[tuple[ir.BooleanValue, str | ir.StringValue]] = [
        (t[key], f.describe()) for key, f in filters.items()
    ]
    checks += [
        (~t._per_ok, "malformed period"),
        (t._freq_given.notnull() & (t._freq_given != t._freq), "frequency does not match period"),
    ]
    for name in COUNTRY_COLUMNS:
        if getattr(m.columns, name) is None:
            continue
        key, code = t[f"_k_{name}"], t[f"_c_{name}"]
        scheme = getattr(m.country_scheme, name)
        what = "country name" if scheme == "name" else f"country code ({scheme})"
        empty = key.isnull() | (key == "")
        if name != "partner2":
            checks.append((empty, f"missing {name}"))
        checks.append((~empty & code.isnull(), f"unknown {name} {what} '" + key + "'"))
    checks += [
        (t._flow_raw.isnull() | (t._flow_raw == ""), "missing flow"),
        (t._flow.isnull(), "unknown flow '" + t._flow_raw + "'"),
        (t._code_bad, "malformed product code"),
        (t._value.isnull() & ~t._value_bad, "missing value"),
        (t._value_bad, "non-numeric value '" + t._value_txt + "'"),
        (t._value < 0, "negative value"),
        (
            t._value
            > ibis.cases(
                (t._currency.isin(list(MAJOR_CURRENCIES)), MAX_VALUE), else_=MAX_VALUE_OTHER
            ),
            "value implausibly large for one trade line (above "
            + ibis.cases(
                (t._currency.isin(list(MAJOR_CURRENCIES)), f"{MAX_VALUE:.0e} "),
                else_=f"{MAX_VALUE_OTHER:.0e} ",
            )
            + t._currency
            + ")",
        ),
        *quantity_checks(t),
        (t._currency.isnull(), "missing currency"),
        (~t._currency.re_search(r"^[A-Z]{3}$"), "malformed currency code"),
    ]
    return t.select(
        period=t._period,
        freq=t._freq,
        year=t._year,
        month=t._month,
        reporter=t._c_reporter,
        partner=t._c_partner,
        partner2=t._c_partner2,
        flow=t._flow,
        product_code=t._code,
        product_level=t._level,
        hs6=t._hs6,
        hs_edition=t._hs_edition,
        value=t._value,
        currency=t._currency,
        valuation=t._valuation,
        quantity=t._qty,
        quantity_unit=t._qty_unit,
        net_weight_kg=t._wgt,
        source=ibis.literal(m.source),
        source_line=t._line,
        _line=t._line,
        _reason=first_reason(*checks),
        _padded=t._padded,
    )


def _filter_hit(t: ir.Table, column: str, f: Any) -> ir.BooleanValue:
    """Whether a mapping filter drops the row (the trimmed cell; null is the empty text)."""
    cell = ibis.coalesce(t[column].cast("string").strip(), "")
    if f.equals is not None:
        hit: ir.BooleanValue = cell == f.equals
    elif f.one_of is not None:
        hit = cell.isin(f.one_of)
    else:
        hit = cell.re_search(f.matches)
    return hit


def _join_countries(
    t: ir.Table, key: str, out: str, scheme: str, aliases: dict[str, str], ctx: StageContext
) -> ir.Table:
    """Add column ``out``: the code of the name or code in column ``key`` (null if unknown)."""
    distinct = t.select(key).distinct().to_pyarrow()[key].to_pylist()
    values = sorted(v for v in distinct if v)
    codes = [resolve_country(v, scheme, aliases) for v in values]
    ref = ctx.temp_table(
        pa.table({f"{out}_key": pa.array(values, pa.string()), out: pa.array(codes, pa.string())}),
        "countries",
    )
    joined = t.left_join(ref, t[key] == ref[f"{out}_key"])
    return joined.drop(f"{out}_key")


@dataclass(frozen=True)
class PeriodParts:
    """A parsed period: canonical ``period`` text, ``year``, ``month``, ``freq`` and ``ok``."""

    period: ir.StringValue
    year: ir.IntegerValue
    month: ir.IntegerValue
    freq: ir.StringValue
    ok: ir.BooleanValue


def period_parts(
    spec: PeriodSpec,
    *,
    column: ir.StringValue | None = None,
    year: ir.StringValue | None = None,
    month: ir.StringValue | None = None,
) -> PeriodParts:
    """Parse the period described by ``spec`` from text expressions.

    ``column`` is the one period column (``spec.format``: ``YYYY``, ``YYYYMM`` or
    ``YYYY-MM``); otherwise ``year`` and the optional ``month`` (1 to 12, with or without a
    leading zero, or one of ``spec.annual_values``, which makes the row annual). A year must
    be 1900 to 2099. The result is ``YYYY`` with freq ``A`` or ``YYYY-MM`` with freq ``M``;
    ``ok`` is false (never null) when the text does not fit.
    """
    if column is not None:
        s = text(column)
        fmt = spec.format or "YYYY"
        shape = {"YYYY": r"^[0-9]{4}$", "YYYYMM": r"^[0-9]{6}$", "YYYY-MM": r"^[0-9]{4}-[0-9]{2}$"}
        fits = s.re_search(shape[fmt])
        y = ibis.cases((fits, s.left(4)), else_=ibis.null("string"))
        start = {"YYYY": None, "YYYYMM": 4, "YYYY-MM": 5}[fmt]
        if start is None:
            m: ir.StringValue = ibis.null("string")
            annual: ir.BooleanValue = ibis.literal(True)
        else:
            m = ibis.cases((fits, s.substr(start, 2)), else_=ibis.null("string"))
            annual = ibis.literal(False)
        shape_ok: ir.BooleanValue = fits
    else:
        y = text(year) if year is not None else ibis.null("string")
        if month is None:
            m, annual, shape_ok = ibis.null("string"), ibis.literal(True), ibis.literal(True)
        else:
            raw_m = text(month)
            annual = raw_m.isin(spec.annual_values) if spec.annual_values else ibis.literal(False)
            annual = ibis.coalesce(annual, False)
            m = ibis.cases((annual, ibis.null("string")), else_=raw_m.lpad(2, "0"))
            shape_ok = annual | raw_m.re_search(r"^[0-9]{1,2}$")
    year_ok = y.re_search(r"^(19|20)[0-9]{2}$")
    month_ok = annual | m.re_search(r"^(0[1-9]|1[0-2])$")
    ok = ibis.coalesce(shape_ok & year_ok & month_ok, False)
    period = ibis.cases((ok & annual, y), (ok, y + "-" + m), else_=ibis.null("string"))
    return PeriodParts(
        period=period,
        year=ibis.cases((ok, y.cast("int16")), else_=ibis.null("int16")),
        month=ibis.cases((ok & ~annual, m.cast("int8")), else_=ibis.null("int8")),
        freq=ibis.cases((annual, "A"), else_="M"),
        ok=ok,
    )


def marked_text(cell: ir.StringValue, zero_values: list[str], missing_values: list[str]) -> Any:
    """The trimmed cell with the mapping's markers applied: ``zero_values`` become ``"0"``,
    ``missing_values`` null. An empty cell is the empty text, so ``zero_values: [""]`` reads
    blanks as 0."""
    s = cell.strip()
    if zero_values:
        s = ibis.cases((ibis.coalesce(s, "").isin(zero_values), "0"), else_=s)
    if missing_values:
        s = ibis.cases((s.isin(missing_values), ibis.null("string")), else_=s)
    return s


def cell_number(
    cell: ir.StringValue, zero_values: list[str], missing_values: list[str], *, scale: float = 1.0
) -> Number:
    """A number cell: :func:`marked_text`, then
    :func:`roundabout.sources.normalize.number` multiplied by ``scale``."""
    return number(marked_text(cell, zero_values, missing_values), scale=scale)


def first_reason(*checks: tuple[ir.BooleanValue, str | ir.StringValue]) -> ir.StringValue:
    """The message of the first true check, else null (messages may be expressions)."""
    cases: list[tuple[Any, Any]] = [
        (ibis.coalesce(c, False), ibis.literal(msg) if isinstance(msg, str) else msg)
        for c, msg in checks
    ]
    return ibis.cases(*cases, else_=ibis.null("string"))
