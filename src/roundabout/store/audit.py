"""The append-only audit log, and a hash chain that makes an edit of it show.

``screening_audit`` records every list load, screening run and decision, in order: ``seq``,
when, what (``list_loaded``, ``screening_run``, ``decision``, ...), who (``actor``: an API key
``api:<key id>:<key name>``, a CLI user ``cli:<os user>``, or ``system``) and a JSON detail.
``screening_decisions`` holds the verdicts (both tables are defined in :mod:`.schema`).

**The chain.** Each row of both tables carries ``row_hash``::

    row_hash = sha256(previous row_hash || "\\n" || canonical JSON of the row)

where the canonical JSON is the row's non-null columns (``row_hash`` aside) with sorted keys,
timestamps in UTC ISO form, and the previous hash is that of the row before it in the same
table (``seq`` for the audit log, ``chain_seq`` for decisions; 64 zeros for the first). A
``list_loaded`` event carries the snapshot's sha256, so the chain also pins the lists:
:func:`verify` checks that every snapshot named in the log still has that sha256. Changing,
removing or reordering a row breaks the chain at that row; :func:`verify` names the first
broken one (``roundabout screen audit --verify`` exits non-zero with it).

What the chain does not do: anyone who can write the file can recompute every hash after an
edit. Keep :attr:`Verification.head` (printed by ``--verify``) somewhere else (a ticket, a
mail) and compare: a rewritten log has another head.

**Stores from before the chain** have rows without ``row_hash``. When such a store is first
opened for writing (migration ``audit_hash_chain``, :mod:`.migrations`), those rows are
chained as found (in ``seq`` order) and an
``audit_chained`` event records how many were: the chain vouches for them from that moment
on, not for what happened to them before. :attr:`Verification.pre_chain` reports the count.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final

import duckdb

from roundabout.store import literal

if TYPE_CHECKING:
    from roundabout.store.store import Store

AUDIT: Final = "screening_audit"
DECISIONS: Final = "screening_decisions"
#: Each chained table and the column that orders its chain.
CHAINED: Final = {AUDIT: "seq", DECISIONS: "chain_seq"}
GENESIS: Final = "0" * 64

#: How a timestamp enters the hash (Python and DuckDB spell it the same way).
STAMP: Final = "%Y-%m-%dT%H:%M:%S.%f+00:00"


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime(STAMP)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return value


def row_hash(previous: str, row: dict[str, Any]) -> str:
    """The chain hash of ``row`` (column -> value) after a row hashed ``previous``."""
    body = {k: _canonical(v) for k, v in row.items() if v is not None and k != "row_hash"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{previous}\n{text}".encode()).hexdigest()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]


def _select(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], str]:
    """The columns of ``table`` and a select list that reads them as the hash sees them:
    a ``TIMESTAMPTZ`` as UTC text (:data:`STAMP`), without the time zone package DuckDB's
    Python client would need to hand it over as a datetime."""
    cols, exprs = [], []
    for name, kind, *_ in con.execute(f'DESCRIBE "{table}"').fetchall():
        cols.append(name)
        if str(kind).upper() in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
            exprs.append(f"strftime(\"{name}\" AT TIME ZONE 'UTC', '{STAMP}')")
        else:
            exprs.append(f'"{name}"')
    return cols, ", ".join(exprs)


def chain_as_found(store: Store) -> dict[str, int]:
    """Chain the rows of both tables that have no hash yet (a store from before the chain),
    in order, and record how many in an ``audit_chained`` event (none when there were none).
    Run once, by the migration that added the chain columns."""
    con = store.raw
    chained = {t: _chain_legacy(con, t) for t in CHAINED if t in _tables(con)}
    if any(chained.values()):
        _append(con, AUDIT, _event("audit_chained", "system", {"pre_chain_rows": chained}))
    return chained


def _chain_legacy(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Hash the rows of ``table`` that have none yet (a store from before the chain)."""
    order = CHAINED[table]
    n = con.execute(f"SELECT count(*) FROM {table} WHERE row_hash IS NULL").fetchone()
    if not n or not n[0]:
        return 0
    if table == DECISIONS:  # number the old decisions in the order they were made
        con.execute(
            f"UPDATE {DECISIONS} SET chain_seq = r.n FROM (SELECT rowid AS rid, "
            f"row_number() OVER (ORDER BY decided_at, rowid) AS n FROM {DECISIONS}) r "
            f"WHERE {DECISIONS}.rowid = r.rid AND {DECISIONS}.chain_seq IS NULL"
        )
    cols, select = _select(con, table)
    rows = con.execute(f"SELECT rowid, {select} FROM {table} ORDER BY {order}").fetchall()
    previous = GENESIS
    for r in rows:
        row = dict(zip(cols, r[1:], strict=True))
        if row["row_hash"] is None:
            row["row_hash"] = row_hash(previous, row)
            con.execute(f"UPDATE {table} SET row_hash = ? WHERE rowid = ?", [row["row_hash"], r[0]])
        previous = str(row["row_hash"])
    return int(n[0])


def _head(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, str]:
    """The last ``(order value, row_hash)`` of ``table``'s chain (``(0, GENESIS)`` if empty)."""
    order = CHAINED[table]
    row = con.execute(
        f"SELECT {order}, row_hash FROM {table} ORDER BY {order} DESC LIMIT 1"
    ).fetchone()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1] or GENESIS))


def _append(con: duckdb.DuckDBPyConnection, table: str, values: dict[str, Any]) -> dict[str, Any]:
    order = CHAINED[table]
    last, previous = _head(con, table)
    row = {**values, order: last + 1}
    row["row_hash"] = row_hash(previous, row)
    cols = list(row)
    names = ", ".join(f'"{c}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    # as literals: DuckDB imports pandas for a query with parameters (:mod:`.literal`)
    literal.run(con, f"INSERT INTO {table} ({names}) VALUES ({marks})", [row[c] for c in cols])
    return row


def _event(event: str, actor: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_at": datetime.now(UTC),
        "event": event,
        "actor": actor,
        "detail": json.dumps(detail, ensure_ascii=False, default=str),
    }


def record(store: Store, event: str, actor: str, detail: dict[str, Any]) -> None:
    """Append one event (call inside the caller's transaction to make it all-or-nothing)."""
    _append(store.raw, AUDIT, _event(event, actor, detail))


def append_decision(store: Store, values: dict[str, Any]) -> None:
    """Append one row of ``screening_decisions`` (column -> value), chained."""
    _append(store.raw, DECISIONS, values)


def read(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    """The events, oldest first (the last ``limit`` of them when given)."""
    if AUDIT not in _tables(store.raw):  # an older store opened read-only
        return []
    sql = f"SELECT seq, CAST(event_at AS VARCHAR), event, actor, detail FROM {AUDIT} ORDER BY seq"
    if limit:
        sql += f" DESC LIMIT {int(limit)}"
    rows = store.raw.execute(sql).fetchall()
    out = [
        {"seq": r[0], "at": r[1], "event": r[2], "actor": r[3], "detail": json.loads(r[4])}
        for r in rows
    ]
    return sorted(out, key=lambda r: r["seq"])


def has_event(store: Store, *events: str) -> bool:
    """Whether the log holds at least one of ``events`` (``screening_run``, ``list_loaded``)."""
    if AUDIT not in _tables(store.raw):
        return False
    sql = f"SELECT 1 FROM {AUDIT} WHERE list_contains(?, event) LIMIT 1"
    return store.raw.execute(sql, [list(events)]).fetchone() is not None


@dataclass(frozen=True, slots=True)
class Verification:
    """What :func:`verify` found: ``ok``, the rows checked per table, the first broken row
    (``broken``: table, its order value, why), the head hash of the audit log, and how many
    rows were chained as found when an older store was migrated (``pre_chain``)."""

    ok: bool
    rows: dict[str, int]
    head: str
    broken: tuple[str, int, str] | None = None
    pre_chain: dict[str, int] = field(default_factory=dict)

    def message(self) -> str:
        if self.broken is not None:
            table, at, why = self.broken
            key = CHAINED.get(table, "row")
            return f"audit chain broken: {table} {key} {at}: {why}"
        counted = ", ".join(f"{n:,} {t}" for t, n in self.rows.items())
        pre = sum(self.pre_chain.values())
        note = f" ({pre:,} chained as found when the store was migrated)" if pre else ""
        return f"audit chain verifies: {counted}{note}; head {self.head}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "rows": self.rows,
            "head": self.head,
            "broken": None
            if self.broken is None
            else {"table": self.broken[0], "at": self.broken[1], "reason": self.broken[2]},
            "pre_chain": self.pre_chain,
            "message": self.message(),
        }


def _walk(con: duckdb.DuckDBPyConnection, table: str) -> tuple[int, str, tuple[int, str] | None]:
    """Rows checked, head hash and the first broken row of one table's chain."""
    order = CHAINED[table]
    cols, select = _select(con, table)
    if "row_hash" not in cols:
        return 0, GENESIS, (0, "no row_hash column (open the store for writing to migrate it)")
    previous, expected, n = GENESIS, 1, 0
    for r in con.execute(f"SELECT {select} FROM {table} ORDER BY {order}, rowid").fetchall():
        row = dict(zip(cols, r, strict=True))
        at = row[order]
        if at is None:
            return n, previous, (expected, "a row outside the chain (no sequence number)")
        if at > expected:
            return n, previous, (expected, f"row missing (the next row is {order} {at})")
        if at < expected:
            return n, previous, (int(at), "duplicated row")
        if row["row_hash"] is None:
            return n, previous, (int(at), "row without a hash")
        if row_hash(previous, row) != row["row_hash"]:
            return n, previous, (int(at), "content does not match its hash")
        previous, expected, n = str(row["row_hash"]), expected + 1, n + 1
    return n, previous, None


def verify(store: Store, known_head: str | None = None) -> Verification:
    """Walk both chains and check the snapshots the log names; the first problem found.

    ``known_head`` is a head printed by an earlier verification: it must still be the hash
    of some audit row, else rows were removed from the end or the log was rewritten."""
    con = store.raw
    tables = _tables(con)
    rows: dict[str, int] = {}
    head = GENESIS
    pre: dict[str, int] = {}
    for table in CHAINED:
        if table not in tables:
            continue
        n, h, broken = _walk(con, table)
        rows[table] = n
        if table == AUDIT:
            head = h
        if broken is not None:
            return Verification(False, rows, head, (table, broken[0], broken[1]))
    if AUDIT in tables:
        for seq, detail in con.execute(
            f"SELECT seq, detail FROM {AUDIT} WHERE event IN ('list_loaded', 'audit_chained') "
            "ORDER BY seq"
        ).fetchall():
            d = json.loads(detail)
            if "pre_chain_rows" in d:
                for t, k in d["pre_chain_rows"].items():
                    pre[t] = pre.get(t, 0) + int(k)
                continue
            if not d.get("sha256") or "list_snapshots" not in tables:
                continue
            found = con.execute(
                "SELECT sha256 FROM list_snapshots WHERE snapshot_id = ?", [d["snapshot_id"]]
            ).fetchone()
            if found is None or found[0] != d["sha256"]:
                why = f"list snapshot {d['snapshot_id']} is missing or its sha256 changed"
                return Verification(False, rows, head, (AUDIT, int(seq), why), pre)
    if known_head is not None and known_head != GENESIS:
        found = (
            con.execute(f"SELECT seq FROM {AUDIT} WHERE row_hash = ?", [known_head]).fetchone()
            if AUDIT in tables
            else None
        )
        if found is None:
            why = f"the known head {known_head[:16]}... is not in the log (rows cut or rewritten)"
            return Verification(False, rows, head, (AUDIT, rows.get(AUDIT, 0) + 1, why), pre)
    return Verification(True, rows, head, None, pre)
