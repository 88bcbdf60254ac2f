"""The store's flows in one currency, for analyses that add values up (``leaks``)."""

from __future__ import annotations

from collections.abc import Sequence

from roundabout.fx.convert import Converted, convert, default_currency
from roundabout.store.fx import user_rates
from roundabout.store.store import Store


def flows_in(
    store: Store, currency: str | None, origins: Sequence[str], *, required: str | None = None
) -> Converted:
    """The store's flows with every value in ``currency``.

    ``None`` means the currency of the origins' monthly exports (see
    :func:`~roundabout.fx.convert.default_currency`); a store in one currency is returned
    as it is, without notes. ``required``: see :func:`~roundabout.fx.convert.convert`.
    """
    flows = store.flows()
    if currency is None:
        present = flows.select("currency").distinct().limit(2).to_pyarrow()
        if present.num_rows <= 1:
            only = present["currency"].to_pylist()
            return Converted(flows, str(only[0]) if only else "", ())
        currency = default_currency(flows, list(origins))
        if currency is None:
            return Converted(flows, "", ())
    return convert(flows, currency, user_rates(store), required=required)
