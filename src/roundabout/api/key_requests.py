"""Managing API keys while ``roundabout serve`` holds the store.

DuckDB lets one process write a store file, and a running server keeps it open, so
``roundabout keys create/revoke/list`` cannot open it then. Instead they hand the request to
the server through a spool directory next to the store, ``<store>.keys-spool/`` (mode 0700,
created by the server when it starts, removed when it stops):

1. the command writes ``<id>.request.json`` atomically (a temporary name, then a rename);
2. the server looks for requests twice a second, applies each one to the store under its
   lock, reloads its keys (a revoked key is refused from then on), writes
   ``<id>.answer.json`` atomically and deletes the request (requests made while the server
   is still starting wait for it);
3. the command waits for the answer (:data:`WAIT_SECONDS` at most), deletes it and prints it.

The secret of a new key never leaves the command: it sends the key id, salt and hash only.
Whoever can write the spool directory can manage keys, exactly like whoever can write the
store file: both belong to the user who runs the server.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from roundabout.api import keys as keys_mod
from roundabout.errors import RoundaboutError, StoreError
from roundabout.store import Store

SUFFIX: Final = ".keys-spool"
WAIT_SECONDS: Final = 30.0
POLL_SECONDS: Final = 0.5


def spool_dir(db: Path) -> Path:
    """The spool directory of the store ``db``."""
    return db.with_name(db.name + SUFFIX)


def _write_atomic(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(doc), encoding="utf-8")
    os.replace(tmp, path)


# -- the server's side ------------------------------------------------------------------------


def open_spool(db: Path) -> Path:
    """Create the spool directory (the server, as it starts: requests made while it builds
    its list index are answered as soon as it runs)."""
    spool = spool_dir(db)
    spool.mkdir(mode=0o700, exist_ok=True)
    os.chmod(spool, 0o700)
    return spool


def close_spool(db: Path) -> None:
    """Remove the spool directory (the server, when it stops)."""
    spool = spool_dir(db)
    if spool.is_dir():
        for p in spool.iterdir():
            p.unlink(missing_ok=True)
        spool.rmdir()


def pending(spool: Path) -> list[Path]:
    """Requests waiting in ``spool``, oldest first (cheap: one directory listing)."""
    try:
        found = [p for p in spool.iterdir() if p.name.endswith(".request.json")]
    except FileNotFoundError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime if p.exists() else 0.0)


def apply(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    """Carry out one request on ``store``: the answer, or ``{"error": ...}``."""
    op = request.get("op")
    try:
        if op == "create":
            record = keys_mod.ApiKey(
                key_id=str(request["key_id"]),
                name=str(request["name"]),
                salt=str(request["salt"]),
                secret_sha256=str(request["secret_sha256"]),
                created_at=str(request["created_at"]),
                revoked_at=None,
                permissions=keys_mod.parse_permissions(
                    str(request.get("permissions", ",".join(keys_mod.DEFAULT_PERMISSIONS)))
                ),
            )
            keys_mod.insert_key(store, record)
            return {"created": record.to_dict()}
        if op == "revoke":
            return {"revoked": [k.to_dict() for k in keys_mod.revoke_key(store, request["ref"])]}
        if op == "list":
            return {"keys": [k.to_dict() for k in keys_mod.list_keys(store)]}
        return {"error": f"unknown request {op!r}"}
    except KeyError as exc:
        return {"error": f"request without {exc.args[0]!r}"}
    except RoundaboutError as exc:
        return {"error": str(exc)}


def apply_or_raise(store: Store, request: dict[str, Any]) -> dict[str, Any]:
    """:func:`apply`, with a failed request raised as :class:`RoundaboutError`."""
    answer = apply(store, request)
    if "error" in answer:
        raise RoundaboutError(str(answer["error"]))
    return answer


def process(store: Store, spool: Path, applied: Callable[[], None] | None = None) -> int:
    """Answer every pending request in ``spool``; how many were answered.

    ``applied`` runs after a request is carried out and before its answer is written (the
    server reloads its keys there), so a command that got its answer can rely on it."""
    done = 0
    for req in pending(spool):
        try:
            request = json.loads(req.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue  # withdrawn by a command that gave up waiting
        except (OSError, ValueError) as exc:
            request, answer = None, {"error": f"unreadable request: {exc}"}
        if request is not None:
            answer = (
                apply(store, request)
                if isinstance(request, dict)
                else {"error": "a request is a JSON object"}
            )
        if applied is not None and "error" not in answer:
            applied()
        _write_atomic(req.with_name(req.name.replace(".request.", ".answer.")), answer)
        req.unlink(missing_ok=True)
        done += 1
    return done


# -- the command's side -----------------------------------------------------------------------


def submit(db: Path, request: dict[str, Any], *, wait: float = WAIT_SECONDS) -> dict[str, Any]:
    """Hand ``request`` to the server holding ``db`` and wait for its answer.

    Raises :class:`StoreError` when no server listens (no spool directory) or none answers in
    time (the request is then withdrawn), and :class:`RoundaboutError` with the server's
    message when the request failed.
    """
    spool = spool_dir(db)
    if not spool.is_dir():
        raise StoreError(f"{db} is in use by another process that takes no key requests")
    rid = uuid.uuid4().hex
    req = spool / f"{rid}.request.json"
    ans = spool / f"{rid}.answer.json"
    _write_atomic(req, request)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if ans.exists():
            answer: dict[str, Any] = json.loads(ans.read_text(encoding="utf-8"))
            ans.unlink(missing_ok=True)
            if "error" in answer:
                raise RoundaboutError(str(answer["error"]))
            return answer
        time.sleep(0.05)
    req.unlink(missing_ok=True)
    raise StoreError(
        f"{db} is in use and its server did not answer the key request within {wait:.0f} s "
        "(is it a `roundabout serve` of this version?)"
    )
