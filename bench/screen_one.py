"""Wall time of ``roundabout screen parties`` on one name, with the bundled lists.

Usage: ``.venv/bin/python bench/screen_one.py [--repeat 5] [--keep DIR] [--phases]
[--against OTHER/src]``

1. Makes a store in a temporary directory (or ``--keep DIR``) with the bundled OFAC SDN and UN
   lists (``roundabout lists load --bundled``).
2. Runs ``roundabout screen parties`` on a one-party file (Sergey Lavrov, RU) once with
   ``ROUNDABOUT_INDEX_CACHE=off`` (the index built in the run, as before it was stored), once to
   build and store the index, then ``--repeat`` times loading the stored index.
3. For scale, times ``roundabout --help`` (interpreter and CLI start-up, no screening) and a
   bare ``python -c "import roundabout.cli.main"``.
4. Times the phases of one run in a fresh process (``--phases``): imports, opening the store,
   loading the stored index, screening and recording the one name, closing.
5. With ``--against OTHER/src`` (another checkout, e.g. the main branch), times that tree too,
   its runs alternating with this tree's so that both see the same machine load (each tree
   has its own stored index: the key covers the code).

Every figure is the wall time of a whole process (``time.perf_counter`` around
``subprocess.run``): what a user waits, and for the screening runs its CPU time too (user +
system, from ``resource.getrusage(RUSAGE_CHILDREN)``), which depends less on the load of a
shared machine. Prints min and median; the machine's load average is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RB = [sys.executable, "-m", "roundabout.cli.main"]


#: CPU seconds (user + system) of the last process :func:`_run` ran.
_LAST_CPU = [0.0]


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _run(args: list[str], env: dict[str, str]) -> float:
    c = _children_cpu()
    t = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - t
    _LAST_CPU[0] = _children_cpu() - c
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    if "screen" in args and "MATCH" not in done.stdout:
        raise SystemExit(f"Lavrov not matched: {done.stdout}")
    return took


_PHASES = """
import sys, time
t0 = t = time.perf_counter()
def lap(what):
    global t
    now = time.perf_counter(); print(f"  {what:<24} {now - t:.3f} s"); t = now
import roundabout.cli.main, roundabout.screening.run
from pathlib import Path
from roundabout.store import Store
from roundabout.screening.lists_in_use import resolve_lists, screener_for
from roundabout.screening.parties import read_parties
from roundabout.screening.run import screen_loaded
lap("imports")
store = Store(Path(sys.argv[1])); lap("open the store")
screener = screener_for(store, resolve_lists(store, [])); lap("load the stored index")
run = screen_loaded(store, screener, read_parties(Path(sys.argv[2])), file="bench",
                    file_sha256="", threshold=0.72)
assert run.results[0].matched
lap("screen and record")
store.close(); lap("close")
print(f"  {'total':<24} {time.perf_counter() - t0:.3f} s")
"""


def _median(times: list[float]) -> str:
    return f"min {min(times):.2f} s, median {statistics.median(times):.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, default=None)
    ap.add_argument("--phases", action="store_true", help="also time the phases of a run")
    ap.add_argument(
        "--against",
        type=Path,
        default=None,
        help="another tree's src/ (e.g. the main branch's): timed in the same run, its runs "
        "alternating with this tree's, so both see the same load",
    )
    opts = ap.parse_args()
    work = opts.keep or Path(tempfile.mkdtemp(prefix="rb-screen-one-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "lists.duckdb"
    party = work / "one.csv"
    party.write_text("id,name,country\np1,Sergey Lavrov,RU\n", encoding="utf-8")
    trees = {"this tree": ROOT / "src"}
    if opts.against is not None:
        trees["against"] = opts.against.resolve()
    envs = {}
    for label, src in trees.items():
        env = {**os.environ, "PYTHONPATH": str(src)}
        env.pop("ROUNDABOUT_INDEX_CACHE", None)
        envs[label] = env
    env = envs["this tree"]
    if not db.exists():
        _run([*RB, "lists", "load", "--bundled", "--db", str(db)], env)
    screen = [*RB, "screen", "parties", str(party), "--db", str(db)]
    print(f"load average {os.getloadavg()[0]:.2f}")
    if opts.against is None:
        off = _run(screen, {**env, "ROUNDABOUT_INDEX_CACHE": "off"})
        print(f"index built in the run (ROUNDABOUT_INDEX_CACHE=off): {off:.2f} s")
    for label in trees:
        first = _run(screen, envs[label])
        print(f"{label}: first run (index stored, or built and stored): {first:.2f} s")
    times: dict[str, list[float]] = {label: [] for label in trees}
    cpus: dict[str, list[float]] = {label: [] for label in trees}
    helps: dict[str, list[float]] = {label: [] for label in trees}
    imports: dict[str, list[float]] = {label: [] for label in trees}
    for _ in range(opts.repeat):  # alternating, so that both trees see the same load
        for label in trees:
            times[label].append(_run(screen, envs[label]))
            cpus[label].append(_LAST_CPU[0])
            helps[label].append(_run([*RB, "--help"], envs[label]))
            imports[label].append(
                _run([sys.executable, "-c", "import roundabout.cli.main"], envs[label])
            )
    for label in trees:
        print(f"{label} ({trees[label]}):")
        print(f"  screen parties, stored index, {opts.repeat} runs: {_median(times[label])}")
        print(f"    CPU (user + system): {_median(cpus[label])}")
        print(f"  roundabout --help (start-up only): {_median(helps[label])}")
        print(f"  import roundabout.cli.main: {_median(imports[label])}")
    if opts.phases:
        for label in trees:
            print(f"phases of one run ({label}):")
            subprocess.run(
                [sys.executable, "-c", _PHASES, str(db), str(party)], env=envs[label], check=True
            )
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
