"""The shipment review queue: declarations as screened, and reviewers' decisions on them.

``shipment_results``: one row per declaration of each shipment run (``screen shipments``,
``POST /screen/shipments``): the declaration id, its ``record`` (the sha256 of the row as
read: a declaration re-sent with other content is another record), the risk, the reasons (red
flags among them), the parties' hits, the red-flag rules not checked, and a few fields to show
(``summary``: exporter, consignee, destination, HS code, ...), all JSON.

``shipment_decisions``: a reviewer's verdict on one declaration *record*: ``hold`` (the risk
is real, the shipment stops) or ``release`` (reviewed and cleared), with the ``reviewer`` named
by the caller, the ``actor`` who really acted (the API key or CLI user), when and why. As for
party decisions (:mod:`roundabout.screening.decisions`), it holds for that exact record only:
the same declaration id with other content alerts again. Each decision is also an audit event
(``shipment_decision``, hash-chained in :mod:`roundabout.store.audit`), in one transaction.

The tables are defined in :mod:`roundabout.store.schema` (migration 6 adds them to an older
store); reads of an older store opened read-only find none and answer empty.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import duckdb
import pyarrow as pa

from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.store import audit
from roundabout.store.store import Store

#: The verdicts a declaration can get.
DECISIONS: Final = ("hold", "release")
#: Shortest prefix of a record hash accepted to say which record is meant.
MIN_RECORD_PREFIX: Final = 8


def record_results(store: Store, run_id: str, results: Sequence[dict[str, Any]]) -> None:
    """Append the declarations of one run (call inside the run's transaction).

    Each result has ``declaration_id``, ``record``, ``risk``, ``reasons``, ``hits``,
    ``redflags_not_checked`` and ``summary``."""
    if not results:
        return
    now = datetime.now(UTC)

    def js(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, default=str)

    store.append(
        "shipment_results",
        pa.table(
            {
                "run_id": [run_id] * len(results),
                "screened_at": pa.array([now] * len(results), pa.timestamp("us", tz="UTC")),
                "declaration_id": [r["declaration_id"] for r in results],
                "record": [r["record"] for r in results],
                "risk": pa.array([float(r["risk"]) for r in results], pa.float64()),
                "reasons": [js(r["reasons"]) for r in results],
                "hits": [js(r["hits"]) for r in results],
                "not_checked": [js(r["redflags_not_checked"]) for r in results],
                "summary": [js(r.get("summary", {})) for r in results],
            }
        ),
    )


def _iso(epoch_us: int) -> str:
    """A stored time as ISO 8601 in UTC (read as microseconds: no time-zone module needed)."""
    return datetime.fromtimestamp(epoch_us / 1_000_000, UTC).isoformat()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    ).fetchall()
    return {str(r[0]) for r in rows}


def alerts(store: Store, limit: int) -> list[dict[str, Any]]:
    """Open declarations: the latest screening of each (declaration, record) with a risk
    above zero and no decision on that record, riskiest first."""
    have = _tables(store.raw)
    if "shipment_results" not in have:
        return []
    decided = (
        "AND NOT EXISTS (SELECT 1 FROM shipment_decisions AS d WHERE "
        "d.declaration_id = r.declaration_id AND d.record = r.record)"
        if "shipment_decisions" in have
        else ""
    )
    rows = store.raw.execute(
        "SELECT r.declaration_id, r.record, r.run_id, epoch_us(r.screened_at), r.risk, "
        "r.reasons, r.hits, r.not_checked, r.summary FROM shipment_results AS r "
        "QUALIFY row_number() OVER (PARTITION BY r.declaration_id, r.record "
        "ORDER BY r.screened_at DESC) = 1 AND r.risk > 0 "
        f"{decided} ORDER BY r.risk DESC, r.declaration_id LIMIT ?",
        [int(limit)],
    ).fetchall()
    return [
        {
            "declaration_id": r[0],
            "record": r[1],
            "run_id": r[2],
            "screened_at": _iso(r[3]),
            "risk": round(float(r[4]), 4),
            "reasons": json.loads(r[5]),
            "hits": json.loads(r[6]),
            "redflags_not_checked": json.loads(r[7]),
            "summary": json.loads(r[8]),
        }
        for r in rows
    ]


def _record_to_decide(store: Store, declaration_id: str, record: str | None) -> tuple[str, str]:
    """(record, run_id) of the latest screening of ``declaration_id`` a decision is about."""
    if "shipment_results" not in _tables(store.raw):
        raise NotFoundError(f"no screened declaration {declaration_id!r} to decide on")
    rows = store.raw.execute(
        "SELECT record, arg_max(run_id, screened_at) FROM shipment_results "
        "WHERE declaration_id = ? GROUP BY record ORDER BY max(screened_at) DESC",
        [declaration_id],
    ).fetchall()
    if not rows:
        raise NotFoundError(f"no screened declaration {declaration_id!r} to decide on")
    if record is not None:
        prefix = record.strip().lower()
        if len(prefix) < MIN_RECORD_PREFIX:
            raise RoundaboutError(
                f"a record needs at least {MIN_RECORD_PREFIX} characters of its hash"
            )
        rows = [r for r in rows if str(r[0]).startswith(prefix)]
        if not rows:
            raise NotFoundError(f"no screened record {prefix!r} of declaration {declaration_id!r}")
    if len(rows) > 1:
        listed = ", ".join(str(r[0])[:12] for r in rows)
        raise RoundaboutError(
            f"declaration {declaration_id!r} was screened as {len(rows)} different records "
            f"({listed}); say which with record"
        )
    return str(rows[0][0]), str(rows[0][1])


def decide(
    store: Store,
    declaration_id: str,
    decision: str,
    reviewer: str,
    reason: str,
    actor: str,
    record: str | None = None,
) -> dict[str, str]:
    """Record a decision on the latest screening of ``declaration_id`` (the record
    ``record``, a hash prefix, when it was screened with different content), audited."""
    if decision not in DECISIONS:
        raise RoundaboutError(
            f"a declaration is decided {' or '.join(DECISIONS)}, not {decision!r}"
        )
    if not reviewer.strip():
        raise RoundaboutError("a decision needs a reviewer")
    if not reason.strip():
        raise RoundaboutError("a decision needs a reason")
    rec, run_id = _record_to_decide(store, declaration_id, record)
    now = datetime.now(UTC)
    row: dict[str, str] = {
        "declaration_id": declaration_id,
        "record": rec,
        "run_id": run_id,
        "decision": decision,
        "reviewer": reviewer,
        "reason": reason,
        "actor": actor,
    }
    with store.transaction():
        cols = list(row)
        store.raw.execute(
            f"INSERT INTO shipment_decisions ({', '.join(cols)}, decided_at) "
            f"VALUES ({', '.join('?' for _ in cols)}, ?)",
            [*(row[c] for c in cols), now],
        )
        audit.record(
            store, "shipment_decision", actor, {k: v for k, v in row.items() if k != "actor"}
        )
    return {**row, "decided_at": now.isoformat()}


def decisions(store: Store, limit: int) -> list[dict[str, str]]:
    """Decisions on declarations, newest first."""
    if "shipment_decisions" not in _tables(store.raw):
        return []
    rows = store.raw.execute(
        "SELECT declaration_id, record, run_id, decision, reviewer, reason, actor, "
        "epoch_us(decided_at) "
        "FROM shipment_decisions ORDER BY decided_at DESC LIMIT ?",
        [int(limit)],
    ).fetchall()
    names = ("declaration_id", "record", "run_id", "decision", "reviewer", "reason", "actor")
    out: list[dict[str, str]] = []
    for r in rows:
        row = {n: str(v) for n, v in zip(names, r[:7], strict=True)}
        row["decided_at"] = _iso(r[7])
        out.append(row)
    return out
