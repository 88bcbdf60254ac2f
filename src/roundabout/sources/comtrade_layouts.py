"""The column layouts UN Comtrade data come in, recognised by their header.

Comtrade extracts reach analysts in three layouts, all carrying the same fields:

* **API v1** (``comtradeapicall``, the new website's CSV and the ``/data/v1/get`` JSON):
  camelCase names such as ``flowCode``, ``reporterCode``, ``cmdCode``, ``primaryValue``;
  flows as letters (``X``, ``M``, ``RX``, ``RM``).
* **legacy** (the old API and website CSV, before 2023): ``Trade Flow Code``,
  ``Reporter ISO``, ``Commodity Code``, ``Trade Value (US$)``, ``Netweight (kg)``...; flows
  as numbers (``1`` import, ``2`` export, ``3`` re-export, ``4`` re-import).
* **snake_case** (R's comtradr and tidy exports): either the legacy names in snake case
  (``trade_flow_code`` or ``trade_code``, ``commodity_code``, ``mot_code``,
  ``trade_value_usd`` or ``trade_value_us``, ``netweight_kg``) or the v1 names in snake case
  (``flow_code``, ``cmd_code``, ``primary_value``, ``net_wgt``).

:func:`detect` picks the layout from the header and returns, for every field the importer
reads (named as in API v1), the file's column that holds it. The importer renames those
columns and treats every layout alike; values differ only in the flow codes, which
:data:`LEGACY_FLOWS` maps onto the v1 letters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from roundabout.errors import InputFileError

#: Every field the importer reads (API v1 name) and the names other layouts give it.
ALIASES: dict[str, tuple[str, ...]] = {
    "period": ("period", "Period"),
    "refYear": ("refYear", "ref_year", "Year", "year"),
    "refMonth": ("refMonth", "ref_month", "month"),
    "freqCode": ("freqCode", "freq_code"),
    "reporterCode": ("reporterCode", "reporter_code", "Reporter Code"),
    "reporterISO": ("reporterISO", "reporter_iso", "Reporter ISO"),
    "flowCode": ("flowCode", "flow_code", "Trade Flow Code", "trade_flow_code", "trade_code"),
    "partnerCode": ("partnerCode", "partner_code", "Partner Code"),
    "partnerISO": ("partnerISO", "partner_iso", "Partner ISO"),
    "partner2Code": (
        "partner2Code", "partner2_code", "partner2code", "2nd Partner Code",
        "second_partner_code", "partner_2_code",
    ),
    "partner2ISO": (
        "partner2ISO", "partner2_iso", "2nd Partner ISO", "second_partner_iso",
        "partner_2_iso",
    ),
    "classificationCode": ("classificationCode", "classification_code", "Classification",
                           "classification"),
    "cmdCode": ("cmdCode", "cmd_code", "Commodity Code", "commodity_code"),
    "aggrLevel": ("aggrLevel", "aggr_level", "Aggregate Level", "aggregate_level"),
    "customsCode": ("customsCode", "customs_code", "Customs Proc. Code", "customs_proc_code"),
    "motCode": ("motCode", "mot_code", "Mode of Transport Code", "mode_of_transport_code"),
    "qtyUnitAbbr": ("qtyUnitAbbr", "qty_unit_abbr", "Qty Unit", "qty_unit"),
    "qty": ("qty", "Qty"),
    "netWgt": ("netWgt", "net_wgt", "Netweight (kg)", "netweight_kg"),
    "primaryValue": (
        "primaryValue", "primary_value", "Trade Value (US$)", "trade_value_usd",
        "trade_value_us",
    ),
}  # fmt: skip

#: The legacy numeric flow codes (and the flow names some exports write) as v1 letters.
LEGACY_FLOWS: dict[str, str] = {
    "1": "M",
    "2": "X",
    "3": "RX",
    "4": "RM",
    "IMPORT": "M",
    "EXPORT": "X",
    "RE-EXPORT": "RX",
    "RE-IMPORT": "RM",
}

#: Fields a file must have (one of the alternatives of each group).
REQUIRED: tuple[tuple[str, ...], ...] = (
    ("flowCode",),
    ("cmdCode",),
    ("primaryValue",),
    ("period", "refYear"),
    ("reporterCode", "reporterISO"),
    ("partnerCode", "partnerISO"),
)


@dataclass(frozen=True)
class Layout:
    """A recognised layout: its name and the file column of each field it has."""

    name: str  # "api-v1", "legacy", "snake_case" or "snake_case-v1"
    columns: dict[str, str]  # v1 field name -> the file's column

    @property
    def legacy_flows(self) -> bool:
        """Whether flow codes may be the legacy numbers (every layout but API v1)."""
        return self.name not in ("api-v1", "snake_case-v1")


def detect(header: Sequence[str], path: Path | str = "(input)", *, line: int | None = 1) -> Layout:
    """The layout of a file with this header (raises naming what is missing).

    A field is found under any of its names (:data:`ALIASES`); the layout is named after
    the column holding the value, the one field every Comtrade file has.
    """
    present = set(header)
    columns: dict[str, str] = {}
    for field, names in ALIASES.items():
        for name in names:
            if name in present:
                columns[field] = name
                break
    missing = [group for group in REQUIRED if not any(f in columns for f in group)]
    if missing:
        found = ", ".join(header[:12]) + (" ..." if len(header) > 12 else "")
        v1 = ", ".join(" or ".join(group) for group in missing)
        other = "; ".join(
            "/".join(n for f in group for n in ALIASES[f] if n not in group) for group in missing
        )
        raise InputFileError(
            path,
            f"missing columns: {v1} (legacy and snake_case layouts: {other}) (found: {found})",
            line,
        )
    value = columns["primaryValue"]
    if value == "primaryValue":
        name = "api-v1"
    elif value == "Trade Value (US$)":
        name = "legacy"
    elif value == "primary_value":
        name = "snake_case-v1"
    else:
        name = "snake_case"
    return Layout(name=name, columns=columns)
