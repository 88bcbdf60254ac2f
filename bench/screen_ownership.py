"""Screening speed with and without ownership loaded, side by side in one run.

Lists: the bundled OFAC SDN + UN lists in a new store. Ownership: a users' ownership CSV of
``--links`` rows (default 200,000) attached to the OFAC snapshot (``screen --list
OWNERS.csv``): ``--companies`` generated company names (default 100,000, made like the
company names of ``bench/screen.py``) owned 1-100% by random OFAC entries or by earlier
generated companies (chains). Three screeners over the same store:

* ``plain``: OFAC + UN, the bare screener (no ownership reading at all);
* ``wrapped``: OFAC + UN through :func:`roundabout.screening.lists_in_use.screener_for` (the
  ownership wrapper with no links: the cost of the wrapper alone);
* ``owned_bare``: OFAC with the ownership CSV + UN, its index (the companies reached are
  entries too) screened without reading the statuses;
* ``owned``: the same through ``screener_for``, every hit read through its status.

``owned`` against ``owned_bare`` is the cost of reading ownership; ``owned_bare`` against
``plain`` the cost of more entries (the generated companies share their words with the
generated parties' company names, so they also add hits).

``--names`` party names (default 20,000) from ``bench/screen.py``'s generator, with 1% of the
generated company names planted so that ownership hits exist, are screened by each screener
in turn, in ``--rounds`` interleaved slices (a change of machine load hits all alike), every
slice from empty caches (the screeners share the matcher's ``lru_cache``s: a name screened
by one would be nearly free for the next);
CPU seconds (``time.process_time``) and wall seconds per screener. Setup (CSV attached and
loaded, index built, statuses read) is timed apart.

Run by hand: ``.venv/bin/python bench/screen_ownership.py``.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import screen as screen_bench

from roundabout.lists import bundled, snapshots
from roundabout.matching.matcher import Screener
from roundabout.matching.model import Party
from roundabout.screening.lists_in_use import screener_for
from roundabout.store import Store


def _clear_caches() -> None:
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):
            obj.cache_clear()


def company_names(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        if rng.random() < 0.5:
            words = " ".join(rng.choice(screen_bench.WORDS_RU) for _ in range(rng.randint(2, 3)))
            name = f"{rng.choice(screen_bench.FORMS_RU)} «{words}»"
        else:
            words = " ".join(rng.choice(screen_bench.WORDS_LAT) for _ in range(rng.randint(2, 3)))
            name = f"{words} {rng.choice(screen_bench.FORMS_LAT)}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=20_000)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--links", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    setup: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "s.duckdb"
        store = Store(db)
        if True:
            t0 = time.perf_counter()
            sids = [snapshots.save(store, p).snapshot.snapshot_id for p in bundled.current()]
            setup["lists_load_s"] = time.perf_counter() - t0
            ofac = next(s for s in sids if s.startswith("ofac"))
            listed = [e.entity_id for e in snapshots.entities(store, ofac)]
            companies = company_names(args.companies, args.seed)
            csv = Path(tmp) / "owners.csv"
            with csv.open("w", encoding="utf-8") as fh:
                fh.write("owner,asset,share\n")
                for _ in range(args.links):
                    a = rng.randrange(1, len(companies))
                    owner = (
                        rng.choice(listed) if rng.random() < 0.3 else companies[rng.randrange(a)]
                    )
                    name = companies[a].replace('"', "")
                    fh.write(f'"{owner}","{name}",{rng.randint(1, 100)}\n')
            t0 = time.perf_counter()
            (loaded,) = snapshots.with_ownership(store, [ofac], [csv])
            setup["ownership_load_s"] = time.perf_counter() - t0
            owned_sids = [loaded.snapshot.snapshot_id, *[s for s in sids if s != ofac]]

            t0 = time.perf_counter()
            wrapped = screener_for(store, sids)
            setup["wrapped_setup_s"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            owned = screener_for(store, owned_sids)
            setup["owned_setup_s"] = time.perf_counter() - t0
            entries = {"plain": len(wrapped.entries), "owned": len(owned.entries)}
            n_statuses = len(getattr(owned, "statuses", {}))
        try:
            out = _run(args, rng, wrapped, owned, companies)
        finally:
            store.close()
    out.update(
        {
            "companies": args.companies,
            "links": args.links,
            "entries": entries,
            "statuses_us": n_statuses,
            "setup": {k: round(v, 2) for k, v in setup.items()},
        }
    )
    print(json.dumps(out, indent=1))
    cpu = out["cpu_s"]
    base = cpu["plain"]
    bare = cpu["owned_bare"]
    print(
        f"{out['names']:,} names: CPU plain {cpu['plain']:.1f} s, wrapped {cpu['wrapped']:.1f} s "
        f"({100 * (cpu['wrapped'] / base - 1):+.1f}%); with {args.links:,} ownership links: "
        f"same entries unread {bare:.1f} s ({100 * (bare / base - 1):+.1f}%), read "
        f"{cpu['owned']:.1f} s ({100 * (cpu['owned'] / bare - 1):+.1f}% over unread)"
    )


def _run(
    args: argparse.Namespace,
    rng: random.Random,
    wrapped: Screener,
    owned: Screener,
    companies: list[str],
) -> dict[str, Any]:
    list_names = [e.entity.name for e in wrapped.entries]
    names = list(screen_bench.generate(args.names, list_names, args.seed))
    for i in range(0, len(names), 100):  # 1% planted generated companies
        names[i] = companies[rng.randrange(len(companies))]
    # the same index without reading ownership: the base class's screen on the wrapper
    screeners = {
        "plain": lambda p: Screener.screen(wrapped, p),
        "wrapped": wrapped.screen,
        "owned_bare": lambda p: Screener.screen(owned, p),
        "owned": owned.screen,
    }
    cpu = dict.fromkeys(screeners, 0.0)
    wall = dict.fromkeys(screeners, 0.0)
    counts = {k: {"hits": 0, "matches": 0, "ownership_hits": 0} for k in screeners}
    per_round: dict[str, list[float]] = {k: [] for k in screeners}
    size = -(-len(names) // args.rounds)
    for r in range(args.rounds):
        part = names[r * size : (r + 1) * size]
        order = list(screeners) if r % 2 == 0 else list(reversed(screeners))
        for key in order:
            s = screeners[key]
            _clear_caches()  # the screeners share caches: each slice starts from empty ones
            t0, c0 = time.perf_counter(), time.process_time()
            for i, name in enumerate(part):
                found = s(Party(str(i), name))
                counts[key]["hits"] += len(found)
                counts[key]["matches"] += sum(1 for h in found if h.match)
                counts[key]["ownership_hits"] += sum(
                    1 for h in found if h.extra.get("basis") not in (None, "listed")
                )
            wall[key] += time.perf_counter() - t0
            cpu[key] += time.process_time() - c0
            per_round[key].append(round(time.process_time() - c0, 2))
    return {
        "names": len(names),
        "cpu_s": cpu,
        "cpu_s_per_round": per_round,
        "wall_s": {k: round(v, 2) for k, v in wall.items()},
        "names_per_cpu_s": {k: round(len(names) / v, 1) for k, v in cpu.items()},
        "counts": counts,
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


if __name__ == "__main__":
    main()
