"""HS editions: every row in the goods list's edition before anything is classified.

The EU list is HS2017; trade data switched to HS2022 in January 2022. Without a conversion,
the 2022 rows of a renumbered product (smartphones ``851713``, formerly ``851712``; road
tractors ``870121``, formerly ``870120``) are "not on the list", and their 2021 rows have no
2022 sequel. :func:`recode` converts each row through the UNSD tables
(:func:`roundabout.reference.hs.recode_to_hs2017`): one HS2017 code per row, so a split's
parts are added to one code and nothing is counted twice.

A conversion cannot repair a series that is missing on one side. In the bundled Eurostat
extract, for instance, the 2021 lines of smartphones were never extracted: converted, their
2022 flows would all read as excess. :func:`set_aside` finds the products present in one
period only (at product level, over every route of the panel) and takes them out of every
measure, with the reason and the money involved (``set_aside`` in ``leaks --json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from roundabout.analytics.params import Span
from roundabout.reference import hs


@cache
def _recode_arrow() -> pa.Table:
    items = sorted(hs.recode_to_hs2017().items())
    return pa.table(
        {
            "r_edition": [e for (e, _), _ in items],
            "r_code": [c for (_, c), _ in items],
            "r_product": [t for _, (t, _) in items],
            "r_how": [h for _, (_, h) in items],
        }
    )


def recode(flows: ir.Table) -> ir.Table:
    """``flows`` with ``product`` (``TOTAL``, or the HS6 in HS2017) and ``recoded_from`` /
    ``recoded_how`` (null unless the row's code changed)."""
    r = ibis.memtable(_recode_arrow())
    j = flows.left_join(r, (flows.hs_edition == r.r_edition) & (flows.hs6 == r.r_code))
    product = ibis.cases(
        (j.product_level == 0, ibis.literal("TOTAL")), else_=j.r_product.fill_null(j.hs6)
    )
    return j.mutate(
        product=product,
        recoded_from=ibis.cases((j.r_product.notnull(), j.hs6), else_=ibis.null("string")),
        recoded_how=j.r_how,
    ).drop("r_edition", "r_code", "r_product", "r_how")


def conversion_counts(picked: ir.Table) -> dict[str, Any]:
    """``summary.hs_conversion``: rows and value converted, by kind of link, over the
    panel's baseline and window rows."""
    p = picked.filter(picked.seg.notnull(), picked.recoded_from.notnull())
    rows = (
        p.group_by("recoded_how")
        .aggregate(
            rows=p.count(),
            value=p.value.sum(),
            codes=p.recoded_from.nunique(),
            into=p.product.nunique(),
        )
        .to_pyarrow()
        .to_pylist()
    )
    by = {r["recoded_how"]: r for r in rows}
    return {
        "edition": "HS2017",
        "rows_converted": sum(int(r["rows"]) for r in rows),
        "value_converted": round(sum(float(r["value"] or 0.0) for r in rows), 2),
        "codes_converted": sum(int(r["codes"]) for r in rows),
        "by_link": {
            how: {
                "rows": int(r["rows"]),
                "value": round(float(r["value"] or 0.0), 2),
                "codes": int(r["codes"]),
                "into": int(r["into"]),
            }
            for how, r in sorted(by.items())
        },
    }


@dataclass(frozen=True)
class SetAside:
    """A product taken out of every measure, and why."""

    product: str
    reason: str
    value: float  # money in the period that has the product (all routes of the panel)
    hub_value: float  # of which to the hubs
    kind: str  # its class had it stayed: sanctioned or other

    def to_dict(self) -> dict[str, Any]:
        return {
            "product": self.product,
            "reason": self.reason,
            "value": round(self.value, 2),
            "hub_value": round(self.hub_value, 2),
            "kind": self.kind,
        }


def one_sided(segments: ir.Table, hubs: tuple[str, ...], origins: tuple[str, ...]) -> ir.Table:
    """Products (not totals) with rows in one of baseline and window only, over the panel:
    ``product, kind, base, win, hub_base, hub_win``."""
    s = segments.filter(segments.kind != "total")
    to_hub = (s.flow == "export") & s.reporter.isin(list(origins)) & s.partner.isin(list(hubs))
    p = s.group_by(["product", "kind"]).aggregate(
        base=s.value.sum(where=s.seg == "base"),
        win=s.value.sum(where=s.seg == "win"),
        hub_base=s.value.sum(where=(s.seg == "base") & to_hub),
        hub_win=s.value.sum(where=(s.seg == "win") & to_hub),
    )
    return p.filter(p.base.isnull() != p.win.isnull())


def set_aside(
    segments: ir.Table, plan_hubs: tuple[str, ...], origins: tuple[str, ...],
    baseline: Span, window: Span,
) -> tuple[ir.Table, tuple[SetAside, ...]]:  # fmt: skip
    """``segments`` with the one-sided products' ``kind`` set to ``set_aside``, and the list
    of them (largest first)."""
    rows = one_sided(segments, plan_hubs, origins).to_pyarrow().to_pylist()
    if not rows:
        return segments, ()
    sources = _sources()
    out: list[SetAside] = []
    for r in rows:
        missing, present = ("baseline", "window") if r["base"] is None else ("window", "baseline")
        span = baseline if missing == "baseline" else window
        value = float(r["win"] if missing == "baseline" else r["base"])
        hub = float((r["hub_win"] if missing == "baseline" else r["hub_base"]) or 0.0)
        product = r["product"]
        via = sources.get(product)
        how = (
            f"; its HS2022 code{'s' if len(via) > 1 else ''} {', '.join(via)} "
            f"{'were' if len(via) > 1 else 'was'} converted to it"
            if via
            else ""
        )
        reason = (
            f"series break: no rows of {product} at product level in the {missing} {span}, "
            f"only in the {present}{how}; a one-sided series would read as pure "
            f"{'excess' if missing == 'baseline' else 'drop'}"
        )
        out.append(SetAside(product, reason, value, hub, r["kind"]))
    out.sort(key=lambda a: (-a.value, a.product))
    names = ibis.memtable({"a_product": [a.product for a in out]})
    j = segments.left_join(names, segments.product == names.a_product)
    marked = j.mutate(
        kind=ibis.cases((j.a_product.notnull(), ibis.literal("set_aside")), else_=j.kind)
    ).drop("a_product")
    return marked, tuple(out)


@cache
def _sources() -> dict[str, list[str]]:
    """HS2017 code -> the HS2022 codes converted into it (where any was renumbered)."""
    out: dict[str, list[str]] = {}
    for (edition, code), (target, _) in sorted(hs.recode_to_hs2017().items()):
        if edition == "HS2022":
            out.setdefault(target, []).append(code)
    return out
