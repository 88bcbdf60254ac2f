"""``roundabout lists``: load sanctions lists as versioned snapshots, show them, diff them.

The importers and the snapshot store (followthemoney, rigour, pyarrow) are imported inside the
commands, so ``roundabout --help`` and the other commands do not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, fails_cleanly, print_json
from roundabout.cli.progress import progress
from roundabout.lists.detect import ListFormat
from roundabout.store import Store
from roundabout.text_safety import visible

lists_app = typer.Typer(
    name="lists", help="Sanctions lists: load, show, diff.", no_args_is_help=True
)


@lists_app.command("load")
@fails_cleanly
def load(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="List files (OFAC sdn.csv or SDN.XML, UN XML, EU FSF XML/CSV, UK OFSI "
            "ConList.csv, US CSL CSV, FtM JSONL, BIS DPL)."
        ),
    ] = None,
    fmt: Annotated[
        ListFormat | None, typer.Option("--format", "-f", help="Format (default: detected).")
    ] = None,
    alt: Annotated[Path | None, typer.Option("--alt", help="OFAC alt.csv (aliases).")] = None,
    add: Annotated[Path | None, typer.Option("--add", help="OFAC add.csv (addresses).")] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Publication date (YYYY-MM-DD) if not in file.")
    ] = None,
    owners: Annotated[
        list[Path] | None,
        typer.Option(
            "--ownership",
            help="Ownership CSV (owner, asset, share[, start, end]; names or ids) loaded "
            "beside each list (repeatable).",
        ),
    ] = None,
    bundled_lists: Annotated[
        bool, typer.Option("--bundled", help="Load the bundled OFAC 2022, 2024 and UN lists.")
    ] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load list files as snapshots. A file is parsed whole before anything is stored."""
    from roundabout.lists import bundled, snapshots
    from roundabout.lists.detect import parse_list

    if not paths and not bundled_lists:
        raise typer.BadParameter("give list files or --bundled")
    with progress("lists load: reading") as step:
        parsed = []
        for path in paths or []:
            step(f"lists load: reading {path.name}")
            parsed.append(parse_list(path, fmt, alt=alt, add=add, publication_date=date))
        if bundled_lists:
            step("lists load: reading the bundled lists")
            parsed.extend(bundled.all_lists())
        if owners:
            from roundabout.lists.owners_csv import attach

            for csv_path in owners:
                step(f"lists load: reading {csv_path.name}")
                parsed = [attach(p, csv_path) for p in parsed]
    out = []
    with Store(db_path(db)) as store:
        for p in parsed:
            with progress(f"lists load: storing {p.source}"):
                outcome = snapshots.save(store, p)
            out.append(
                {
                    **outcome.snapshot.to_dict(),
                    "status": outcome.status,
                    "warnings": list(outcome.warnings),
                }
            )
            for w in outcome.warnings:  # names from the file: control characters escaped
                shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in w)
                typer.echo(f"warning: {outcome.snapshot.snapshot_id}: {shown}", err=True)
            if not as_json:
                s = outcome.snapshot
                verb = "loaded" if outcome.status == "loaded" else "already loaded"
                typer.echo(f"{visible(s.snapshot_id)}: {verb}, {s.entity_count:,} entries")
    if as_json:
        print_json(out)


@lists_app.command("show")
@fails_cleanly
def show(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The snapshots in the store."""
    from roundabout.cli.beside import on_store

    on_store("lists show", db, {"as_json": as_json}, read_only=False)


def run_show(store: Any, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``lists show`` on an open store (here or in the server: :mod:`roundabout.cli.beside`)."""
    from roundabout.lists import snapshots

    snaps = snapshots.list_snapshots(store)
    if args["as_json"]:
        print_json([s.to_dict() for s in snaps], out)
        return 0
    for s in snaps:
        typer.echo(
            f"{visible(s.snapshot_id)}  {s.entity_count:>7,} entries  sha256 {s.sha256[:12]}",
            file=out,
        )
    return 0


@lists_app.command("diff")
@fails_cleanly
def diff(
    old: Annotated[str | None, typer.Argument(help="Older snapshot (id, id prefix).")] = None,
    new: Annotated[str | None, typer.Argument(help="Newer snapshot.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows to print per section.")] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Who was added, removed or changed between two snapshots.

    Without arguments: the bundled OFAC SDN 2022-02-23 and 2024-05-03 (loaded if needed).
    """
    from roundabout.lists import bundled, snapshots

    with progress("lists diff: comparing") as step, Store(db_path(db)) as store:
        if old is None or new is None:
            step("lists diff: loading the bundled OFAC lists")
            a = snapshots.save(store, bundled.ofac_2022()).snapshot.snapshot_id
            b = snapshots.save(store, bundled.ofac_2024()).snapshot.snapshot_id
            old, new = old or a, new or b
            step("lists diff: comparing")
        d = snapshots.diff(store, old, new)
    if as_json:
        print_json(d.to_dict())
        return
    typer.echo(f"{visible(d.old)} -> {visible(d.new)}")
    typer.echo(f"added {len(d.added):,}, removed {len(d.removed):,}, changed {len(d.changed):,}")
    for label, rows in (("+", d.added), ("-", d.removed), ("~", d.changed)):
        for eid, sch, name in rows[:limit]:
            typer.echo(f"  {label} {visible(eid):<14} {sch:<12} {visible(name)}")
        if len(rows) > limit:
            typer.echo(f"  {label} ... {len(rows) - limit:,} more")
