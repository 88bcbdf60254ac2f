"""``roundabout status``: what the store holds."""

from __future__ import annotations

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, print_json
from roundabout.store import Store
from roundabout.store.summary import summarize
from roundabout.text_safety import visible


def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the files loaded, rows by source, periods covered and quarantine reasons."""
    with Store(db_path(db), read_only=True) as store:
        s = summarize(store)
    if as_json:
        print_json(s.to_dict())
        return
    typer.echo(
        f"store {s.path}: {s.files} files, {s.rows_loaded:,} rows loaded, "
        f"{s.rows_rejected:,} quarantined, {s.codes_padded:,} product codes padded"
    )
    for src in s.sources:
        typer.echo(
            f"  {src.source:<10} {src.rows:>10,} rows  {src.currency}  "
            f"{src.first_period}..{src.last_period}  "
            f"{src.reporters} reporters, {src.partners} partners"
        )
    for reason, n in sorted(s.quarantine_reasons.items(), key=lambda kv: -kv[1]):
        typer.echo(f"  quarantined {n:>8,}: {visible(reason)}")
