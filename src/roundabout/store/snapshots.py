"""The SQL of list snapshots: ``list_snapshots`` and ``list_entities`` (see :mod:`.schema`).

The rules (what a snapshot is, when a load is a no-op, how an entry's version is computed)
live in :mod:`roundabout.lists.snapshots`; this module only reads and writes the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from roundabout.store import arrow_append
from roundabout.store.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

#: One ``list_snapshots`` row: id, source, publication date (``YYYY-MM-DD`` or None),
#: sha256, files (JSON list), entity count, load time (text).
SnapshotRow = tuple[str, str, str | None, str, str, int, str]


def insert_snapshot(
    store: Store,
    snapshot_id: str,
    source: str,
    publication_date: str | None,
    sha256: str,
    files_json: str,
    entity_count: int,
    loaded_at: datetime,
    entities: Iterable[pa.Table],
) -> None:
    """Append one snapshot row and its entries, batch after batch (call inside the load's
    transaction; each batch: ``snapshot_id``, ``entity_id``, ``schema``, ``name``,
    ``entity_hash``, ``data`` columns)."""
    store.raw.execute(
        "INSERT INTO list_snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
        [snapshot_id, source, publication_date, sha256, files_json, entity_count, loaded_at],
    )
    for batch in entities:
        arrow_append.append(store, "list_entities", batch, {})


def snapshot_rows(store: Store) -> list[SnapshotRow]:
    """Every snapshot, by source, publication date and load time (none in an older store
    opened read-only that has no list table)."""
    if not store.has_table("list_snapshots"):
        return []
    rows = store.raw.execute(
        "SELECT snapshot_id, source, CAST(publication_date AS VARCHAR), sha256, files, "
        "entity_count, CAST(loaded_at AS VARCHAR) FROM list_snapshots "
        "ORDER BY source, publication_date, loaded_at"
    ).fetchall()
    return [(str(a), str(b), c, str(d), str(e), int(f), str(g)) for a, b, c, d, e, f, g in rows]


def entity_data(store: Store, snapshot_id: str) -> list[str]:
    """The entries of a snapshot as JSON, by entity id."""
    rows = store.raw.execute(
        "SELECT data FROM list_entities WHERE snapshot_id = ? ORDER BY entity_id", [snapshot_id]
    ).fetchall()
    return [str(r[0]) for r in rows]


def entity_data_and_hash(store: Store, snapshot_id: str) -> list[tuple[str, str]]:
    """``(data JSON, entity_hash)`` of every entry of a snapshot, in stored order."""
    rows = store.raw.execute(
        "SELECT data, entity_hash FROM list_entities WHERE snapshot_id = ?", [snapshot_id]
    ).fetchall()
    return [(str(d), str(h)) for d, h in rows]


def diff_rows(store: Store, old_id: str, new_id: str) -> list[tuple[str, str, str, str]]:
    """``(entity_id, schema, name, kind)`` of every entry added, removed or changed (by
    ``entity_hash``) from snapshot ``old_id`` to ``new_id``, by entity id."""
    rows = store.raw.execute(
        """
        SELECT coalesce(n.entity_id, o.entity_id), coalesce(n.schema, o.schema),
               coalesce(n.name, o.name),
               CASE WHEN o.entity_id IS NULL THEN 'added'
                    WHEN n.entity_id IS NULL THEN 'removed'
                    WHEN o.entity_hash <> n.entity_hash THEN 'changed' END AS kind
        FROM (SELECT * FROM list_entities WHERE snapshot_id = ?) o
        FULL OUTER JOIN (SELECT * FROM list_entities WHERE snapshot_id = ?) n
          ON o.entity_id = n.entity_id
        ORDER BY 1
        """,
        [old_id, new_id],
    ).fetchall()
    return [(str(e), str(s), str(n), str(k)) for e, s, n, k in rows if k]
