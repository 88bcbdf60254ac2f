"""``roundabout keys``: create, list and revoke the API keys of ``roundabout serve``."""

from __future__ import annotations

from typing import Annotated

import typer

from roundabout.cli._common import DbOption, JsonOption, db_path, fails_cleanly, print_json

keys_app = typer.Typer(name="keys", help="API keys for `roundabout serve`.", no_args_is_help=True)


@keys_app.command("create")
@fails_cleanly
def create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    db: DbOption = None,
) -> None:
    """Create a key and print it on the last line: it is shown once, only its hash is kept."""
    from roundabout.api.keys import create_key
    from roundabout.store import Store

    with Store(db_path(db)) as store:
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
    from roundabout.store import Store

    with Store(db_path(db)) as store:
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
    """Revoke keys: requests with them get 401 from the next server start."""
    from roundabout.api.keys import revoke_key
    from roundabout.store import Store

    with Store(db_path(db)) as store:
        done = revoke_key(store, ref)
    for k in done:
        typer.echo(f"revoked {k.key_id} ({k.name})")
