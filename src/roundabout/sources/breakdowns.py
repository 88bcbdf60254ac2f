"""Breakdowns without a total: summed into the total they stand for, and counted.

Comtrade reports a flow (period, reporter, partner, second partner, flow, product) as a
total (``motCode 0``, ``customsCode C00``) and, for some reporters, also broken down by mode
of transport (``motCode`` 1000 sea, 2100 air, ...) or customs procedure. Loading both would
double-count, so where the total exists it is kept and its breakdowns go to quarantine.

Many extracts hold the breakdowns only (an analyst asked for them, or the reporter sends no
total). Then the breakdowns of one key are summed into the total:

* one dimension is summed: the mode-of-transport breakdowns under the customs total if the
  key has them, else the customs breakdowns under the transport total, else the rows broken
  down by both. Rows of another dimension are quarantined (they would count twice);
* the sum is taken only when every row of that dimension is good: if one has a bad value,
  the sum would be short, so none is loaded and the others are quarantined naming why;
* the summed row gets the first line of its breakdowns as ``source_line``; quantity and net
  weight are summed when every row has them (in one unit), else left null.

The staged table gains ``_rows`` (file rows a staged row stands for: 1, or the number of
breakdowns summed) and ``_summed``. The loader counts ``rows_read`` as the sum of ``_rows``,
so ``rows_read = rows_loaded + rows_rejected`` still holds, and reports ``rows_summed``:
file rows loaded as part of a sum (``flows`` then has fewer rows than ``rows_loaded``).
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.types as ir

from roundabout.sources.base import StageContext

#: Quarantine reasons for a breakdown whose key has a total (``_brk`` 1, 2; 3 is both).
BREAKDOWN_REASONS: Final = {
    1: "breakdown by mode of transport (kept: motCode 0)",
    2: "breakdown by customs procedure (kept: C00)",
}
_DIMENSION: Final = {1: "mode-of-transport", 2: "customs-procedure", 3: "transport-and-customs"}
#: The columns that identify one flow of the staged Comtrade step.
KEY: Final = ["year", "month", "reporter", "partner", "partner2", "_flow_id", "product_code",
              "_hs_id"]  # fmt: skip


def sum_breakdowns(ctx: StageContext, t: ir.Table) -> ir.Table:
    """The staged step with breakdown-only keys summed (see the module docstring).

    ``t`` has the key columns, ``value``, ``quantity``, ``quantity_unit``,
    ``net_weight_kg``, ``_line``, ``_reason``, ``_padded``, ``_raw``, ``_brk`` (0: a total;
    1 by transport, 2 by customs procedure, 3 both) and ``_reason_b`` (a breakdown row's own
    problem, such as a bad value). Files without breakdowns pass through.

    A total with a bad value is quarantined; its breakdowns, if good, then stand for it.
    """
    if int(t.filter(t._brk > 0).count().execute()) == 0:
        return t.mutate(_rows=ibis.literal(1, "int64"), _summed=ibis.literal(False))
    # Which rows' keys are known: a breakdown whose only problem is being a breakdown (its
    # reason is the breakdown's: the checks of the key come first), or a good total.
    t = t.mutate(
        _brk=ibis.cases(
            ((t._brk > 0) & t._reason.isin(list(BREAKDOWN_REASONS.values())), t._brk),
            ((t._brk == 0) & t._reason.isnull(), 0),
            else_=-1,
        ).cast("int8")
    )
    w = ibis.window(group_by=KEY)
    t = t.mutate(
        _has_total=(t._brk == 0).max().over(w),
        _dim=ibis.cases((t._brk > 0, t._brk), else_=None).min().over(w),
    )
    t = ctx.checkpoint(t, "breakdowns")
    t = t.mutate(
        _bad=((t._brk == t._dim) & t._reason_b.notnull()).max().over(w),
    )
    t = ctx.checkpoint(t, "breakdowns")
    has_total = ibis.coalesce(t._has_total, False)
    summable = (t._brk > 0) & (t._brk == t._dim) & ~has_total & ~ibis.coalesce(t._bad, False)
    dim_name = _dim_name(t._dim)
    reason = ibis.cases(
        ((t._brk <= 0) | has_total, t._reason),
        (
            t._brk != t._dim,
            _dim_name(t._brk.cast("int64"))
            + " breakdown: its key has no total and its "
            + dim_name
            + " breakdowns stand for it",
        ),
        else_=ibis.coalesce(
            t._reason_b,
            "breakdown not summed into a total: another "
            + dim_name
            + " breakdown of its key is rejected",
        ),
    )
    keep = [c for c in t.columns if not c.startswith("_") or c in ("_flow_id", "_hs_id")]
    cols = [*keep, "_line", "_reason", "_padded", "_raw", "_rows", "_summed"]
    schema = dict(t.select(*cols[:-2]).schema().items())
    rest = t.filter(~summable).mutate(
        _reason=reason, _rows=ibis.literal(1, "int64"), _summed=ibis.literal(False)
    )
    parts = t.filter(summable)
    n = parts.count()
    sums = parts.group_by([*KEY, "product_level"]).aggregate(
        value=parts.value.sum(),
        quantity=ibis.cases((parts.quantity.count() == n, parts.quantity.sum()), else_=None),
        quantity_unit=ibis.cases(
            (
                (parts.quantity_unit.min() == parts.quantity_unit.max())
                & (parts.quantity_unit.count() == n),
                parts.quantity_unit.min(),
            ),
            else_=None,
        ),
        net_weight_kg=ibis.cases(
            (parts.net_weight_kg.count() == n, parts.net_weight_kg.sum()), else_=None
        ),
        _line=parts._line.min(),
        _padded=parts._padded.max(),
        _rows=n.cast("int64"),
    )
    sums = sums.mutate(
        _reason=ibis.null("string"), _raw=ibis.null("string"), _summed=ibis.literal(True)
    )
    both = ibis.union(
        rest.select(*cols).cast({**schema, "_rows": "int64", "_summed": "boolean"}),
        sums.select(*cols).cast({**schema, "_rows": "int64", "_summed": "boolean"}),
        distinct=False,
    )
    return ctx.checkpoint(both, "summed")


def _dim_name(dim: ir.IntegerValue) -> ir.StringValue:
    return ibis.cases(*[(dim == k, v) for k, v in _DIMENSION.items()], else_="")
