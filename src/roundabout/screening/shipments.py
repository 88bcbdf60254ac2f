"""Shipment (customs declaration) risk scoring, with the reason behind every point of risk.

Columns (case-insensitive; alternatives in brackets): ``declaration_id`` [id], ``date``,
``exporter``, ``consignee``, ``notify_party`` [notify], ``declarant``, with optional
``<role>_country``; ``origin_country`` [country_of_origin], ``dispatch_country``
[country_of_dispatch], ``destination_country`` [country_of_destination], ``hs_code``,
``description``, ``value``, ``currency``, ``quantity``.

Reasons and their weights (risk = 1 - product of (1 - weight)):

==================  =========================================================================
``party_match``     a party in any role matches a list entry: weight = the hit's score
``party_near``      a party scores between 0.6 and the threshold: 0.3 x score
``goods_chp``       HS6 on the Common High Priority list: tier 1-2 0.5, tier 3-4 0.35
``goods_eu``        HS6 on the EU Russia export-ban list (Reg. 833/2014): 0.25
``hub_destination`` destination is a known diversion hub (AM GE KZ KG UZ TJ TR AE AZ MN ...): 0.15
``russia_behind``   consignee or notify party in Russia/Belarus behind a hub destination: 0.5
``leak_finding``    (hub, HS6) flagged by the trade-flow leak analysis (``leaks`` file): 0.3
``unit_price``      unit value 4x above or below the file's median for the HS6 (5+ rows): 0.2
==================  =========================================================================
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from roundabout.errors import InputFileError
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import read_text
from roundabout.matching.matcher import DEFAULT_THRESHOLD
from roundabout.matching.model import Party
from roundabout.screening.lists_in_use import Notify, resolve_lists, screener_for
from roundabout.store import Store

ROLES = ("exporter", "consignee", "notify_party", "declarant")
HUBS = frozenset(
    [
        "am",
        "ge",
        "kz",
        "kg",
        "uz",
        "tj",
        "tm",
        "tr",
        "ae",
        "az",
        "mn",
        "rs",
        "cn",
        "hk",
        "in",
        "my",
        "th",
        "vn",
    ]
)
RUSSIA = frozenset({"ru", "by"})
_ALIASES = {
    "id": "declaration_id",
    "declaration": "declaration_id",
    "notify": "notify_party",
    "country_of_origin": "origin_country",
    "origin": "origin_country",
    "country_of_dispatch": "dispatch_country",
    "dispatch": "dispatch_country",
    "country_of_destination": "destination_country",
    "destination": "destination_country",
    "hs": "hs_code",
    "hscode": "hs_code",
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    weight: float
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "weight": round(self.weight, 4), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class ShipmentResult:
    declaration_id: str
    risk: float
    reasons: tuple[Reason, ...]
    hits: dict[str, list[dict[str, Any]]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "declaration_id": self.declaration_id,
            "risk": round(self.risk, 4),
            "reasons": [r.to_dict() for r in self.reasons],
            "hits": self.hits,
        }


@dataclass(frozen=True, slots=True)
class ShipmentRun:
    snapshots: tuple[str, ...]
    results: tuple[ShipmentResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"snapshots": list(self.snapshots), "results": [r.to_dict() for r in self.results]}


@cache
def _goods() -> tuple[dict[str, str], frozenset[str]]:
    from roundabout.reference import goods_lists

    chp = goods_lists.entries("chp").to_pylist()
    eu = goods_lists.entries("eu_hs6").to_pylist()
    return {r["hs6"]: str(r["tier"] or "") for r in chp}, frozenset(r["hs6"] for r in eu)


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            recs = pq.read_table(path).to_pylist()
        except Exception as exc:
            raise InputFileError(path, f"not a readable Parquet file: {exc}") from None
        return [{k: "" if v is None else str(v) for k, v in r.items()} for r in recs]
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text), strict=True)
    try:
        return [{k: v or "" for k, v in r.items() if k is not None} for r in reader]
    except csv.Error as exc:
        raise InputFileError(path, f"malformed CSV: {exc}", reader.line_num) from None


def _norm(row: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in row.items():
        key = k.strip().lower().replace(" ", "_")
        out[_ALIASES.get(key, key)] = (v or "").strip()
    return out


def _float(path: Path, value: str, what: str, line: int) -> float | None:
    if not value:
        return None
    try:
        return float(value.replace(",", ""))
    except ValueError:
        raise InputFileError(path, f"{what} {value!r} is not a number", line) from None


def read_leaks(path: Path) -> set[tuple[str, str]]:
    """(hub ISO2, HS6) pairs flagged by the leak analysis.

    Either the output of ``roundabout leaks --json`` (its ``findings``, each with ``hub`` and
    ``product``) or a CSV with ``hub`` and ``hs6`` columns.
    """
    if path.suffix.lower() == ".json":
        return _leaks_json(path)
    out: set[tuple[str, str]] = set()
    for n, row in enumerate(_rows(path), 2):
        r = _norm(row)
        hub, hs6 = to_iso2(r.get("hub", "")), r.get("hs6", "")[:6]
        if not hub or len(hs6) != 6:
            raise InputFileError(path, "needs a hub country and a 6-digit hs6", n)
        out.add((hub, hs6))
    return out


def _leaks_json(path: Path) -> set[tuple[str, str]]:
    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON: {exc.msg}", exc.lineno) from None
    findings = doc.get("findings") if isinstance(doc, dict) else None
    if not isinstance(findings, list):
        raise InputFileError(path, "expected the output of 'roundabout leaks --json' (findings)")
    out: set[tuple[str, str]] = set()
    for i, f in enumerate(findings):
        hub = to_iso2(str(f.get("hub", ""))) if isinstance(f, dict) else None
        hs6 = str(f.get("product", ""))[:6] if isinstance(f, dict) else ""
        if not hub or len(hs6) != 6 or not hs6.isdigit():
            raise InputFileError(path, f"finding {i + 1}: needs a hub country and an HS6 product")
        out.add((hub, hs6))
    return out


def screen_shipments(
    store: Store,
    path: Path,
    lists: Sequence[str] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
    leaks: set[tuple[str, str]] | None = None,
    notify: Notify | None = None,
) -> ShipmentRun:
    rows = [_norm(r) for r in _rows(path)]
    if not rows:
        raise InputFileError(path, "no declarations")
    if "declaration_id" not in rows[0]:
        raise InputFileError(path, "no declaration_id column", 1)
    parsed: list[tuple[int, dict[str, str], float | None]] = []
    for n, r in enumerate(rows, 2):
        if not r.get("declaration_id"):
            raise InputFileError(path, "empty declaration_id", n)
        value = _float(path, r.get("value", ""), "value", n)
        qty = _float(path, r.get("quantity", ""), "quantity", n)
        unit = value / qty if value is not None and qty else None
        parsed.append((n, r, unit))
    by_hs6: dict[str, list[float]] = {}
    for _, r, unit in parsed:
        hs6 = "".join(c for c in r.get("hs_code", "") if c.isdigit())[:6]
        if unit is not None and len(hs6) == 6:
            by_hs6.setdefault(hs6, []).append(unit)
    medians = {k: statistics.median(v) for k, v in by_hs6.items() if len(v) >= 5}
    sids = resolve_lists(store, lists, notify)
    screener = screener_for(store, sids)
    chp, eu = _goods()
    results = []
    for n, r, unit in parsed:
        reasons: list[Reason] = []
        hits: dict[str, list[dict[str, Any]]] = {}
        countries = {role: to_iso2(r.get(f"{role}_country", "")) for role in ROLES}
        dest = to_iso2(r.get("destination_country", ""))
        for role in ROLES:
            name = r.get(role, "")
            if not name:
                continue
            party = Party(f"{r['declaration_id']}:{role}", name, country=countries[role], record=n)
            role_hits = screener.screen(party, threshold)
            if role_hits:
                hits[role] = [h.to_dict() for h in role_hits[:3]]
                top = role_hits[0]
                if top.match:
                    reasons.append(
                        Reason(
                            "party_match",
                            top.score,
                            f"{role} {name!r} ~ {top.entity_id} {top.name} ({top.score:.2f})",
                        )
                    )
                elif top.score >= 0.6:
                    reasons.append(
                        Reason(
                            "party_near",
                            0.3 * top.score,
                            f"{role} {name!r} near {top.entity_id} {top.name} ({top.score:.2f})",
                        )
                    )
        hs6 = "".join(c for c in r.get("hs_code", "") if c.isdigit())[:6]
        if len(hs6) == 6:
            if hs6 in chp:
                tier = chp[hs6]
                w = 0.5 if tier[:1] in ("1", "2") else 0.35
                reasons.append(Reason("goods_chp", w, f"HS {hs6} on the CHP list, tier {tier}"))
            if hs6 in eu:
                reasons.append(Reason("goods_eu", 0.25, f"HS {hs6} on the EU export-ban list"))
        if dest is not None and dest in HUBS:
            reasons.append(Reason("hub_destination", 0.15, f"destination {dest.upper()} is a hub"))
            for role in ("consignee", "notify_party"):
                where = countries[role]
                if where is not None and where in RUSSIA:
                    reasons.append(
                        Reason(
                            "russia_behind",
                            0.5,
                            f"{role} in {where.upper()} behind hub {dest.upper()}",
                        )
                    )
            if leaks and (dest, hs6) in leaks:
                reasons.append(
                    Reason("leak_finding", 0.3, f"leak analysis flags {dest.upper()} x {hs6}")
                )
        med = medians.get(hs6)
        if unit is not None and med and (unit > 4 * med or unit < med / 4):
            reasons.append(
                Reason(
                    "unit_price", 0.2, f"unit value {unit:,.2f} vs median {med:,.2f} for HS {hs6}"
                )
            )
        risk = 1.0
        for reason in reasons:
            risk *= 1 - min(reason.weight, 1.0)
        results.append(ShipmentResult(r["declaration_id"], 1 - risk, tuple(reasons), hits))
    results.sort(key=lambda x: -x.risk)
    return ShipmentRun(tuple(sids), tuple(results))
