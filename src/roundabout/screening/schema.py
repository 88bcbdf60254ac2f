"""Tables screening adds to a roundabout store (created on first use).

``screening_audit``: the append-only audit log (nothing ever updates or deletes a row): when,
what happened (``list_loaded``, ``screening_run``, ``decision``), who, and a JSON detail.
``screening_decisions``: reviewers' verdicts on a (party, list entry) pair: ``true_match`` or
``false_positive``, who, when, why, the ``party_hash`` of the party record they saw (its name,
country, identifiers, birth date and type) and the ``entity_hash`` of the list entry they saw: a
decision holds only for that exact record against that exact version of the entry; the same
party id with other content, or a changed entry, alerts again.
``screening_results``: every hit of every run, with the party record screened
(``party_record``, JSON) and the list snapshot it came from, so a later run can say what is new
for that record.

Stores made before ``party_hash`` / ``party_record`` existed are migrated on first use: the
columns are added, and each old decision is bound to the record of the latest hit it could have
been made on (same party, entry and entry version, screened before the decision). A decision
with no such hit binds nothing.
"""

from __future__ import annotations

from typing import Final

import duckdb

DDL: Final = (
    """CREATE TABLE IF NOT EXISTS screening_audit (
        seq BIGINT NOT NULL,
        event_at TIMESTAMPTZ NOT NULL,
        event VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        detail VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS screening_decisions (
        party_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        entity_hash VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        reviewer VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        decided_at TIMESTAMPTZ NOT NULL,
        party_hash VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS screening_results (
        run_id VARCHAR NOT NULL,
        screened_at TIMESTAMPTZ NOT NULL,
        party_id VARCHAR NOT NULL,
        party_hash VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        entity_hash VARCHAR NOT NULL,
        snapshot_id VARCHAR NOT NULL,
        score DOUBLE NOT NULL,
        is_match BOOLEAN NOT NULL,
        status VARCHAR NOT NULL,
        party_record VARCHAR
    )""",
)

#: Columns added after the first release: (table, column, type).
ADDED: Final = (
    ("screening_decisions", "party_hash", "VARCHAR"),
    ("screening_results", "party_record", "VARCHAR"),
)

_BACKFILL: Final = """UPDATE screening_decisions AS d SET party_hash = (
        SELECT r.party_hash FROM screening_results AS r
        WHERE r.party_id = d.party_id AND r.entity_id = d.entity_id
          AND r.entity_hash = d.entity_hash AND r.screened_at <= d.decided_at
        ORDER BY r.screened_at DESC LIMIT 1
    ) WHERE d.party_hash IS NULL"""


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL:
        con.execute(stmt)
    have = {
        (str(t), str(c))
        for t, c in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() "
            "AND table_name IN ('screening_decisions', 'screening_results')"
        ).fetchall()
    }
    missing = [(t, c, ty) for t, c, ty in ADDED if (t, c) not in have]
    for t, c, ty in missing:
        con.execute(f"ALTER TABLE {t} ADD COLUMN {c} {ty}")
    if ("screening_decisions", "party_hash") in {(t, c) for t, c, _ in missing}:
        con.execute(_BACKFILL)
