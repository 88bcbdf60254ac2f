"""Ingest benchmark: roundabout's Comtrade importer next to DuckDB's own ``read_csv``.

Generates a Comtrade-format CSV of N rows (default 10 million; cached under
``bench/_data/``), then, in the same run and alternating, loads it R times with

* ``duckdb``: ``CREATE TABLE t AS SELECT * FROM read_csv(path)`` into a fresh DuckDB file
  (DuckDB's own typed read: the floor for any importer built on DuckDB);
* ``roundabout``: ``roundabout ingest --format comtrade path`` into a fresh store (reads
  every column as text, validates and normalises every row, quarantine, manifest, one
  transaction).

Each load runs in its own process, so peak memory (max RSS) is measured per load. Prints
medians and the ratio. Run by hand: ``.venv/bin/python bench/ingest.py --rows 10000000``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from roundabout.synth.comtrade_csv import write_comtrade_csv

HERE = Path(__file__).parent
DUCKDB_LOAD = (
    "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
    'c.execute("SET enable_progress_bar=false"); '
    "c.execute(f\"CREATE TABLE t AS SELECT * FROM read_csv('{sys.argv[2]}')\"); "
    "print(c.execute('SELECT count(*) FROM t').fetchone()[0])"
)


def run(cmd: list[str]) -> tuple[float, float, str]:
    """Run ``cmd``; return (seconds, peak RSS in MiB, stdout)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read().decode()
        err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return seconds, usage.ru_maxrss / 1024, text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    data = HERE / "_data" / f"comtrade_{args.rows}.csv"
    if not data.exists():
        t = time.perf_counter()
        write_comtrade_csv(data, rows=args.rows, seed=42)
        print(f"generated {data} in {time.perf_counter() - t:.1f} s")
    size_mb = data.stat().st_size / 1e6
    print(f"input: {args.rows:,} rows, {size_mb:,.0f} MB, {os.cpu_count()} cores")

    results: dict[str, list[tuple[float, float]]] = {"duckdb read_csv": [], "roundabout": []}
    exe = Path(sys.executable).parent / "roundabout"
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(dir=HERE / "_data") as tmp:
            s, mem, out = run([sys.executable, "-c", DUCKDB_LOAD, f"{tmp}/d.duckdb", str(data)])
            assert int(out.strip()) == args.rows
            results["duckdb read_csv"].append((s, mem))
            s, mem, out = run(
                [str(exe), "ingest", "-f", "comtrade", str(data), "--db", f"{tmp}/r.duckdb",
                 "--json"]
            )  # fmt: skip
            assert f'"rows_loaded": {args.rows}' in out, out
            results["roundabout"].append((s, mem))
        print(f"  run {i + 1}: duckdb {results['duckdb read_csv'][-1][0]:.1f} s, "
              f"roundabout {results['roundabout'][-1][0]:.1f} s")  # fmt: skip

    base = statistics.median(s for s, _ in results["duckdb read_csv"])
    print("\n| loader | median s | rows/s | peak RSS MiB | vs duckdb |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        med = statistics.median(s for s, _ in runs)
        peak = max(m for _, m in runs)
        print(f"| {name} | {med:.1f} | {args.rows / med:,.0f} | {peak:,.0f} | {med / base:.2f}x |")


if __name__ == "__main__":
    main()
