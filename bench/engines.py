"""Engines benchmark: ``find_leaks`` on DuckDB (the store) against local Spark (its export).

For each ``--rows`` size (default 1, 3 and 10 million) a monthly HS6 panel with planted
re-routing is generated (:mod:`roundabout.synth.panel`, the same shape as ``bench/leaks.py``:
36 sanctioning origins, 7 hubs, 3 controls, 2019-01 to 2023-12), cached under
``bench/_data/``, loaded into a store and exported to Parquet (``roundabout export``, flows
partitioned by year). Then, each in its own process and alternating, ``--repeat`` times:

* ``duckdb``: ``find_leaks`` on the store (what ``roundabout leaks --no-did`` runs);
* ``spark``: the same on ``local[*]`` Spark over the export (``leaks --engine spark``).

Both without DiD (the estimation runs in pyfixest on the driver either way). Printed per run:
seconds to start the engine (Spark: the JVM and session), seconds of analysis, and the
process's wall time; the summary and findings of both engines are compared (same hubs,
products and figures to 1e-9). Prints a Markdown table of medians; ``--json PATH`` writes it.
Run by hand: ``.venv/bin/python bench/engines.py --rows 1000000 10000000 --repeat 3``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
DATA = HERE / "_data"
ORIGINS = (
    "AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN",
    "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP",
    "SWE", "GBR", "USA", "JPN", "CAN", "NOR", "CHE", "KOR", "AUS", "NZL",
)  # fmt: skip


def prepare(rows: int) -> tuple[Path, Path]:
    """The store and its Parquet export for a panel of ``rows`` rows (cached)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from roundabout.store import Store
    from roundabout.store.engines import export_parquet
    from roundabout.synth.panel import PanelSpec, write_panel

    DATA.mkdir(parents=True, exist_ok=True)
    db, export = DATA / f"engines_{rows}.duckdb", DATA / f"engines_{rows}_parquet"
    if not db.exists():
        t = time.perf_counter()
        spec = PanelSpec(rows=rows, seed=42, start="2019-01", end="2023-12", origins=ORIGINS)
        panel = write_panel(DATA / f"engines_{rows}.panel.parquet", spec, fmt="parquet")
        tmp = db.with_suffix(".tmp.duckdb")
        with Store(tmp) as store:
            for batch in pq.ParquetFile(panel.path).iter_batches(batch_size=2_000_000):
                store.append("flows", pa.Table.from_batches([batch]))
        tmp.rename(db)
        print(f"store {db.name}: {panel.rows:,} rows in {time.perf_counter() - t:.0f} s")
    if not export.exists():
        t = time.perf_counter()
        with Store(db, read_only=True) as store:
            export_parquet(store, export)
        print(f"export {export.name} in {time.perf_counter() - t:.1f} s")
    return db, export


def stage(engine: str, db: Path, export: Path) -> dict[str, Any]:
    """One run, in this process: engine start, analysis, result."""
    from roundabout.analytics import LeakParams, find_leaks
    from roundabout.store import Store
    from roundabout.store.engines import SparkEngine

    params = LeakParams(did=False, top=25)
    t0 = time.perf_counter()
    if engine == "duckdb":
        with Store(db, read_only=True) as store:
            t1 = time.perf_counter()
            result = find_leaks(store.flows(), params).to_dict()
            t2 = time.perf_counter()
    else:
        with SparkEngine() as eng:
            flows = eng.flows(export)
            t1 = time.perf_counter()
            result = find_leaks(flows, params).to_dict()
            t2 = time.perf_counter()
    return {"start": t1 - t0, "analysis": t2 - t1, "result": result}


def run(engine: str, db: Path, export: Path) -> dict[str, Any]:
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--stage", engine, "--db", str(db), "--export", str(export)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{out.stderr[-3000:]}")
    doc: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    doc["wall"] = wall
    return doc


def same(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-6, (path, a, b)
    else:
        assert a == b, (path, a, b)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 3_000_000, 10_000_000])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--export", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.stage:
        doc = stage(args.stage, Path(args.db), Path(args.export))
        print(json.dumps(doc, default=str))
        return
    table: list[dict[str, Any]] = []
    for rows in args.rows:
        db, export = prepare(rows)
        runs: dict[str, list[dict[str, Any]]] = {"duckdb": [], "spark": []}
        for i in range(args.repeat):
            for engine in ("duckdb", "spark") if i % 2 == 0 else ("spark", "duckdb"):
                r = run(engine, db, export)
                runs[engine].append(r)
                print(
                    f"{rows:>11,} {engine:<6} start {r['start']:6.1f} s  analysis "
                    f"{r['analysis']:6.1f} s  wall {r['wall']:6.1f} s",
                    flush=True,
                )
        ref = runs["duckdb"][0]["result"]
        for r in runs["spark"] + runs["duckdb"]:
            same(r["result"]["summary"], ref["summary"])
            same(r["result"]["findings"], ref["findings"])
        for engine, rs in runs.items():
            table.append(
                {
                    "rows": rows,
                    "engine": engine,
                    "start": statistics.median(r["start"] for r in rs),
                    "analysis": statistics.median(r["analysis"] for r in rs),
                    "wall": statistics.median(r["wall"] for r in rs),
                    "findings_same": True,
                    "runs": len(rs),
                }
            )
    print("\n| rows | engine | engine start s | analysis s | process wall s |")
    print("|---:|---|---:|---:|---:|")
    for t in table:
        print(
            f"| {t['rows']:,} | {t['engine']} | {t['start']:.1f} | {t['analysis']:.1f} "
            f"| {t['wall']:.1f} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
