"""A name for the state of a store's trade data, to key results computed from it."""

from __future__ import annotations

import hashlib

from roundabout.store.store import Store


def data_version(store: Store) -> str:
    """16 hex digits that change when the loaded files (the manifest) or the flow row count
    change: results computed from the flows are valid while it stays the same."""
    con = store.raw
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    h = hashlib.sha256()
    if "manifest" in tables:
        row = con.execute(
            "SELECT count(*), coalesce(md5(string_agg(CAST(m AS VARCHAR), '|' "
            "ORDER BY CAST(m AS VARCHAR))), '') FROM manifest m"
        ).fetchone()
        h.update(f"manifest:{row}".encode())
    if "flows" in tables:
        row = con.execute("SELECT count(*) FROM flows").fetchone()
        h.update(f"flows:{row}".encode())
    return h.hexdigest()[:16]
