"""The CLI as a caller of the server that holds its store: ``POST /local/run``.

DuckDB lets one process open a store file for writing and then no other process may open it,
not even to read; ``roundabout serve`` holds its store for as long as it runs. So that
``roundabout status``, ``leaks``, ``lists show``, ``screen ...`` keep working beside it, the
server runs those commands itself, on its own connection, and hands back what they print:

* **publishing**: as it starts, the server writes ``<store>.server.json`` (its PID and address)
  and ``<store>.server-token`` (a random token, mode 0600: readable only by the user who owns
  the store and runs the server), and removes both when it stops (:func:`publish`,
  :func:`Credential.withdraw`). The file names and the client's checks are in
  :mod:`roundabout.store.holder`;
* **the route**: ``POST /local/run`` with ``X-Roundabout-Local: <token>``, from a loopback
  address only, a JSON body ``{"command", "args", "tty"}``; the answer is
  ``{"stdout", "stderr", "exit"}``: the command's own output, written by the same code as when
  it runs on the store directly (:mod:`roundabout.cli.beside`), so the two are the same;
* **who acts**: a local caller is an administrator of its own store (it could stop the server
  and open the file). Writes it makes are recorded with the actor ``cli:<user>``, the user
  the server runs as; reads run on a connection of their own, writes under the backend's lock.

No API key is involved and none is created; the token is not an API key and opens nothing
else. The commands themselves are given by the caller of :func:`install` (``roundabout
serve``): this module knows nothing of the CLI.
"""

from __future__ import annotations

import getpass
import hmac
import io
import json
import os
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final, TextIO

import anyio
from fastapi import APIRouter, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from roundabout.store import Store
from roundabout.store.holder import server_file, token_file

HEADER: Final = "X-Roundabout-Local"
LOOPBACK: Final = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True, slots=True)
class LocalCommand:
    """One command the server runs for the CLI: ``run(store, args, out, err, tty)`` returns
    the exit status; ``writes`` says whether it needs the store for writing (run under the
    backend's lock, with the actor in ``args["actor"]``)."""

    run: Callable[[Store, dict[str, Any], TextIO, TextIO, bool], int]
    writes: bool = False


@dataclass
class Credential:
    """The published files of one server (see the module docstring)."""

    db: Path
    token: str
    pid: int = field(default_factory=os.getpid)

    @property
    def actor(self) -> str:
        return f"cli:{getpass.getuser()}"

    def withdraw(self) -> None:
        """Remove the files, if they are still this server's."""
        try:
            doc = json.loads(server_file(self.db).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = None
        if isinstance(doc, dict) and doc.get("pid") == self.pid:
            server_file(self.db).unlink(missing_ok=True)
            token_file(self.db).unlink(missing_ok=True)


def publish(db: Path, url: str) -> Credential:
    """Write the server's address and a new token next to ``db`` (see the module docstring).

    The token file is created afresh with mode 0600 (``O_EXCL``: never through a link left
    in its place); a file left by a server that was killed is replaced."""
    cred = Credential(db, secrets.token_urlsafe(32))
    tok = token_file(db)
    tok.unlink(missing_ok=True)
    fd = os.open(tok, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(cred.token + "\n")
    doc = {"pid": cred.pid, "url": url}
    tmp = server_file(db).with_name(f".{server_file(db).name}.{cred.pid}.tmp")
    tmp.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    os.replace(tmp, server_file(db))
    return cred


class RunRequest(BaseModel):
    """What the CLI asks: a command, its options, and how its output would be shown."""

    model_config = ConfigDict(extra="forbid")

    command: str = Field(max_length=40)
    args: dict[str, Any] = Field(default_factory=dict)
    tty: bool = False


def install(
    app: FastAPI,
    cred: Credential,
    commands: Mapping[str, LocalCommand],
    hosts: tuple[str, ...] = (),
) -> None:
    """Add ``POST /local/run`` to ``app`` (a :func:`roundabout.api.create_app` app), answering
    callers from a loopback address or ``hosts`` (the server's own address, when it listens
    on one interface: a call to it never leaves the machine)."""
    router = APIRouter(tags=["local"])
    allowed = LOOPBACK | set(hosts)

    @router.post("/local/run", include_in_schema=False)
    async def run(
        request: Request,
        body: RunRequest,
        token: Annotated[str | None, Header(alias=HEADER)] = None,
    ) -> dict[str, Any]:
        client = request.client.host if request.client else ""
        if client not in allowed or not token or not hmac.compare_digest(token, cred.token):
            raise HTTPException(401, f"a local caller needs the token of {token_file(cred.db)}")
        command = commands.get(body.command)
        if command is None:
            raise HTTPException(404, f"no local command {body.command!r}")
        backend = request.app.state.backend
        args = {**body.args, "actor": cred.actor} if command.writes else dict(body.args)

        def work() -> dict[str, Any]:
            out, err = io.StringIO(), io.StringIO()
            if command.writes:
                with backend.lock:
                    code = command.run(backend.store, args, out, err, body.tty)
            else:
                with backend.reading() as store:
                    code = command.run(store, args, out, err, body.tty)
            return {"stdout": out.getvalue(), "stderr": err.getvalue(), "exit": code}

        return await anyio.to_thread.run_sync(work)

    app.include_router(router)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        # Withdrawn as the app shuts down: uvicorn re-raises SIGTERM after its shutdown, so
        # code after ``Server.run`` never runs on a plain ``kill``.
        try:
            async with inner(a) as state:
                yield state
        finally:
            cred.withdraw()

    app.router.lifespan_context = lifespan
