"""``roundabout keys``: create, list and revoke the API keys of ``roundabout serve``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, fails_cleanly, print_json
from roundabout.errors import StoreError

if TYPE_CHECKING:
    from roundabout.store import Store

keys_app = typer.Typer(name="keys", help="API keys for `roundabout serve`.", no_args_is_help=True)


@contextmanager
def _store(db: Path | None, command: str) -> Iterator[Store]:
    """The store, or one clear line if another process (``roundabout serve``) holds it.

    DuckDB lets one process open a file for writing, and a running server keeps it open, so
    keys are managed while the server is stopped; it reads them when it starts.
    """
    from roundabout.store import Store

    path = db_path(db)
    try:
        store = Store(path)
    except StoreError as exc:
        text = str(exc)
        if "lock" not in text.lower():
            raise
        pid = re.search(r"PID (\d+)", text)
        holder = f"process {pid.group(1)}" if pid else "another process"
        raise StoreError(
            f"{path} is in use by {holder} (a running `roundabout serve`?): stop it, run "
            f"`roundabout keys {command}` again, then restart the server (it reads the keys "
            "when it starts)"
        ) from None
    with store:
        yield store


@keys_app.command("create")
@fails_cleanly
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    db: DbOption = None,
) -> None:
    """Create a key and print it on the last line: it is shown once, only its hash is kept."""
    from roundabout.api.keys import create_key

    with _store(db, "create") as store:
        record, token = create_key(store, name)
    typer.echo(
        f"created key {record.key_id} for {record.name!r}; store it now, it is not kept:", err=True
    )
    typer.echo(token)


@keys_app.command("list")
@fails_cleanly
def list_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every key: id, name, created, revoked (never the secret)."""
    from roundabout.api.keys import list_keys

    with _store(db, "list") as store:
        found = list_keys(store)
    if as_json:
        print_json([k.to_dict() for k in found])
        return
    for k in found:
        state = "active" if k.active else f"revoked {k.revoked_at}"
        typer.echo(f"{k.key_id}  {k.name:<24} created {k.created_at}  {state}")


@keys_app.command("revoke")
@fails_cleanly
def revoke(
    ref: Annotated[str, typer.Argument(help="Key id, key name (all its active keys) or the key.")],
    db: DbOption = None,
) -> None:
    """Revoke keys (with the server stopped): requests with them get 401 once it restarts."""
    from roundabout.api.keys import revoke_key

    with _store(db, "revoke") as store:
        done = revoke_key(store, ref)
    for k in done:
        typer.echo(f"revoked {k.key_id} ({k.name})")
