"""``roundabout fetch``: download trade data (Comtrade, BACI, Comext) and load it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from roundabout.cli._common import DbOption, JsonOption, QuietOption, db_path, print_json
from roundabout.cli.progress import progress
from roundabout.fetch import baci as bc
from roundabout.fetch import comext as cx
from roundabout.fetch import comtrade as ct
from roundabout.fetch.http import Client
from roundabout.fetch.load import load_pages
from roundabout.sources.load import LoadResult
from roundabout.store import Store

fetch_app = typer.Typer(
    name="fetch", help="Download trade data and load it into the store.", no_args_is_help=True
)

CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        help="Folder for downloaded answers (default: $ROUNDABOUT_CACHE, "
        "else ./.roundabout-cache).",
        show_default=False,
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print the planned requests; fetch nothing.")
]


def cache_dir(cache: Path | None) -> Path:
    return cache or Path(os.environ.get("ROUNDABOUT_CACHE", ".roundabout-cache"))


def _codes(text: str) -> list[str]:
    return [x.strip().upper() for x in text.split(",") if x.strip()]


@fetch_app.command("comtrade")
def comtrade(
    reporters: Annotated[str, typer.Option("--reporters", help="Reporters, ISO3: KAZ,KGZ,ARM.")],
    period: Annotated[
        str, typer.Option("--period", help="YYYY-MM:YYYY-MM (--freq M) or YYYY:YYYY (--freq A).")
    ],
    hs: Annotated[
        str, typer.Option("--hs", help="HS codes, chapters (84,85,87) or a goods list (chp).")
    ],
    partners: Annotated[str, typer.Option("--partners", help="Partners, ISO3, or 'all'.")] = "all",
    flows: Annotated[str, typer.Option("--flows", help="Flows: X, M, RX, RM.")] = "X,M",
    freq: Annotated[str, typer.Option("--freq", help="M (monthly) or A (annual).")] = "M",
    db: DbOption = None,
    cache: CacheOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """UN Comtrade API v1 (key from COMTRADE_API_KEY; else the public preview)."""
    freq = freq.strip().upper()
    if freq not in ("M", "A"):
        raise ct.RoundaboutError(f"--freq {freq!r}: M or A")
    settings = ct.Settings.from_env()
    queries = ct.plan(
        _codes(reporters),
        None if partners.strip().lower() == "all" else _codes(partners),
        ct.parse_periods(period, freq),
        ct.expand_codes(hs),
        _codes(flows),
        freq,
    )
    err = Console(stderr=True)
    if settings.preview and not quiet:
        typer.echo(
            f"no COMTRADE_API_KEY: using the public preview endpoint, at most "
            f"{ct.PREVIEW_CAP} records per request (queries at the cap are split, so many "
            "more requests); set COMTRADE_API_KEY for the subscription API",
            err=True,
        )
    if dry_run:
        rows: list[dict[str, Any]] = [
            {"url": settings.base + q.path(settings.preview), "params": q.params(settings.cap)}
            for q in queries
        ]
        if as_json:
            print_json({"requests": rows})
        else:
            for r in rows:
                query = "&".join(f"{k}={v}" for k, v in r["params"].items())
                typer.echo(f"GET {r['url']}?{query}")
            typer.echo(f"{len(rows)} requests planned (more if an answer reaches the cap)")
        return
    folder = cache_dir(cache)
    show = sys.stderr.isatty() and not (as_json or quiet)
    if show:
        with Progress(
            TextColumn("[bold]comtrade"), BarColumn(), MofNCompleteColumn(), console=err,
            transient=True,
        ) as bar:  # fmt: skip
            task = bar.add_task("fetch", total=len(queries))
            out = ct.fetch(queries, settings, folder, advance=lambda n: bar.advance(task, n))
    else:
        out = ct.fetch(queries, settings, folder)
    with progress("comtrade: loading", quiet=quiet or as_json), Store(db_path(db)) as store:
        results = load_pages(store, "comtrade", out.pages)
    _report("comtrade", out, results, as_json, quiet)


@fetch_app.command("baci")
def baci(
    release: Annotated[str, typer.Option("--release", help="BACI release, e.g. V202501.")],
    hs: Annotated[str, typer.Option("--hs", help="HS edition: HS17 or HS22.")],
    years: Annotated[
        str | None, typer.Option("--years", help="YYYY or YYYY:YYYY (default: all).")
    ] = None,
    countries: Annotated[
        str | None,
        typer.Option("--countries", help="Keep flows from or to these (ISO3; default: all)."),
    ] = None,
    db: DbOption = None,
    cache: CacheOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """CEPII BACI (annual, HS6, bilateral): the release zip, read in place with filters."""
    req = bc.parse_request(release, hs, years, countries)
    base = os.environ.get("ROUNDABOUT_BACI_URL") or bc.DEFAULT_BASE
    folder = cache_dir(cache)
    if dry_run:
        typer.echo(f"GET {base.rstrip('/')}/{req.zip_name}")
        typer.echo("1 request planned (a resumed download adds one per interruption)")
        return
    client = Client()
    with progress(f"baci: downloading {req.zip_name}", quiet=quiet or as_json) as step:
        try:
            archive, fetched = bc.download(req, base, folder, client)
        finally:
            client.close()
        step(f"baci: reading {req.zip_name}")
        files = bc.extract(req, archive, folder)
        step("baci: loading")
        with Store(db_path(db)) as store:
            results = load_pages(store, "baci", files)
    out = ct.Outcome(pages=files, requests=client.requests, cached=0 if fetched else 1)
    _report("baci", out, results, as_json, quiet)


@fetch_app.command("comext")
def comext(
    period: Annotated[
        str, typer.Option("--period", help="YYYY-MM:YYYY-MM (months) or YYYY:YYYY (years).")
    ],
    dataset: Annotated[str, typer.Option("--dataset", help="Eurostat dataset.")] = "DS-045409",
    reporters: Annotated[
        str | None, typer.Option("--reporters", help="Reporters (DE,FR or DEU,FRA; default all).")
    ] = None,
    partners: Annotated[
        str | None, typer.Option("--partners", help="Partners (RU,KZ or RUS,KAZ; default all).")
    ] = None,
    products: Annotated[
        str | None, typer.Option("--products", help="CN code prefixes (84,8703; default all).")
    ] = None,
    db: DbOption = None,
    cache: CacheOption = None,
    dry_run: DryRunOption = False,
    as_json: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Eurostat Comext bulk files (monthly, CN8, EUR): .7z read in place with filters."""
    req = cx.parse_request(dataset, period, reporters, partners, products)
    base = os.environ.get("ROUNDABOUT_COMEXT_URL") or cx.DEFAULT_BASE
    if dry_run:
        for p in req.periods:
            typer.echo(f"GET {base}{req.file_name(p)}")
        typer.echo(f"{len(req.periods)} requests planned (one archive per month or year)")
        return
    folder = cache_dir(cache)
    client = Client()
    with progress(
        f"comext: downloading {len(req.periods)} archives", quiet=quiet or as_json
    ) as step:
        try:
            archives, fetched = cx.download(req, base, folder, client)
        finally:
            client.close()
        step("comext: reading the archives")
        files = [cx.extract(req, a, folder) for a in archives]
        step("comext: loading")
        with Store(db_path(db)) as store:
            results = load_pages(store, "comext", files)
    out = ct.Outcome(pages=files, requests=client.requests, cached=len(archives) - fetched)
    _report("comext", out, results, as_json, quiet)


def _report(source: str, out: Any, results: list[LoadResult], as_json: bool, quiet: bool) -> None:
    summary = {
        "source": source,
        "requests": out.requests,
        "cached": out.cached,
        "split": out.split,
        "records": out.records,
        "files": [r.to_dict() for r in results],
        "rows_loaded": sum(r.rows_loaded for r in results),
        "rows_rejected": sum(r.rows_rejected for r in results),
        "rows_summed": sum(r.rows_summed for r in results),
    }
    if as_json:
        print_json(summary)
        return
    if quiet:
        return
    new = [r for r in results if r.status == "loaded"]
    typer.echo(
        f"{source}: {out.requests} requests ({out.cached} answers from the cache, "
        f"{out.split} split at the record cap), {out.records:,} records; "
        f"{len(new)} new files: {summary['rows_loaded']:,} rows loaded, "
        f"{summary['rows_rejected']:,} quarantined"
    )
