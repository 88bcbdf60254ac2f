"""The store's ``fx_rates`` table: exchange rates users loaded (``roundabout fx load``).

The bundled ECB rates (:mod:`roundabout.fx.ecb`) are not copied into the store; the
store holds only users' rates, which win over the ECB's for the same currency and period.
"""

from __future__ import annotations

import pyarrow as pa

from roundabout.store.schema import FX_RATES_SCHEMA
from roundabout.store.store import Store


def save_rates(store: Store, rates: pa.Table) -> int:
    """Add ``rates`` (``currency, period, per_target, target, source``), replacing the rates
    of the same currency, period and target; all or nothing. Returns the rows written."""
    con = store.raw
    with store.transaction():
        con.register("_rb_new_rates", rates)
        try:
            con.execute(
                "DELETE FROM fx_rates USING _rb_new_rates n WHERE fx_rates.currency = n.currency "
                "AND fx_rates.period = n.period AND fx_rates.target = n.target"
            )
        finally:
            con.unregister("_rb_new_rates")
        store.append("fx_rates", rates.select(list(FX_RATES_SCHEMA.names)))
    return int(rates.num_rows)


def user_rates(store: Store) -> pa.Table:
    """Every rate users loaded, ordered by currency, period and target."""
    t = store.table("fx_rates")
    out: pa.Table = t.order_by(["currency", "period", "target"]).to_pyarrow()
    return out
