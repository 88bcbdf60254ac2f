"""``roundabout report``: one self-contained HTML file with every finding and chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roundabout.cli._common import DbOption, db_path, output_file
from roundabout.cli.progress import progress


def report(
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    hubs: Annotated[
        str | None,
        typer.Option(
            "--hubs",
            help="Hubs, comma-separated (default: as `roundabout leaks`).",
            show_default=False,
        ),
    ] = None,
    did: Annotated[
        bool, typer.Option("--did/--no-did", help="Run the DiD and event study (pyfixest).")
    ] = True,
) -> None:
    """Write one self-contained HTML report that opens offline, and print its path.

    Sections: summary next to the published figures, Sankey, monthly series, findings, lost
    in transit, event study, CHP tiers, screening.
    """
    output_file(out)  # before the work: a missing directory is refused, not created
    from roundabout.analytics import LeakParams
    from roundabout.analytics.params import DEFAULT_HUBS, parse_codes
    from roundabout.report import build, render
    from roundabout.store import Store

    params = LeakParams(hubs=parse_codes(hubs, DEFAULT_HUBS), did=did)
    with (
        progress("report: building the sections") as step,
        Store(db_path(db), read_only=True) as store,
    ):
        data = build(store, params)
        step("report: drawing the charts")
        html = render(data)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    typer.echo(str(out))
