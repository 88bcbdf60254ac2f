"""Tables screening adds to a roundabout store (created on first use).

``screening_audit``: the append-only audit log (nothing ever updates or deletes a row): when,
what happened (``list_loaded``, ``screening_run``, ``decision``), who, and a JSON detail.
``screening_decisions``: reviewers' verdicts on a (party, list entry) pair: ``true_match`` or
``false_positive``, who, when, why, and the ``entity_hash`` of the entry they saw: a dismissal
holds only while the entry is unchanged.
``screening_results``: every hit of every run, with the list snapshot it came from, so a later
run can say what is new.
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
        decided_at TIMESTAMPTZ NOT NULL
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
        status VARCHAR NOT NULL
    )""",
)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    for stmt in DDL:
        con.execute(stmt)
