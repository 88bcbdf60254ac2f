"""Eurostat Comext: EU member states' trade by CN8 product, in euros.

Comext is the EU's own trade database (dataset DS-045409 "EU trade since 1988 by HS2-4-6 and
CN8"). Each member state reports its trade with every partner by CN8 code (the EU's Combined
Nomenclature: the six HS digits plus two EU digits). The importer recognises three column sets
by their header (names are matched case-insensitively; extra columns do not matter) and stops
with an error listing what each variant misses when none matches:

**Bulk files, legacy columns** (``nc200852.dat`` ... ``full202352.dat``)::

    DECLARANT, DECLARANT_ISO, PARTNER, PARTNER_ISO, TRADE_TYPE, PRODUCT_NC, PRODUCT_SITC,
    PRODUCT_CPA2002, PRODUCT_CPA2008, PRODUCT_CPA2_1, PRODUCT_BEC, [PRODUCT_BEC5,]
    PRODUCT_SECTION, FLOW, STAT_REGIME, SUPP_UNIT, PERIOD, VALUE_IN_EUROS, QUANTITY_IN_KG,
    SUP_QUANTITY

**Bulk files, current columns** (``full_v2_YYYYMM.7z``, from 2024)::

    REPORTER, PARTNER, TRADE_TYPE, PRODUCT_NC, PRODUCT_SITC, PRODUCT_CPA21, PRODUCT_CPA22,
    PRODUCT_BEC, PRODUCT_BEC5, PRODUCT_SECTION, FLOW, STAT_PROCEDURE, SUPPL_UNIT, PERIOD,
    VALUE_EUR, [VALUE_NAC,] QUANTITY_KG, QUANTITY_SUPPL_UNIT

Only the reporter, partner, product, flow, statistical regime/procedure, period and value
columns are required; the quantity columns are used when present.

**Extracts** in long format (CSV, or Parquet with the same columns)::

    reporter_iso2, partner_iso2, [product_code | product], [code_level], [flow],
    period_yyyy_mm, value_eur, [stat_procedure], ...

as in the bundled demo files (``examples/data/``): the CN8 extract of EU exports to Russia and
its neighbours (Parquet, CN8 and HS4 rows), its CHPL subset (CSV) and the monthly totals
(product ``Total``, flows ``EXPORT``/``IMPORT``). An extract without a ``flow`` column is
exports (that is what the bundled extracts hold); without a product column it is the
all-products total.

What is kept, and the traps:

* **Countries** are Eurostat geonomenclature alpha-2 codes, mapped by crosswalk scheme
  ``comext``: ``EL`` and ``GR`` are Greece, ``XI``/``XU`` (the two parts of the United Kingdom
  since 2021) and ``GB`` are GBR, aggregates such as ``EU27_2020``, ``EU_CHANGING``, ``EA20`` are
  kept as aggregate codes (never summed with countries). Unknown codes are quarantined.
* **Flows**: ``FLOW`` 1 is an import (valued CIF), 2 an export (FOB); extracts say
  ``IMPORT``/``EXPORT``. Values are in euros (``currency`` EUR): nothing is converted.
* **Periods**: ``PERIOD`` is ``YYYYMM``; month ``52`` is the **annual total** (the bulk file
  ``full_v2_202452`` holds the year 2024), stored as ``period`` ``2024``, ``freq`` ``A``.
  Extracts write ``YYYY-MM``. Anything else (month 13, 00, two-digit years) is quarantined.
* **Products**: ``PRODUCT_NC`` is a CN8 code or ``TOTAL``. A CN8 code that lost its leading
  zero (``1012100``, from a spreadsheet) is padded back and counted. Codes with letters are
  **confidential** aggregates (``8471XXXX``, ``99RRR100``: trade hidden to protect a company,
  reported under a masked code): they are no CN8 code, so they go to quarantine with that
  reason; their value is still in the ``TOTAL`` row. Other lengths are quarantined in bulk
  files. ``hs6`` is the first six digits.
* **Levels overlap.** The bundled extract holds CN8 rows *and* HS4 rows covering the same
  trade. Both are loaded, with ``product_level`` 8 and 4 (checked against ``code_level``), so
  an analysis filters one level and never sums both. ``TOTAL`` rows are level 0.
* **HS edition** follows the CN year: the CN of year Y embeds the HS edition in force in Y
  (CN2022 onwards HS2022, 2017-2021 HS2017, 2012-2016 HS2012, 2007-2011 HS2007, 2002-2006
  HS2002, 1996-2001 HS1996, before HS1992). ``TOTAL`` rows have no edition.
* **Statistical regimes never double count.** Legacy bulk files split each flow by
  ``STAT_REGIME`` (1 normal trade, 2 inward processing, 3 outward processing, 9 not recorded
  from customs declarations) *and* repeat it as ``STAT_REGIME`` 4, the **total** of the
  regimes. Loading both would count the trade twice. The rule, per file: when the file holds
  total rows (legacy ``4``; ``T``/``TOTAL`` in data-browser extracts), only the total rows are
  loaded and the component rows are quarantined with that reason. When it holds no total (the
  current bulk files: ``STAT_PROCEDURE`` 1, 2, 3, 9 only), every component row is loaded: they
  are disjoint parts whose sum is the total, so ``flows`` (which has no regime column) sums to
  the right figure; an unknown code is quarantined rather than risk a hidden total.
* **Missing values**: Eurostat writes ``:`` for "not available"; such a value is quarantined
  (``missing value``); a ``:`` quantity is null.
* **Line numbers** (``source_line``, quarantine ``line``) are file lines for CSV (the header
  is line 1) and record numbers (1-based) for Parquet. Values are trimmed of spaces; the
  quarantine keeps the row as read, its fields joined by ``|``.
* **Size.** A monthly bulk file has millions of rows: the file is read in one pass that
  writes numbers and flags rather than text (every text column written costs time), then
  joined to the crosswalk.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import ibis
import ibis.expr.types as ir

from roundabout.errors import InputFileError
from roundabout.sources.base import (
    Importer,
    StageContext,
    Staged,
    raw_joined,
    scan_csv_text,
)
from roundabout.sources.files import check_exists
from roundabout.sources.normalize import (
    MAX_VALUE,
    bound_message,
    clean_text,
    country_codes,
    first_reason,
    one_of,
    trim,
)


@dataclass(frozen=True)
class Variant:
    """One Comext column set: which column plays which role (names upper-cased)."""

    name: str
    columns: dict[str, str]
    required: tuple[str, ...]
    total_codes: frozenset[str]
    total_label: str
    product_levels: frozenset[int]


_BULK_LEVELS: Final = frozenset({0, 8})
_EXTRACT_LEVELS: Final = frozenset({0, 2, 4, 6, 8})
_BULK_REQUIRED: Final = ("reporter", "partner", "product", "flow", "stat", "period", "value")

CURRENT: Final = Variant(
    name="bulk file, current columns (2024+)",
    columns={
        "reporter": "REPORTER",
        "partner": "PARTNER",
        "product": "PRODUCT_NC",
        "flow": "FLOW",
        "stat": "STAT_PROCEDURE",
        "period": "PERIOD",
        "value": "VALUE_EUR",
        "kg": "QUANTITY_KG",
        "supp_qty": "QUANTITY_SUPPL_UNIT",
        "supp_unit": "SUPPL_UNIT",
    },
    required=_BULK_REQUIRED,
    total_codes=frozenset({"T", "TOTAL"}),
    total_label="T",
    product_levels=_BULK_LEVELS,
)
LEGACY: Final = Variant(
    name="bulk file, legacy columns",
    columns={
        "reporter": "DECLARANT_ISO",
        "partner": "PARTNER_ISO",
        "product": "PRODUCT_NC",
        "flow": "FLOW",
        "stat": "STAT_REGIME",
        "period": "PERIOD",
        "value": "VALUE_IN_EUROS",
        "kg": "QUANTITY_IN_KG",
        "supp_qty": "SUP_QUANTITY",
        "supp_unit": "SUPP_UNIT",
    },
    required=_BULK_REQUIRED,
    total_codes=frozenset({"4", "T", "TOTAL"}),
    total_label="4",
    product_levels=_BULK_LEVELS,
)
EXTRACT: Final = Variant(
    name="extract (reporter_iso2, partner_iso2, period_yyyy_mm, value_eur)",
    columns={
        "reporter": "REPORTER_ISO2",
        "partner": "PARTNER_ISO2",
        "product": "PRODUCT_CODE",
        "product_alt": "PRODUCT",
        "code_level": "CODE_LEVEL",
        "flow": "FLOW",
        "stat": "STAT_PROCEDURE",
        "period": "PERIOD_YYYY_MM",
        "value": "VALUE_EUR",
    },
    required=("reporter", "partner", "period", "value"),
    total_codes=frozenset({"T", "TOTAL"}),
    total_label="T",
    product_levels=_EXTRACT_LEVELS,
)
VARIANTS: Final = (CURRENT, LEGACY, EXTRACT)

#: Statistical regime / procedure codes that are disjoint parts of the total.
COMPONENT_CODES: Final = frozenset({"1", "2", "3", "9"})
FLOW_CODES: Final = {
    "1": "import",
    "2": "export",
    "IMPORT": "import",
    "EXPORT": "export",
    "IMPORTS": "import",
    "EXPORTS": "export",
}
CODE_LEVELS: Final = {"CN8": 8, "HS6": 6, "HS4": 4, "HS2": 2, "TOTAL": 0}


class ComextImporter(Importer):
    """Eurostat Comext bulk files (both column sets) and long-format extracts (CSV, Parquet)."""

    format = "comext"
    source = "comext"

    def stage(self, ctx: StageContext) -> Staged:
        if is_parquet(ctx):
            scan = scan_parquet_text(ctx)
            header_line = 0
            first_step = functools.partial(_first_step_parquet, ctx)
        else:
            csv = scan_csv_text(ctx, delimiter=ctx.delimiter or ",", required=[])
            scan, header_line = csv.table, csv.header_line
            first_step = functools.partial(csv.first_step, ctx)
        variant, names = detect_variant(ctx, scan.columns, header_line)
        table = normalize_comext(scan, first_step, ctx, variant, names)
        return Staged(table=table, encoding=ctx.encoding, source=self.source)


def is_parquet(ctx: StageContext) -> bool:
    """True when the file starts with Parquet's magic bytes (whatever its name)."""
    check_exists(ctx.path)
    with ctx.path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def scan_parquet_text(ctx: StageContext) -> ir.Table:
    """Register a Parquet file as a lazy scan with every column cast to text."""
    try:
        src = ctx.backend.read_parquet(str(ctx.path), table_name=ctx.temp_name("parquet"))
    except Exception as exc:  # DuckDB raises several types for a damaged file
        raise _parquet_error(ctx, exc) from None
    return src.select(*[src[c].cast("string").name(c) for c in src.columns])


def _parquet_error(ctx: StageContext, exc: Exception) -> InputFileError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return InputFileError(ctx.path, f"cannot be read as Parquet: {first}")


def _first_step_parquet(ctx: StageContext, expr: ir.Table, prefix: str = "clean") -> ir.Table:
    """Materialise a projection of the Parquet scan with ``_line`` (the record number).

    DuckDB keeps the file's order when it writes the temp table, so ``rowid + 1`` is the
    record number (1-based) in the file.
    """
    try:
        t = ctx.checkpoint(expr, prefix)
    except Exception as exc:
        raise _parquet_error(ctx, exc) from None
    return t.mutate(_line=(t.rowid() + 1).cast("int64"))


def detect_variant(
    ctx: StageContext, columns: list[str], header_line: int
) -> tuple[Variant, dict[str, str]]:
    """The first variant whose required columns are all present, and ``role -> column``.

    Raises :class:`InputFileError` naming what each variant misses when none matches.
    """
    by_upper = {c.strip().upper(): c for c in columns}
    problems = []
    for variant in VARIANTS:
        wanted = [variant.columns[r] for r in variant.required]
        missing = [c for c in wanted if c not in by_upper]
        if not missing:
            names = {r: by_upper[c] for r, c in variant.columns.items() if c in by_upper}
            return variant, names
        problems.append(f"{variant.name}: missing {', '.join(missing)}")
    found = ", ".join(columns[:12]) + (" ..." if len(columns) > 12 else "")
    raise InputFileError(
        ctx.path,
        f"not a Comext file, no known column set matches ({'; '.join(problems)}; found: {found})",
        header_line or None,
    )


def period_key(col: ir.StringValue) -> ir.StringValue:
    """A trimmed period text without ``-`` and ``M`` (``2020-01``, ``2020M01`` -> ``202001``)."""
    return col.upper().replace("-", "").replace("M", "")


def period_ok(p: ir.StringValue) -> ir.BooleanValue:
    """``p`` (a :func:`period_key`) is ``YYYY``, ``YYYYMM`` with month 01-12, or ``YYYY52``."""
    return ibis.coalesce(p.re_search(r"^(19|20)[0-9]{2}(0[1-9]|1[0-2]|52)?$"), False)


@dataclass(frozen=True)
class Period:
    """The canonical period columns of a valid period key (nulls when not valid)."""

    period: ir.StringValue
    freq: ir.StringValue
    year: ir.IntegerValue
    month: ir.IntegerValue


def period_parts(p: ir.StringValue, ok: ir.BooleanValue) -> Period:
    """``period``/``freq``/``year``/``month`` from a :func:`period_key` ``p`` and its
    :func:`period_ok` flag (pass a column computed in an earlier step, not the expression).

    Month ``52`` is Comext's annual total: ``period`` ``YYYY``, ``freq`` ``A``, null month.
    """
    monthly = ok & (p.length() == 6) & (p.right(2) != "52")
    year4 = p.left(4)
    return Period(
        period=ibis.cases(
            (monthly, year4 + "-" + p.substr(4, 2)), (ok, year4), else_=ibis.null("string")
        ),
        freq=ibis.cases((monthly, "M"), (ok, "A"), else_=ibis.null("string")),
        year=ibis.cases((ok, year4.cast("int16")), else_=ibis.null("int16")),
        month=ibis.cases((monthly, p.substr(4, 2).cast("int8")), else_=ibis.null("int8")),
    )


def cn_key(col: ir.StringValue) -> ir.StringValue:
    """A trimmed product code, upper-cased, without spaces and dots (``8471.30`` -> ``847130``)."""
    return col.upper().replace(" ", "").replace(".", "")


@dataclass(frozen=True)
class CnFlags:
    """What a :func:`cn_key` is: the total, all digits, or digits mixed with letters."""

    total: ir.BooleanValue
    numeric: ir.BooleanValue
    letters: ir.BooleanValue


def cn_flags(d: ir.StringValue) -> CnFlags:
    """Classify a :func:`cn_key` (``TOTAL``; 1-10 digits; digits and letters = confidential)."""
    return CnFlags(
        total=one_of(d, ["TOTAL", "TOT", "ALL"]),
        numeric=ibis.coalesce(d.re_search(r"^[0-9]{1,10}$"), False),
        letters=ibis.coalesce(d.re_search(r"[0-9]") & d.re_search(r"[A-Z]"), False),
    )


@dataclass(frozen=True)
class CnCode:
    """A normalised Comext product code."""

    code: ir.StringValue
    level: ir.IntegerValue
    hs6: ir.StringValue
    padded: ir.BooleanValue
    confidential: ir.BooleanValue
    bad: ir.BooleanValue


def cn_code(
    d: ir.StringValue, total: ir.BooleanValue, numeric: ir.BooleanValue, letters: ir.BooleanValue
) -> CnCode:
    """The code, level and HS6 of a :func:`cn_key` ``d`` given its :func:`cn_flags` columns.

    An odd number of digits lost its leading zero and is padded (``1012100`` is
    ``01012100``, ``padded``). Digits mixed with letters (``8471XXXX``, ``99RRR100``) are
    ``confidential``; anything else that is neither digits nor ``TOTAL`` is ``bad``.
    """
    padded = numeric & (d.length() % 2 == 1)
    digits = ibis.cases((padded, "0" + d), else_=d)
    n = d.length() + padded.cast("int64")
    confidential = ~total & letters
    return CnCode(
        code=ibis.cases((total, "TOTAL"), (numeric, digits), else_=ibis.null("string")),
        level=ibis.cases((total, 0), (numeric, n), else_=ibis.null("int64")).cast("int8"),
        hs6=ibis.cases((numeric & (n >= 6), digits.left(6)), else_=ibis.null("string")),
        padded=padded,
        confidential=confidential,
        bad=d.notnull() & ~total & ~numeric & ~confidential,
    )


def hs_edition_of_cn_year(year: ir.IntegerValue) -> ir.StringValue:
    """The HS edition embedded in the CN of a given year (the CN follows the HS revisions)."""
    return ibis.cases(
        (year >= 2022, "HS2022"),
        (year >= 2017, "HS2017"),
        (year >= 2012, "HS2012"),
        (year >= 2007, "HS2007"),
        (year >= 2002, "HS2002"),
        (year >= 1996, "HS1996"),
        (year >= 1988, "HS1992"),
        else_=ibis.null("string"),
    )


def _code_part(s: ir.StringValue) -> ir.StringValue:
    """The code of a ``code-label`` cell (``T-Total`` -> ``T``, ``1-IMPORT`` -> ``1``)."""
    return trim(s.re_replace(r"-.*$", "")).upper().nullif("")


def _bad_number(s: ir.StringValue, v: ir.FloatingValue) -> ir.BooleanValue:
    """Text present but not a finite number (``v`` is ``s`` cast to float)."""
    return s.notnull() & ibis.coalesce(v.isnull() | v.isnan() | v.isinf(), True)


def normalize_comext(
    scan: ir.Table,
    first_step: Callable[[ir.Table], ir.Table],
    ctx: StageContext,
    variant: Variant,
    names: dict[str, str],
) -> ir.Table:
    """Canonical columns from a Comext scan with every column as text (module docstring).

    One pass over the file (``first_step``: every check that needs only the row, as flags
    and typed values, plus the row as read for the quarantine), then the country lookup and
    the canonical columns. Every text column written costs time on millions of rows, so
    the first step keeps only the few texts the next needs.
    """

    def field(role: str, *, colon_is_null: bool = False) -> ir.StringValue:
        if role not in names:
            return ibis.null("string")
        s = clean_text(scan[names[role]])
        return s.nullif(":") if colon_is_null else s

    if "product" in names:
        product = field("product")
    elif "product_alt" in names:
        product = _code_part(scan[names["product_alt"]])
    else:
        product = ibis.literal("TOTAL")
    d = cn_key(product)
    flags = cn_flags(d)
    p = period_key(field("period"))
    flow = _code_part(scan[names["flow"]]) if "flow" in names else ibis.literal("EXPORT")
    stat = _code_part(scan[names["stat"]]) if "stat" in names else ibis.null("string")
    code_level = field("code_level").upper()
    value = field("value", colon_is_null=True)
    kg = field("kg", colon_is_null=True)
    supp = field("supp_qty", colon_is_null=True)
    unit = field("supp_unit")
    has_unit = unit.notnull() & ~one_of(unit.upper(), ["NO_SU", "-", "0"])
    v, w, q = value.try_cast("float64"), kg.try_cast("float64"), supp.try_cast("float64")
    # Step 1, one pass over the file.
    t = first_step(
        scan.select(
            reporter=field("reporter").upper(),
            partner=field("partner").upper(),
            _d=d,
            _total=flags.total,
            _numeric=flags.numeric,
            _letters=flags.letters,
            _p=p,
            _per_ok=period_ok(p),
            _no_period=p.isnull(),
            _no_reporter=field("reporter").isnull(),
            _no_partner=field("partner").isnull(),
            _no_flow=flow.isnull(),
            _flow=flow.substitute(FLOW_CODES, else_=ibis.null("string")),
            _stat_given=stat.notnull(),
            _stat_total=one_of(stat, sorted(variant.total_codes)),
            _stat_component=one_of(stat, sorted(COMPONENT_CODES)),
            _no_product=product.isnull(),
            _code_level_given=code_level.notnull(),
            _want_level=ibis.cases(
                *[
                    (one_of(code_level, [k]), ibis.literal(n, "int8"))
                    for k, n in CODE_LEVELS.items()
                ],
                else_=ibis.null("int8"),
            ),
            _v=v,
            _no_value=value.isnull(),
            _value_bad=_bad_number(value, v),
            _kg=w,
            _kg_bad=_bad_number(kg, w),
            _qty=ibis.cases((has_unit, q), else_=ibis.null("float64")),
            _qty_bad=has_unit & _bad_number(supp, q),
            _unit=ibis.cases((has_unit, unit), else_=ibis.null("string")),
            _raw=raw_joined(scan, list(scan.columns)),
        )
    )
    has_total = "stat" in names and bool(t.filter(t._stat_total).limit(1).count().execute())
    # Step 2: countries, the first failing check, the canonical columns.
    ref = ctx.temp_table(country_codes("comext"))
    rep = ref.rename(_rep_code="code", _reporter="iso3")
    par = ref.rename(_par_code="code", _partner="iso3")
    t = t.left_join(rep, t.reporter == rep._rep_code).drop("_rep_code")
    t = t.left_join(par, t.partner == par._par_code).drop("_par_code")
    if has_total:
        stat_col = names["stat"]
        stat_check = (
            ~t._stat_total,
            f"{stat_col} is a component of the total, which the file also has "
            f"(kept: the total rows, {stat_col} {variant.total_label})",
        )
    else:
        stat_check = (
            t._stat_given & ~t._stat_component,
            f"unknown {names.get('stat', 'statistical procedure')} code "
            "(kept: 1, 2, 3, 9, or the total)",
        )
    per = period_parts(t._p, t._per_ok)
    cn = cn_code(t._d, t._total, t._numeric, t._letters)
    levels = sorted(variant.product_levels)
    reason = first_reason(
        (t._no_period, "missing period"),
        (~t._per_ok, "malformed period (expected YYYYMM, YYYY-MM or YYYY; month 52 = year)"),
        (t._no_reporter, "missing reporter"),
        (t._reporter.isnull(), "unknown reporter country code"),
        (t._no_partner, "missing partner"),
        (t._partner.isnull(), "unknown partner country code"),
        (t._no_flow, "missing flow"),
        (t._flow.isnull(), "unknown flow (kept: 1 import, 2 export, IMPORT, EXPORT)"),
        stat_check,
        (t._no_product, "missing product code"),
        (
            cn.confidential,
            "confidential product code (letters in the CN code, e.g. 8471XXXX): not a CN8 code",
        ),
        (cn.bad, "malformed product code"),
        (
            ~one_of(cn.level, levels),
            f"product code is not CN8 (kept levels: {', '.join(map(str, levels))}; 0 = TOTAL)",
        ),
        (t._code_level_given & t._want_level.isnull(), "unknown code_level"),
        (t._want_level.notnull() & (t._want_level != cn.level), "code_level does not match code"),
        (t._no_value, "missing value"),
        (t._value_bad, "non-numeric value"),
        (t._v < 0, "negative value"),
        (t._v > MAX_VALUE, bound_message(MAX_VALUE, "EUR")),
        (t._kg_bad, "non-numeric net weight"),
        (t._kg < 0, "negative net weight"),
        (t._qty_bad, "non-numeric supplementary quantity"),
        (t._qty < 0, "negative supplementary quantity"),
    )
    return t.select(
        period=per.period,
        freq=per.freq,
        year=per.year,
        month=per.month,
        reporter=t._reporter,
        partner=t._partner,
        partner2=ibis.null("string"),
        flow=t._flow,
        product_code=cn.code,
        product_level=cn.level,
        hs6=cn.hs6,
        hs_edition=ibis.cases(
            (t._numeric, hs_edition_of_cn_year(per.year)), else_=ibis.null("string")
        ),
        value=ibis.cases((t._value_bad, ibis.null("float64")), else_=t._v),
        currency=ibis.literal("EUR"),
        valuation=t._flow.substitute({"export": "FOB", "import": "CIF"}, else_=ibis.null("string")),
        quantity=ibis.cases((t._qty_bad, ibis.null("float64")), else_=t._qty),
        quantity_unit=ibis.cases((t._qty.notnull(), t._unit), else_=ibis.null("string")),
        net_weight_kg=ibis.cases((t._kg_bad, ibis.null("float64")), else_=t._kg),
        source=ibis.literal("comext"),
        source_line=t._line,
        _line=t._line,
        _reason=reason,
        _padded=cn.padded,
        _raw=ibis.cases((reason.notnull(), t._raw), else_=ibis.null("string")),
    )
