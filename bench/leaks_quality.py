"""Detection quality of ``find_leaks`` on synthetic panels that do not share its assumptions.

The default generator (:mod:`roundabout.synth.panel`) builds in what the detector assumes:
route-wide shocks, the same ban-month rule, a 5% CIF margin, 3% mirror noise, same-month
pass-through. Each scenario here breaks one of them:

``baseline``          the default panel (every side of the data present);
``product_shocks``    a product-specific log shock (sd 0.4) from the war on every route;
``reporting_lag``     hubs record imports two months after the origins' exports;
``cif_12``            a 12% CIF margin (the detector assumes 5%);
``mirror_noise_15``   15% noise on the hubs' import records (3% by default);
``pass_through_50``   hubs send on half of a planted jump, two months later;
``plant_lag``         re-routing starts two months after the ban month;
``origin_only``       no hub data at all, totals besides products: the regime of the
                      bundled demo data.

For each, the panel is generated (seeded), analysed with the defaults (no DiD), and scored
against the planted truth: ``precision@15`` (share of the 15 best findings that are planted
re-routing or lost-in-transit pairs), ``recall@30`` (share of the planted pairs among the 30
best) and the decoys (local demand) among the 15 best. Unlisted planted surges can never be
findings (they go to ``unlisted_surges``): ``surges_found`` counts them there.

    .venv/bin/python bench/leaks_quality.py [--products 200] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

SCENARIOS: dict[str, dict[str, Any]] = {
    "baseline": {},
    "product_shocks": {"product_shock": 0.4},
    "reporting_lag": {"report_lag": 2},
    "cif_12": {"cif": 1.12},
    "mirror_noise_15": {"mirror_noise": 0.15},
    "pass_through_50": {"pass_through": 0.5, "onward_lag": 2},
    "plant_lag": {"plant_lag": 2},
    "origin_only": {"mirror": False, "onward": False, "totals": True},
}


def score(name: str, changes: dict[str, Any], products: int, seed: int) -> dict[str, Any]:
    import ibis

    from roundabout.analytics import LeakParams, find_leaks
    from roundabout.synth.panel import PanelSpec, write_panel

    spec = replace(PanelSpec(products=products, seed=seed), **changes)
    with tempfile.TemporaryDirectory() as tmp:
        panel = write_panel(Path(tmp) / f"{name}.parquet", spec, fmt="parquet")
        flows = ibis.duckdb.connect().read_parquet(str(panel.path))
        t = time.perf_counter()
        r = find_leaks(flows, LeakParams(did=False, bootstrap=0, placebo=False, top=30))
        seconds = time.perf_counter() - t
    planted = panel.planted()
    decoys = {(p.hub, p.product) for p in panel.truth if p.kind == "local"}
    unlisted = {(p.hub, p.product) for p in panel.truth if p.kind == "unsanctioned"}
    found = [(f.hub, f.product) for f in r.findings]
    top15 = found[:15]
    return {
        "rows": panel.rows,
        "planted": len(planted),
        "precision@15": round(sum(p in planted for p in top15) / max(len(top15), 1), 3),
        "recall@30": round(sum(p in planted for p in found[:30]) / max(len(planted), 1), 3),
        "decoys@15": sum(p in decoys for p in top15),
        "surges_found": sum((u.hub, u.product) in unlisted for u in r.unlisted_surges),
        "seconds": round(seconds, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=200)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--only", nargs="*", choices=sorted(SCENARIOS))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    out = {}
    print("| scenario | rows | precision@15 | recall@30 | decoys in top 15 | unlisted surges |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, changes in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        r = score(name, changes, args.products, args.seed)
        out[name] = r
        print(
            f"| {name} | {r['rows']:,} | {r['precision@15']:.2f} | {r['recall@30']:.2f} | "
            f"{r['decoys@15']} | {r['surges_found']} |",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
