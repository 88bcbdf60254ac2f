"""``roundabout leaks``: which sanctioned goods reach the target through which hubs."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from roundabout.analytics import LeakParams, LeakResult, Span, find_leaks
from roundabout.analytics.explain import amount
from roundabout.analytics.params import DEFAULT_GOODS, DEFAULT_HUBS, DEFAULT_TARGET, parse_codes
from roundabout.cli._common import DbOption, JsonOption, print_json
from roundabout.cli.engine import (
    EngineName,
    EngineOption,
    ParquetOption,
    SparkMasterOption,
    open_flows,
)
from roundabout.cli.output import OutOption, write_leaks
from roundabout.cli.progress import progress


def leaks(
    db: DbOption = None,
    target: Annotated[
        str, typer.Option("--target", help="Country the goods must not reach (ISO3).")
    ] = DEFAULT_TARGET,
    hubs: Annotated[
        str | None,
        typer.Option(
            "--hubs",
            help=f"Hubs, comma-separated (default {','.join(DEFAULT_HUBS)}, those in the data); "
            "'+CHN' adds to the defaults.",
            show_default=False,
        ),
    ] = None,
    origins: Annotated[
        str | None,
        typer.Option(
            "--origins",
            help="Exporting countries (default: the sanctioning countries in the data).",
            show_default=False,
        ),
    ] = None,
    goods: Annotated[
        str, typer.Option("--goods", help="Goods list: eu_hs6, eu_cn8, chp, or a CSV file.")
    ] = DEFAULT_GOODS,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            help="YYYY-MM:YYYY-MM (default: the window's months one year earlier).",
            show_default=False,
        ),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="YYYY-MM:YYYY-MM (default: from the first sanction month, up to 12 months).",
            show_default=False,
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many findings to list.")] = 25,
    did: Annotated[
        bool, typer.Option("--did/--no-did", help="Run the DiD and event study (pyfixest).")
    ] = True,
    as_json: JsonOption = False,
    out: OutOption = None,
    engine: EngineOption = EngineName.duckdb,
    parquet: ParquetOption = None,
    spark_master: SparkMasterOption = None,
) -> None:
    """Find sanctioned goods re-routed to the target through hubs, ranked, with the evidence."""
    params = LeakParams(
        target=target.strip().upper(),
        hubs=parse_codes(hubs, DEFAULT_HUBS),
        origins=parse_codes(origins),
        goods=goods,
        baseline=Span.parse(baseline, "--baseline") if baseline else None,
        window=Span.parse(window, "--window") if window else None,
        did=did,
        top=top,
    )
    with (
        progress(f"leaks: analysing on {engine.value}"),
        open_flows(engine, db, parquet, spark_master) as flows,
    ):
        result = find_leaks(flows, params)
    write_leaks(out, result)
    if as_json:
        print_json(result.to_dict())
    else:
        _print(result)


def _money(x: float | None, currency: str) -> str:
    return "n/a" if x is None else amount(x, currency)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _print(r: LeakResult) -> None:
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
    s = r.summary
    c = s.currency
    g = s.group
    out.print(
        f"[bold]Leaks to {s.target}[/bold]: window {s.window} against baseline {s.baseline}, "
        f"goods {s.goods} ({s.sanctioned_products} sanctioned HS6 in the data), {c}"
    )
    hubs = Table(title="Hubs", title_justify="left")
    for col in ("hub", "hub excess", "onward excess", "lost in transit", "offset share"):
        hubs.add_column(col, justify="left" if col == "hub" else "right")
    for hub, fig in s.hubs.items():
        hubs.add_row(
            hub,
            _money(fig.hub_excess, c),
            _money(fig.excess_out, c),
            _money(fig.lost_in_transit, c),
            _pct(fig.offset_share),
        )
    hubs.add_row(
        "[bold]all[/bold]",
        _money(g.hub_excess, c),
        _money(g.excess_out, c),
        _money(g.lost_in_transit, c),
        f"[bold]{_pct(g.offset_share)}[/bold]",
    )
    out.print(hubs)
    out.print(
        f"Direct drop of sanctioned exports to {s.target}: {_money(g.direct_drop, c)} against "
        f"expected ({_money(s.raw.direct_drop, c)} before/after, raw offset share "
        f"{_pct(s.raw.offset_share)})."
    )
    table = Table(title="Findings, best first", title_justify="left")
    for col in ("#", "hub", "product", "description", "score", "excess in", "excess out", "lost"):
        table.add_column(col, justify="right" if col in ("#", "score") else "left")
    table.add_column("substitution", justify="right")
    for i, f in enumerate(r.findings, 1):
        desc = (f.description or "")[:40]
        table.add_row(
            str(i),
            f.hub,
            f.product + ("" if f.sanctioned else " (not listed)"),
            desc,
            _money(f.score, c),
            _money(f.excess_in, c),
            _money(f.excess_out, c),
            _money(f.lost_in_transit, c),
            _pct(f.substitution_ratio),
        )
    out.print(table)
    for i, f in enumerate(r.findings[:5], 1):
        out.print(f"{i}. {f.explanation}")
    measures = r.to_dict()["measures"]
    for name, m in measures.items():
        if not m.get("available", False):
            out.print(f"[dim]{name}: unavailable: {m['reason']}[/dim]")
    did = measures["did"]
    if did.get("available"):
        for model in ("log_linear", "ppml"):
            coef = did[model]
            if coef.get("estimate") is not None:
                out.print(
                    f"DiD ({model}, {did['design']}): {coef['estimate']:+.3f} "
                    f"(se {coef['se']:.3f}, p {coef['pvalue']:.3f}, n {coef['n']:,})"
                )
    if did.get("caveat"):
        out.print(f"[dim]DiD caveat: {did['caveat']}[/dim]")
    for note in r.notes:
        out.print(f"[dim]note: {note}[/dim]")
