"""The loader: manifest, quarantine, once-only, atomicity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roundabout.errors import InputFileError
from roundabout.sources import importer_for
from roundabout.sources.load import load_file
from roundabout.store import Store

COMTRADE = Path(__file__).parent.parent / "data" / "comtrade" / "exports_2022.csv"


def counts(store: Store) -> tuple[int, int, int]:
    return (
        int(store.flows().count().execute()),
        int(store.table("quarantine").count().execute()),
        int(store.table("manifest").count().execute()),
    )


def test_manifest_row_counts_add_up(store: Store, load) -> None:  # type: ignore[no-untyped-def]
    result = load("comtrade", COMTRADE)
    assert result.rows_read == result.rows_loaded + result.rows_rejected
    m = store.table("manifest").to_pyarrow().to_pylist()
    assert len(m) == 1
    row = m[0]
    assert row["rows_read"] == 13
    assert row["rows_loaded"] + row["rows_rejected"] == row["rows_read"]
    assert row["size_bytes"] == COMTRADE.stat().st_size
    assert len(row["file_sha256"]) == 64
    assert row["format"] == "comtrade"
    flows, quarantined, manifests = counts(store)
    assert (flows, quarantined, manifests) == (row["rows_loaded"], row["rows_rejected"], 1)


def test_same_file_twice_loads_nothing(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = load("comtrade", COMTRADE)
    before = counts(store)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(COMTRADE.read_bytes())
    again = load("comtrade", copy)
    assert first.status == "loaded"
    assert again.status == "already_loaded"
    assert (again.rows_read, again.rows_loaded, again.rows_rejected) == (0, 0, 0)
    assert counts(store) == before


def test_failed_load_leaves_store_unchanged(store: Store, load, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    load("comtrade", COMTRADE)
    before = counts(store)
    bad = tmp_path / "truncated.csv"
    text = COMTRADE.read_text().splitlines()
    bad.write_text("\n".join([*text[:5], text[5][:40]]))  # last line cut mid-record
    with pytest.raises(InputFileError, match=r"truncated\.csv: line 6: truncated"):
        load("comtrade", bad)
    assert counts(store) == before


def test_error_inside_transaction_rolls_back(store: Store, tmp_path: Path) -> None:
    """A failure after rows were inserted (here: the manifest insert) undoes the inserts."""
    importer = importer_for("comtrade")
    original = store.append

    def broken(name: str, data: object) -> None:
        raise RuntimeError("disk full")

    store.append = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="disk full"):
        load_file(store, importer, COMTRADE)
    store.append = original  # type: ignore[method-assign]
    assert counts(store) == (0, 0, 0)
    # and the file can be loaded afterwards
    assert load_file(store, importer, COMTRADE).status == "loaded"


def test_killed_load_leaves_store_unchanged(tmp_path: Path) -> None:
    """SIGKILL in the middle of a large load: the store file opens and holds what it held."""
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        load_file(s, importer_for("comtrade"), COMTRADE)
        before = counts(s)
    big = tmp_path / "big.csv"
    from roundabout.synth.comtrade_csv import write_comtrade_csv

    write_comtrade_csv(big, rows=1_500_000, seed=1)
    proc = subprocess.Popen(
        [sys.executable, "-m", "roundabout.cli.main", "ingest", "-f", "comtrade", str(big),
         "--db", str(db), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    # wait until the load's transaction writes to the store (the file or its write-ahead log
    # grows: DuckDB writes large inserts optimistically before the commit), then kill it
    wal = db.with_name(db.name + ".wal")
    size0 = db.stat().st_size

    def writing() -> bool:
        return db.stat().st_size > size0 or (wal.exists() and wal.stat().st_size > 0)

    deadline = time.monotonic() + 120
    while not writing() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    assert proc.poll() is None, "load finished before it could be interrupted"
    assert writing(), "the load never started writing"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store(db) as s:
        assert counts(s) == before


def test_quarantine_has_line_and_reason(store: Store, load) -> None:  # type: ignore[no-untyped-def]
    load("comtrade", COMTRADE)
    q = {r["line"]: r["reason"] for r in store.table("quarantine").to_pyarrow().to_pylist()}
    assert q[8] == "unknown partner country code"
    assert q[9] == "negative value"
    assert q[10] == "malformed product code"
    assert q[11] == "non-numeric value"
    assert q[12].startswith("flow code is a component")
    assert q[13].startswith("breakdown by mode of transport")


def test_missing_store_directory_is_created(tmp_path: Path) -> None:
    db = tmp_path / "a" / "b" / "s.duckdb"
    with Store(db) as s:
        assert int(s.flows().count().execute()) == 0
    assert db.exists()


def test_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    from roundabout.errors import StoreError

    db = tmp_path / "notes.duckdb"
    db.write_text("my precious notes\n" * 10)
    with pytest.raises(StoreError, match="not a DuckDB file"):
        Store(db)
    assert db.read_text().startswith("my precious notes")
