"""Leaks on the demo store: seconds and peak memory of the full analysis, DiD included.

The demo store is what ``make demo`` builds from the bundled real data (1.2 million rows:
Eurostat CN8 exports of the EU member states to Russia and its neighbours, 2020-2022, plus
totals). Each run is its own process, so peak RSS is the run's own. The target (issue 10):
under 8 s and 1.5 GB on 2 cores for the full analysis with DiD.

    .venv/bin/python bench/leaks_demo.py --db out/demo.duckdb [--repeat 3] [--json PATH]

Prints a Markdown table: wall seconds of ``find_leaks`` (imports excluded), CPU seconds of
the process (all threads) and peak RSS, for the CCA3 hubs over March-November 2022 with and
without the DiD.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from roundabout.analytics import LeakParams, Span, find_leaks
from roundabout.store import Store
db, did = Path(sys.argv[1]), sys.argv[2] == "1"
params = LeakParams(hubs=("ARM", "KAZ", "KGZ"), baseline=Span("2021-03", "2021-11"),
                    window=Span("2022-03", "2022-11"), did=did)
with Store(db, read_only=True) as store:
    c0, t0 = time.process_time(), time.perf_counter()
    r = find_leaks(store.flows(), params)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": rss,
                  "offset_share": r.summary.group.offset_share}))
"""


def run(db: Path, did: bool) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), "1" if did else "0"],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=Path("out/demo.duckdb"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    if not args.db.is_file():
        sys.exit(f"no store at {args.db}: run `make demo` (or scripts/demo.sh) first")
    rows = {}
    for did in (True, False):
        runs = [run(args.db, did) for _ in range(args.repeat)]
        rows["full (with DiD)" if did else "aggregates (no DiD)"] = {
            k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "rss_mb")
        }
    print("| run | seconds | CPU seconds | peak RSS |\n|---|---:|---:|---:|")
    for name, r in rows.items():
        print(f"| {name} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['rss_mb']:,.0f} MB |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
