"""The tables that keep a list snapshot's graph: its links, its context entities, what the
ownership rules make of them, and the warnings of its load.

``list_relations``: the links as read (ownership, directorship, family, ...), ``data`` JSON.
``list_context``: entities of the snapshot that are neither listed nor reached by ownership or
control (owners, subsidiaries, directors kept as context; not screened).
``list_ownership``: per snapshot, rule (``us``/``eu``) and context entity, the status computed
at load (:class:`roundabout.lists.graph.Status` as JSON).
``list_warnings``: what the load warned about, in order.
``list_link_dates``: per snapshot, the day its ``list_ownership`` statuses hold for (the load
day) and the distinct start and end dates of its links: the statuses hold on another day as
long as no link starts or ends in between (:func:`roundabout.ownership.dates.links_change`).
``list_ownership_asof`` / ``list_ownership_recomputed``: statuses computed again for a later
day, once a link started or ended after the load (with the entry version they give), and the
days so computed (a day with no status left has a marker and no rows).

The first five are written inside the snapshot's own transaction
(:func:`roundabout.lists.snapshots.save`); the recomputed ones in a transaction of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Final

import duckdb

from roundabout.ownership import dates
from roundabout.store import schema
from roundabout.store.store import Store

#: The graph tables (their definitions live with every other table in :mod:`.schema`).
TABLES: Final = (
    "list_relations",
    "list_context",
    "list_ownership",
    "list_warnings",
    "list_link_dates",
    "list_ownership_asof",
    "list_ownership_recomputed",
)
DDL: Final = tuple(schema.DDL[t] for t in TABLES)

#: The distinct start and end dates (ISO prefixes) of the links of one snapshot.
_LINK_DATES: Final = """
    SELECT coalesce(list(DISTINCT left(s, 10)) FILTER (WHERE coalesce(s, '') <> ''), []),
           coalesce(list(DISTINCT left(e, 10)) FILTER (WHERE coalesce(e, '') <> ''), [])
    FROM (SELECT json_extract_string(data, '$.start') AS s, json_extract_string(data, '$.end') AS e
          FROM list_relations WHERE snapshot_id = ?)
"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL:
        con.execute(stmt)


def _ready(store: Store, table: str) -> bool:
    """Whether ``table`` can be read: created here when the store is writable; a read-only
    store (which refuses even ``CREATE ... IF NOT EXISTS``) is asked whether it has it."""
    if not store.read_only:
        ensure(store.raw)
        return True
    row = store.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
    ).fetchone()
    return bool(row and row[0])


def save(
    store: Store,
    snapshot_id: str,
    relations: Sequence[tuple[str, str, str, str, str]],
    context: Sequence[tuple[str, str]],
    statuses: Sequence[dict[str, Any]],
    warnings: Sequence[str],
    as_of: str | None = None,
) -> None:
    """Append one snapshot's graph (call inside the snapshot's transaction).

    ``relations``: (relation_id, kind, source, target, json); ``context``: (entity_id, json);
    ``statuses``: :meth:`Status.to_dict` records, computed for ``as_of`` (an ISO date;
    default :func:`roundabout.ownership.dates.today`, as :func:`roundabout.lists.graph.assess`).
    """
    import pyarrow as pa

    ensure(store.raw)
    day = as_of or dates.today().isoformat()
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
    starts, ends = store.raw.execute(_LINK_DATES, [snapshot_id]).fetchone() or ([], [])
    store.raw.execute(
        "INSERT INTO list_link_dates VALUES (?, ?, ?, ?)", [snapshot_id, day, starts, ends]
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
        # the status JSON is written by DuckDB from the columns (one json.dumps per status
        # was a tenth of a million-link load); read back with json.loads as before
        table = pa.table(
            {
                "rule": [s["rule"] for s in statuses],
                "entity_id": [s["entity_id"] for s in statuses],
                "basis": [s["basis"] for s in statuses],
                "blocked": [bool(s["blocked"]) for s in statuses],
                "owned_share": pa.array([s["owned_share"] for s in statuses], pa.float64()),
                "via": pa.array([s["via"] for s in statuses], pa.list_(pa.string())),
                "explanation": [s["explanation"] for s in statuses],
            }
        )
        handle = "_rb_ownership_statuses"
        store.raw.register(handle, table)
        try:
            store.raw.execute(
                "INSERT INTO list_ownership SELECT ?, rule, entity_id, basis, blocked, "
                "owned_share, to_json(struct_pack(entity_id, rule, basis, blocked, "
                f"owned_share, via, explanation)) FROM {handle}",
                [snapshot_id],
            )
        finally:
            store.raw.unregister(handle)
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
    if not _ready(store, "list_ownership"):
        return {}
    ids = list(snapshot_ids)
    if not ids:
        return {}
    rows = store.execute(
        "SELECT snapshot_id, entity_id, data FROM list_ownership "
        "WHERE rule = ? AND list_contains(?, snapshot_id)",
        [rule, ids],
    ).fetchall()
    return {(s, e): json.loads(d) for s, e, d in rows}


def relations(store: Store, snapshot_id: str) -> list[str]:
    """The snapshot's links as JSON, in load order."""
    if not _ready(store, "list_relations"):
        return []
    rows = store.raw.execute(
        "SELECT data FROM list_relations WHERE snapshot_id = ? ORDER BY rowid", [snapshot_id]
    ).fetchall()
    return [r[0] for r in rows]


def context(store: Store, snapshot_id: str) -> list[str]:
    if not _ready(store, "list_context"):
        return []
    rows = store.raw.execute(
        "SELECT data FROM list_context WHERE snapshot_id = ? ORDER BY entity_id", [snapshot_id]
    ).fetchall()
    return [r[0] for r in rows]


def warnings(store: Store, snapshot_id: str) -> list[str]:
    if not _ready(store, "list_warnings"):
        return []
    rows = store.raw.execute(
        "SELECT message FROM list_warnings WHERE snapshot_id = ? ORDER BY seq", [snapshot_id]
    ).fetchall()
    return [r[0] for r in rows]


def addresses(store: Store, snapshot_ids: Iterable[str]) -> list[tuple[str, str, str]]:
    """(entity id, name, address) of every entry and context entity with an address in the
    given snapshots (listed entities, BIS address-only entries, owned companies)."""
    if not _ready(store, "list_context"):
        return []
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


def link_dates(
    store: Store, snapshot_ids: Iterable[str]
) -> dict[str, tuple[str, list[str], list[str]]]:
    """``snapshot_id -> (as_of, starts, ends)``: the day the load's statuses hold for and the
    dates its links start and end. A snapshot loaded before this table existed: its load day
    (``loaded_at``) and its links' dates read from ``list_relations``."""
    if not _ready(store, "list_link_dates"):
        return {}
    ids = list(snapshot_ids)
    if not ids:
        return {}
    rows = store.execute(
        "SELECT snapshot_id, as_of, starts, ends FROM list_link_dates "
        "WHERE list_contains(?, snapshot_id)",
        [ids],
    ).fetchall()
    out = {sid: (day, list(st), list(en)) for sid, day, st, en in rows}
    for sid in ids:
        if sid in out:
            continue
        loaded = store.execute(
            "SELECT CAST(CAST(loaded_at AS DATE) AS VARCHAR) FROM list_snapshots "
            "WHERE snapshot_id = ?",
            [sid],
        ).fetchone()
        if loaded is None:
            continue
        starts, ends = store.execute(_LINK_DATES, [sid]).fetchone() or ([], [])
        out[sid] = (loaded[0], list(starts), list(ends))
    return out


def recomputed_days(store: Store, snapshot_id: str) -> list[str]:
    """The days a snapshot's statuses were computed again for, newest first."""
    if not _ready(store, "list_ownership_recomputed"):
        return []
    rows = store.raw.execute(
        "SELECT DISTINCT as_of FROM list_ownership_recomputed WHERE snapshot_id = ? "
        "ORDER BY as_of DESC",
        [snapshot_id],
    ).fetchall()
    return [r[0] for r in rows]


def save_recomputed(
    store: Store, snapshot_id: str, as_of: str, rows: Sequence[tuple[str, str, str, dict[str, Any]]]
) -> None:
    """The statuses of ``snapshot_id`` computed again for ``as_of``: (rule, entity_id,
    entity version, :meth:`Status.to_dict`) rows, with the day's marker, in one transaction."""
    import pyarrow as pa

    ensure(store.raw)
    with store.transaction():
        store.raw.execute(
            "DELETE FROM list_ownership_asof WHERE snapshot_id = ? AND as_of = ?",
            [snapshot_id, as_of],
        )
        store.raw.execute(
            "DELETE FROM list_ownership_recomputed WHERE snapshot_id = ? AND as_of = ?",
            [snapshot_id, as_of],
        )
        if rows:
            store.append(
                "list_ownership_asof",
                pa.table(
                    {
                        "snapshot_id": [snapshot_id] * len(rows),
                        "as_of": [as_of] * len(rows),
                        "rule": [r[0] for r in rows],
                        "entity_id": [r[1] for r in rows],
                        "entity_hash": [r[2] for r in rows],
                        "data": [json.dumps(r[3], ensure_ascii=False) for r in rows],
                    }
                ),
            )
        store.raw.execute(
            "INSERT INTO list_ownership_recomputed VALUES (?, ?)", [snapshot_id, as_of]
        )


def statuses_asof(
    store: Store, snapshot_id: str, as_of: str, rule: str
) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], str]]:
    """The recomputed statuses of one snapshot for ``as_of`` under ``rule``, and the entry
    versions they give: ``(snapshot_id, entity_id) -> status dict`` / ``-> entity_hash``."""
    if not _ready(store, "list_ownership_asof"):
        return {}, {}
    rows = store.raw.execute(
        "SELECT entity_id, entity_hash, data FROM list_ownership_asof "
        "WHERE snapshot_id = ? AND as_of = ? AND rule = ?",
        [snapshot_id, as_of, rule],
    ).fetchall()
    found = {(snapshot_id, e): json.loads(d) for e, _, d in rows}
    versions = {(snapshot_id, e): h for e, h, _ in rows}
    return found, versions
