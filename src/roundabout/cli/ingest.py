"""``roundabout ingest``: load trade files into the store."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from roundabout.cli._common import DbOption, JsonOption, QuietOption, db_path, print_json
from roundabout.errors import RoundaboutError
from roundabout.sources import importer_for
from roundabout.sources.load import LoadResult, load_file
from roundabout.store import Store
from roundabout.text_safety import visible


class Format(StrEnum):
    comtrade = "comtrade"
    baci = "baci"
    comext = "comext"
    table = "table"


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files to load.", show_default=False)],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="File format.")],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="Column mapping (YAML) for --format table.")
    ] = None,
    encoding: Annotated[
        str, typer.Option("--encoding", help="Text encoding, e.g. cp1251 for national files.")
    ] = "utf-8",
    delimiter: Annotated[
        str | None, typer.Option("--delimiter", help="Field delimiter (default: the format's).")
    ] = None,
    memory_limit: Annotated[
        str,
        typer.Option(
            "--memory-limit",
            help="Memory the engine may use before spilling to disk (e.g. 1.5GB).",
        ),
    ] = "1.5GB",
    db: DbOption = None,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Load trade files. Each file is loaded whole or not at all, and only once."""
    importer = importer_for(fmt.value)
    show_progress = sys.stderr.isatty() and not (as_json or quiet)
    results: list[LoadResult] = []
    err = Console(stderr=True)
    failed: RoundaboutError | None = None
    with Store(db_path(db), memory_limit=memory_limit) as store:
        for path in paths:
            try:
                if show_progress:
                    with Progress(
                        TextColumn(f"[bold]{path.name}"),
                        BarColumn(),
                        TextColumn("{task.percentage:>3.0f}%"),
                        TimeElapsedColumn(),
                        console=err,
                        transient=True,
                    ) as bar:
                        task = bar.add_task("load", total=100.0)

                        def advance(pct: float, b: Progress = bar, t: TaskID = task) -> None:
                            b.update(t, completed=pct)

                        result = load_file(
                            store,
                            importer,
                            path,
                            encoding=encoding,
                            delimiter=delimiter,
                            mapping=mapping,
                            progress=advance,
                        )
                else:
                    result = load_file(
                        store,
                        importer,
                        path,
                        encoding=encoding,
                        delimiter=delimiter,
                        mapping=mapping,
                    )
            except RoundaboutError as exc:
                failed = exc
                break
            results.append(result)
            if not as_json and not quiet:
                _print_result(result)
    if as_json:
        print_json([r.to_dict() for r in results])
    if failed is not None:
        typer.echo(f"error: {visible(failed)}", err=True)
        raise typer.Exit(1)


def _print_result(r: LoadResult) -> None:
    if r.status == "already_loaded":
        typer.echo(f"{visible(r.file)}: already loaded (sha256 {r.sha256[:12]}), nothing to do")
        return
    typer.echo(
        f"{visible(r.file)}: {r.rows_read:,} rows read, {r.rows_loaded:,} loaded, "
        f"{r.rows_rejected:,} quarantined, {r.codes_padded:,} codes padded ({r.seconds:.1f} s)"
    )
    if r.rows_summed:
        typer.echo(f"  summed {r.rows_summed:,}: breakdowns without a total, summed into it")
    for reason, n in sorted(r.rejected_reasons.items(), key=lambda kv: -kv[1]):
        typer.echo(f"  quarantined {n:,}: {visible(reason)}")
