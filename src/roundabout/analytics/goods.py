"""The sanctioned goods, one row per HS6, with the first month each ban covers.

Lists come from :mod:`roundabout.reference.goods_lists` (bundled, or your own CSV). The
analysis works at HS6, the level of WP 276: a CN8 list is folded to HS6 (an HS6 counts as
sanctioned when any of its CN8 lines is, from the earliest of their dates). A list without
dates (``chp``, ``eu_cn8``) is taken to apply from
:data:`~roundabout.analytics.params.DEFAULT_SANCTION_DATE`.

Bans as the law has them (Council Regulation 833/2014 and its amendments): a ban takes effect
on its date, but contracts concluded before it could still be executed until the end of a
*wind-down* period. A line is therefore sanctioned from the first full month after the later
of the two dates (:func:`ban_month`): the EU list's road tractors (``870120``), banned on
8 April 2022 with a wind-down to 10 July, count from August 2022, not April. Luxury bans apply
only above a price per unit (``max_price_eur``: EUR 50,000 for cars, EUR 750 for phones and
laptops); a line whose only category is ``luxury`` is a *partial* ban, and the findings say
so ("banned above EUR 50,000 per unit from 2022-04").

The analysis edition is HS2017 (that of the EU list, and the only direction of the bundled
UNSD conversion table). A list in HS2022 (``chp``) has its codes converted to HS2017 through
:func:`roundabout.reference.hs.convert_to_hs2017`; the flows are converted the same way
(:mod:`roundabout.analytics.editions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.analytics.params import DEFAULT_SANCTION_DATE, add_months, first_full_month
from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.reference import goods_lists, hs

ANALYSIS_EDITION = "HS2017"

GOODS_SCHEMA = pa.schema(
    [
        pa.field("product", pa.string(), nullable=False),
        pa.field("effective_date", pa.date32(), nullable=False),
        pa.field("wind_down_date", pa.date32()),
        pa.field("sanctioned_from", pa.string(), nullable=False),
        pa.field("max_price_eur", pa.float64()),  # ban only above this price per unit
        pa.field("partial", pa.bool_(), nullable=False),  # the threshold limits the whole ban
        pa.field("description", pa.string()),
    ]
)


def ban_month(effective: date, wind_down: date | None) -> str:
    """The first full month under a ban: after the later of its effective and wind-down dates.

    A ban applies from its effective date (from 1 April covers April itself); a wind-down
    lets contracts be executed *until* its date, so the first full month after it is the
    next month, whatever the day.

    >>> ban_month(date(2022, 4, 8), date(2022, 7, 10))
    '2022-08'
    >>> ban_month(date(2022, 2, 25), date(2022, 5, 1))
    '2022-06'
    >>> ban_month(date(2022, 2, 25), None)
    '2022-03'
    """
    if wind_down is not None and wind_down > effective:
        return add_months(f"{wind_down.year:04d}-{wind_down.month:02d}", 1)
    return first_full_month(effective)


@dataclass(frozen=True)
class Goods:
    """A goods list folded to HS6: ``table`` has :data:`GOODS_SCHEMA`."""

    name: str
    table: pa.Table
    undated: int  # entries that took DEFAULT_SANCTION_DATE
    edition: str = ANALYSIS_EDITION  # the list's own edition (codes are in ANALYSIS_EDITION)
    converted: int = 0  # list codes converted from the list's edition

    def expr(self) -> ir.Table:
        """The list as an Ibis memtable (works on any backend)."""
        return ibis.memtable(self.table)

    def first_dates(self) -> list[date]:
        return sorted({d for d in self.table["effective_date"].to_pylist() if d is not None})

    def first_months(self) -> list[str]:
        """The distinct first months of the bans, earliest first."""
        return sorted(set(self.table["sanctioned_from"].to_pylist()))

    def shifted(self, months: int) -> Goods:
        """The same list with every ban moved by ``months`` (the placebo moves them -12)."""
        months_from = [add_months(m, months) for m in self.table["sanctioned_from"].to_pylist()]
        i = self.table.schema.get_field_index("sanctioned_from")
        table = self.table.set_column(i, "sanctioned_from", pa.array(months_from, pa.string()))
        return Goods(self.name, table, self.undated, self.edition, self.converted)


def load_goods(spec: str, entries: pa.Table | None = None) -> Goods:
    """The list named ``spec`` (bundled name or CSV path), or ``entries`` if given.

    ``entries`` must have the columns of :data:`roundabout.reference.goods_lists.ENTRIES_SCHEMA`
    (at least ``hs6`` and ``effective_date``).
    """
    edition = ANALYSIS_EDITION
    if entries is None:
        if spec in goods_lists.names():
            entries = goods_lists.entries(spec)
            edition = goods_lists.load(spec).edition
        elif Path(spec).is_file():
            info, entries = goods_lists.from_csv(Path(spec), name=Path(spec).stem, version="user")
            edition = info.edition
        else:
            raise NotFoundError(
                f"unknown goods list {spec!r}: give one of {', '.join(goods_lists.names())} "
                "or the path of a CSV file with a 'code' column"
            )
    if entries.num_rows == 0:
        raise RoundaboutError(
            f"goods list {spec!r} is empty: nothing to analyse "
            f"(bundled lists: {', '.join(goods_lists.names())})"
        )
    return fold_to_hs6(spec, entries, edition=edition)


def _column(entries: pa.Table, name: str) -> list[object]:
    if name in entries.column_names:
        return list(entries[name].to_pylist())
    return [None] * entries.num_rows


def fold_to_hs6(name: str, entries: pa.Table, *, edition: str = ANALYSIS_EDITION) -> Goods:
    """One row per HS6 (in :data:`ANALYSIS_EDITION`): the earliest ban month, the lowest
    price threshold (none if any line of the HS6 is banned at any price), the first
    description."""
    hs6 = entries["hs6"].to_pylist()
    converted = 0
    if edition != ANALYSIS_EDITION:
        recoded = []
        for code in hs6:
            new = hs.convert_to_hs2017(code) if code is not None else None
            converted += int(new is not None and new != code)
            recoded.append(new or code)
        hs6 = recoded
    dates = entries["effective_date"].to_pylist()
    winds = _column(entries, "wind_down_date")
    prices = _column(entries, "max_price_eur")
    cats = _column(entries, "category")
    descs = _column(entries, "description")
    acc: dict[str, dict[str, object]] = {}
    for code, on, wind, price, cat, desc in zip(
        hs6, dates, winds, prices, cats, descs, strict=True
    ):
        if code is None:
            continue
        eff = on if isinstance(on, date) else DEFAULT_SANCTION_DATE
        wd = wind if isinstance(wind, date) else None
        month = ban_month(eff, wd)
        partial = isinstance(price, float) and cat == "luxury"
        limit = price if isinstance(price, float) else None
        old = acc.get(code)
        if old is None:
            acc[code] = {
                "effective": eff, "wind": wd, "month": month, "price": limit,
                "partial": partial, "desc": desc, "undated": on is None,
            }  # fmt: skip
            continue
        if month < str(old["month"]):
            old.update(effective=eff, wind=wd, month=month)
        old_price = old["price"]
        old["price"] = (
            min(old_price, limit) if isinstance(old_price, float) and limit is not None else None
        )
        old["partial"] = bool(old["partial"]) and partial and old["price"] is not None
        old["desc"] = old["desc"] or desc
        old["undated"] = bool(old["undated"]) and on is None
    products = sorted(acc)
    rows = [acc[p] for p in products]
    table = pa.table(
        {
            "product": products,
            "effective_date": pa.array([r["effective"] for r in rows], pa.date32()),
            "wind_down_date": pa.array([r["wind"] for r in rows], pa.date32()),
            "sanctioned_from": [r["month"] for r in rows],
            "max_price_eur": pa.array([r["price"] for r in rows], pa.float64()),
            "partial": pa.array([bool(r["partial"]) for r in rows], pa.bool_()),
            "description": [r["desc"] for r in rows],
        },
        schema=GOODS_SCHEMA,
    )
    undated = sum(1 for r in rows if r["undated"])
    return Goods(name=name, table=table, undated=undated, edition=edition, converted=converted)
