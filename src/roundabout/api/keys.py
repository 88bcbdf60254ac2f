"""API keys: created by ``roundabout keys create``, checked on every request, stored hashed.

A key looks like ``rb_<key_id>_<secret>``. ``key_id`` (12 hex digits) is public: it names the
key in logs, rate limits and ``keys revoke``. ``secret`` (32 random bytes, URL-safe base64) is
shown once, when the key is created, and never stored: the ``api_keys`` table keeps a random
per-key ``salt`` and ``sha256(salt || secret)``. Keys carry 256 bits of entropy, so a salted
fast hash is enough (a slow password hash would only slow every request down); comparison
uses :func:`hmac.compare_digest` so timing reveals nothing.

Each key carries permissions (:data:`PERMISSIONS`), set when it is created (``roundabout keys
create --can decide``). The table (:mod:`roundabout.store.api_keys`) is created on first use;
rows are never deleted, a revoked key keeps its row with ``revoked_at`` set, so the history
of who had access stays.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.store import Store, api_keys

#: What a key may do: ``read`` (leaks, flows, charts, alerts, decisions, the audit check),
#: ``screen`` (``/match``, ``/screen``), ``decide`` (``POST /decisions``), ``admin``
#: (everything, and the key list). ``admin`` implies the others.
PERMISSIONS: Final = ("read", "screen", "decide", "admin")
#: What ``roundabout keys create`` gives without ``--can``.
DEFAULT_PERMISSIONS: Final = ("read", "screen")

PREFIX: Final = "rb_"
_TOKEN = re.compile(r"^rb_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,79}$")


@dataclass(frozen=True, slots=True)
class ApiKey:
    """One key as stored (never the secret)."""

    key_id: str
    name: str
    salt: str
    secret_sha256: str
    created_at: str
    revoked_at: str | None
    permissions: tuple[str, ...] = DEFAULT_PERMISSIONS

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def actor(self) -> str:
        """Who the audit log says acted: ``api:<key id>:<key name>``."""
        return f"api:{self.key_id}:{self.name}"

    def can(self, permission: str) -> bool:
        """Whether the key holds ``permission`` (``admin`` holds them all)."""
        return permission in self.permissions or "admin" in self.permissions

    def to_record(self) -> dict[str, str]:
        """What :func:`insert_key` needs to store the key (the hash, never the secret)."""
        return {
            "key_id": self.key_id,
            "name": self.name,
            "salt": self.salt,
            "secret_sha256": self.secret_sha256,
            "created_at": self.created_at,
            "permissions": ",".join(self.permissions),
        }

    def to_dict(self) -> dict[str, str | bool | list[str] | None]:
        return {
            "key_id": self.key_id,
            "name": self.name,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "active": self.active,
            "permissions": list(self.permissions),
        }


def parse_permissions(values: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Permissions in a fixed order from ``"read,decide"`` or a list; unknown ones refused."""
    items = values.split(",") if isinstance(values, str) else list(values)
    got = {v.strip().lower() for v in items if v.strip()}
    unknown = sorted(got - set(PERMISSIONS))
    if unknown:
        raise RoundaboutError(
            f"unknown permission {unknown[0]!r} (permissions: {', '.join(PERMISSIONS)})"
        )
    return tuple(p for p in PERMISSIONS if p in got)


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("ascii")).hexdigest()


def new_key(name: str, permissions: tuple[str, ...] = DEFAULT_PERMISSIONS) -> tuple[ApiKey, str]:
    """A new key named ``name``, not stored yet: the record and the full token (shown once).

    ``read`` is always included: a key that may screen or decide may see the results."""
    name = name.strip()
    perms = parse_permissions(["read", *permissions])
    if not _NAME.match(name):
        raise RoundaboutError(
            f"key name {name!r}: use 1-80 letters, digits, spaces or . _ @ -, "
            "starting with a letter or digit"
        )
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    now = datetime.now(UTC).isoformat()
    record = ApiKey(key_id, name, salt, _digest(salt, secret), now, None, perms)
    return record, f"{PREFIX}{key_id}_{secret}"


def insert_key(store: Store, record: ApiKey) -> None:
    """Store ``record`` (its hash; the secret is never stored)."""
    if not (re.fullmatch(r"[0-9a-f]{12}", record.key_id) and _NAME.match(record.name)):
        raise RoundaboutError(f"malformed key record {record.key_id!r}")
    perms = ",".join(parse_permissions(record.permissions))
    api_keys.insert(
        store,
        (
            record.key_id,
            record.name,
            record.salt,
            record.secret_sha256,
            record.created_at,
            None,
            perms,
        ),
    )


def create_key(
    store: Store, name: str, permissions: tuple[str, ...] = DEFAULT_PERMISSIONS
) -> tuple[ApiKey, str]:
    """A new key named ``name``, stored: the record and the full token (shown once)."""
    record, token = new_key(name, permissions)
    insert_key(store, record)
    return record, token


def list_keys(store: Store) -> list[ApiKey]:
    """Every key ever created, oldest first (revoked ones included)."""
    return [ApiKey(*r[:6], parse_permissions(r[6])) for r in api_keys.rows(store)]


def revoke_key(store: Store, ref: str) -> list[ApiKey]:
    """Revoke the active keys whose id or name is ``ref``; returns them (an error if none)."""
    ref = ref.strip()
    if ref.startswith(PREFIX) and _TOKEN.match(ref):
        ref = ref.split("_")[1]  # a whole token given: revoke it by its id
    hits = [k for k in list_keys(store) if k.active and ref in (k.key_id, k.name)]
    if not hits:
        raise NotFoundError(
            f"no active API key with id or name {ref!r} (see `roundabout keys list`)"
        )
    api_keys.revoke(store, [k.key_id for k in hits], datetime.now(UTC))
    return hits


def parse_token(token: str) -> tuple[str, str] | None:
    """``(key_id, secret)`` of a well-formed token, else ``None``."""
    m = _TOKEN.match(token)
    return None if m is None else (m.group(1), m.group(2))


def check(key: ApiKey, secret: str) -> bool:
    """Whether ``secret`` is the secret of ``key`` (constant time) and the key is active."""
    return key.active and hmac.compare_digest(_digest(key.salt, secret), key.secret_sha256)
