"""Users' own exchange rates (``roundabout fx load FILE``).

A CSV file with a header ``period,currency,per_eur`` or ``period,currency,per_usd``:

* ``period``: ``YYYY-MM`` (a monthly average, used for monthly flows) or ``YYYY`` (an annual
  average, used for annual flows);
* ``currency``: ISO 4217 code (``KZT``);
* ``per_eur`` / ``per_usd``: units of the currency per euro / per US dollar (``498.2``).

A bad line is refused naming the file, line and field; nothing is loaded then.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pyarrow as pa

from roundabout.errors import InputFileError

_PERIOD = re.compile(r"^(19|20)[0-9]{2}(-(0[1-9]|1[0-2]))?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
RATE_COLUMNS = {"per_eur": "EUR", "per_usd": "USD"}


def read_rates_file(path: Path) -> pa.Table:
    """The file's rates as ``currency, period, per_target, target, source``."""
    if not path.is_file():
        raise InputFileError(path, "no such file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError(path, "not valid UTF-8") from None
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    rate_cols = [c for c in header if c in RATE_COLUMNS]
    if "period" not in header or "currency" not in header or len(rate_cols) != 1:
        raise InputFileError(
            path,
            "expected the header period,currency,per_eur or period,currency,per_usd "
            f"(found: {','.join(header)})",
            1,
        )
    rate_col = rate_cols[0]
    target = RATE_COLUMNS[rate_col]
    idx = {c: header.index(c) for c in ("period", "currency", rate_col)}
    rows: dict[tuple[str, str], float] = {}
    for line, rec in enumerate(reader, start=2):
        if not rec or not "".join(rec).strip():
            continue
        if len(rec) != len(header):
            raise InputFileError(path, f"expected {len(header)} fields, found {len(rec)}", line)
        period, currency, rate_text = (rec[idx[c]].strip() for c in idx)
        if not _PERIOD.match(period):
            raise InputFileError(path, f"field period: {period!r} is not YYYY or YYYY-MM", line)
        currency = currency.upper()
        if not _CURRENCY.match(currency):
            raise InputFileError(path, f"field currency: {currency!r} is not an ISO code", line)
        try:
            rate = float(rate_text)
        except ValueError:
            rate = math.nan
        if not (math.isfinite(rate) and rate > 0):
            raise InputFileError(
                path, f"field {rate_col}: {rate_text!r} is not a positive number", line
            )
        if (currency, period) in rows:
            raise InputFileError(path, f"{currency} {period} is given twice", line)
        rows[(currency, period)] = rate
    if not rows:
        raise InputFileError(path, "no rates after the header")
    keys = sorted(rows)
    return pa.table(
        {
            "currency": [k[0] for k in keys],
            "period": [k[1] for k in keys],
            "per_target": [rows[k] for k in keys],
            "target": [target] * len(keys),
            "source": [path.name] * len(keys),
        }
    )
