"""``roundabout fx``: the exchange rates conversions use (bundled ECB rates, your own)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, fails_cleanly, print_json
from roundabout.fx.convert import rates_to
from roundabout.fx.ecb import ECB_SOURCE, MISSING_HUB_CURRENCIES
from roundabout.fx.rates_file import read_rates_file
from roundabout.store import Store
from roundabout.store.fx import save_rates, user_rates

fx_app = typer.Typer(
    name="fx", help="Exchange rates: bundled ECB averages and your own.", no_args_is_help=True
)


@fx_app.command("show")
@fails_cleanly
def show(
    currency: Annotated[
        str | None, typer.Option("--currency", help="Only this currency (ISO code).")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="Only periods starting so (2022, 2022-03).", show_default=False
        ),
    ] = None,
    target: Annotated[str, typer.Option("--to", help="Rates per one unit of EUR or USD.")] = "EUR",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rates per euro (or per dollar) by month and year, and where each comes from."""
    path = db_path(db)
    user = None
    if path.exists():
        with Store(path, read_only=True) as store:
            user = user_rates(store)
    rates = rates_to(target.upper(), user)
    if currency:
        rates = rates[rates.currency == currency.upper()]
    if period:
        rates = rates[rates.period.str.startswith(period)]
    rates = rates.sort_values(["currency", "period"])
    rows = [
        {
            "currency": r.currency,
            "period": r.period,
            f"per_{target.lower()}": float(r.per_target),
            "source": r.source,
        }
        for r in rates.itertuples()
    ]
    if as_json:
        print_json({"rates": rows, "ecb": ECB_SOURCE, "ecb_lacks": MISSING_HUB_CURRENCIES})
        return
    for r in rows:
        typer.echo(
            f"{r['period']:<8} {r['currency']}  {r[f'per_{target.lower()}']:>14,.6g}  {r['source']}"
        )
    typer.echo(f"{len(rows):,} rates. ECB: {ECB_SOURCE}.")
    typer.echo(
        "The ECB does not quote "
        + ", ".join(sorted(MISSING_HUB_CURRENCIES))
        + ": load them with `roundabout fx load FILE`."
    )


@fx_app.command("load")
@fails_cleanly
def load(
    file: Annotated[
        Path, typer.Argument(help="CSV: period,currency,per_eur (or per_usd).", show_default=False)
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load your own rates (they win over the ECB's for the same currency and period)."""
    rates = read_rates_file(file)
    with Store(db_path(db)) as store:
        n = save_rates(store, rates)
    currencies = sorted(set(rates["currency"].to_pylist()))
    if as_json:
        print_json({"file": str(file), "rates": n, "currencies": currencies})
        return
    typer.echo(f"{file}: {n:,} rates loaded ({', '.join(currencies)})")
