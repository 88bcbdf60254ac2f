"""The append-only audit log: every list load, screening run and decision, in order."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from roundabout.screening import schema
from roundabout.store import Store


def record(store: Store, event: str, actor: str, detail: dict[str, Any]) -> None:
    """Append one event (call inside the caller's transaction to make it all-or-nothing)."""
    schema.ensure(store.raw)
    row = store.raw.execute("SELECT coalesce(max(seq), 0) + 1 FROM screening_audit").fetchone()
    seq = int(row[0]) if row else 1
    store.raw.execute(
        "INSERT INTO screening_audit VALUES (?, ?, ?, ?, ?)",
        [seq, datetime.now(UTC), event, actor, json.dumps(detail, ensure_ascii=False, default=str)],
    )


def read(store: Store, limit: int | None = None) -> list[dict[str, Any]]:
    schema.ensure(store.raw)
    sql = (
        "SELECT seq, CAST(event_at AS VARCHAR), event, actor, detail "
        "FROM screening_audit ORDER BY seq"
    )
    if limit:
        sql += f" DESC LIMIT {int(limit)}"
    rows = store.raw.execute(sql).fetchall()
    out = [
        {"seq": r[0], "at": r[1], "event": r[2], "actor": r[3], "detail": json.loads(r[4])}
        for r in rows
    ]
    return sorted(out, key=lambda r: r["seq"])
