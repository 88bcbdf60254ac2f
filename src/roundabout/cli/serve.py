"""``roundabout serve``: the HTTP API and the dashboard, on loopback by default."""

from __future__ import annotations

from typing import Annotated

import typer

from roundabout.cli._common import DbOption, db_path


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    rate_limit: Annotated[
        float, typer.Option("--rate-limit", help="Requests per second per API key.")
    ] = 20.0,
    burst: Annotated[int, typer.Option("--burst", help="Requests a key may send at once.")] = 40,
    max_body: Annotated[int, typer.Option("--max-body", help="Largest request body, in bytes.")] = 2
    * 1024
    * 1024,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin",
            help="Browser origin allowed to call the API (repeatable; default none).",
        ),
    ] = None,
    lists: Annotated[
        list[str] | None,
        typer.Option(
            "--list",
            help="List snapshot id or source for /match and /screen "
            "(repeatable; default: the newest of each).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API and the dashboard (at /; API docs at /docs).

    Every route but /health and the dashboard page needs `Authorization: Bearer KEY`.
    `roundabout keys create/list/revoke` also work while the server runs: it holds the
    store's write lock, so it carries out their requests itself, at once.
    """
    import uvicorn

    from roundabout.api import ApiSettings, create_app

    settings = ApiSettings(
        db=db_path(db),
        rate_per_second=rate_limit,
        burst=burst,
        max_body_bytes=max_body,
        cors_origins=tuple(cors_origin or ()),
        lists=tuple(lists or ()),
        key_requests=True,
    )
    from roundabout.api import key_requests

    key_requests.open_spool(settings.db)  # key requests queue up while the index is built
    app = create_app(settings)
    # The list index is built now, not on the first /match (some seconds on the full lists),
    # so a bad --list fails here, in one line, before the server listens.
    typer.echo("roundabout: building the list index ...", err=True)
    app.state.backend.screener()
    typer.echo(f"roundabout: dashboard and API on http://{host}:{port}/ (docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
