"""``roundabout status``: what the store holds."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, TextIO

import typer

from roundabout.cli._common import DbOption, JsonOption, print_json
from roundabout.text_safety import visible


def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the files loaded, rows by source, periods covered and quarantine reasons."""
    from roundabout.cli.beside import on_store

    on_store("status", db, {"as_json": as_json}, read_only=True)


def run(store: Any, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """The command on an open store (here or in the server: :mod:`roundabout.cli.beside`)."""
    from roundabout.store.summary import summarize

    s = replace(summarize(store), path=args["db"])  # the store as the caller named it
    if args["as_json"]:
        print_json(s.to_dict(), out)
        return 0
    typer.echo(
        f"store {s.path}: {s.files} files, {s.rows_loaded:,} rows loaded, "
        f"{s.rows_rejected:,} quarantined, {s.codes_padded:,} product codes padded",
        file=out,
    )
    for src in s.sources:
        typer.echo(
            f"  {src.source:<10} {src.rows:>10,} rows  {src.currency}  "
            f"{src.first_period}..{src.last_period}  "
            f"{src.reporters} reporters, {src.partners} partners",
            file=out,
        )
    for reason, n in sorted(s.quarantine_reasons.items(), key=lambda kv: -kv[1]):
        typer.echo(f"  quarantined {n:,}: {visible(reason)}", file=out)
    return 0
