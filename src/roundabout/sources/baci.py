"""CEPII BACI: bilateral trade flows at HS6, one CSV per year (``BACI_HS17_Y2022_V202401.csv``).

BACI reconciles the exporter's and the importer's Comtrade declarations into one value per
(year, exporter, importer, product). The file has six columns, all mapped by name:

========  ===============================================================================
``t``     year
``i``     exporter, a BACI numeric country code (France 251, India 699, USA 842: BACI uses
          Comtrade's numbering, not plain UN M49), mapped through crosswalk scheme ``baci``
``j``     importer, same codes
``k``     HS6 product code of the file's HS edition
``v``     value in **thousand** US dollars
``q``     quantity in **metric tonnes**; ``NA`` when unknown
========  ===============================================================================

Each row becomes one ``flows`` row: an ``export`` reported by ``i`` to partner ``j``, annual
(``freq`` ``A``, ``period`` the year), valued FOB, in USD.

Traps this importer handles:

* **Thousands.** ``v`` is in thousand US dollars: ``value`` stores ``v * 1000``. Forgetting this
  makes BACI a thousand times smaller than Comtrade or Comext.
* **Tonnes.** ``q`` is in tonnes: ``quantity`` keeps it with ``quantity_unit`` ``t`` and
  ``net_weight_kg`` is ``q * 1000``. ``NA`` (or blank) is a null quantity, not an error.
* **Padding.** Some releases and every spreadsheet round-trip print ``k`` as a number, so
  ``010121`` arrives as ``10121``. A five-digit code is padded back and counted
  (``codes_padded`` in the manifest); anything but five or six digits is quarantined.
* **Spaces.** Values may be padded with spaces (``   NA``, `` 1.234``); they are trimmed, and
  the quarantine keeps the row exactly as read.
* **The HS edition is not in the data.** It is in the file name (``BACI_HS17_...`` is HS2017,
  ``BACI_HS92_...`` HS1992); a file renamed without it gets a null ``hs_edition``.
* **Country codes** are looked up as numbers, so leading zeros do not matter (``040`` is
  Austria); an unknown code is quarantined with its reason, never dropped.
* **Size.** A yearly file has about ten million rows: the file is read in one pass that
  writes numbers and flags (text costs), then joined to the crosswalk.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import ibis
import ibis.expr.types as ir

from roundabout.sources.base import (
    CsvScan,
    Importer,
    StageContext,
    Staged,
    raw_joined,
    scan_csv_text,
)
from roundabout.sources.normalize import (
    MAX_VALUE,
    bound_message,
    clean_text,
    country_codes,
    first_reason,
    one_of,
)

#: The two-digit edition tag of a BACI file name -> the HS edition.
HS_EDITIONS: Final[dict[str, str]] = {
    "92": "HS1992",
    "96": "HS1996",
    "02": "HS2002",
    "07": "HS2007",
    "12": "HS2012",
    "17": "HS2017",
    "22": "HS2022",
}
COLUMNS: Final = ["t", "i", "j", "k", "v", "q"]
#: Texts BACI (or a spreadsheet round-trip) writes for "no value".
NA_MARKERS: Final = ("NA", "N/A", "NaN", "nan", "null", "NULL")
_EDITION_RE: Final = re.compile(r"(?:^|[^A-Za-z0-9])BACI_HS(\d{2})(?:[^0-9]|$)", re.IGNORECASE)


def hs_edition_from_name(path: Path | str) -> str | None:
    """The HS edition named in a BACI file name (``BACI_HS17_Y2022_V202401.csv`` -> HS2017).

    ``None`` when the name carries no known edition tag.
    """
    m = _EDITION_RE.search(Path(path).name)
    return HS_EDITIONS.get(m.group(1)) if m else None


class BaciImporter(Importer):
    """CEPII BACI yearly CSV files (columns ``t,i,j,k,v,q``)."""

    format = "baci"
    source = "baci"

    def stage(self, ctx: StageContext) -> Staged:
        scan = scan_csv_text(ctx, delimiter=ctx.delimiter or ",", required=COLUMNS)
        return Staged(table=normalize_baci(scan, ctx), encoding=ctx.encoding, source=self.source)


def _bad_number(s: ir.StringValue, v: ir.FloatingValue) -> ir.BooleanValue:
    """Text present but not a finite number (``v`` is ``s`` cast to float)."""
    return s.notnull() & ibis.coalesce(v.isnull() | v.isnan() | v.isinf(), True)


def normalize_baci(scan: CsvScan, ctx: StageContext) -> ir.Table:
    """Canonical columns from the BACI scan (see the module docstring).

    One pass over the file (every check that needs only the row, as flags and typed values,
    plus the row as read for the quarantine), then the country lookup and the canonical
    columns. A yearly BACI file has about ten million rows: the first step writes one text
    column (``k``) besides the raw row, everything else as numbers and flags.
    """
    r = scan.table
    year, i, j, k, v = (clean_text(r[c]) for c in ("t", "i", "j", "k", "v"))
    q_text = clean_text(r.q)
    q = ibis.cases((one_of(q_text, NA_MARKERS), ibis.null("string")), else_=q_text)
    v_num, q_num = v.try_cast("float64"), q.try_cast("float64")
    # Step 1, one pass over the file.
    t = scan.first_step(
        ctx,
        r.select(
            _year=year.try_cast("int16"),
            _year_ok=ibis.coalesce(year.re_search(r"^(19|20)[0-9]{2}$"), False),
            _i=i.try_cast("int64"),
            _no_i=i.isnull(),
            _j=j.try_cast("int64"),
            _no_j=j.isnull(),
            k=k,
            _k_ok=ibis.coalesce(k.re_search(r"^[0-9]{5,6}$"), False),
            _v=v_num,
            _no_v=v.isnull(),
            _v_bad=_bad_number(v, v_num),
            _q=q_num,
            _q_bad=_bad_number(q, q_num),
            _raw=raw_joined(r, COLUMNS),
        ),
    )
    # Step 2: countries, the first failing check, the canonical columns.
    codes = ctx.temp_table(country_codes("baci"))
    ref = codes.select(code=codes.code.cast("int64"), iso3=codes.iso3)
    exp = ref.rename(_exp_code="code", _reporter="iso3")
    imp = ref.rename(_imp_code="code", _partner="iso3")
    t = t.left_join(exp, t._i == exp._exp_code).drop("_exp_code")
    t = t.left_join(imp, t._j == imp._imp_code).drop("_imp_code")
    reason = first_reason(
        (~t._year_ok, "malformed year (t)"),
        (t._no_i, "missing exporter code (i)"),
        (t._reporter.isnull(), "unknown exporter country code (i)"),
        (t._no_j, "missing importer code (j)"),
        (t._partner.isnull(), "unknown importer country code (j)"),
        (t.k.isnull(), "missing product code (k)"),
        (~t._k_ok, "product code (k) is not an HS6 code"),
        (t._no_v, "missing value (v)"),
        (t._v_bad, "non-numeric value (v)"),
        (t._v < 0, "negative value (v)"),
        (t._v * 1000.0 > MAX_VALUE, bound_message(MAX_VALUE, "USD") + " (v is in thousands)"),
        (t._q_bad, "non-numeric quantity (q)"),
        (t._q < 0, "negative quantity (q)"),
    )
    padded = t._k_ok & (t.k.length() == 5)
    code = ibis.cases((padded, "0" + t.k), (t._k_ok, t.k), else_=ibis.null("string"))
    qty = ibis.cases((t._q_bad, ibis.null("float64")), else_=t._q)
    return t.select(
        period=t._year.cast("string"),
        freq=ibis.literal("A"),
        year=t._year,
        month=ibis.null("int8"),
        reporter=t._reporter,
        partner=t._partner,
        partner2=ibis.null("string"),
        flow=ibis.literal("export"),
        product_code=code,
        product_level=ibis.cases((t._k_ok, 6), else_=ibis.null("int64")).cast("int8"),
        hs6=code,
        hs_edition=ibis.literal(hs_edition_from_name(ctx.path), type="string"),
        value=ibis.cases((t._v_bad, ibis.null("float64")), else_=t._v * 1000.0),
        currency=ibis.literal("USD"),
        valuation=ibis.literal("FOB"),
        quantity=qty,
        quantity_unit=ibis.cases((qty.notnull(), "t"), else_=ibis.null("string")),
        net_weight_kg=qty * 1000.0,
        source=ibis.literal("baci"),
        source_line=t._line,
        _line=t._line,
        _reason=reason,
        _padded=padded,
        _raw=ibis.cases((reason.notnull(), t._raw), else_=ibis.null("string")),
    )
