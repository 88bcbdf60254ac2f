"""Versioned migrations: how a store of any earlier version reaches the shape of :mod:`.schema`.

Each migration is a small declared step (:class:`Migration`: a version number, a name, a
function). A store records the steps it has had in ``schema_migrations`` (``version``,
``name``, ``applied_at``). Opening a store for writing applies the steps it lacks, in order,
each in its own transaction with its record: a failed step leaves the store at the step
before, recorded as such, and the next opening resumes there. (One transaction per step, not
one for all: DuckDB refuses to commit a transaction that alters a table it has already
updated, and a later step may alter a table an earlier one filled in.)

* A store from before migrations existed has no ``schema_migrations`` table: it is at version
  0 and gets every step. Every step is written to be a no-op on tables already in their
  current shape (``IF NOT EXISTS``, columns added only when missing), so a store whose tables
  some earlier code already brought up to date is recorded as migrated without change.
* A store opened read-only is never migrated (it cannot be written); reads of an older store
  cope with what it has.
* A store whose recorded version is newer than :data:`LATEST` was written by a newer
  roundabout: it is refused, read-only or not, in one line (:func:`check_version`), rather
  than read or written with a shape this code does not know.

To change a table: edit its definition in :mod:`.schema` (new stores are created in the new
shape by step 1) and append a step that brings an existing store along (``ADD COLUMN IF NOT
EXISTS``, a backfill). Never edit or renumber a released step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import duckdb

from roundabout.errors import StoreError
from roundabout.store import audit, schema
from roundabout.store.schema import DDL, LEGACY_PERMISSIONS, MIGRATIONS_TABLE

if TYPE_CHECKING:
    from roundabout.store.store import Store


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: ``apply(store)`` brings a store of version ``version - 1`` to ``version``."""

    version: int
    name: str
    apply: Callable[[Store], None]


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = current_schema()"
    ).fetchall()
    return {str(r[0]) for r in rows}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = ?",
        [table],
    ).fetchall()
    return {str(r[0]) for r in rows}


def _duck_type(dtype: Any) -> str:
    """The DuckDB type name of an Ibis type (for the few types the schema uses)."""
    names = {"int64": "BIGINT", "int32": "INTEGER", "int16": "SMALLINT", "int8": "TINYINT",
             "float64": "DOUBLE", "string": "VARCHAR", "boolean": "BOOLEAN"}  # fmt: skip
    return names[str(dtype).lstrip("!")]


def _create_tables(store: Store) -> None:
    """Every table of :mod:`.schema` a store lacks, in its current shape."""
    existing = _tables(store.raw)
    for name, table_schema in schema.TABLES.items():
        if name not in existing:
            store.backend.create_table(name, schema=table_schema)
    for statement in DDL.values():
        store.raw.execute(statement)


def _add_trade_columns(store: Store) -> None:
    """The nullable columns of the trade tables that later versions added (a store loaded by
    an older version lacks them; their rows get nulls)."""
    con = store.raw
    for name, table_schema in schema.TABLES.items():
        have = _columns(con, name)
        for column, dtype in table_schema.items():
            if column not in have and dtype.nullable:
                con.execute(f'ALTER TABLE "{name}" ADD COLUMN "{column}" {_duck_type(dtype)}')


_BIND_DECISIONS: Final = """UPDATE screening_decisions AS d SET party_hash = (
        SELECT r.party_hash FROM screening_results AS r
        WHERE r.party_id = d.party_id AND r.entity_id = d.entity_id
          AND r.entity_hash = d.entity_hash AND r.screened_at <= d.decided_at
        ORDER BY r.screened_at DESC LIMIT 1
    ) WHERE d.party_hash IS NULL"""


def _bind_decisions_to_records(store: Store) -> None:
    """Decisions bind the party *record* (``party_hash``), hits keep it (``party_record``).

    Each decision made before is bound to the record of the latest hit it could have been
    made on (same party, entry and entry version, screened before the decision); a decision
    with no such hit binds nothing (and so holds for nothing)."""
    con = store.raw
    con.execute("ALTER TABLE screening_results ADD COLUMN IF NOT EXISTS party_record VARCHAR")
    if "party_hash" not in _columns(con, "screening_decisions"):
        con.execute("ALTER TABLE screening_decisions ADD COLUMN party_hash VARCHAR")
        con.execute(_BIND_DECISIONS)


def _key_permissions(store: Store) -> None:
    """API keys got permissions: the keys a store already has may read and screen only."""
    store.raw.execute(
        "ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS permissions VARCHAR "
        f"DEFAULT '{LEGACY_PERMISSIONS}'"
    )


def _audit_chain(store: Store) -> None:
    """The audit log and the decisions got a hash chain (and decisions their ``actor``): the
    rows a store already has are chained as found (:func:`.audit.chain_as_found`)."""
    con = store.raw
    con.execute("ALTER TABLE screening_audit ADD COLUMN IF NOT EXISTS row_hash VARCHAR")
    for col, kind in (("actor", "VARCHAR"), ("chain_seq", "BIGINT"), ("row_hash", "VARCHAR")):
        con.execute(f"ALTER TABLE screening_decisions ADD COLUMN IF NOT EXISTS {col} {kind}")
    audit.chain_as_found(store)


def _shipment_review(store: Store) -> None:
    """The shipment review queue: declarations as screened and the decisions on them
    (:mod:`.shipment_review`)."""
    for name in ("shipment_results", "shipment_decisions"):
        store.raw.execute(DDL[name])


def _ownership_as_of(store: Store) -> None:
    """Ownership statuses follow the screening day: the links' start and end dates of each
    snapshot, and statuses recomputed for a later day (:mod:`.ownership`)."""
    for name in ("list_link_dates", "list_ownership_asof", "list_ownership_recomputed"):
        store.raw.execute(DDL[name])


MIGRATIONS: Final = (
    Migration(1, "create_tables", _create_tables),
    Migration(2, "trade_nullable_columns", _add_trade_columns),
    Migration(3, "decisions_bind_party_records", _bind_decisions_to_records),
    Migration(4, "api_key_permissions", _key_permissions),
    Migration(5, "audit_hash_chain", _audit_chain),
    Migration(6, "shipment_review", _shipment_review),
    Migration(7, "ownership_as_of", _ownership_as_of),
)

#: The version of a store this code writes (the last step's).
LATEST: Final = MIGRATIONS[-1].version


def version(store: Store) -> int:
    """The store's recorded version: the last migration applied, 0 before any."""
    con = store.raw
    if MIGRATIONS_TABLE not in _tables(con):
        return 0
    row = con.execute(f"SELECT max(version) FROM {MIGRATIONS_TABLE}").fetchone()
    return int(row[0]) if row is not None and row[0] is not None else 0


def applied(store: Store) -> list[tuple[int, str, str]]:
    """``(version, name, applied_at)`` of every migration the store has had, in order."""
    if MIGRATIONS_TABLE not in _tables(store.raw):
        return []
    rows = store.raw.execute(
        f"SELECT version, name, CAST(applied_at AS VARCHAR) FROM {MIGRATIONS_TABLE} "
        "ORDER BY version"
    ).fetchall()
    return [(int(v), str(n), str(a)) for v, n, a in rows]


def check_version(store: Store, latest: int = LATEST) -> int:
    """The store's version; a :class:`StoreError` in one line if it is newer than the code."""
    found = version(store)
    if found > latest:
        where = store.path if store.path is not None else ":memory:"
        raise StoreError(
            f"{where}: store schema version {found} is newer than this roundabout knows "
            f"(up to {latest}): upgrade roundabout to open it"
        )
    return found


def migrate(store: Store, steps: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """Apply the ``steps`` (default :data:`MIGRATIONS`) the store lacks, in order, each with
    its record; the ones applied.

    A read-only store is only checked (:func:`check_version`), never changed."""
    found = check_version(store, max((m.version for m in steps), default=0))
    pending = [m for m in steps if m.version > found]
    if store.read_only or not pending:
        return []
    store.raw.execute(DDL[MIGRATIONS_TABLE])
    for step in pending:
        with store.transaction():
            step.apply(store)
            store.raw.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)",
                [step.version, step.name, datetime.now(UTC)],
            )
    return pending
