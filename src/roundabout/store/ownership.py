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
(:func:`roundabout.lists.snapshots.save`, batch after batch: :func:`append_relations`,
:func:`append_statuses`, ...); the recomputed ones in a transaction of their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

import duckdb

from roundabout.ownership import dates
from roundabout.store import arrow_append, schema
from roundabout.store.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

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


def create_tables(store: Store) -> None:
    """The graph tables, where they do not exist yet (call before appending a snapshot's)."""
    ensure(store.raw)


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


def append_relations(store: Store, snapshot_id: str, batch: pa.Table) -> None:
    """Append links of one snapshot (call inside the snapshot's transaction, batch after
    batch in load order: :func:`relations` reads them back in that order).

    ``batch``: the :class:`~roundabout.lists.relations.Relation` fields as columns
    (``relation_id``, ``kind``, ``source``, ``target``, ``share_text``, ``start``, ``end``,
    ``role``: strings or null; ``record``: integer). ``data`` is their JSON, written by DuckDB
    from the columns (one ``json.dumps`` per link was a tenth of a million-link load), the
    keys in field order; read back with ``json.loads``.
    """
    arrow_append.append(
        store,
        "list_relations",
        batch,
        {
            "snapshot_id": arrow_append.Constant(snapshot_id),
            "data": "to_json(struct_pack(relation_id, kind, source, target, share_text, start, "
            '"end", role, record))',
        },
    )


def save_link_dates(store: Store, snapshot_id: str, as_of: str | None = None) -> None:
    """The day the snapshot's statuses hold for (``as_of``, an ISO date; default
    :func:`roundabout.ownership.dates.today`, as :func:`roundabout.lists.graph.assess`) and
    the start and end dates of its links (call once its links are appended)."""
    day = as_of or dates.today().isoformat()
    starts, ends = store.raw.execute(_LINK_DATES, [snapshot_id]).fetchone() or ([], [])
    store.raw.execute(
        "INSERT INTO list_link_dates VALUES (?, ?, ?, ?)", [snapshot_id, day, starts, ends]
    )


def append_context(store: Store, snapshot_id: str, batch: pa.Table) -> None:
    """Append context entities of one snapshot: ``entity_id`` and ``data`` (JSON) columns."""
    arrow_append.append(
        store, "list_context", batch, {"snapshot_id": arrow_append.Constant(snapshot_id)}
    )


def append_statuses(store: Store, snapshot_id: str, batch: pa.Table) -> None:
    """Append statuses of one snapshot: the :meth:`Status.to_dict` fields as columns
    (``rule``, ``entity_id``, ``basis``, ``blocked``, ``owned_share``, ``via`` (a list of
    strings), ``explanation``). The status JSON is written by DuckDB from the columns (one
    ``json.dumps`` per status was a tenth of a million-link load); read back with
    ``json.loads`` (:func:`statuses`)."""
    arrow_append.append(
        store,
        "list_ownership",
        batch,
        {
            "snapshot_id": arrow_append.Constant(snapshot_id),
            "data": "to_json(struct_pack(entity_id, rule, basis, blocked, owned_share, via, "
            "explanation))",
        },
    )


def append_warnings(store: Store, snapshot_id: str, warnings: Sequence[str]) -> None:
    """The warnings of one snapshot's load, in order."""
    import pyarrow as pa

    if warnings:
        store.append(
            "list_warnings",
            pa.table(
                {
                    "snapshot_id": pa.array([snapshot_id] * len(warnings), pa.string()),
                    "seq": pa.array(range(len(warnings)), pa.int32()),
                    "message": pa.array(warnings, pa.string()),
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
