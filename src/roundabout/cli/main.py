"""Entry point: ``roundabout COMMAND``. Each command lives in its own module."""

from __future__ import annotations

from typing import Annotated

import typer

from roundabout.cli._common import fails_cleanly
from roundabout.cli.export import export
from roundabout.cli.fetch import fetch_app
from roundabout.cli.fx import fx_app
from roundabout.cli.ingest import ingest
from roundabout.cli.keys import keys_app
from roundabout.cli.leaks import leaks
from roundabout.cli.lists import lists_app
from roundabout.cli.report import report
from roundabout.cli.screen import screen_app
from roundabout.cli.serve import serve
from roundabout.cli.status import status

app = typer.Typer(
    name="roundabout",
    help="Find sanctioned goods taking the long way to Russia.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from roundabout import __version__

        typer.echo(f"roundabout {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Find sanctioned goods taking the long way to Russia."""


app.command("ingest")(fails_cleanly(ingest))
app.command("leaks")(fails_cleanly(leaks))
app.command("status")(fails_cleanly(status))
app.add_typer(screen_app, name="screen")
app.add_typer(lists_app, name="lists")
app.command("report")(fails_cleanly(report))
app.command("serve")(fails_cleanly(serve))
app.add_typer(keys_app, name="keys")
app.add_typer(fx_app, name="fx")
app.add_typer(fetch_app, name="fetch")
app.command("export")(fails_cleanly(export))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
