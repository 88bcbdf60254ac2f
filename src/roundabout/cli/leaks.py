"""``roundabout leaks``: which sanctioned goods reach the target through which hubs."""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal, TextIO

import typer
from rich.console import Console
from rich.table import Table

from roundabout.analytics import LeakParams, LeakResult, Span, Unavailable
from roundabout.analytics.explain import amount
from roundabout.analytics.params import (
    DEFAULT_GOODS,
    DEFAULT_HUBS,
    DEFAULT_TARGET,
    SANCTIONING,
    parse_codes,
)
from roundabout.analytics.result import Placebo
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
from roundabout.errors import RoundaboutError


class Currency(StrEnum):
    EUR = "EUR"
    USD = "USD"


# The question's options, shared with ``roundabout report`` (one definition, one parser).
TargetOption = Annotated[
    str, typer.Option("--target", help="Country the goods must not reach (ISO3).")
]
HubsOption = Annotated[
    str | None,
    typer.Option(
        "--hubs",
        help=f"Hubs, comma-separated (default {','.join(DEFAULT_HUBS)}, those in the data); "
        "'+CHN' adds to the defaults.",
        show_default=False,
    ),
]
OriginsOption = Annotated[
    str | None,
    typer.Option(
        "--origins",
        help="Exporting countries (default: the sanctioning countries in the data).",
        show_default=False,
    ),
]
GoodsOption = Annotated[
    str, typer.Option("--goods", help="Goods list: eu_hs6, eu_cn8, chp, or a CSV file.")
]
BaselineOption = Annotated[
    str | None,
    typer.Option(
        "--baseline",
        help="YYYY-MM:YYYY-MM (default: the window's months one year earlier).",
        show_default=False,
    ),
]
WindowOption = Annotated[
    str | None,
    typer.Option(
        "--window",
        help="YYYY-MM:YYYY-MM (default: from the first sanction month, up to 12 months).",
        show_default=False,
    ),
]
DidOption = Annotated[
    bool, typer.Option("--did/--no-did", help="Run the DiD and event study (pyfixest).")
]
CounterfactualOption = Annotated[
    Literal["pooled", "route"],
    typer.Option(
        "--counterfactual",
        help="pooled: other goods' growth over all origins per hub (the headline); "
        "route: per origin and hub.",
    ),
]
BootstrapOption = Annotated[
    int,
    typer.Option("--bootstrap", help="Resamples of products for the 90% interval (0: none)."),
]
MinDropOption = Annotated[
    float,
    typer.Option(
        "--min-drop", help="Smallest direct drop for which a substitution ratio is given."
    ),
]


def leak_params(
    *,
    target: str = DEFAULT_TARGET,
    hubs: str | None = None,
    origins: str | None = None,
    goods: str = DEFAULT_GOODS,
    baseline: str | None = None,
    window: str | None = None,
    did: bool = True,
    counterfactual: str = "pooled",
    bootstrap: int = 1000,
    min_drop: float = 1_000_000.0,
    top: int = 25,
) -> LeakParams:
    """The options as given on the command line -> :class:`LeakParams`."""
    return LeakParams(
        target=target.strip().upper(),
        hubs=parse_codes(hubs, DEFAULT_HUBS),
        origins=parse_codes(origins),
        goods=goods,
        baseline=Span.parse(baseline, "--baseline") if baseline else None,
        window=Span.parse(window, "--window") if window else None,
        did=did,
        counterfactual=counterfactual.strip().lower(),
        bootstrap=bootstrap,
        min_drop=min_drop,
        top=top,
    )


def leaks(
    db: DbOption = None,
    target: TargetOption = DEFAULT_TARGET,
    hubs: HubsOption = None,
    origins: OriginsOption = None,
    goods: GoodsOption = DEFAULT_GOODS,
    baseline: BaselineOption = None,
    window: WindowOption = None,
    top: Annotated[int, typer.Option("--top", help="How many findings to list.")] = 25,
    did: DidOption = True,
    counterfactual: CounterfactualOption = "pooled",
    bootstrap: BootstrapOption = 1000,
    min_drop: MinDropOption = 1_000_000.0,
    currency: Annotated[
        Currency | None,
        typer.Option(
            "--currency",
            help="Convert every flow to this currency, month by month (default: the "
            "origins' currency); see `roundabout fx show`.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    out: OutOption = None,
    engine: EngineOption = EngineName.duckdb,
    parquet: ParquetOption = None,
    spark_master: SparkMasterOption = None,
) -> None:
    """Find sanctioned goods re-routed to the target through hubs, ranked, with the evidence."""
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
        "top": top,
    }
    leak_params(**options)  # bad options fail here, before the store is opened
    args = {
        "options": options,
        "currency": currency,
        "as_json": as_json,
        "out": out,
        "engine": engine.value,
        "width": _width(),
    }
    if parquet is None and engine is EngineName.duckdb:
        if spark_master:
            raise RoundaboutError("--spark-master needs --engine spark")
        from roundabout.cli.beside import on_store

        on_store("leaks", db, args, read_only=True)  # the store, or the server holding it
        return
    with open_flows(engine, db, parquet, spark_master) as flows:
        _analyse(flows, None, args, sys.stdout)


def _width() -> int | None:
    """The text's width: the terminal's, else 140 (also for the server writing it)."""
    import shutil

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def run(store: Any, args: dict[str, Any], out: TextIO, err: TextIO, tty: bool) -> int:
    """``leaks`` on an open store (here or in the server: :mod:`roundabout.cli.beside`)."""
    from roundabout.store.fx import user_rates

    rates = user_rates(store) if "fx_rates" in store.backend.list_tables() else None
    _analyse(store.flows(), rates, args, out, tty, err)
    return 0


def _analyse(
    flows: Any,
    rates: Any,
    args: dict[str, Any],
    out: TextIO,
    tty: bool | None = None,
    err: TextIO | None = None,
) -> None:
    from roundabout.analytics import find_leaks
    from roundabout.fx.store_flows import flows_in

    params = leak_params(**args["options"])
    currency = None if args["currency"] is None else Currency(args["currency"])
    with progress(f"leaks: analysing on {args['engine']}", stream=err):
        fx = flows_in(flows, currency, params.origins or SANCTIONING, rates, required="M")
        result = find_leaks(fx.flows, params)
    result = replace(result, notes=(*fx.notes, *result.notes))
    write_leaks(None if args["out"] is None else Path(args["out"]), result)
    if args["as_json"]:
        print_json(result.to_dict(), out)
    else:
        _print(result, out, sys.stdout.isatty() if tty is None else tty, args["width"])


def _money(x: float | None, currency: str) -> str:
    return "n/a" if x is None else amount(x, currency)


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def _ci(ci: tuple[float, float] | None) -> str:
    return "n/a" if ci is None else f"{_pct(ci[0])} to {_pct(ci[1])}"


def _print(r: LeakResult, stream: TextIO, tty: bool, width: int | None) -> None:
    out = Console(
        file=stream, highlight=False, width=width or 140, force_terminal=tty, force_jupyter=False
    )
    s = r.summary
    c = s.currency
    g = s.group
    out.print(
        f"[bold]Leaks to {s.target}[/bold]: window {s.window} against baseline {s.baseline}, "
        f"goods {s.goods} ({s.sanctioned_products} sanctioned HS6 in the data), {c}"
    )
    hubs = Table(title="Hubs", title_justify="left")
    for col in (
        "hub", "hub excess", "onward excess", "lost in transit", "offset share", "90% interval"
    ):  # fmt: skip
        hubs.add_column(col, justify="left" if col == "hub" else "right")
    for hub, fig in s.hubs.items():
        hubs.add_row(
            hub,
            _money(fig.hub_excess, c),
            _money(fig.excess_out, c),
            _money(fig.lost_in_transit, c),
            _pct(fig.offset_share),
            _ci(fig.offset_share_ci),
        )
    hubs.add_row(
        "[bold]all[/bold]",
        _money(g.hub_excess, c),
        _money(g.excess_out, c),
        _money(g.lost_in_transit, c),
        f"[bold]{_pct(g.offset_share)}[/bold]",
        _ci(g.offset_share_ci),
    )
    out.print(hubs)
    out.print(
        f"[bold]Offset share {_pct(g.offset_share)}[/bold] "
        f"(90% interval {_ci(g.offset_share_ci)}, bootstrap over products, {s.bootstrap} "
        f"resamples; counterfactual: {s.counterfactual})."
    )
    pl = s.placebo
    if isinstance(pl, Placebo):
        out.print(
            f"Placebo (every ban and both periods 12 months earlier, window {pl.window} against "
            f"{pl.baseline}): hub excess {_money(pl.hub_excess, c)}, direct drop "
            f"{_money(pl.direct_drop, c)}, offset share {_pct(pl.offset_share)}."
        )
    elif isinstance(pl, Unavailable):
        out.print(f"[dim]placebo: unavailable: {pl.reason}[/dim]")
    out.print(
        f"Direct drop of sanctioned exports to {s.target}: {_money(g.direct_drop, c)} against "
        f"expected ({_money(s.raw.direct_drop, c)} before/after, raw offset share "
        f"{_pct(s.raw.offset_share)}; per month {_money(s.raw.direct_base_per_month, c)} in the "
        f"baseline, {_money(s.raw.direct_win_per_month, c)} in the window)."
    )
    for w in r.warnings:
        out.print(f"[bold yellow]warning:[/bold yellow] {w}")
    table = Table(title="Findings, best first", title_justify="left")
    for col in ("#", "hub", "product", "description", "score", "excess in", "excess out", "lost"):
        table.add_column(col, justify="right" if col in ("#", "score") else "left")
    table.add_column("substitution", justify="right")
    for i, f in enumerate(r.findings, 1):
        desc = (f.description or "")[:40]
        table.add_row(
            str(i),
            f.hub,
            f.product,
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
    if r.unlisted_surges:
        names = ", ".join(f"{u.hub} {u.product} ({_money(u.excess_in, c)})"
                          for u in r.unlisted_surges[:5])  # fmt: skip
        out.print(f"Unlisted surges (not findings; see unlisted_surges): {names}")
    if r.set_aside:
        names = ", ".join(f"{a.product} ({_money(a.hub_value, c)} to the hubs)"
                          for a in r.set_aside[:5])  # fmt: skip
        out.print(f"Set aside for broken series ({len(r.set_aside)}): {names}")
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
    direct = measures["did_direct"]
    if direct.get("available"):
        for model in ("log_linear", "ppml"):
            coef = direct[model]
            if coef.get("estimate") is not None:
                out.print(
                    f"DiD ({model}, {direct['design']}): {coef['estimate']:+.3f} "
                    f"(se {coef['se']:.3f}, p {coef['pvalue']:.3f}, n {coef['n']:,}; "
                    f"{direct['comparison_units']} comparison units)"
                )
    pre = did.get("pretrend")
    if isinstance(pre, dict):
        out.print(
            f"DiD pre-trend (measures.did.pretrend): joint test of the {pre['df']} pre-ban "
            f"event coefficients, p = {pre['pvalue']:.3g}"
        )
        if pre.get("warning"):
            out.print(f"[bold yellow]DiD pre-trend warning:[/bold yellow] {pre['warning']}")
    if did.get("caveat"):
        out.print(f"[dim]DiD caveat: {did['caveat']}[/dim]")
    for note in r.notes:
        out.print(f"[dim]note: {note}[/dim]")
