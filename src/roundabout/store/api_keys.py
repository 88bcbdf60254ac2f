"""The ``api_keys`` table (defined in :mod:`.schema`): the SQL behind :mod:`roundabout.api.keys`.

One row per key ever created (revoked ones keep their row with ``revoked_at`` set): id,
name, salt, ``sha256(salt || secret)``, ``permissions`` (comma-separated: ``read``,
``screen``, ``decide``, ``admin``), created, revoked. The secret itself is never stored.

``permissions`` came later: a store whose table lacks the column gets it with
:data:`LEGACY_PERMISSIONS` (``read,screen``) for the keys it already has (migration
``api_key_permissions``), so an old key can no longer record decisions until a ``decide``
key is created for it (``roundabout keys create --name NAME --can decide``).
"""

from __future__ import annotations

from datetime import datetime

from roundabout.store.schema import LEGACY_PERMISSIONS as LEGACY_PERMISSIONS  # re-exported
from roundabout.store.store import Store

Row = tuple[str, str, str, str, str, str | None, str]


def insert(store: Store, row: Row) -> None:
    """Store one key: ``(key_id, name, salt, secret_sha256, created_at, None, permissions)``."""
    key_id, name, salt, digest, created, _, permissions = row
    with store.transaction():
        store.raw.execute(
            "INSERT INTO api_keys (key_id, name, salt, secret_sha256, created_at, revoked_at, "
            "permissions) VALUES (?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), NULL, ?)",
            [key_id, name, salt, digest, created, permissions],
        )


def rows(store: Store) -> list[Row]:
    """Every key, oldest first, timestamps as text."""
    if not store.has_table("api_keys"):  # an older store opened read-only
        return []
    cols = {r[0] for r in store.raw.execute("DESCRIBE api_keys").fetchall()}
    perms = "coalesce(permissions, ?)" if "permissions" in cols else "?"
    found = store.raw.execute(
        "SELECT key_id, name, salt, secret_sha256, CAST(created_at AS VARCHAR), "
        f"CAST(revoked_at AS VARCHAR), {perms} FROM api_keys ORDER BY created_at, key_id",
        [LEGACY_PERMISSIONS],
    ).fetchall()
    return [(r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in found]


def revoke(store: Store, key_ids: list[str], at: datetime) -> None:
    """Set ``revoked_at`` of ``key_ids`` (all or none)."""
    with store.transaction():
        for key_id in key_ids:
            store.raw.execute("UPDATE api_keys SET revoked_at = ? WHERE key_id = ?", [at, key_id])
