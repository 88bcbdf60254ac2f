"""Sanctioned-goods lists: which product codes are banned for export to Russia, and since when.

Three lists are bundled (sources and licences in ``data/PROVENANCE.md``):

``eu_hs6`` — EU export bans at HS6, from Chupilkin, Javorcik & Plekhanov (2023), "The Eurasian
    Roundabout" (EBRD). 2,304 HS6 codes, each with the date the ban took effect (2016-12-22 for
    17 codes from the 2014 sanctions, then the 2022-2023 packages: 894 codes on 2022-02-25, 583
    on 2022-03-15, ...), the end of the wind-down period during which existing contracts could
    still be executed, and categories (``luxury``, ``dual_use``, ``industrial_cap``,
    ``military_tech``, ``aviation``, ``firearms``, ``oil_exploration``, ``oil_refining``).
    Caveats: an HS6 code is listed when *any* product in it is banned, so the list overstates;
    luxury bans apply only above a price (see :func:`eu_hs6_details`); it stops at the 10th
    package (February 2023); codes are HS2017 (seven are valid in neither HS2017 nor HS2022,
    e.g. ``255734``); in 80 rows the wind-down date precedes the effective date (kept as is).
``eu_cn8`` — the 2,223 CN8 codes named in the annexes of Council Regulation (EU) 833/2014,
    consolidated on 7 October 2022. The source records neither the date each code was banned nor
    the annex, so ``effective_date`` and ``category`` are null. CN editions are mixed (the
    CN2021 ``62011210`` and the CN2022 ``62012000`` are both present).
``chp`` — the Common High Priority list (EU, US, UK, Japan; version 2024-02-23): 50 HS2022
    codes of battlefield goods (chips, navigation, machine tools) in tiers 1, 2, 3.A, 3.B, 4.A,
    4.B; tier 1 is the most critical. No dates. Six codes (e.g. ``880730`` drone parts) exist
    only in HS2022 and so never appear in ``eu_hs6``; compare via ``hs.to_hs2017``.

Every list is served as one table with the fixed schema :data:`ENTRIES_SCHEMA`. Use
:func:`from_csv` to load a list of your own into the same shape.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc

from roundabout.errors import InputFileError, NotFoundError
from roundabout.reference import hs

ENTRIES_SCHEMA: Final = pa.schema(
    [
        pa.field("list_name", pa.string(), nullable=False),
        pa.field("version", pa.string(), nullable=False),
        pa.field("code", pa.string(), nullable=False),  # zero-padded HS6 or CN8
        pa.field("code_level", pa.string(), nullable=False),  # "hs6" or "cn8"
        pa.field("hs6", pa.string(), nullable=False),  # first six digits of code
        pa.field("effective_date", pa.date32()),  # null: unknown
        pa.field("wind_down_date", pa.date32()),
        pa.field("category", pa.string()),  # "dual_use+luxury", "tier 1", ...
        pa.field("tier", pa.string()),  # CHP tier: "1", "2", "3.A", ...
        pa.field("description", pa.string()),
        pa.field("max_price_eur", pa.float64()),  # ban only above this price per unit
    ]
)


@dataclass(frozen=True, slots=True)
class GoodsList:
    """What a list is: its name, version (publication date), source and code level."""

    name: str
    version: str
    source: str
    code_level: str  # "hs6" or "cn8"
    description: str
    edition: str = "HS2017"  # HS edition of the codes ("HS2017" or "HS2022")


#: Category flags of the eu_hs6 list, in the order they are joined with "+".
EU_CATEGORIES: Final = (
    "aviation",
    "dual_use",
    "firearms",
    "industrial_cap",
    "luxury",
    "military_tech",
    "oil_exploration",
    "oil_refining",
)

_Record = dict[str, Any]


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = (resources.files("roundabout.reference") / "data" / filename).read_text("utf-8-sig")
    yield from csv.DictReader(io.StringIO(text, newline=""))


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def _flag(value: str) -> bool:
    return value != "" and float(value) == 1.0


def _eu_hs6() -> Iterator[_Record]:
    for r in _rows("eu_sanctions_hs6_chupilkin_et_al_2023.csv"):
        if not _flag(r["EU_sanction"]):
            continue
        code = r["hs6"]
        yield {
            "code": code,
            "effective_date": _date(r["Date"]),
            "wind_down_date": _date(r["Winddowndate"]),
            "category": "+".join(f for f in EU_CATEGORIES if _flag(r[f])) or None,
            "description": hs.describe(code, "HS2017") or hs.describe(code, "HS2022"),
            "max_price_eur": float(r["Maxprice"]) if r["Maxprice"] else None,
        }


def _eu_cn8() -> Iterator[_Record]:
    for r in _rows("eu_reg833_2014_export_ban_cn_codes_consolidated_2022-10-07.csv"):
        yield {"code": r["code"], "description": r["product"] or None}


def _chp() -> Iterator[_Record]:
    for r in _rows("chpl_common_high_priority_list_hs6_tiers_2024-02-23.csv"):
        yield {
            "code": r["hs6"],
            "category": f"tier {r['tier']}",
            "tier": r["tier"],
            "description": r["hs2022_description_from_datasets_harmonized_system"] or None,
        }


_BUILTIN: Final[dict[str, tuple[GoodsList, Callable[[], Iterator[_Record]]]]] = {
    "eu_hs6": (
        GoodsList(
            name="eu_hs6",
            version="2023-02-25",
            source="Chupilkin, Javorcik & Plekhanov (2023), openICPSR 229004, "
            "via LeeSeogMin/sanctions data/raw/EU_sanctions_HS6.dta",
            code_level="hs6",
            description="EU export bans on Russia at HS6 (HS2017) with effective dates and "
            "categories, packages up to the 10th (Feb 2023). An HS6 is listed when any "
            "product in it is banned; descriptions are HS2017 texts.",
        ),
        _eu_hs6,
    ),
    "eu_cn8": (
        GoodsList(
            name="eu_cn8",
            version="2022-10-07",
            source="Council Regulation (EU) 833/2014 consolidated 2022-10-07, "
            "via vzemlys/ruimpeks meta/export_sanctions_codes.csv",
            code_level="cn8",
            description="CN8 codes in the export-ban annexes of Reg. 833/2014 as of 7 Oct 2022. "
            "No dates and no annex per code (effective_date and category are null).",
        ),
        _eu_cn8,
    ),
    "chp": (
        GoodsList(
            name="chp",
            version="2024-02-23",
            source="Common High Priority Items List (EU/US/UK/Japan), version 2024-02-23",
            code_level="hs6",
            description="50 HS2022 codes of battlefield items in tiers 1-4.B, tier 1 most "
            "critical. No dates (effective_date is null).",
            edition="HS2022",
        ),
        _chp,
    ),
}


def names() -> list[str]:
    """Names of the bundled lists: ``["eu_hs6", "eu_cn8", "chp"]``."""
    return list(_BUILTIN)


def load(name: str) -> GoodsList:
    """The description of a bundled list; :class:`NotFoundError` for an unknown name."""
    try:
        return _BUILTIN[name][0]
    except KeyError:
        raise NotFoundError(f"unknown goods list {name!r}; known: {', '.join(names())}") from None


def _table(goods: GoodsList, records: Iterator[_Record]) -> pa.Table:
    rows = [
        {
            "list_name": goods.name,
            "version": goods.version,
            "code_level": goods.code_level,
            "hs6": r["code"][:6],
            **r,
        }
        for r in records
    ]
    return pa.Table.from_pylist(rows, schema=ENTRIES_SCHEMA)


@cache
def entries(name: str) -> pa.Table:
    """All entries of a bundled list, in the file's order, with schema :data:`ENTRIES_SCHEMA`."""
    goods = load(name)
    return _table(goods, _BUILTIN[name][1]())


def as_of(table: pa.Table, on: date) -> pa.Table:
    """Rows in force on ``on``: effective_date <= on, or effective_date unknown (null).

    Rows without a date are kept: for ``eu_cn8`` and ``chp`` every row is "in force" on any date,
    which is right for screening but wrong for before/after comparisons — use ``eu_hs6`` there.
    """
    column = table["effective_date"]
    mask = pc.or_kleene(pc.is_null(column), pc.less_equal(column, pa.scalar(on, pa.date32())))
    return table.filter(mask)


def entries_as_of(name: str, on: date) -> pa.Table:
    """The entries of a bundled list in force on a date (see :func:`as_of`)."""
    return as_of(entries(name), on)


def covers(table: pa.Table, code: str, on: date) -> bool:
    """Whether a list table bans ``code`` on ``on``.

    A 6-digit code matches any entry in that HS6, so for a CN8 list it means "some CN8 line of
    this HS6 is banned". An 8-digit code matches its own CN8 entry or an HS6 entry covering it.
    """
    code = normalise_code(code)
    current = as_of(table, on)
    if len(code) == 6:
        mask = pc.equal(current["hs6"], code)
    else:
        same_code = pc.equal(current["code"], code)
        hs6_entry = pc.and_(
            pc.equal(current["code_level"], "hs6"), pc.equal(current["hs6"], code[:6])
        )
        mask = pc.or_(same_code, hs6_entry)
    return bool(pc.any(mask).as_py())


def sanctioned_at(name: str, hs6_or_code: str, on: date) -> bool:
    """Whether a bundled list bans a code on a date: ``sanctioned_at("eu_hs6", "854231", d)``.

    Lists without dates (``eu_cn8``, ``chp``) answer True for every date; see :func:`covers`.
    """
    return covers(entries(name), hs6_or_code, on)


def eu_hs6_details() -> pa.Table:
    """Extra columns of ``eu_hs6``: ``hs6, partially_exempt, max_price_eur``.

    ``max_price_eur`` is the price threshold of luxury bans (EUR 300 per item for most, also
    525, 750, 1,000, 5,000, 50,000): goods cheaper than this were not banned, so compare unit
    values before calling a flow a breach. ``partially_exempt`` marks codes with carve-outs.
    """
    hs6: list[str] = []
    exempt: list[bool] = []
    price: list[float | None] = []
    for r in _rows("eu_sanctions_hs6_chupilkin_et_al_2023.csv"):
        if _flag(r["EU_sanction"]):
            hs6.append(r["hs6"])
            exempt.append(_flag(r["partially_exempt"]))
            price.append(float(r["Maxprice"]) if r["Maxprice"] else None)
    return pa.table(
        {
            "hs6": pa.array(hs6, pa.string()),
            "partially_exempt": pa.array(exempt, pa.bool_()),
            "max_price_eur": pa.array(price, pa.float64()),
        }
    )


# --- user lists ---------------------------------------------------------------------------

_PLAIN: Final = re.compile(r"[0-9]{5,8}")
_SEPARATED: Final = re.compile(r"([0-9]{4})[. ]([0-9]{2})(?:[. ]([0-9]{2}))?")
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_OPTIONAL: Final = ("effective_date", "wind_down_date", "category", "tier", "description")
_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def normalise_code(raw: str) -> str:
    """A zero-padded HS6 or CN8 code from user text; ValueError when it is not one.

    Accepts ``854231``, ``85423100``, ``8542.31``, ``8542 31 00``. Codes of 5 or 7 digits
    lost their leading zero in a spreadsheet (``10121`` -> ``010121``) and are padded.
    """
    text = raw.strip()
    if _PLAIN.fullmatch(text):
        digits = text
    elif match := _SEPARATED.fullmatch(text):
        digits = "".join(part for part in match.groups() if part)
    else:
        raise ValueError(f"malformed code {raw!r}: expected 6 (HS) or 8 (CN) digits")
    return digits.zfill(6) if len(digits) <= 6 else digits.zfill(8)


def _user_record(fields: dict[str, str]) -> _Record:
    record: _Record = {"code": normalise_code(fields["code"])}
    for column in _OPTIONAL:
        value = fields.get(column, "").strip()
        if column.endswith("_date") and value:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(f"{column} {value!r} is not a YYYY-MM-DD date")
            try:
                record[column] = date.fromisoformat(value)
            except ValueError as exc:  # 2022-02-30, 2022-13-01
                raise ValueError(f"{column} {value!r} is not a date ({exc})") from None
        else:
            record[column] = value or None
    price = fields.get("max_price_eur", "").strip().replace(",", "")
    if price and (not _NUMBER.fullmatch(price) or float(price) <= 0):
        raise ValueError(f"max_price_eur {price!r} is not a positive amount in EUR (e.g. 750)")
    record["max_price_eur"] = float(price) if price else None
    return record


def _read_user_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, fields) for each non-blank data row; InputFileError on bad shape."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        if "code" not in header:
            found = ", ".join(header) or "nothing"
            raise InputFileError(path, f"no 'code' column in the header (found: {found})", line=1)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                message = f"{len(row)} fields but the header has {len(header)}"
                raise InputFileError(path, message, line=reader.line_num)
            yield reader.line_num, dict(zip(header, row, strict=True))


def from_csv(path: str | Path, name: str, version: str) -> tuple[GoodsList, pa.Table]:
    """Load your own goods list from a CSV file with columns
    ``code[,effective_date,wind_down_date,category,tier,description,max_price_eur]`` (other
    columns ignored).

    Codes are HS6 or CN8 (one level per file), see :func:`normalise_code`, taken as HS2017;
    dates are ``YYYY-MM-DD`` or empty; an optional ``max_price_eur`` column gives the price
    per unit above which a line is banned (luxury bans). Any problem raises
    :class:`InputFileError` naming the line.
    """
    path = Path(path)
    records: list[_Record] = []
    try:
        for line, fields in _read_user_rows(path):
            try:
                record = _user_record(fields)
            except ValueError as exc:
                raise InputFileError(path, str(exc), line=line) from None
            if records and len(record["code"]) != len(records[0]["code"]):
                message = f"code {record['code']} mixes HS6 and CN8 codes in one list"
                raise InputFileError(path, message, line=line)
            records.append(record)
    except OSError as exc:
        raise InputFileError(path, f"cannot read the file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputFileError(path, "not UTF-8 text") from None
    except csv.Error as exc:
        raise InputFileError(path, f"not valid CSV ({exc})") from None
    if not records:
        raise InputFileError(path, "no codes in the file")
    level = "hs6" if len(records[0]["code"]) == 6 else "cn8"
    goods = GoodsList(name, version, str(path), level, f"User list from {path.name}")
    return goods, _table(goods, iter(records))
