"""Tables screening adds to a roundabout store (created on first use).

The audit log (``screening_audit``) is defined with its hash chain in
:mod:`roundabout.store.audit`, which also adds the chain columns here.
``screening_decisions``: reviewers' verdicts on a (party, list entry) pair: ``true_match`` or
``false_positive``, the ``reviewer`` named by the caller and the ``actor`` who really acted
(the API key or CLI user), when, why, and the ``entity_hash`` of the entry they saw: a
dismissal holds only while the entry is unchanged. Its rows are chained too (``chain_seq``,
``row_hash``).
``screening_results``: every hit of every run, with the list snapshot it came from, so a later
run can say what is new.
"""

from __future__ import annotations

from typing import Final

import duckdb

from roundabout.store import audit

DDL: Final = (
    """CREATE TABLE IF NOT EXISTS screening_decisions (
        party_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        entity_hash VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        reviewer VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        decided_at TIMESTAMPTZ NOT NULL,
        actor VARCHAR,
        chain_seq BIGINT,
        row_hash VARCHAR
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
    audit.ensure(con)
