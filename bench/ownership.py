"""Ownership closure benchmark: the bundled OFAC + UN lists plus a generated graph of N
ownership edges (default 1,000,000), through the load path, next to a floor in the same run:
``closure`` (the links assembled and both rules to their fixed point), ``assess``
(:func:`roundabout.lists.graph.assess`: with a status, explanation and via per entity
reached) and ``load`` (:func:`roundabout.lists.snapshots.save` of the whole graph as one
snapshot into a new store: assess, entry versions, links, statuses and warnings written).

The generated graph: C context companies (default 500,000); each edge an ``Ownership`` with
a percentage 1-100 (1% of them without one, 0.01% not a number); 90% of the edges run from
an earlier company to a later one (a layered ownership tree), 8% from a listed OFAC or UN
entry, 0.05% back from a company to one 1-3 places earlier (small cycles), the rest from any
earlier company (long-range). Each run happens in its own process, so peak memory (max RSS)
is its own.

The floor (``direct``) is what a one-hop check costs: numpy sums the direct holdings of
listed owners per company. It is also a check: every company the floor finds 50%+ owned
directly by listed persons must be blocked by the closure (asserted).

Wall and CPU seconds (``time.process_time``: all threads of the process) per step; peak
memory after ``assess`` and after the load (the generated links themselves, held by the bench,
are in both), and the load step's own peak (``VmHWM`` reset before it, Linux: the bench's
inputs, about 0.7 GB, are in it too), the store file's size and the load average around it.
Run by hand: ``.venv/bin/python bench/ownership.py --edges 1000000 --repeat 3``.
Target: under 30 s and 2 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np


def _status_mib(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (peak since the last reset) of this process."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> float:
    """Start ``VmHWM`` again from the memory resident now (Linux: ``clear_refs`` 5), so the
    load's own peak can be read; returns the resident memory it starts from."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")
    return _status_mib("VmRSS")


def child(edges: int, companies: int, seed: int) -> dict[str, float]:
    from roundabout.lists import bundled, graph
    from roundabout.lists.model import ListEntity
    from roundabout.lists.relations import Relation

    t0 = time.perf_counter()
    listed = [e for p in bundled.current() for e in p.entities]
    listed_ids = [e.entity_id for e in listed]
    t_lists = time.perf_counter() - t0

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    ctx = [
        ListEntity(f"gen-{i}", "Company", f"GEN COMPANY {i}", listed=False)
        for i in range(companies)
    ]
    kind = rng.random(edges)
    asset = rng.integers(1, companies, edges)
    earlier = (rng.random(edges) * asset).astype(np.int64)
    anyone = (rng.random(edges) * asset).astype(np.int64)
    back = np.minimum(asset + rng.integers(1, 4, edges), companies - 1)
    from_listed = rng.integers(0, len(listed_ids), edges)
    pct = rng.integers(1, 101, edges)
    no_pct = rng.random(edges) < 0.01
    bad_pct = rng.random(edges) < 0.0001
    relations: list[Relation] = []
    for i in range(edges):
        k = kind[i]
        a = f"gen-{asset[i]}"
        if k < 0.90:
            o = f"gen-{earlier[i]}"
        elif k < 0.98:
            o = listed_ids[from_listed[i]]
        elif k < 0.9805:
            o = f"gen-{back[i]}"
        else:
            o = f"gen-{anyone[i]}"
        share = None if no_pct[i] else ("abc" if bad_pct[i] else str(pct[i]))
        relations.append(Relation(f"r-{i}", "ownership", o, a, share_text=share))
    t_gen = time.perf_counter() - t0

    entities = [*listed, *ctx]
    # the closure alone: graph assembly (links in force, shares parsed, warnings) + both rules
    from datetime import date

    from roundabout.ownership.closure import close_arrays

    t0, c0 = time.perf_counter(), time.process_time()
    g = graph._build(entities, relations, date.today().isoformat())
    is_listed = np.zeros(len(entities), dtype=bool)
    is_listed[: len(listed)] = True
    none = np.zeros(0, dtype=np.int64)
    for eu in (False, True):
        close_arrays(
            is_listed, g.h_src, g.h_dst, g.h_share, none, none, strict=eu, control_blocks=eu
        )
    t_closure, c_closure = time.perf_counter() - t0, time.process_time() - c0
    del g
    # the statuses: closure + a status with explanation and via per entity reached
    t0, c0 = time.perf_counter(), time.process_time()
    result = graph.assess(entities, relations)
    t_assess, c_assess = time.perf_counter() - t0, time.process_time() - c0
    peak_assess = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    del result
    # the whole load path: one snapshot saved to a new store (statuses, entry versions,
    # links, context entities, warnings written in one transaction)
    import tempfile
    from pathlib import Path

    from roundabout.lists import snapshots
    from roundabout.lists.model import ParsedList
    from roundabout.store import Store, ownership

    parsed = ParsedList(
        "bench", "2026-12-01", "0" * 64, ("generated",), tuple(entities), tuple(relations)
    )
    gc.collect()
    rss_before_load = _reset_peak()
    load_avg_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.duckdb") as store:
        t0, c0 = time.perf_counter(), time.process_time()
        outcome = snapshots.save(store, parsed, audit=False)
        t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
        peak_load = _status_mib("VmHWM")
        load_avg_after = os.getloadavg()[0]
        store_mib = (Path(tmp) / "bench.duckdb").stat().st_size / 2**20
        sid = outcome.snapshot.snapshot_id
        us = {k[1]: v for k, v in ownership.statuses(store, [sid], "us").items()}
        eu_blocked = sum(1 for v in ownership.statuses(store, [sid], "eu").values() if v["blocked"])
        n_warnings = len(outcome.warnings)

    # the floor: direct holdings of listed owners, summed per company with numpy
    t0 = time.perf_counter()
    owners_listed = (kind >= 0.90) & (kind < 0.98) & ~no_pct & ~bad_pct
    direct = np.bincount(asset[owners_listed], weights=pct[owners_listed] / 100.0)
    t_floor = time.perf_counter() - t0
    # duplicates (one owner, one asset twice) count once in ours: compare on unique pairs
    pairs = {}
    for i in np.flatnonzero(owners_listed):
        pairs[(from_listed[i], asset[i])] = pct[i] / 100.0
    unique_direct: dict[int, float] = {}
    for (_, a), s in pairs.items():
        unique_direct[int(a)] = unique_direct.get(int(a), 0.0) + s
    must = {f"gen-{a}" for a, s in unique_direct.items() if s >= 0.5}
    missing = [x for x in must if not (x in us and us[x]["blocked"])]
    assert not missing, f"closure misses {len(missing)} directly 50%-owned companies"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "lists_s": t_lists,
        "generate_s": t_gen,
        "closure_s": t_closure,
        "assess_s": t_assess,
        "load_s": t_load,
        "closure_cpu_s": c_closure,
        "assess_cpu_s": c_assess,
        "load_cpu_s": c_load,
        "peak_after_assess_mib": peak_assess,
        "rss_before_load_mib": rss_before_load,
        "peak_load_mib": peak_load,
        "store_mib": store_mib,
        "loadavg_before_load": load_avg_before,
        "loadavg_after_load": load_avg_after,
        "floor_direct_s": t_floor,
        "peak_mib": peak,
        "listed": len(listed_ids),
        "companies": companies,
        "edges": edges,
        "blocked_us": sum(1 for s in us.values() if s["blocked"]),
        "blocked_eu": eu_blocked,
        "related_us": sum(1 for s in us.values() if not s["blocked"]),
        "direct_50": len(must),
        "floor_over_1": int((direct >= 0.5).sum()),
        "warnings": n_warnings,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--companies", type=int, default=500_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.edges, args.companies, args.seed)))
        return
    runs = []
    for _ in range(args.repeat):
        cmd = [sys.executable, __file__, "--child", "--edges", str(args.edges)]
        cmd += ["--companies", str(args.companies), "--seed", str(args.seed)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]), flush=True)
    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    cpu, wall, peak = med["load_cpu_s"], med["load_s"], med["peak_load_mib"]
    print(
        f"store load step (snapshots.save): CPU {cpu:.1f} s, wall {wall:.1f} s, peak RSS "
        f"{peak:,.0f} MiB (from {med['rss_before_load_mib']:,.0f} MiB resident before it, the "
        f"bench's inputs included), store file {med['store_mib']:,.0f} MiB, load average "
        f"{med['loadavg_before_load']:.1f} -> {med['loadavg_after_load']:.1f}; target 30 s / "
        f"2 GB: CPU {'met' if cpu < 30 else 'NOT met'}, wall "
        f"{'met' if wall < 30 else 'NOT met'}, memory {'met' if peak < 2048 else 'NOT met'}"
    )
    print(
        f"both rules over {med['listed']:,.0f} listed + "
        f"{med['companies']:,.0f} companies, {med['edges']:,.0f} edges: closure median "
        f"{med['closure_s']:.2f} s; with statuses {med['assess_s']:.2f} s; whole load path "
        f"(snapshot saved to a new store) {med['load_s']:.2f} s; "
        f"CPU {med['closure_cpu_s']:.1f} / {med['assess_cpu_s']:.1f} / {med['load_cpu_s']:.1f} s; "
        f"peak {med['peak_after_assess_mib']:,.0f} MiB after assess, {med['peak_mib']:,.0f} MiB "
        "after the load; "
        f"floor (direct holdings, numpy) {med['floor_direct_s']:.3f} s; "
        f"blocked us {med['blocked_us']:,.0f} / eu {med['blocked_eu']:,.0f}, "
        f"related us {med['related_us']:,.0f}"
    )


if __name__ == "__main__":
    main()
