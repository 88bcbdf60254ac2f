"""Convert trade flows into one currency, month by month, saying with which rates.

A value ``v`` in currency ``c`` for period ``p`` becomes ``v / per_target(c, p)``, where
``per_target`` is the units of ``c`` per one unit of the target: the average of period ``p``
(a month's average for a monthly row ``YYYY-MM``, the year's for an annual row ``YYYY``).
All rates go through the euro: ``per_target(c) = per_eur(c) / per_eur(target)``, with, in
order of preference,

1. the user's rates per euro (``roundabout fx load``, column ``per_eur``);
2. the user's rates per US dollar times the period's dollar rate per euro (``per_usd``);
3. the bundled ECB reference rates (:mod:`roundabout.fx.ecb`).

Nothing is converted silently: if one (currency, period) the flows need has no rate, the
conversion refuses, naming the month and currency. The result's ``notes`` say which rates
converted which currencies.
"""

from __future__ import annotations

from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd
import pyarrow as pa

from roundabout.errors import RoundaboutError
from roundabout.fx.ecb import ECB_SOURCE, MISSING_HUB_CURRENCIES, ecb_rates

_ECB = "ECB"


@dataclass(frozen=True)
class Converted:
    """Flows with every value in ``currency``, and the notes that say how."""

    flows: ir.Table
    currency: str
    notes: tuple[str, ...]


def default_currency(flows: ir.Table, origins: tuple[str, ...] | list[str]) -> str | None:
    """The currency of the origins' monthly exports (the one most of their rows use), or
    ``None`` when the origins report none."""
    f = flows.filter(flows.reporter.isin(list(origins)) & (flows.flow == "export"))
    f = f.filter(f.freq == "M")
    counts = f.group_by("currency").aggregate(n=f.count()).order_by([ibis.desc("n"), "currency"])
    rows = counts.limit(1).to_pyarrow().to_pylist()
    return str(rows[0]["currency"]) if rows else None


def per_eur_rates(user: pa.Table | None = None) -> pd.DataFrame:
    """Every known rate per euro: ``currency, period, per_eur, source`` (see the module)."""
    ecb = ecb_rates().to_pandas()[["currency", "period", "per_eur"]].assign(source=_ECB)
    parts = []
    if user is not None and user.num_rows:
        u = user.to_pandas()
        u["source"] = u["source"].fillna("user rates")
        parts.append(
            u[u.target == "EUR"].rename(columns={"per_target": "per_eur"})[
                ["currency", "period", "per_eur", "source"]
            ]
        )
        per_usd = u[u.target == "USD"]
        if len(per_usd):
            usd = pd.concat([*parts, ecb])
            usd = usd[usd.currency == "USD"].drop_duplicates("period")
            m = per_usd.merge(usd[["period", "per_eur"]], on="period", how="inner")
            m["per_eur"] = m.per_target * m.per_eur
            parts.append(m[["currency", "period", "per_eur", "source"]])
    out = pd.concat([*parts, ecb]).drop_duplicates(["currency", "period"], keep="first")
    periods = out.period.drop_duplicates()
    eur = pd.DataFrame({"currency": "EUR", "period": periods, "per_eur": 1.0, "source": _ECB})
    return pd.concat([out[out.currency != "EUR"], eur], ignore_index=True)


def rates_to(target: str, user: pa.Table | None = None) -> pd.DataFrame:
    """Units of each currency per one ``target``: ``currency, period, per_target, source``."""
    eur = per_eur_rates(user)
    t = eur[eur.currency == target][["period", "per_eur"]].rename(columns={"per_eur": "_t"})
    m = eur.merge(t, on="period", how="inner")
    m["per_target"] = m.per_eur / m._t
    out = m[["currency", "period", "per_target", "source"]]
    if user is not None and user.num_rows:
        # the user's rates to this very target are taken as given (no round trip)
        u = user.to_pandas()
        direct = u[u.target == target][["currency", "period", "per_target", "source"]]
        direct = direct.assign(source=direct.source.fillna("user rates"))
        out = pd.concat([direct, out]).drop_duplicates(["currency", "period"], keep="first")
    return out.reset_index(drop=True)


def convert(
    flows: ir.Table,
    target: str,
    user: pa.Table | None = None,
    *,
    required: str | None = None,
) -> Converted:
    """``flows`` with every value in ``target`` (see the module docstring).

    ``user`` is the store's ``fx_rates`` table (:func:`roundabout.store.fx.user_rates`).
    Raises :class:`RoundaboutError` naming the first missing (period, currency) pairs.
    ``required="M"``: only monthly rows must convert (an analysis that reads months only);
    annual rows without a rate keep their currency, and a note says which.
    """
    target = target.upper()
    need = (
        flows.filter(flows.currency != target)
        .select("currency", "period", "freq")
        .distinct()
        .order_by(["currency", "period"])
        .to_pyarrow()
        .to_pandas()
    )
    if need.empty:
        return Converted(flows, target, ())
    rates = rates_to(target, user)
    have = need.merge(rates, on=["currency", "period"], how="left")
    absent = have.per_target.isna()
    must = absent if required is None else absent & (have.freq == required)
    if must.any():
        missing = have[must]
        raise RoundaboutError(_missing_message(missing, target, len(missing)))
    kept = have[absent]
    have = have[~absent]
    r = ibis.memtable(
        have[["currency", "period", "per_target"]]
        .drop_duplicates(["currency", "period"])
        .rename(columns={"currency": "_fx_cur", "period": "_fx_per", "per_target": "_fx_rate"})
    )
    j = flows.left_join(r, (flows.currency == r._fx_cur) & (flows.period == r._fx_per))
    value = ibis.cases((j._fx_rate.isnull(), j.value), else_=j.value / j._fx_rate)
    currency = ibis.cases((j._fx_rate.isnull(), j.currency), else_=ibis.literal(target))
    out = j.mutate(value=value.cast("float64"), currency=currency)
    out = out.select(*flows.columns)
    notes = _notes(have, target) if len(have) else ()
    if len(kept):
        spans = "; ".join(
            f"{c} {g.period.min()} to {g.period.max()}" for c, g in kept.groupby("currency")
        )
        notes = (
            *notes,
            f"annual rows without a rate to {target} keep their currency ({spans}); "
            "only monthly rows had to convert",
        )
    return Converted(out, target, notes)


def _missing_message(missing: pd.DataFrame, target: str, n: int) -> str:
    first = missing.iloc[0]
    kind = "month" if len(first.period) == 7 else "year"
    shown = ", ".join(f"{r.currency} {r.period}" for r in missing.head(5).itertuples())
    more = f" and {n - 5} more" if n > 5 else ""
    why = ""
    if first.currency in MISSING_HUB_CURRENCIES:
        why = f" (the ECB does not quote the {MISSING_HUB_CURRENCIES[first.currency]})"
    elif first.currency == "RUB":
        why = " (the ECB stopped quoting RUB on 2022-03-01)"
    return (
        f"no exchange rate from {first.currency} to {target} for the {kind} {first.period}"
        f"{why}: missing {shown}{more}; load them with `roundabout fx load FILE` "
        "(period,currency,per_eur or per_usd)"
    )


def _notes(have: pd.DataFrame, target: str) -> tuple[str, ...]:
    monthly = have.period.str.len() == 7
    how = "month by month with monthly average rates" if monthly.all() else (
        "annual rows with annual averages" if not monthly.any()
        else "monthly rows with monthly, annual rows with annual average rates"
    )  # fmt: skip
    by_source: dict[str, list[str]] = {}
    for (source, currency), _ in have.groupby(["source", "currency"]):
        by_source.setdefault(str(source), []).append(str(currency))
    parts = []
    for source, currencies in sorted(by_source.items(), key=lambda kv: kv[0] != _ECB):
        name = (
            ECB_SOURCE if source == _ECB else f"rates loaded with `roundabout fx load` ({source})"
        )
        parts.append(f"{', '.join(sorted(currencies))} with {name}")
    return (f"values converted to {target}, {how}: {'; '.join(parts)}",)
