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

import functools

import ibis
import ibis.expr.types as ir

from roundabout.errors import InputFileError
from roundabout.sources.base import (
    Importer,
    StageContext,
    Staged,
    col,
    scan_csv_text,
)
from roundabout.sources.breakdowns import BREAKDOWN_REASONS, sum_breakdowns
from roundabout.sources.comtrade_json import answer_records, is_answer_object, records_table
from roundabout.sources.comtrade_layouts import LEGACY_FLOWS, Layout, detect
from roundabout.sources.normalize import (
    MAX_VALUE,
    bound_message,
    code_map,
    country_codes,
    first_reason,
    known_code,
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
#: The flows, in the order of their integer ids in the materialised step.
FLOWS = ["export", "re-export", "import", "re-import"]
#: Comtrade's numeric country codes: compared as integers (``'040'`` is 40).
NUMERIC = ("reporterCode", "partnerCode", "partner2Code")
#: The columns read (besides period, refYear and refMonth); all others are ignored.
COLUMNS = [
    "freqCode", "reporterCode", "reporterISO", "flowCode", "partnerCode", "partnerISO",
    "partner2Code", "partner2ISO", "classificationCode", "cmdCode", "customsCode", "motCode",
    "qtyUnitAbbr", "qty", "netWgt", "primaryValue", "aggrLevel",
]  # fmt: skip


class ComtradeImporter(Importer):
    format = "comtrade"
    source = "comtrade"

    def stage(self, ctx: StageContext) -> Staged:
        if ctx.path.suffix.lower() == ".json":
            raw, layout = read_comtrade_json(ctx)
            t = ctx.checkpoint(stage_comtrade(raw, layout), "staged")
            t = t.mutate(_line=(t.rowid() + 1).cast("int64"))
        else:
            scan = scan_csv_text(ctx, delimiter=ctx.delimiter or ",", required=[])
            layout = detect(scan.file.header, ctx.path, line=scan.header_line)
            # One pass over the file: every row parsed, checked and normalised, in file
            # order (no joins), so the step's rowid is the record number.
            t = scan.first_step(ctx, stage_comtrade(renamed(scan.table, layout), layout))
        t = sum_breakdowns(ctx, t)
        return Staged(
            table=canonical_comtrade(t),
            encoding=ctx.encoding,
            source=self.source,
        )


def renamed(raw: ir.Table, layout: Layout) -> ir.Table:
    """The file's columns that hold a field, named as in API v1 (the others dropped)."""
    return raw.select(**{field: raw[column] for field, column in layout.columns.items()})


def read_comtrade_json(ctx: StageContext) -> tuple[ir.Table, Layout]:
    """Read the API's JSON answer (``{"data": [...]}``), a bare list, or JSON lines.

    Returns the records as a temp table, every field as text, in file order, with the
    fields named as in API v1, and the layout found.
    """
    from roundabout.sources.files import check_exists, check_utf8, transcode_to_utf8

    size = check_exists(ctx.path)
    path = ctx.path
    if ctx.encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig"):
        check_utf8(path)
    else:
        path = transcode_to_utf8(path, ctx.encoding, ctx.workdir)
        size = path.stat().st_size
    con = ctx.backend
    if is_answer_object(path):
        # one API answer: parsed in Python (see roundabout.sources.comtrade_json)
        records = answer_records(path)
        if not records:
            raise InputFileError(ctx.path, "no data rows (the answer's 'data' list is empty)")
        raw = ctx.temp_table(records_table(records), "raw")
        layout = detect(raw.columns, ctx.path, line=None)
        return renamed(raw, layout), layout
    view = ctx.temp_name("json")
    try:
        # a list of records, or JSON lines
        t = con.read_json(str(path), table_name=view, maximum_object_size=size + (1 << 20))
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
    layout = detect(raw.columns, ctx.path, line=None)
    return renamed(raw, layout), layout


@functools.cache
def _country_refs() -> tuple[dict[int, str], frozenset[str]]:
    """Comtrade's numeric codes (as integers) to ISO alpha-3, and every known code."""
    num = country_codes("comtrade").to_pylist()
    known = frozenset(known_codes()["code"].to_pylist())
    return {int(r["code"]): r["iso3"] for r in num}, known


def _country(t: ir.Table, iso_col: str, num_col: str) -> ir.StringValue:
    """The numeric code mapped through the crosswalk, else the ISO code when it is a known
    code (row-wise lookups: no join, file order kept)."""
    num, known = _country_refs()
    n = t[num_col].try_cast("int64")
    return ibis.coalesce(code_map(n, num), known_code(t[iso_col], known))


def clean_comtrade(raw: ir.Table, layout: Layout | None = None) -> ir.Table:
    """Step 1, straight from the file: the used columns as clean text, and the period.

    Missing optional columns become null; the rest of the file's columns are never copied.
    Legacy flow codes (``1`` import, ``2`` export, ...) become the v1 letters.
    """
    upper = ("reporterISO", "partnerISO", "partner2ISO", "flowCode", "freqCode", "customsCode",
             "classificationCode", "cmdCode")  # fmt: skip
    cleaned = {}
    for c in COLUMNS:
        v = col(raw, c)
        cleaned[c] = v.upper() if c in upper else v
    if layout is not None and layout.legacy_flows:
        cleaned["flowCode"] = cleaned["flowCode"].substitute(LEGACY_FLOWS)
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


def stage_comtrade(raw: ir.Table, layout: Layout | None = None) -> ir.Table:
    """The staged columns (see :mod:`roundabout.sources.base`) straight from the raw text,
    as one expression: clean text, then parsed values, then checks and canonical columns.

    ``_raw`` (the used fields as read, joined by ``|``) is kept for rejected rows only.
    ``_brk`` says whether the row is a breakdown (see :mod:`roundabout.sources.breakdowns`)
    and ``_reason_b`` holds a breakdown row's own problem (a bad value), if any.
    """
    t = clean_comtrade(raw, layout)
    prod = product_code(t.cmdCode, cleaned=True)
    value, qty, netwgt = (number(t[c], cleaned=True) for c in ("primaryValue", "qty", "netWgt"))
    is_month = t._per.length() == 6
    num, known = _country_refs()
    t = t.select(
        "_per",
        *COLUMNS,
        **{
            f"_{side}_num": code_map(t[f"{side}Code"].try_cast("int64"), num)
            for side in ("reporter", "partner")
        },
        _partner2=_country(t, "partner2ISO", "partner2Code"),
        _partner2_raw=ibis.coalesce(t.partner2Code, t.partner2ISO),
        _missing_value=t.primaryValue.isnull(),
        _per_ok=t._per.re_search(r"^(19|20)[0-9]{2}((0[1-9])|(1[0-2]))?$"),
        _is_month=is_month,
        _freq=ibis.coalesce(t.freqCode, ibis.cases((is_month, "M"), else_="A")),
        _flow=recode(t.flowCode, FLOW_CODES),
        _aggr=t.aggrLevel.try_cast("int8"),
        **parsed_columns(prod, value, qty, netwgt),
    )
    reporter = ibis.coalesce(t._reporter_num, known_code(t.reporterISO, known))
    partner = ibis.coalesce(t._partner_num, known_code(t.partnerISO, known))
    reason_a = first_reason(
        (t._per.isnull() | ~t._per_ok, "malformed period"),
        (
            ~t._freq.isin(["A", "M"]) | (t._is_month != (t._freq == "M")),
            "frequency does not match period",
        ),
        (reporter.isnull(), "unknown reporter country code"),
        (partner.isnull(), "unknown partner country code"),
        (_disagree(t, "reporter"), _disagreement(t, "reporter")),
        (_disagree(t, "partner"), _disagreement(t, "partner")),
        (t._partner2_raw.notnull() & t._partner2.isnull(), "unknown partner2 country code"),
        (t.flowCode.isnull(), "missing flow code"),
        (t._flow.isnull(), "flow code is a component or breakdown flow (kept: X, M, RX, RM)"),
        (t._code_bad, "malformed product code"),
        (
            t._aggr.notnull() & (t._level != t._aggr),
            "product code " + t._code + " is not at its aggregate level " + t.aggrLevel,
        ),
    )
    mot = t.motCode.notnull() & (t.motCode != "0")
    customs = t.customsCode.notnull() & (t.customsCode != "C00")
    brk = ibis.cases((mot, 1), else_=0) + ibis.cases((customs, 2), else_=0)
    reason_b = first_reason(
        (t._missing_value, "missing value"),
        (t._value_bad, "non-numeric value"),
        (t._value < 0, "negative value"),
        (t._value > MAX_VALUE, bound_message(MAX_VALUE, "USD")),
        *quantity_checks(t),
    )
    reason = ibis.coalesce(
        reason_a,
        ibis.cases((mot, BREAKDOWN_REASONS[1]), (customs, BREAKDOWN_REASONS[2]), else_=None),
        reason_b,
    )
    # Only what cannot be derived is materialised (the step may not fit in memory on large
    # files): text codes become small integers, see :func:`canonical_comtrade`.
    return t.select(
        year=t._per.left(4).try_cast("int16"),
        month=ibis.cases((t._is_month, t._per.substr(4, 2).try_cast("int8")), else_=None),
        reporter=reporter,
        partner=partner,
        partner2=ibis.cases((t._partner2 == "W00", None), else_=t._partner2),
        _flow_id=_encode(t._flow, FLOWS),
        product_code=t._code,
        product_level=t._level,
        _hs_id=_encode(t.classificationCode, list(HS_EDITIONS)),
        value=t._value,
        quantity=t._qty,
        quantity_unit=ibis.cases((t.qtyUnitAbbr.isin(["N/A", "-1"]), None), else_=t.qtyUnitAbbr),
        net_weight_kg=t._wgt,
        _reason=reason,
        _padded=t._padded,
        _raw=ibis.cases((reason.notnull(), _raw_text(t)), else_=ibis.null("string")),
        _brk=brk.cast("int8"),
        _reason_b=ibis.cases((brk > 0, reason_b), else_=ibis.null("string")),
    )


def _disagree(t: ir.Table, side: str) -> ir.BooleanValue:
    """Whether the row's numeric code and its ISO code name two different places.

    Both must be three-letter codes: Comtrade writes codes such as ``_X`` or ``X1`` for
    areas not elsewhere specified, which contradict nothing. (A lookup of the ISO code in
    the known codes would cost a third of the staging pass.)
    """
    num, iso = t[f"_{side}_num"], t[f"{side}ISO"]
    return ibis.coalesce((num != iso) & (iso.length() == 3), False)


def _disagreement(t: ir.Table, side: str) -> ir.StringValue:
    return (
        f"{side}Code "
        + numeric_code(t[f"{side}Code"])
        + " is "
        + t[f"_{side}_num"]
        + f" but {side}ISO is "
        + t[f"{side}ISO"]
    )


def _raw_text(t: ir.Table) -> ir.StringValue:
    """The used fields as read (numeric codes without leading zeros), joined by ``|``."""
    parts = [(numeric_code(t[c]) if c in NUMERIC else t[c]).fill_null("") for c in COLUMNS]
    return ibis.literal("|").join(parts)


def _encode(v: ir.StringValue, values: list[str]) -> ir.IntegerValue:
    """The position of ``v`` in ``values`` as int8, null when it is none of them."""
    return ibis.cases(*[(v == x, i) for i, x in enumerate(values)], else_=None).cast("int8")


def _decode(i: ir.IntegerValue, values: list[str]) -> ir.StringValue:
    return ibis.cases(*[(i == n, x) for n, x in enumerate(values)], else_=ibis.null("string"))


def canonical_comtrade(t: ir.Table) -> ir.Table:
    """The staged table: the canonical columns derived from the materialised step.

    Exact for good rows (their period and frequency passed the checks); rejected rows keep
    only ``_line``, ``_reason`` and ``_raw``.
    """
    is_month = t.month.notnull()
    year = t.year.cast("string")
    return t.mutate(
        period=ibis.cases((is_month, year + "-" + t.month.cast("string").lpad(2, "0")), else_=year),
        freq=ibis.cases((is_month, "M"), else_="A"),
        flow=_decode(t._flow_id, FLOWS),
        hs6=ibis.cases((t.product_level >= 6, t.product_code.left(6)), else_=None),
        hs_edition=_decode(t._hs_id, list(HS_EDITIONS.values())),
        currency=ibis.literal("USD"),
        # Comtrade's convention: exports FOB, imports CIF (ids as in FLOWS)
        valuation=ibis.cases((t._flow_id <= 1, "FOB"), (t._flow_id <= 3, "CIF"), else_=None),
        source=ibis.literal("comtrade"),
        source_line=t._line,
    )
