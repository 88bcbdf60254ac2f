"""Exchange rates: the bundled ECB euro reference rates, users' own rates, conversion.

Trade values stay in the currency they were reported in (``flows.currency``); nothing in
the store is converted. An analysis that needs one currency converts a copy of the flows it
reads with :func:`roundabout.fx.convert.convert`, month by month (annual rows with annual
averages), and says so in its notes.
"""

from __future__ import annotations

from roundabout.fx.convert import Converted, convert, default_currency
from roundabout.fx.ecb import ECB_SOURCE, MISSING_HUB_CURRENCIES, ecb_rates

__all__ = [
    "ECB_SOURCE",
    "MISSING_HUB_CURRENCIES",
    "Converted",
    "convert",
    "default_currency",
    "ecb_rates",
]
