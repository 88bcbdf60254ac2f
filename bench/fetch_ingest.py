"""Fetched JSON pages vs the CSV path: does a fetched page ingest at the CSV's rows/s?

Generates N rows of Comtrade API v1 data (the generator of ``bench/ingest.py``), writes them
once as one CSV and once as API answers of ``--page`` records each
(``{"count": n, "data": [...]}`` with numbers as numbers, as ``/data/v1/get`` answers and
``roundabout fetch comtrade`` caches them), then loads, into fresh stores, alternating,
``--repeat`` times, each load in its own process:

* the CSV through :func:`roundabout.sources.load.load_file`;
* the answers as ``fetch`` does: each parsed, its records written as a CSV page beside it,
  the pages loaded (the time includes the parsing and the writing);
* the answers loaded directly (``roundabout ingest --format comtrade page.json``).

Prints wall and CPU seconds (the machine is shared: CPU seconds are the steadier figure).

Run by hand: ``.venv/bin/python bench/fetch_ingest.py --rows 1000000 --page 100000``.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from roundabout.synth.comtrade_csv import write_comtrade_csv

HERE = Path(__file__).parent
LOAD = (
    "import sys, time, resource; from pathlib import Path; "
    "from roundabout.store import Store; from roundabout.sources.load import load_file; "
    "from roundabout.sources import importer_for; "
    "t = time.perf_counter(); s = Store(Path(sys.argv[1])); imp = importer_for('comtrade'); "
    "from roundabout.fetch.comtrade import Outcome, _keep, answer_records; "
    "paths = [Path(p) for p in sys.argv[2:]]; "
    "fetched = paths[0].name.startswith('fetched'); "
    "o = Outcome(pages=[]); "
    "[_keep(p, answer_records(p.read_bytes(), str(p)), o) for p in paths] if fetched else 0; "
    "paths = o.pages if fetched else paths; "
    "n = sum(load_file(s, imp, p).rows_loaded for p in paths); s.close(); "
    "u = resource.getrusage(resource.RUSAGE_SELF); "
    "print(n, time.perf_counter() - t, u.ru_utime + u.ru_stime)"
)
NUMERIC = {"refYear", "refMonth", "reporterCode", "partnerCode", "partner2Code", "aggrLevel",
           "qtyUnitCode", "qty", "altQtyUnitCode", "altQty", "netWgt", "grossWgt", "cifvalue",
           "fobvalue", "primaryValue", "motCode", "mosCode"}  # fmt: skip


def _value(k: str, v: str) -> object:
    if v == "":
        return None
    if k in NUMERIC:
        try:
            f = float(v)
        except ValueError:
            return v
        return int(f) if f.is_integer() else f
    return v


def write_pages(src: Path, folder: Path, page: int) -> list[Path]:
    """The CSV's rows as API answers of ``page`` records each."""
    out: list[Path] = []
    with src.open(newline="") as fh:
        reader = csv.DictReader(fh)
        batch: list[dict[str, object]] = []
        for row in reader:
            batch.append({k: _value(k, v) for k, v in row.items()})
            if len(batch) == page:
                out.append(_dump(folder, len(out), batch))
                batch = []
        if batch:
            out.append(_dump(folder, len(out), batch))
    return out


def _dump(folder: Path, i: int, batch: list[dict[str, object]]) -> Path:
    p = folder / f"page_{i:04d}.json"
    p.write_text(json.dumps({"elapsedTime": "0 secs", "count": len(batch), "data": batch}))
    return p


def load(db: Path, files: list[Path]) -> tuple[int, float, float]:
    """Rows loaded, wall seconds and CPU seconds (the whole process) of one load."""
    out = subprocess.run(
        [sys.executable, "-c", LOAD, str(db), *map(str, files)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    n, s, cpu = out.stdout.split()
    return int(n), float(s), float(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--page", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    data = HERE / "_data" / f"comtrade_{args.rows}.csv"
    data.parent.mkdir(exist_ok=True)
    if not data.exists():
        write_comtrade_csv(data, rows=args.rows, seed=42)
    pages_dir = HERE / "_data" / f"pages_{args.rows}_{args.page}"
    if not pages_dir.exists():
        pages_dir.mkdir()
        t = time.perf_counter()
        write_pages(data, pages_dir, args.page)
        print(f"wrote pages in {time.perf_counter() - t:.1f} s")
    pages = sorted(pages_dir.glob("page_*.json"))
    json_mb = sum(p.stat().st_size for p in pages) / 1e6
    print(f"input: {args.rows:,} rows; CSV {data.stat().st_size / 1e6:,.0f} MB; "
          f"{len(pages)} JSON pages, {json_mb:,.0f} MB")  # fmt: skip
    runs: dict[str, list[tuple[float, float]]] = {
        "csv (one file)": [],
        "fetch: answers -> csv pages -> ingest": [],
        "ingest json answers directly": [],
    }
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(dir=HERE / "_data") as tmp:
            # what fetch does: each cached answer parsed, its records written as a CSV page
            fetched = []
            for p in pages:
                f = Path(tmp) / f"fetched_{p.name}"
                f.symlink_to(p.resolve())
                fetched.append(f)
            n, s, c = load(Path(tmp) / "a.duckdb", [data])
            runs["csv (one file)"].append((s, c))
            m, t, d = load(Path(tmp) / "b.duckdb", fetched)
            runs["fetch: answers -> csv pages -> ingest"].append((t, d))
            k, u, e = load(Path(tmp) / "c.duckdb", pages)
            runs["ingest json answers directly"].append((u, e))
            assert n == m == k, (n, m, k)
        print(f"  run {i + 1}: csv {s:.1f} s ({c:.1f} CPU-s), fetched {t:.1f} s ({d:.1f} CPU-s), "
              f"json {u:.1f} s ({e:.1f} CPU-s), {n:,} rows loaded each")  # fmt: skip
    base = statistics.median(s for s, _ in runs["csv (one file)"])
    base_cpu = statistics.median(c for _, c in runs["csv (one file)"])
    print("\n| input | median s | rows/s | vs csv | median CPU-s | CPU vs csv |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, res in runs.items():
        med = statistics.median(s for s, _ in res)
        cpu = statistics.median(c for _, c in res)
        print(f"| {name} | {med:.1f} | {args.rows / med:,.0f} | {med / base:.2f}x | "
              f"{cpu:.1f} | {cpu / base_cpu:.2f}x |")  # fmt: skip


if __name__ == "__main__":
    main()
