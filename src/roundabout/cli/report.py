"""``roundabout report``: one self-contained HTML file with every finding and chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from roundabout.analytics.params import DEFAULT_GOODS, DEFAULT_TARGET
from roundabout.cli._common import DbOption, db_path, output_file
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
    from roundabout.report import build, render
    from roundabout.store import Store

    params = leak_params(
        target=target,
        hubs=hubs,
        origins=origins,
        goods=goods,
        baseline=baseline,
        window=window,
        did=did,
        counterfactual=counterfactual,
        bootstrap=bootstrap,
        min_drop=min_drop,
    )
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
