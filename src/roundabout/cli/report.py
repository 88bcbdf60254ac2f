"""``roundabout report``: one self-contained HTML file with every finding and chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from roundabout.analytics.params import DEFAULT_GOODS, DEFAULT_TARGET
from roundabout.cli._common import DbOption, output_file
from roundabout.cli.leaks import (
    BaselineOption,
    BootstrapOption,
    CounterfactualOption,
    DidOption,
    GoodsOption,
    HubsOption,
    MinDropOption,
    OriginsOption,
    TargetOption,
    WindowOption,
    leak_params,
)
from roundabout.cli.progress import progress


def report(
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    target: TargetOption = DEFAULT_TARGET,
    hubs: HubsOption = None,
    origins: OriginsOption = None,
    goods: GoodsOption = DEFAULT_GOODS,
    baseline: BaselineOption = None,
    window: WindowOption = None,
    did: DidOption = True,
    counterfactual: CounterfactualOption = "pooled",
    bootstrap: BootstrapOption = 1000,
    min_drop: MinDropOption = 1_000_000.0,
) -> None:
    """Write one self-contained HTML report that opens offline, and print its path.

    Takes the options of `roundabout leaks`. Sections: summary next to the published
    figures, Sankey, monthly series, findings, lost in transit, event study, CHP tiers,
    screening.
    """
    output_file(out)  # before the work: a missing directory is refused, not created
    options: dict[str, Any] = {
        "target": target,
        "hubs": hubs,
        "origins": origins,
        "goods": goods,
        "baseline": baseline,
        "window": window,
        "did": did,
        "counterfactual": counterfactual,
        "bootstrap": bootstrap,
        "min_drop": min_drop,
    }
    leak_params(**options)  # bad options fail here, before the store is opened
    from roundabout.cli.beside import on_store

    on_store("report", db, {"options": options, "out": out, "shown": str(out)}, read_only=True)


def run(store: Any, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``report`` on an open store (here or in the server: :mod:`roundabout.cli.beside`)."""
    from roundabout.report import build, render

    params = leak_params(**args["options"])
    path = output_file(Path(args["out"]))
    with progress("report: building the sections", stream=err) as step:
        data = build(store, params)
        step("report: drawing the charts")
        html = render(data)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    typer.echo(args["shown"], file=out)
    return 0
