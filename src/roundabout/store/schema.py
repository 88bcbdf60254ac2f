"""Every table of a roundabout store, in its current shape: the one place tables are defined.

A store is migrated to this shape when it is opened for writing (:mod:`.migrations`, which
also records each step in :data:`MIGRATIONS_TABLE`). To change a table, change it here *and*
add a migration step that brings an existing store along.

**Trade data** (:data:`TABLES`, Ibis schemas: the same tables export to Parquet and read on
Spark, :mod:`.engines`): ``flows``, ``quarantine``, ``manifest``, ``fx_rates``.

**Lists, screening, keys** (:data:`DDL`, DuckDB ``CREATE TABLE`` statements):

* ``list_snapshots``: one row per loaded list version: ``snapshot_id`` (``source:date:sha12``),
  source, publication date, SHA-256 of the file(s), file names, entity count, load time.
* ``list_entities``: the entries of each snapshot; ``entity_hash`` changes whenever the entry's
  content changes (names, identifiers, countries, ...), ``data`` is the entry as JSON.
* ``list_relations``, ``list_context``, ``list_ownership``, ``list_warnings``: a snapshot's
  graph: its links, its context entities (not screened), what the ownership rules make of
  them, the warnings of its load (:mod:`.ownership`).
* ``screening_results``: every hit of every run, with the party record screened
  (``party_record``, JSON) and the list snapshot it came from, so a later run can say what is
  new for that record.
* ``screening_decisions``: reviewers' verdicts on a (party record, list entry version) pair:
  ``true_match`` or ``false_positive``, the ``reviewer`` named by the caller and the ``actor``
  who really acted, when, why, the ``party_hash`` of the party record they saw and the
  ``entity_hash`` of the entry they saw (:mod:`.decisions`); hash-chained (``chain_seq``,
  ``row_hash``: :mod:`.audit`).
* ``screening_audit``: the append-only, hash-chained audit log (:mod:`.audit`).
* ``shipment_results``, ``shipment_decisions``: declarations as screened and the reviewers'
  decisions on them, per declaration record (:mod:`.shipment_review`).
* ``api_keys``: one row per API key ever created, its salted hash and permissions
  (:mod:`.api_keys`).
* ``schema_migrations``: the migrations applied to this store (:mod:`.migrations`).

``flows`` is the one table of trade flows every importer writes and every analysis reads.
Its contract:

* ``period`` is ``YYYY-MM`` for monthly rows (``freq`` = ``M``) and ``YYYY`` for annual rows
  (``freq`` = ``A``); ``year`` and ``month`` repeat it as numbers (``month`` is null for annual).
* ``reporter``, ``partner``, ``partner2`` are ISO 3166 alpha-3 codes, or one of the aggregate
  codes of :mod:`roundabout.reference.countries` (``W00`` world, ``EU27_2020``, ...).
  ``partner2`` (Comtrade's second partner) is null when not reported.
* ``flow`` is one of :data:`FLOWS` (:mod:`roundabout.vocabulary`), seen from the reporter.
* ``product_code`` is the code as reported after normalisation: ``TOTAL``, or 2 to 10 digits
  (HS chapter, heading, subheading, or a national code such as CN8). ``product_level`` is its
  digit count (0 for ``TOTAL``); ``hs6`` is its first six digits when it has at least six.
  Rows of different levels overlap and must never be summed together.
* ``hs_edition`` is the HS revision the code belongs to (``HS2017``, ``HS2022``, ...), null when
  the source does not say.
* ``value`` is in ``currency`` (ISO 4217). Nothing converts silently: see
  :mod:`roundabout.store.currency`. ``valuation`` is ``FOB``, ``CIF`` or null.
* ``quantity`` is in ``quantity_unit``; ``net_weight_kg`` in kilograms; both nullable.
* ``source`` names the importer, ``file_sha256`` the manifest row of the file and
  ``source_line`` the line (record) in that file.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Final

from roundabout.vocabulary import FLOWS as FLOWS  # re-exported: the store's flow vocabulary

if TYPE_CHECKING:
    import ibis

#: The trade tables, in the order they are created.
TRADE_TABLES: Final = ("flows", "quarantine", "manifest", "fx_rates")
_TRADE_SCHEMAS: Final = {
    "FLOWS_SCHEMA": "flows",
    "QUARANTINE_SCHEMA": "quarantine",
    "MANIFEST_SCHEMA": "manifest",
    "FX_RATES_SCHEMA": "fx_rates",
}

if TYPE_CHECKING:  # built on first use (``__getattr__``): importing Ibis costs 0.3 s
    FLOWS_SCHEMA: ibis.Schema
    QUARANTINE_SCHEMA: ibis.Schema
    MANIFEST_SCHEMA: ibis.Schema
    FX_RATES_SCHEMA: ibis.Schema
    #: Trade table name -> its Ibis schema.
    TABLES: dict[str, ibis.Schema]


@cache
def _trade_tables() -> dict[str, ibis.Schema]:
    """The Ibis schemas of the trade tables (Ibis imported here, when first asked for)."""
    import ibis
    import ibis.expr.datatypes as dt

    flows = ibis.schema(
        {
            "period": dt.String(nullable=False),
            "freq": dt.String(nullable=False),
            "year": dt.Int16(nullable=False),
            "month": dt.Int8(),
            "reporter": dt.String(nullable=False),
            "partner": dt.String(nullable=False),
            "partner2": dt.String(),
            "flow": dt.String(nullable=False),
            "product_code": dt.String(nullable=False),
            "product_level": dt.Int8(nullable=False),
            "hs6": dt.String(),
            "hs_edition": dt.String(),
            "value": dt.Float64(nullable=False),
            "currency": dt.String(nullable=False),
            "valuation": dt.String(),
            "quantity": dt.Float64(),
            "quantity_unit": dt.String(),
            "net_weight_kg": dt.Float64(),
            "source": dt.String(nullable=False),
            "file_sha256": dt.String(nullable=False),
            "source_line": dt.Int64(nullable=False),
        }
    )

    quarantine = ibis.schema(
        {
            "file_sha256": dt.String(nullable=False),
            "source_file": dt.String(nullable=False),
            "line": dt.Int64(nullable=False),
            "reason": dt.String(nullable=False),
            "raw": dt.String(),
        }
    )

    manifest = ibis.schema(
        {
            "file_sha256": dt.String(nullable=False),
            "path": dt.String(nullable=False),
            "file_name": dt.String(nullable=False),
            "size_bytes": dt.Int64(nullable=False),
            "format": dt.String(nullable=False),
            "source": dt.String(nullable=False),
            "encoding": dt.String(nullable=False),
            "rows_read": dt.Int64(nullable=False),
            "rows_loaded": dt.Int64(nullable=False),
            "rows_rejected": dt.Int64(nullable=False),
            "codes_padded": dt.Int64(nullable=False),
            "rows_summed": dt.Int64(),
            "loaded_at": dt.Timestamp(timezone="UTC", nullable=False),
            "seconds": dt.Float64(nullable=False),
        }
    )

    fx_rates = ibis.schema(
        {
            "currency": dt.String(nullable=False),
            "period": dt.String(nullable=False),
            "per_target": dt.Float64(nullable=False),
            "target": dt.String(nullable=False),
            "source": dt.String(),
        }
    )

    return {
        "flows": flows,
        "quarantine": quarantine,
        "manifest": manifest,
        "fx_rates": fx_rates,
    }


def __getattr__(name: str) -> Any:
    """``FLOWS_SCHEMA``, ``TABLES``, ...: the Ibis schemas, built on first access."""
    if name == "TABLES":
        return dict(_trade_tables())
    if name in _TRADE_SCHEMAS:
        return _trade_tables()[_TRADE_SCHEMAS[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: The permissions of API keys created before keys had permissions.
LEGACY_PERMISSIONS: Final = "read,screen"

#: The table that records which migrations a store has had (:mod:`.migrations`).
MIGRATIONS_TABLE: Final = "schema_migrations"

DDL: Final[dict[str, str]] = {
    "list_snapshots": """CREATE TABLE IF NOT EXISTS list_snapshots (
        snapshot_id VARCHAR PRIMARY KEY,
        source VARCHAR NOT NULL,
        publication_date DATE,
        sha256 VARCHAR NOT NULL,
        files VARCHAR NOT NULL,
        entity_count BIGINT NOT NULL,
        loaded_at TIMESTAMPTZ NOT NULL
    )""",
    "list_entities": """CREATE TABLE IF NOT EXISTS list_entities (
        snapshot_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        schema VARCHAR NOT NULL,
        name VARCHAR NOT NULL,
        entity_hash VARCHAR NOT NULL,
        data VARCHAR NOT NULL
    )""",
    "list_relations": """CREATE TABLE IF NOT EXISTS list_relations (
        snapshot_id VARCHAR NOT NULL,
        relation_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        target VARCHAR NOT NULL,
        data VARCHAR NOT NULL
    )""",
    "list_context": """CREATE TABLE IF NOT EXISTS list_context (
        snapshot_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        data VARCHAR NOT NULL
    )""",
    "list_ownership": """CREATE TABLE IF NOT EXISTS list_ownership (
        snapshot_id VARCHAR NOT NULL,
        rule VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        basis VARCHAR NOT NULL,
        blocked BOOLEAN NOT NULL,
        owned_share DOUBLE,
        data VARCHAR NOT NULL
    )""",
    "list_warnings": """CREATE TABLE IF NOT EXISTS list_warnings (
        snapshot_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        message VARCHAR NOT NULL
    )""",
    "screening_results": """CREATE TABLE IF NOT EXISTS screening_results (
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
    "screening_decisions": """CREATE TABLE IF NOT EXISTS screening_decisions (
        party_id VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        entity_hash VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        reviewer VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        decided_at TIMESTAMPTZ NOT NULL,
        party_hash VARCHAR,
        actor VARCHAR,
        chain_seq BIGINT,
        row_hash VARCHAR
    )""",
    "screening_audit": """CREATE TABLE IF NOT EXISTS screening_audit (
        seq BIGINT NOT NULL,
        event_at TIMESTAMPTZ NOT NULL,
        event VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        detail VARCHAR NOT NULL,
        row_hash VARCHAR
    )""",
    "api_keys": f"""CREATE TABLE IF NOT EXISTS api_keys (
        key_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        salt VARCHAR NOT NULL,
        secret_sha256 VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        revoked_at TIMESTAMPTZ,
        permissions VARCHAR DEFAULT '{LEGACY_PERMISSIONS}'
    )""",
    "shipment_results": """CREATE TABLE IF NOT EXISTS shipment_results (
        run_id VARCHAR NOT NULL,
        screened_at TIMESTAMPTZ NOT NULL,
        declaration_id VARCHAR NOT NULL,
        record VARCHAR NOT NULL,
        risk DOUBLE NOT NULL,
        reasons VARCHAR NOT NULL,
        hits VARCHAR NOT NULL,
        not_checked VARCHAR NOT NULL,
        summary VARCHAR NOT NULL
    )""",
    "shipment_decisions": """CREATE TABLE IF NOT EXISTS shipment_decisions (
        declaration_id VARCHAR NOT NULL,
        record VARCHAR NOT NULL,
        run_id VARCHAR NOT NULL,
        decision VARCHAR NOT NULL,
        reviewer VARCHAR NOT NULL,
        reason VARCHAR NOT NULL,
        actor VARCHAR NOT NULL,
        decided_at TIMESTAMPTZ NOT NULL
    )""",
    "list_link_dates": """CREATE TABLE IF NOT EXISTS list_link_dates (
        snapshot_id VARCHAR NOT NULL,
        as_of VARCHAR NOT NULL,
        starts VARCHAR[] NOT NULL,
        ends VARCHAR[] NOT NULL
    )""",
    "list_ownership_asof": """CREATE TABLE IF NOT EXISTS list_ownership_asof (
        snapshot_id VARCHAR NOT NULL,
        as_of VARCHAR NOT NULL,
        rule VARCHAR NOT NULL,
        entity_id VARCHAR NOT NULL,
        entity_hash VARCHAR NOT NULL,
        data VARCHAR NOT NULL
    )""",
    "list_ownership_recomputed": """CREATE TABLE IF NOT EXISTS list_ownership_recomputed (
        snapshot_id VARCHAR NOT NULL,
        as_of VARCHAR NOT NULL
    )""",
    MIGRATIONS_TABLE: f"""CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
        version INTEGER PRIMARY KEY,
        name VARCHAR NOT NULL,
        applied_at TIMESTAMPTZ NOT NULL
    )""",
}

#: Every table name of a store.
ALL_TABLES: Final = (*TRADE_TABLES, *DDL)
