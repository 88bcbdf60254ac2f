"""``roundabout export``: the store's canonical tables as Parquet datasets, for Spark."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, print_json
from roundabout.cli.progress import progress


def export(
    parquet: Annotated[
        Path,
        typer.Option(
            "--parquet",
            help="Directory to write (created if missing; its parent must exist): one dataset "
            "per table, flows partitioned by year.",
        ),
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write flows, quarantine, manifest and fx_rates as Parquet, for `leaks --engine spark`.

    An earlier export in the same directory is replaced table by table."""
    from roundabout.store import Store
    from roundabout.store.engines import export_parquet

    with progress(f"export: writing {parquet}"), Store(db_path(db), read_only=True) as store:
        rows = export_parquet(store, parquet)
    if as_json:
        print_json({"directory": str(parquet), "tables": rows})
        return
    for name, n in rows.items():
        typer.echo(f"{parquet / name}: {n:,} rows")
