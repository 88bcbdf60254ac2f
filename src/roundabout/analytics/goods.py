"""The sanctioned goods, one row per HS6, with the first month each ban covers.

Lists come from :mod:`roundabout.reference.goods_lists` (bundled, or your own CSV). The
analysis works at HS6, the level of WP 276: a CN8 list is folded to HS6 (an HS6 counts as
sanctioned when any of its CN8 lines is, from the earliest of their dates). A list without
dates (``chp``, ``eu_cn8``) is taken to apply from
:data:`~roundabout.analytics.params.DEFAULT_SANCTION_DATE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.analytics.params import DEFAULT_SANCTION_DATE, first_full_month
from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.reference import goods_lists

GOODS_SCHEMA = pa.schema(
    [
        pa.field("product", pa.string(), nullable=False),
        pa.field("effective_date", pa.date32(), nullable=False),
        pa.field("sanctioned_from", pa.string(), nullable=False),
        pa.field("description", pa.string()),
    ]
)


@dataclass(frozen=True)
class Goods:
    """A goods list folded to HS6: ``table`` has :data:`GOODS_SCHEMA`."""

    name: str
    table: pa.Table
    undated: int  # entries that took DEFAULT_SANCTION_DATE

    def expr(self) -> ir.Table:
        """The list as an Ibis memtable (works on any backend)."""
        return ibis.memtable(self.table)

    def first_dates(self) -> list[date]:
        return sorted({d for d in self.table["effective_date"].to_pylist() if d is not None})


def load_goods(spec: str, entries: pa.Table | None = None) -> Goods:
    """The list named ``spec`` (bundled name or CSV path), or ``entries`` if given.

    ``entries`` must have the columns of :data:`roundabout.reference.goods_lists.ENTRIES_SCHEMA`
    (at least ``hs6`` and ``effective_date``).
    """
    if entries is None:
        if spec in goods_lists.names():
            entries = goods_lists.entries(spec)
        elif Path(spec).is_file():
            _, entries = goods_lists.from_csv(Path(spec), name=Path(spec).stem, version="user")
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
    return fold_to_hs6(spec, entries)


def fold_to_hs6(name: str, entries: pa.Table) -> Goods:
    """One row per HS6: the earliest effective date, the first description."""
    first: dict[str, tuple[date | None, str | None]] = {}
    has_desc = "description" in entries.column_names
    hs6 = entries["hs6"].to_pylist()
    dates = entries["effective_date"].to_pylist()
    descs = entries["description"].to_pylist() if has_desc else [None] * len(hs6)
    for code, on, desc in zip(hs6, dates, descs, strict=True):
        if code is None:
            continue
        old = first.get(code)
        if old is None:
            first[code] = (on, desc)
            continue
        earliest = min((d for d in (old[0], on) if d is not None), default=None)
        first[code] = (earliest, old[1] or desc)
    undated = sum(1 for on, _ in first.values() if on is None)
    products = sorted(first)
    effective = [first[p][0] or DEFAULT_SANCTION_DATE for p in products]
    table = pa.table(
        {
            "product": products,
            "effective_date": pa.array(effective, pa.date32()),
            "sanctioned_from": [first_full_month(d) for d in effective],
            "description": [first[p][1] for p in products],
        },
        schema=GOODS_SCHEMA,
    )
    return Goods(name=name, table=table, undated=undated)
