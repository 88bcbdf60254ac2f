"""The canonical tables of a roundabout store.

``flows`` is the one table of trade flows every importer writes and every analysis reads.
Its contract:

* ``period`` is ``YYYY-MM`` for monthly rows (``freq`` = ``M``) and ``YYYY`` for annual rows
  (``freq`` = ``A``); ``year`` and ``month`` repeat it as numbers (``month`` is null for annual).
* ``reporter``, ``partner``, ``partner2`` are ISO 3166 alpha-3 codes, or one of the aggregate
  codes of :mod:`roundabout.reference.countries` (``W00`` world, ``EU27_2020``, ...).
  ``partner2`` (Comtrade's second partner) is null when not reported.
* ``flow`` is one of :data:`FLOWS` (:mod:`roundabout.vocabulary`), seen from the reporter.
* ``product_code`` is the code as reported after normalisation: ``TOTAL``, or 2 to 10 digits
  (HS chapter, heading, subheading, or a national code such as CN8). ``product_level`` is its
  digit count (0 for ``TOTAL``); ``hs6`` is its first six digits when it has at least six.
  Rows of different levels overlap and must never be summed together.
* ``hs_edition`` is the HS revision the code belongs to (``HS2017``, ``HS2022``, ...), null when
  the source does not say.
* ``value`` is in ``currency`` (ISO 4217). Nothing converts silently: see
  :mod:`roundabout.store.currency`. ``valuation`` is ``FOB``, ``CIF`` or null.
* ``quantity`` is in ``quantity_unit``; ``net_weight_kg`` in kilograms; both nullable.
* ``source`` names the importer, ``file_sha256`` the manifest row of the file and
  ``source_line`` the line (record) in that file.
"""

from __future__ import annotations

from typing import Final

import ibis
import ibis.expr.datatypes as dt

from roundabout.vocabulary import FLOWS as FLOWS  # re-exported: the store's flow vocabulary

FLOWS_SCHEMA: Final = ibis.schema(
    {
        "period": dt.String(nullable=False),
        "freq": dt.String(nullable=False),
        "year": dt.Int16(nullable=False),
        "month": dt.Int8(),
        "reporter": dt.String(nullable=False),
        "partner": dt.String(nullable=False),
        "partner2": dt.String(),
        "flow": dt.String(nullable=False),
        "product_code": dt.String(nullable=False),
        "product_level": dt.Int8(nullable=False),
        "hs6": dt.String(),
        "hs_edition": dt.String(),
        "value": dt.Float64(nullable=False),
        "currency": dt.String(nullable=False),
        "valuation": dt.String(),
        "quantity": dt.Float64(),
        "quantity_unit": dt.String(),
        "net_weight_kg": dt.Float64(),
        "source": dt.String(nullable=False),
        "file_sha256": dt.String(nullable=False),
        "source_line": dt.Int64(nullable=False),
    }
)

QUARANTINE_SCHEMA: Final = ibis.schema(
    {
        "file_sha256": dt.String(nullable=False),
        "source_file": dt.String(nullable=False),
        "line": dt.Int64(nullable=False),
        "reason": dt.String(nullable=False),
        "raw": dt.String(),
    }
)

MANIFEST_SCHEMA: Final = ibis.schema(
    {
        "file_sha256": dt.String(nullable=False),
        "path": dt.String(nullable=False),
        "file_name": dt.String(nullable=False),
        "size_bytes": dt.Int64(nullable=False),
        "format": dt.String(nullable=False),
        "source": dt.String(nullable=False),
        "encoding": dt.String(nullable=False),
        "rows_read": dt.Int64(nullable=False),
        "rows_loaded": dt.Int64(nullable=False),
        "rows_rejected": dt.Int64(nullable=False),
        "codes_padded": dt.Int64(nullable=False),
        "rows_summed": dt.Int64(),
        "loaded_at": dt.Timestamp(timezone="UTC", nullable=False),
        "seconds": dt.Float64(nullable=False),
    }
)

FX_RATES_SCHEMA: Final = ibis.schema(
    {
        "currency": dt.String(nullable=False),
        "period": dt.String(nullable=False),
        "per_target": dt.Float64(nullable=False),
        "target": dt.String(nullable=False),
        "source": dt.String(),
    }
)

TABLES: Final = {
    "flows": FLOWS_SCHEMA,
    "quarantine": QUARANTINE_SCHEMA,
    "manifest": MANIFEST_SCHEMA,
    "fx_rates": FX_RATES_SCHEMA,
}
