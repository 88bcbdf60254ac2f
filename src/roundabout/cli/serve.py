"""``roundabout serve``: the HTTP API and the dashboard, on loopback by default."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated, Any

import typer

from roundabout.api.settings import DEFAULTS as _D
from roundabout.api.settings import ApiSettings
from roundabout.cli._common import DbOption, db_path
from roundabout.errors import RoundaboutError


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``, or a one-line error if it cannot be had.

    Taken before the list index is built (some seconds on the full lists), so a busy port
    fails at once, and handed to the server as it is: no other process can take the port
    in between."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        why = "in use" if exc.errno == 98 else (exc.strerror or str(exc)).lower()
        raise RoundaboutError(
            f"cannot listen on {host}:{port}: {why} (choose another with --port)"
        ) from None
    sock.set_inheritable(True)
    return sock


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = _D.host,
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = _D.port,
    rate_limit: Annotated[
        float, typer.Option("--rate-limit", help="Requests per second per API key.")
    ] = _D.rate_per_second,
    burst: Annotated[
        int, typer.Option("--burst", help="Requests a key may send at once.")
    ] = _D.burst,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body, in bytes.")
    ] = _D.max_body_bytes,
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
    no_docs: Annotated[
        bool,
        typer.Option("--no-docs", help="No /docs, /redoc or /openapi.json."),
    ] = False,
) -> None:
    """Serve the HTTP API and the dashboard (at /; API docs at /docs and /redoc, offline).

    Every route but /health and the dashboard page needs `Authorization: Bearer KEY`.
    `roundabout keys create/list/revoke` also work while the server runs: it holds the
    store's write lock, so it carries out their requests itself, at once.
    """
    import uvicorn

    from roundabout.api import create_app, key_requests

    settings = ApiSettings(
        db=db_path(db),
        host=host,
        port=port,
        rate_per_second=rate_limit,
        burst=burst,
        max_body_bytes=max_body,
        cors_origins=tuple(cors_origin or ()),
        lists=tuple(lists or ()),
        key_requests=True,
        docs=not no_docs,
    )
    sock = listen(settings.host, settings.port)  # a busy port fails here, before the index is built
    cred = None
    try:
        key_requests.open_spool(settings.db)  # key requests queue up while the index is built
        app = create_app(settings)
        cred = _local_caller(app, settings.db, host, sock.getsockname()[1])
        # The list index is built now, not on the first /match (some seconds on the full
        # lists), so a bad --list fails here, in one line, before the server answers.
        typer.echo("roundabout: building the list index ...", err=True)
        app.state.backend.screener()
        docs = "" if no_docs else " (docs at /docs)"
        typer.echo(f"roundabout: dashboard and API on http://{host}:{port}/{docs}", err=True)
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        if cred is not None:
            cred.withdraw()
        sock.close()


def _local_caller(app: Any, db: Path, host: str, port: int) -> Any:
    """Let the CLI ask this server to run its commands on the store it holds
    (:mod:`roundabout.api.local_caller`, :mod:`roundabout.cli.beside`)."""
    from roundabout.api import local_caller
    from roundabout.cli import beside

    commands = {
        name: local_caller.LocalCommand(beside.load(name), spec.writes)
        for name, spec in beside.SERVED.items()
    }
    loop = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    shown = f"[{loop}]" if ":" in loop else loop
    cred = local_caller.publish(db, f"http://{shown}:{port}/")
    local_caller.install(app, cred, commands, hosts=(loop,))
    return cred
