"""``roundabout keys``: create, list and revoke the API keys of ``roundabout serve``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, fails_cleanly, print_json
from roundabout.errors import StoreError
from roundabout.text_safety import visible

keys_app = typer.Typer(name="keys", help="API keys for `roundabout serve`.", no_args_is_help=True)


def _locked(exc: StoreError) -> bool:
    return "lock" in str(exc).lower()


def _holder_error(path: Path, exc: StoreError, command: str) -> StoreError:
    pid = re.search(r"PID (\d+)", str(exc))
    holder = f"process {pid.group(1)}" if pid else "another process"
    return StoreError(
        f"{path} is in use by {holder}, which takes no key requests (a `roundabout serve` of "
        f"an older version?): stop it, run `roundabout keys {command}` again, then restart it"
    )


def _run(db: Path | None, command: str, request: dict[str, Any]) -> dict[str, Any]:
    """Carry out a key request: on the store directly, or through the running server that
    holds it (:mod:`roundabout.api.key_requests`), which applies it at once."""
    from roundabout.api import key_requests
    from roundabout.store import Store

    path = db_path(db)
    try:
        store = Store(path)
    except StoreError as exc:
        if not _locked(exc):
            raise
        if not key_requests.spool_dir(path).is_dir():
            raise _holder_error(path, exc, command) from None
        return key_requests.submit(path, request)
    with store:
        return key_requests.apply_or_raise(store, request)


@keys_app.command("create")
@fails_cleanly
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    can: Annotated[
        list[str] | None,
        typer.Option(
            "--can",
            help="Permission: read, screen, decide, admin (repeatable or comma-separated; "
            "default read and screen; only decide keys may record decisions).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Create a key and print it on the last line: it is shown once, only its hash is kept.

    Works while `roundabout serve` runs: the server stores the key and accepts it at once."""
    from roundabout.api.keys import DEFAULT_PERMISSIONS, new_key, parse_permissions

    perms = parse_permissions(",".join(can)) if can else DEFAULT_PERMISSIONS
    record, token = new_key(name, perms)
    _run(db, "create", {"op": "create", **record.to_record()})
    typer.echo(
        f"created key {record.key_id} for {visible(record.name)!r} "
        f"({', '.join(record.permissions)}); store it now, it is not kept:",
        err=True,
    )
    typer.echo(token)


@keys_app.command("list")
@fails_cleanly
def list_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every key: id, name, created, revoked (never the secret)."""
    found = _run(db, "list", {"op": "list"})["keys"]
    if as_json:
        print_json(found)
        return
    for k in found:
        state = "active" if k["active"] else f"revoked {k['revoked_at']}"
        perms = ",".join(k.get("permissions", ()))
        typer.echo(
            f"{k['key_id']}  {visible(k['name']):<24} {perms:<22} created {k['created_at']}  "
            f"{state}"
        )


@keys_app.command("revoke")
@fails_cleanly
def revoke(
    ref: Annotated[str, typer.Argument(help="Key id, key name (all its active keys) or the key.")],
    db: DbOption = None,
) -> None:
    """Revoke keys: requests with them get 401 from then on (a running server is told at once)."""
    done = _run(db, "revoke", {"op": "revoke", "ref": ref})["revoked"]
    for k in done:
        typer.echo(f"revoked {k['key_id']} ({visible(k['name'])})")
