"""Versioned migrations: a new store records every step, an old one is brought along and
recorded, a read-only one is left alone, a newer one is refused, a failed step is undone."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from roundabout.errors import StoreError
from roundabout.store import Store
from roundabout.store.migrations import LATEST, MIGRATIONS, Migration, applied, migrate, version
from roundabout.store.schema import ALL_TABLES


def _tables(path: Path) -> set[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()


def test_a_new_store_has_every_table_and_records_every_step(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with Store(db) as store:
        assert version(store) == LATEST
        steps = applied(store)
    assert [(v, n) for v, n, _ in steps] == [(m.version, m.name) for m in MIGRATIONS]
    assert [v for v, _, _ in steps] == list(range(1, LATEST + 1))
    assert all(at for _, _, at in steps)
    assert _tables(db) == set(ALL_TABLES)
    with Store(db) as store:  # opening again applies nothing
        assert store.migrate() == []
        assert applied(store) == steps


def test_an_old_store_is_migrated_on_open_and_the_migration_recorded(tmp_path: Path) -> None:
    """A store from before migrations: flows without a column added later, API keys without
    permissions, no list tables at all."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE manifest (file_sha256 VARCHAR NOT NULL, path VARCHAR NOT NULL)")
    con.execute(
        "CREATE TABLE api_keys (key_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, salt VARCHAR "
        "NOT NULL, secret_sha256 VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL, "
        "revoked_at TIMESTAMPTZ)"
    )
    con.execute("INSERT INTO api_keys VALUES ('k1', 'ops', 's', 'h', now(), NULL)")
    con.execute("INSERT INTO manifest VALUES ('abc', 'a.csv')")
    con.close()
    with Store(db, read_only=True) as store:  # read-only: checked, not changed
        assert version(store) == 0 and store.migrate() == []
    assert "schema_migrations" not in _tables(db)
    with Store(db) as store:
        assert version(store) == LATEST
        assert [n for _, n, _ in applied(store)] == [m.name for m in MIGRATIONS]
        perms = store.raw.execute("SELECT permissions FROM api_keys").fetchall()
        manifest = store.raw.execute("SELECT file_sha256, rows_summed FROM manifest").fetchall()
    assert perms == [("read,screen",)]  # an old key may read and screen only
    assert manifest == [("abc", None)]  # the row kept, the nullable column added
    assert set(ALL_TABLES) <= _tables(db)


def test_a_store_newer_than_the_code_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "future.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_migrations VALUES (?, 'from_the_future', now())", [LATEST + 1])
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError) as err:
            Store(db, read_only=read_only)
        msg = str(err.value)
        assert "\n" not in msg and str(db) in msg
        assert f"version {LATEST + 1} is newer" in msg and f"up to {LATEST}" in msg


def test_a_failing_step_is_undone_and_the_steps_before_it_kept(tmp_path: Path) -> None:
    def add(store: Store) -> None:
        store.raw.execute("CREATE TABLE extra (x INTEGER)")

    def fail(store: Store) -> None:
        store.raw.execute("INSERT INTO extra VALUES (1)")
        raise RuntimeError("step failed")

    steps = [*MIGRATIONS, Migration(LATEST + 1, "extra", add), Migration(LATEST + 2, "bad", fail)]
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(RuntimeError, match="step failed"):
            migrate(store, steps)
        assert version(store) == LATEST + 1  # the step before is recorded ...
        assert store.raw.execute("SELECT count(*) FROM extra").fetchone() == (0,)  # ... not this
        assert [m.name for m in migrate(store, steps[:-1])] == []


def test_an_old_store_read_only_reads_as_having_no_lists_runs_or_decisions(
    tmp_path: Path,
) -> None:
    """Read-only, an old store is not migrated: the tables it lacks read as empty."""
    from roundabout.lists.snapshots import list_snapshots
    from roundabout.screening.decisions import latest_decisions
    from roundabout.store import audit
    from roundabout.store.screening_runs import previous_hits

    db = tmp_path / "flows-only.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE flows (period VARCHAR)")
    con.close()
    with Store(db, read_only=True) as store:
        assert list_snapshots(store) == []
        assert latest_decisions(store) == {}
        assert previous_hits(store) == {}
        assert audit.read(store) == [] and not audit.has_event(store, "screening_run")
    assert _tables(db) == {"flows"}
