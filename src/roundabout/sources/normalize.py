"""Engine-neutral Ibis expressions that clean raw text columns into canonical values.

Importers read every column as text, then build their canonical columns from these helpers.
Each helper returns the cleaned value and, where a value can be bad, a boolean "bad" flag,
so the importer can name the first failing check in the row's quarantine ``reason``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.operations as ops
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc

from roundabout.reference.countries import crosswalk, iso3_codes

#: Texts that mean "no value" in a numeric field (BACI writes ``NA``).
NULL_MARKERS = ("NA", "N/A", "null", "NULL")


def _trim_signature(x: str) -> str:
    """The signature of DuckDB's ``trim`` (never called in Python)."""
    raise NotImplementedError


#: DuckDB's one-argument ``trim`` (spaces only). Ibis's ``strip()`` compiles to ``TRIM`` with
#: a set of whitespace characters, which is several times slower on millions of rows.
trim: Callable[[ir.StringValue], ir.StringValue] = ibis.udf.scalar.builtin(
    _trim_signature, name="trim"
)


def clean_text(col: ir.StringValue) -> ir.StringValue:
    """Trimmed text; the empty string becomes null.

    Deliberately cheap: no ``IN`` lists here (DuckDB plans each one as a join, which costs
    seconds per column on ten million rows). Numeric fields also treat
    :data:`NULL_MARKERS` as null, see :func:`number`.
    """
    return trim(col).nullif("")


#: The name importers use.
text = clean_text


def one_of(col: ir.Value, values: Iterable[str | int]) -> ir.BooleanValue:
    """``col`` equals one of a few ``values`` (false for null).

    Written as ``=`` comparisons joined by ``OR``: DuckDB plans an ``IN`` list as a join,
    which costs seconds per column on millions of rows.
    """
    op = col.op()
    if isinstance(op, ops.Literal) and op.value is None:  # a column the file lacks
        return ibis.literal(False)
    checks = [col == v for v in values]
    return ibis.coalesce(functools.reduce(operator.or_, checks), False)


@dataclass(frozen=True)
class Number:
    """A parsed number: ``value`` (float64, null when absent or bad) and ``bad`` (bool)."""

    value: ir.FloatingValue
    bad: ir.BooleanValue
    negative: ir.BooleanValue


def number(col: ir.StringValue, *, scale: float = 1.0, cleaned: bool = False) -> Number:
    """Parse a decimal number. Absent is fine (null); text that is not a number is ``bad``.

    ``cleaned``: ``col`` is already :func:`clean_text` (skips trimming it again).
    """
    t = col if cleaned else text(col)
    s = ibis.cases((t.isin(list(NULL_MARKERS)), None), else_=t)
    v = s.try_cast("float64")
    bad = s.notnull() & (v.isnull() | v.isnan() | v.isinf())
    value = ibis.cases((bad, None), else_=v * scale if scale != 1.0 else v)
    return Number(value=value.cast("float64"), bad=bad, negative=value < 0)


@dataclass(frozen=True)
class ProductCode:
    """A normalised product code with its level, HS6 part and flags."""

    code: ir.StringValue
    level: ir.IntegerValue
    hs6: ir.StringValue
    padded: ir.BooleanValue
    bad: ir.BooleanValue


def product_code(col: ir.StringValue, *, cleaned: bool = False) -> ProductCode:
    """Normalise an HS/CN product code.

    ``TOTAL`` (any case, also ``TOT``/``ALL``) is the all-products total (level 0). Otherwise
    the code must be 1 to 10 digits (spaces and dots are removed: ``8471.30`` is ``847130``).
    Codes of odd length lost their leading zero (spreadsheets drop it: ``10121`` was
    ``010121``); they are padded and flagged ``padded``. Anything else is ``bad``.
    ``cleaned``: ``col`` is already :func:`clean_text` and upper case.
    """
    raw = col if cleaned else text(col).upper()
    digits = raw.replace(" ", "").replace(".", "")
    is_total = raw.isin(["TOTAL", "TOT", "ALL"])
    n = digits.length()
    numeric = digits.re_search(r"^[0-9]{1,10}$")
    odd = (n % 2) == 1
    padded = numeric & odd & ~is_total
    code_digits = ibis.cases((padded, "0" + digits), else_=digits)
    ok = is_total | numeric
    code = ibis.cases((is_total, "TOTAL"), (numeric, code_digits), else_=None)
    level = ibis.cases((is_total, 0), (numeric, code_digits.length()), else_=None).cast("int8")
    hs6 = ibis.cases((numeric & (code_digits.length() >= 6), code_digits.left(6)), else_=None)
    return ProductCode(
        code=code,
        level=level,
        hs6=hs6,
        padded=ibis.coalesce(padded, False),
        bad=ibis.coalesce(~ok, True),
    )


def parsed_columns(
    prod: ProductCode, value: Number, qty: Number, wgt: Number
) -> dict[str, ir.Value]:
    """The staged columns every importer derives from a product code and its three numbers."""
    return {
        "_code": prod.code,
        "_level": prod.level,
        "_hs6": prod.hs6,
        "_padded": prod.padded,
        "_code_bad": prod.bad,
        "_value": value.value,
        "_value_bad": value.bad,
        "_qty": qty.value,
        "_qty_bad": qty.bad,
        "_wgt": wgt.value,
        "_wgt_bad": wgt.bad,
    }


#: The largest value one trade line may have, in US dollars or euros (``1e13``, ten
#: trillion: more than a third of a year's world merchandise trade). Above it a value is a
#: unit error or a placeholder such as ``1e308``, and the row goes to quarantine.
MAX_VALUE: float = 1e13
#: The bound for values in other currencies (``1e18``): a line of ``1e13`` US dollars is
#: about ``1.3e17`` Uzbek sum, so only placeholders and overflow are caught.
MAX_VALUE_OTHER: float = 1e18


#: The currencies :data:`MAX_VALUE` applies to (the others get :data:`MAX_VALUE_OTHER`).
MAJOR_CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD")


def bound_message(bound: float, currency: str) -> str:
    """The quarantine reason for a value above ``bound``."""
    return f"value implausibly large for one trade line (above {bound:.0e} {currency})"


def quantity_checks(t: ir.Table) -> list[tuple[ir.BooleanValue, str]]:
    """Row checks on the staged quantity and net weight (see :func:`parsed_columns`)."""
    return [
        (t._qty_bad, "non-numeric quantity"),
        (t._qty < 0, "negative quantity"),
        (t._wgt_bad, "non-numeric net weight"),
        (t._wgt < 0, "negative net weight"),
    ]


def country_codes(scheme: str) -> pa.Table:
    """The crosswalk for one scheme as a small table ``(code, iso3)``."""
    cw = crosswalk()
    return cw.filter(pc.equal(cw["scheme"], scheme)).select(["code", "iso3"])


def known_codes() -> pa.Table:
    """Every code ``flows`` may hold, mapped to itself ``(code, iso3)``."""
    codes = sorted(iso3_codes())
    return pa.table({"code": codes, "iso3": codes})


def numeric_code(col: ir.StringValue) -> ir.StringValue:
    """A numeric country code without leading zeros (``'040'`` becomes ``'40'``)."""
    s = text(col)
    return ibis.coalesce(s.try_cast("int64").cast("string"), s)


def lookup(table: ir.Table, key: str, ref: ir.Table, *, name: str, keep: list[str]) -> ir.Table:
    """Left-join ``ref`` (``code``, ``iso3``) onto ``table`` by ``table[key]``.

    Adds column ``name`` (the mapped code, null when unknown) and keeps ``keep`` columns.
    """
    r = ref.rename({f"{name}__code": "code", name: "iso3"})
    joined = table.left_join(r, table[key] == r[f"{name}__code"])
    return joined.select(*keep, name)


def recode(col: ir.StringValue, mapping: dict[str, str]) -> ir.StringValue:
    """Map codes to values; anything not in ``mapping`` becomes null.

    (Ibis's ``substitute(..., else_=None)`` keeps unmapped values, which silently lets
    unknown codes through: never use it for validation.)
    """
    return col.substitute(mapping, else_=ibis.null("string"))


def first_reason(*checks: tuple[ir.BooleanValue, str | ir.StringValue]) -> ir.StringValue:
    """The message of the first check that is true, else null (messages may be expressions)."""
    cases: list[tuple[Any, Any]] = [
        (ibis.coalesce(c, False), ibis.literal(msg) if isinstance(msg, str) else msg)
        for c, msg in checks
    ]
    return ibis.cases(*cases, else_=ibis.null("string"))


def code_map(n: ir.IntegerValue, mapping: dict[int, str], width: int = 3) -> ir.StringValue:
    """Map small non-negative integer codes to fixed-width texts (null when unmapped).

    A row-wise scalar lookup into one constant string (slot ``n`` holds ``mapping[n]``),
    so it keeps the rows in file order, unlike a join, and costs a substring per row.
    """
    if not mapping:
        return ibis.null("string")
    if any(k < 0 for k in mapping) or any(len(v) != width for v in mapping.values()):
        raise ValueError("code_map needs non-negative codes and values of the given width")
    top = max(mapping)
    slots = "".join(mapping.get(i, " " * width) for i in range(top + 1))
    slot = ibis.literal(slots).substr(n * width, width)
    inside = (n >= 0) & (n <= top)
    return ibis.cases((inside & (slot != " " * width), slot), else_=ibis.null("string"))


def known_code(col: ir.StringValue, codes: Iterable[str]) -> ir.StringValue:
    """``col`` when it is one of ``codes`` (none may contain ``|``), else null.

    A substring test against one constant string: row-wise, so file order is kept.
    """
    codes = sorted(codes)
    if any("|" in c or not c for c in codes):
        raise ValueError("known_code needs non-empty codes without '|'")
    table = ibis.literal("|" + "|".join(codes) + "|")
    found = ~col.contains("|") & table.contains("|" + col + "|")
    return ibis.cases((found, col), else_=ibis.null("string"))
