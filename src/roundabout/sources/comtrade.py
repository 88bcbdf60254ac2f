"""UN Comtrade API v1 output (``/data/v1/get`` and the bulk files), CSV or JSON.

Columns are mapped by name, so extra or reordered columns do not matter. What is kept:

* ``period`` (``2022`` or ``202203``; else ``refYear``/``refMonth``) and ``freqCode``;
* reporter and partner from ``reporterISO``/``partnerISO`` when they are known codes,
  else from the numeric ``reporterCode``/``partnerCode`` (Comtrade's own numbering:
  842 USA, 251 France, 0 World, 899 Areas n.e.s.);
* ``partner2Code``: 0 means "all second partners" and is kept, with ``partner2`` null;
* ``flowCode`` X, M, RX, RM. Component flows (DX, FM, processing flows) and breakdowns by
  mode of transport or customs procedure would double-count the totals: such rows go to
  quarantine with the reason, so ``rows_read = rows_loaded + rows_rejected`` still holds;
* ``cmdCode`` as text (``TOTAL``, or HS digits; a lost leading zero is padded);
* ``primaryValue`` in US dollars (FOB for exports, CIF for imports, Comtrade's convention),
  ``qty`` with ``qtyUnitAbbr``, ``netWgt`` in kg.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from roundabout.errors import InputFileError
from roundabout.sources.base import Importer, StageContext, Staged, col, scan_csv_text
from roundabout.sources.normalize import (
    country_codes,
    first_reason,
    known_codes,
    number,
    numeric_code,
    parsed_columns,
    product_code,
    quantity_checks,
    recode,
)

HS_EDITIONS = {
    "H0": "HS1992",
    "H1": "HS1996",
    "H2": "HS2002",
    "H3": "HS2007",
    "H4": "HS2012",
    "H5": "HS2017",
    "H6": "HS2022",
}
FLOW_CODES = {"X": "export", "M": "import", "RX": "re-export", "RM": "re-import"}
#: The columns read (besides period, refYear and refMonth); all others are ignored.
COLUMNS = [
    "freqCode", "reporterCode", "reporterISO", "flowCode", "partnerCode", "partnerISO",
    "partner2Code", "partner2ISO", "classificationCode", "cmdCode", "customsCode", "motCode",
    "qtyUnitAbbr", "qty", "netWgt", "primaryValue",
]  # fmt: skip


class ComtradeImporter(Importer):
    format = "comtrade"
    source = "comtrade"

    def stage(self, ctx: StageContext) -> Staged:
        if ctx.path.suffix.lower() == ".json":
            clean = read_comtrade_json(ctx)
        else:
            scan = scan_csv_text(
                ctx,
                delimiter=ctx.delimiter or ",",
                required=["flowCode", "cmdCode", "primaryValue"],
                any_of=[
                    ["period", "refYear"],
                    ["reporterCode", "reporterISO"],
                    ["partnerCode", "partnerISO"],
                ],
            )
            clean = scan.first_step(ctx, clean_comtrade(scan.table))
        return Staged(
            table=normalize_comtrade(clean, ctx),
            encoding=ctx.encoding,
            source=self.source,
            raw=clean.drop("_per"),
        )


def read_comtrade_json(ctx: StageContext) -> ir.Table:
    """Read the API's JSON answer (``{"data": [...]}``), a bare list, or JSON lines."""
    from roundabout.sources.files import check_exists

    size = check_exists(ctx.path)
    con = ctx.backend
    view = ctx.temp_name("json")
    try:
        # the API answer is one JSON object: the reader's buffer must hold the whole file
        t = con.read_json(str(ctx.path), table_name=view, maximum_object_size=size + (1 << 20))
        if "data" in t.columns and t.count().execute() >= 1:
            t = t.select(rec=t.data.unnest()).unpack("rec")
        name = ctx.temp_name("raw")
        con.create_table(
            name, t.select(*[t[c].cast("string").name(c) for c in t.columns]), temp=True
        )
    except InputFileError:
        raise
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputFileError(ctx.path, f"cannot be read as Comtrade JSON: {first}") from None
    raw = con.table(name)
    missing = [c for c in ("flowCode", "cmdCode", "primaryValue") if c not in raw.columns]
    if missing:
        raise InputFileError(ctx.path, f"missing fields: {', '.join(missing)}")
    clean = ctx.checkpoint(clean_comtrade(raw), "clean")
    return clean.mutate(_line=(clean.rowid() + 1).cast("int64"))


def _country(
    t: ir.Table, iso_col: str, num_col: str, known: ir.Table, num: ir.Table, out: str
) -> ir.Table:
    """Add column ``out``: the numeric code mapped through the crosswalk, else the ISO code
    when it is a known code; ``{out}_raw`` keeps what the file said."""
    k = known.rename({f"{out}_k": "code", f"{out}_kv": "iso3"})
    n = num.rename({f"{out}_n": "code", f"{out}_nv": "iso3"})
    t = t.left_join(k, t[iso_col] == k[f"{out}_k"]).drop(f"{out}_k")
    t = t.left_join(n, t[num_col] == n[f"{out}_n"]).drop(f"{out}_n")
    return t.mutate(
        **{
            out: ibis.coalesce(t[f"{out}_nv"], t[f"{out}_kv"]),
            f"{out}_raw": ibis.coalesce(t[num_col], t[iso_col]),
        }
    ).drop(f"{out}_nv", f"{out}_kv")


def clean_comtrade(raw: ir.Table) -> ir.Table:
    """Step 1, straight from the file: the used columns as clean text, and the period.

    Missing optional columns become null; the rest of the file's columns are never copied.
    """
    numeric = ("reporterCode", "partnerCode", "partner2Code")
    upper = ("reporterISO", "partnerISO", "partner2ISO", "flowCode", "freqCode", "customsCode",
             "classificationCode", "cmdCode")  # fmt: skip
    cleaned = {}
    for c in COLUMNS:
        v = col(raw, c)
        cleaned[c] = numeric_code(v) if c in numeric else v.upper() if c in upper else v
    month = col(raw, "refMonth")
    year = col(raw, "refYear")
    month_missing = month.isnull() | month.isin(["52", "0"])
    return raw.select(
        _per=ibis.coalesce(
            col(raw, "period"),
            ibis.cases((month_missing, year), else_=year + month.lpad(2, "0")),
        ),
        **cleaned,
    )


def normalize_comtrade(t: ir.Table, ctx: StageContext) -> ir.Table:
    """Canonical columns from the clean step (see the module docstring).

    Two more materialised steps, each built only from the columns of the step before (see
    :meth:`StageContext.checkpoint`): parsed values with countries, then the result.
    """
    known = ctx.temp_table(known_codes())
    num = ctx.temp_table(country_codes("comtrade"))
    t = _country(t, "reporterISO", "reporterCode", known, num, "_reporter")
    t = _country(t, "partnerISO", "partnerCode", known, num, "_partner")
    t = _country(t, "partner2ISO", "partner2Code", known, num, "_partner2")
    prod = product_code(t.cmdCode)
    value, qty, netwgt = number(t.primaryValue), number(t.qty), number(t.netWgt)
    is_month = t._per.length() == 6
    t = t.select(
        "_line",
        "_per",
        "_reporter",
        "_partner",
        "_partner2",
        "_partner2_raw",
        "flowCode",
        "motCode",
        "customsCode",
        "classificationCode",
        "qtyUnitAbbr",
        _missing_value=t.primaryValue.isnull(),
        _per_ok=t._per.re_search(r"^(19|20)[0-9]{2}((0[1-9])|(1[0-2]))?$"),
        _is_month=is_month,
        _freq=ibis.coalesce(t.freqCode, ibis.cases((is_month, "M"), else_="A")),
        _flow=recode(t.flowCode, FLOW_CODES),
        **parsed_columns(prod, value, qty, netwgt),
    )
    t = ctx.checkpoint(t, "parsed")
    reason = first_reason(
        (t._per.isnull() | ~t._per_ok, "malformed period"),
        (
            ~t._freq.isin(["A", "M"]) | (t._is_month != (t._freq == "M")),
            "frequency does not match period",
        ),
        (t._reporter.isnull(), "unknown reporter country code"),
        (t._partner.isnull(), "unknown partner country code"),
        (t._partner2_raw.notnull() & t._partner2.isnull(), "unknown partner2 country code"),
        (t.flowCode.isnull(), "missing flow code"),
        (t._flow.isnull(), "flow code is a component or breakdown flow (kept: X, M, RX, RM)"),
        (t._code_bad, "malformed product code"),
        (
            t.motCode.notnull() & (t.motCode != "0"),
            "breakdown by mode of transport (kept: motCode 0)",
        ),
        (
            t.customsCode.notnull() & (t.customsCode != "C00"),
            "breakdown by customs procedure (kept: C00)",
        ),
        (t._missing_value, "missing value"),
        (t._value_bad, "non-numeric value"),
        (t._value < 0, "negative value"),
        *quantity_checks(t),
    )
    return t.select(
        period=ibis.cases(
            (t._is_month, t._per.left(4) + "-" + t._per.substr(4, 2)), else_=t._per.left(4)
        ),
        freq=t._freq,
        year=t._per.left(4).try_cast("int16"),
        month=ibis.cases((t._is_month, t._per.substr(4, 2).try_cast("int8")), else_=None),
        reporter=t._reporter,
        partner=t._partner,
        partner2=ibis.cases((t._partner2 == "W00", None), else_=t._partner2),
        flow=t._flow,
        product_code=t._code,
        product_level=t._level,
        hs6=t._hs6,
        hs_edition=recode(t.classificationCode, HS_EDITIONS),
        value=t._value,
        currency=ibis.literal("USD"),
        valuation=recode(
            t._flow, {"export": "FOB", "re-export": "FOB", "import": "CIF", "re-import": "CIF"}
        ),
        quantity=t._qty,
        quantity_unit=ibis.cases((t.qtyUnitAbbr.isin(["N/A", "-1"]), None), else_=t.qtyUnitAbbr),
        net_weight_kg=t._wgt,
        source=ibis.literal("comtrade"),
        source_line=t._line,
        _line=t._line,
        _reason=reason,
        _padded=t._padded,
    )
