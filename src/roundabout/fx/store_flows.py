"""Flows in one currency, for analyses that add values up (``leaks``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import ibis.expr.types as ir
import pyarrow as pa

from roundabout.fx.convert import Converted, convert, default_currency


def stored_rates(db: Path | None) -> pa.Table | None:
    """The rates users loaded into the store at ``db`` (``None`` when there is no store)."""
    from roundabout.settings import resolve_db_path
    from roundabout.store.fx import user_rates
    from roundabout.store.store import Store

    path = resolve_db_path(db)
    if not path.exists():
        return None
    with Store(path, read_only=True) as store:
        if "fx_rates" not in store.backend.list_tables():
            return None
        return user_rates(store)


def flows_in(
    flows: ir.Table,
    currency: str | None,
    origins: Sequence[str],
    user: pa.Table | None = None,
    *,
    required: str | None = None,
) -> Converted:
    """``flows`` with every value in ``currency``.

    ``None`` means the currency of the origins' monthly exports (see
    :func:`~roundabout.fx.convert.default_currency`); flows in one currency are returned
    as they are, without notes. ``user``: the store's rates
    (:func:`stored_rates`); ``required``: see :func:`~roundabout.fx.convert.convert`.
    """
    if currency is None:
        present = flows.select("currency").distinct().limit(2).to_pyarrow()
        if present.num_rows <= 1:
            only = present["currency"].to_pylist()
            return Converted(flows, str(only[0]) if only else "", ())
        currency = default_currency(flows, list(origins))
        if currency is None:
            return Converted(flows, "", ())
    return convert(flows, currency, user, required=required)
