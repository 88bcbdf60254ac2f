"""A write the disk refuses: one line naming the store and the free space, store unchanged."""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb

from roundabout.synth.comtrade_csv import write_comtrade_csv


def _ingest(db: Path, src: Path, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # in the child: writes past fsize fail with EFBIG, like a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))  # type: ignore[arg-type]

    cmd = [sys.executable, "-m", "roundabout.cli.main", "ingest", "-f", "comtrade", str(src)]
    return subprocess.run(
        [*cmd, "--db", str(db)],
        preexec_fn=limit if fsize is not None else None,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_disk_full_during_ingest(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = _ingest(db, write_comtrade_csv(tmp_path / "small.csv", rows=2_000, seed=2))
    assert first.returncode == 0, first.stderr
    size = db.stat().st_size
    big = write_comtrade_csv(tmp_path / "big.csv", rows=100_000, seed=1)
    failed = _ingest(db, big, fsize=size + 300_000)
    assert failed.returncode == 1
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1, failed.stderr
    assert lines[0].startswith(f"error: {db}: could not write (") and "MiB free on" in lines[0]
    assert "nothing was changed" in lines[0]
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT count(*) FROM flows").fetchone()
    files = con.execute("SELECT count(*) FROM manifest").fetchone()
    con.close()
    assert rows == (2_000,) and files == (1,)
    again = _ingest(db, big)  # with room, the same file loads
    assert again.returncode == 0, again.stderr
