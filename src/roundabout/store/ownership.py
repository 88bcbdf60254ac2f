"""The tables that keep a list snapshot's graph: its links, its context entities, what the
ownership rules make of them, and the warnings of its load.

``list_relations``: the links as read (ownership, directorship, family, ...), ``data`` JSON.
``list_context``: entities of the snapshot that are neither listed nor reached by ownership or
control (owners, subsidiaries, directors kept as context; not screened).
``list_ownership``: per snapshot, rule (``us``/``eu``) and context entity, the status computed
at load (:class:`roundabout.lists.graph.Status` as JSON).
``list_warnings``: what the load warned about, in order.

Written only inside the snapshot's own transaction (:func:`roundabout.lists.snapshots.save`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

import duckdb
import pyarrow as pa

from roundabout.store import schema
from roundabout.store.store import Store

#: The graph tables (their definitions live with every other table in :mod:`.schema`).
TABLES: Final = ("list_relations", "list_context", "list_ownership", "list_warnings")
DDL: Final = tuple(schema.DDL[t] for t in TABLES)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL:
        con.execute(stmt)


def save(
    store: Store,
    snapshot_id: str,
    relations: Sequence[tuple[str, str, str, str, str]],
    context: Sequence[tuple[str, str]],
    statuses: Sequence[dict[str, Any]],
    warnings: Sequence[str],
) -> None:
    """Append one snapshot's graph (call inside the snapshot's transaction).

    ``relations``: (relation_id, kind, source, target, json); ``context``: (entity_id, json);
    ``statuses``: :meth:`Status.to_dict` records.
    """
    ensure(store.raw)
    if relations:
        cols = list(zip(*relations, strict=True))
        store.append(
            "list_relations",
            pa.table(
                {
                    "snapshot_id": [snapshot_id] * len(relations),
                    "relation_id": list(cols[0]),
                    "kind": list(cols[1]),
                    "source": list(cols[2]),
                    "target": list(cols[3]),
                    "data": list(cols[4]),
                }
            ),
        )
    if context:
        store.append(
            "list_context",
            pa.table(
                {
                    "snapshot_id": [snapshot_id] * len(context),
                    "entity_id": [c[0] for c in context],
                    "data": [c[1] for c in context],
                }
            ),
        )
    if statuses:
        store.append(
            "list_ownership",
            pa.table(
                {
                    "snapshot_id": [snapshot_id] * len(statuses),
                    "rule": [s["rule"] for s in statuses],
                    "entity_id": [s["entity_id"] for s in statuses],
                    "basis": [s["basis"] for s in statuses],
                    "blocked": [bool(s["blocked"]) for s in statuses],
                    "owned_share": pa.array([s["owned_share"] for s in statuses], pa.float64()),
                    "data": [json.dumps(s, ensure_ascii=False) for s in statuses],
                }
            ),
        )
    if warnings:
        store.append(
            "list_warnings",
            pa.table(
                {
                    "snapshot_id": [snapshot_id] * len(warnings),
                    "seq": pa.array(range(len(warnings)), pa.int32()),
                    "message": list(warnings),
                }
            ),
        )


def statuses(store: Store, snapshot_ids: Iterable[str], rule: str) -> dict[tuple[str, str], Any]:
    """``(snapshot_id, entity_id) -> status dict`` under ``rule`` for the given snapshots."""
    ensure(store.raw)
    ids = list(snapshot_ids)
    if not ids:
        return {}
    rows = store.raw.execute(
        "SELECT snapshot_id, entity_id, data FROM list_ownership "
        "WHERE rule = ? AND list_contains(?, snapshot_id)",
        [rule, ids],
    ).fetchall()
    return {(s, e): json.loads(d) for s, e, d in rows}


def relations(store: Store, snapshot_id: str) -> list[str]:
    """The snapshot's links as JSON, in load order."""
    ensure(store.raw)
    rows = store.raw.execute(
        "SELECT data FROM list_relations WHERE snapshot_id = ? ORDER BY rowid", [snapshot_id]
    ).fetchall()
    return [r[0] for r in rows]


def context(store: Store, snapshot_id: str) -> list[str]:
    ensure(store.raw)
    rows = store.raw.execute(
        "SELECT data FROM list_context WHERE snapshot_id = ? ORDER BY entity_id", [snapshot_id]
    ).fetchall()
    return [r[0] for r in rows]


def warnings(store: Store, snapshot_id: str) -> list[str]:
    ensure(store.raw)
    rows = store.raw.execute(
        "SELECT message FROM list_warnings WHERE snapshot_id = ? ORDER BY seq", [snapshot_id]
    ).fetchall()
    return [r[0] for r in rows]


def addresses(store: Store, snapshot_ids: Iterable[str]) -> list[tuple[str, str, str]]:
    """(entity id, name, address) of every entry and context entity with an address in the
    given snapshots (listed entities, BIS address-only entries, owned companies)."""
    ensure(store.raw)
    ids = list(snapshot_ids)
    if not ids:
        return []
    rows = store.raw.execute(
        "SELECT entity_id, data FROM list_entities WHERE list_contains(?, snapshot_id) "
        "AND contains(data, '\"addresses\"') "
        "UNION ALL SELECT entity_id, data FROM list_context WHERE list_contains(?, snapshot_id) "
        "AND contains(data, '\"addresses\"')",
        [ids, ids],
    ).fetchall()
    out: list[tuple[str, str, str]] = []
    for eid, data in rows:
        d = json.loads(data)
        if d.get("listed", True) is False and d.get("schema") != "Address":
            continue  # a context company's address is not a listed address
        out.extend((eid, d["name"], a) for a in d.get("addresses", ()))
    return out
