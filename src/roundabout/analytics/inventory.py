"""What the flows hold, in one small table: who reports what to whom, at which level, when.

The analysis never guesses: it reads this inventory (one scan of ``flows``) to pick the
hubs and origins that are present, the product level of each reporter, the currency and the
months with product detail, and to say what is there instead when a request cannot be met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ibis.expr.types as ir


def inventory_expr(flows: ir.Table) -> ir.Table:
    """``flows`` grouped by reporter, partner, flow, freq, level and currency."""
    return flows.group_by(
        ["reporter", "partner", "flow", "freq", "product_level", "currency"]
    ).aggregate(rows=flows.count(), first=flows.period.min(), last=flows.period.max())


@dataclass(frozen=True, slots=True)
class Slice:
    """One inventory row."""

    reporter: str
    partner: str
    flow: str
    freq: str
    level: int
    currency: str
    rows: int
    first: str
    last: str


@dataclass(frozen=True)
class Inventory:
    slices: tuple[Slice, ...]

    @classmethod
    def of(cls, flows: ir.Table) -> Inventory:
        rows = inventory_expr(flows).to_pyarrow().to_pylist()
        return cls(
            tuple(
                Slice(
                    reporter=r["reporter"],
                    partner=r["partner"],
                    flow=r["flow"],
                    freq=r["freq"],
                    level=int(r["product_level"]),
                    currency=r["currency"],
                    rows=int(r["rows"]),
                    first=r["first"],
                    last=r["last"],
                )
                for r in rows
            )
        )

    def select(
        self,
        *,
        reporters: Iterable[str] | None = None,
        partners: Iterable[str] | None = None,
        flow: str | None = None,
        freq: str | None = "M",
        levels: Iterable[int] | None = None,
    ) -> list[Slice]:
        rs = None if reporters is None else set(reporters)
        ps = None if partners is None else set(partners)
        ls = None if levels is None else set(levels)
        return [
            s
            for s in self.slices
            if (rs is None or s.reporter in rs)
            and (ps is None or s.partner in ps)
            and (flow is None or s.flow == flow)
            and (freq is None or s.freq == freq)
            and (ls is None or s.level in ls)
        ]


def codes(slices: Iterable[Slice], attr: str) -> list[str]:
    """Sorted distinct values of ``attr`` (``reporter``, ``partner``, ``currency`` ...)."""
    return sorted({str(getattr(s, attr)) for s in slices})


def listing(values: Iterable[str], limit: int = 20) -> str:
    """``"ARM, KAZ, KGZ"``, shortened to ``limit`` items with a count of the rest."""
    items = sorted(set(values))
    if not items:
        return "none"
    head = ", ".join(items[:limit])
    return head if len(items) <= limit else f"{head} and {len(items) - limit} more"
