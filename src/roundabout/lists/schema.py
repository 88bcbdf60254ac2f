"""Tables the list store adds to a roundabout store (created on first use, never altered).

``list_snapshots``: one row per loaded list version: ``snapshot_id`` (``source:date:sha12``),
source, publication date, SHA-256 of the file(s), file names, entity count, load time.
``list_entities``: the entries of each snapshot; ``entity_hash`` changes whenever the entry's
content changes (names, identifiers, countries, ...), ``data`` is the entry as JSON.
"""

from __future__ import annotations

from typing import Final

import duckdb

DDL: Final = (
    """CREATE TABLE IF NOT EXISTS list_snapshots (
        snapshot_id VARCHAR PRIMARY KEY,
        source VARCHAR NOT NULL,
        publication_date DATE,
        sha256 VARCHAR NOT NULL,
        files VARCHAR NOT NULL,
        entity_count BIGINT NOT NULL,
        loaded_at TIMESTAMPTZ NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS list_entities (
        snapshot_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        entity_hash VARCHAR NOT NULL,
        data VARCHAR NOT NULL
    )""",
)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL:
        con.execute(stmt)
