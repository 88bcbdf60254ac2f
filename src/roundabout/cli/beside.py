"""Commands beside a running ``roundabout serve``: on the store, or asked of the server.

DuckDB lets one process open a store file for writing, and then no other may open it, not
even to read. A command that opens the store goes through :func:`on_store`: it opens the store
itself when it can; when the lock is held by a ``roundabout serve`` that published its address
and local credential (:func:`roundabout.store.holder.published`), it asks that server to run
the command (``POST /local/run``, :mod:`roundabout.api.local_caller`) and prints what it
answers; otherwise it fails in one line naming the holder, as before.

A command is written once, as a function ``run(store, args, out, err, tty) -> exit status``
that prints to ``out`` and ``err``: here it runs on ``sys.stdout``, in the server on buffers
sent back, so the output (``--json`` or text) is the same either way. :data:`SERVED` lists
them; ``roundabout serve`` gives the server the same list (:func:`load`).

Options that name files are sent as absolute paths (the server runs as the same user, but in
its own directory), so a screening run recorded through the server names its file absolutely.
Writes made through the server are recorded with the actor ``cli:<user>``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import typer

from roundabout.cli._common import db_path
from roundabout.errors import RoundaboutError, StoreLockedError
from roundabout.store.holder import Published, published

Run = Callable[[Any, dict[str, Any], TextIO, TextIO, bool], int]

#: Seconds the CLI waits for the server's answer (a long ``leaks`` takes a minute or more).
TIMEOUT = 3600.0
HEADER = "X-Roundabout-Local"


@dataclass(frozen=True, slots=True)
class Served:
    """A command the server can run: ``module.attr`` is its ``run`` function."""

    module: str
    attr: str
    writes: bool = False


#: Every command that asks the server when it holds the store.
SERVED: dict[str, Served] = {
    "status": Served("roundabout.cli.status", "run"),
    "leaks": Served("roundabout.cli.leaks", "run"),
    "report": Served("roundabout.cli.report", "run"),
    "lists show": Served("roundabout.cli.lists", "run_show"),
    "screen audit": Served("roundabout.cli.screen", "run_audit"),
    "screen parties": Served("roundabout.cli.screen", "run_parties", writes=True),
    "screen shipments": Served("roundabout.cli.screen", "run_shipments", writes=True),
    "screen decide": Served("roundabout.cli.screen", "run_decide", writes=True),
    "screen alerts": Served("roundabout.cli.screen", "run_alerts"),
    "screen decide-shipment": Served("roundabout.cli.screen", "run_decide_shipment", writes=True),
}


def load(name: str) -> Run:
    spec = SERVED[name]
    fn: Run = getattr(importlib.import_module(spec.module), spec.attr)
    return fn


def on_store(
    command: str,
    db: Path | None,
    args: Mapping[str, Any],
    *,
    read_only: bool,
    memory_limit: str | None = None,
) -> None:
    """Run ``command`` with ``args`` on the store ``db``, or through the server holding it;
    exit with the command's status when it is not 0. ``args["db"]`` is the store's path as
    given here, for the output."""
    from roundabout.store import Store

    path = db_path(db)
    tty = sys.stdout.isatty()
    args = {"db": str(path), **args}  # the store as the caller names it (not the server)
    try:
        store = Store(path, read_only=read_only, memory_limit=memory_limit)
    except StoreLockedError as exc:
        server = published(path, exc.pid)
        if server is None:
            raise
        code = ask(server, command, args, tty)
    else:
        with store:
            code = load(command)(store, dict(args), sys.stdout, sys.stderr, tty)
    if code:
        raise typer.Exit(code)


def wire(value: Any) -> Any:
    """An option as sent to the server: paths absolute, enums by value, tuples as lists."""
    from enum import Enum

    if isinstance(value, Path):
        return os.path.abspath(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    return value


def ask(server: Published, command: str, args: Mapping[str, Any], tty: bool) -> int:
    """Have ``server`` run ``command``; print its output; its exit status."""
    from roundabout.cli.progress import progress

    body = json.dumps({"command": command, "args": wire(dict(args)), "tty": tty}).encode()
    req = urllib.request.Request(
        server.url.rstrip("/") + "/local/run",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", HEADER: server.token},
    )
    who = f"the server {server.url} (PID {server.pid})"
    try:
        with (
            progress(f"{command}: run by {who}"),
            urllib.request.urlopen(req, timeout=TIMEOUT) as resp,
        ):
            answer = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        raise RoundaboutError(_error_message(exc, who)) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        why = getattr(exc, "reason", exc)
        raise RoundaboutError(f"{who} holds the store but did not answer: {why}") from None
    sys.stdout.write(answer.get("stdout", ""))
    sys.stdout.flush()
    sys.stderr.write(answer.get("stderr", ""))
    return int(answer.get("exit", 0))


def _error_message(exc: urllib.error.HTTPError, who: str) -> str:
    """The server's one-line error (a command's own error reads as it would here)."""
    try:
        error = json.loads(exc.read())["error"]
        message, kind = str(error["message"]), str(error["type"])
    except (ValueError, KeyError, TypeError, OSError):
        message, kind = f"HTTP {exc.code}", "http_error"
    if kind[:1].islower():  # the route's own answer (unauthorized, internal_error, ...)
        verb = "could not run" if exc.code >= 500 else "refused"
        return f"{who} {verb} the command: {message}"
    return message  # the command's error (a RoundaboutError, by its class name)
