"""Entry point: ``roundabout COMMAND``. Each command lives in its own module, imported only
when it runs (:mod:`roundabout.cli.lazy`): starting the CLI costs Typer, not the libraries of
every command."""

from __future__ import annotations

from typing import Annotated, ClassVar

import typer

from roundabout.cli.lazy import Lazy, LazyGroup

#: Every command, in the order ``roundabout --help`` lists them (commands, then groups, as
#: Typer ordered them when they were registered one by one), with its one-line summary
#: (the first paragraph of its docstring or its group's help; a test keeps them equal).
COMMANDS: dict[str, Lazy] = {
    "ingest": Lazy(
        "roundabout.cli.ingest",
        "ingest",
        "Load trade files. Each file is loaded whole or not at all, and only once.",
    ),
    "leaks": Lazy(
        "roundabout.cli.leaks",
        "leaks",
        "Find sanctioned goods re-routed to the target through hubs, ranked, with the evidence.",
    ),
    "status": Lazy(
        "roundabout.cli.status",
        "status",
        "Show the files loaded, rows by source, periods covered and quarantine reasons.",
    ),
    "report": Lazy(
        "roundabout.cli.report",
        "report",
        "Write one self-contained HTML report that opens offline, and print its path.",
    ),
    "serve": Lazy(
        "roundabout.cli.serve",
        "serve",
        "Serve the HTTP API and the dashboard (at /; API docs at /docs and /redoc, offline).",
    ),
    "export": Lazy(
        "roundabout.cli.export",
        "export",
        "Write flows, quarantine, manifest and fx_rates as Parquet, for `leaks --engine spark`.",
    ),
    "screen": Lazy(
        "roundabout.cli.screen",
        "screen_app",
        "Screen parties and shipments against sanctions lists.",
    ),
    "lists": Lazy("roundabout.cli.lists", "lists_app", "Sanctions lists: load, show, diff."),
    "keys": Lazy("roundabout.cli.keys", "keys_app", "API keys for `roundabout serve`."),
    "fx": Lazy("roundabout.cli.fx", "fx_app", "Exchange rates: bundled ECB averages and your own."),
    "fetch": Lazy(
        "roundabout.cli.fetch", "fetch_app", "Download trade data and load it into the store."
    ),
}


class RoundaboutGroup(LazyGroup):
    lazy: ClassVar[dict[str, Lazy]] = COMMANDS


app = typer.Typer(
    name="roundabout",
    help="Find sanctioned goods taking the long way to Russia.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=RoundaboutGroup,
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
