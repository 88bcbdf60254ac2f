"""Shipment (customs declaration) risk scoring, with the reason behind every point of risk.

Columns (case-insensitive; alternatives in brackets). Required, or the file is refused naming
the missing ones: ``declaration_id`` [id], ``exporter``, ``consignee``, ``destination_country``
[country_of_destination, destination], ``hs_code`` [hs, hscode]. Optional: ``date``,
``notify_party`` [notify], ``declarant``, ``<role>_country`` for each party role,
``origin_country`` [country_of_origin], ``dispatch_country`` [country_of_dispatch],
``description``, ``value``, ``currency``, ``quantity``.

What cannot be checked is said, never scored as clean: an empty required value, an HS code
that is not 6+ digits, or a country value roundabout does not recognise (kept as written, on the
party record and in the reason) adds an ``unchecked`` reason. Every party of every role is
screened like a party file: the hits are recorded (``screening_results``, so they enter the
alert queue), the run is audited (``shipment_run``), and a reviewer's false-positive decision
on a role's exact record (``<declaration_id>:<role>``) removes that hit from the risk.

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
``unchecked``       a required value empty or unreadable, or a country not recognised: 0.1
==================  =========================================================================
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from roundabout.errors import InputFileError
from roundabout.lists.countries import to_iso2
from roundabout.lists.limits import read_text, sha256_file
from roundabout.matching.matcher import DEFAULT_THRESHOLD
from roundabout.matching.model import Hit, Party
from roundabout.screening import redflags
from roundabout.screening.lists_in_use import Notify, resolve_lists, screener_for
from roundabout.screening.run import assess, check_threshold, record_run
from roundabout.store import Store, ownership, shipment_review

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
    source: str | None = None  # the guidance a red flag comes from

    def to_dict(self) -> dict[str, Any]:
        out = {"code": self.code, "weight": round(self.weight, 4), "detail": self.detail}
        return out if self.source is None else {**out, "source": self.source}


@dataclass(frozen=True, slots=True)
class ShipmentResult:
    declaration_id: str
    risk: float
    reasons: tuple[Reason, ...]
    hits: dict[str, list[dict[str, Any]]]
    #: red-flag rules not checked on this declaration, with the fields it lacks
    redflags_not_checked: tuple[str, ...] = ()
    #: the sha256 of the row as read: what a reviewer's decision on the declaration binds to
    record: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "declaration_id": self.declaration_id,
            "record": self.record,
            "risk": round(self.risk, 4),
            "reasons": [r.to_dict() for r in self.reasons],
            "hits": self.hits,
            "redflags_not_checked": list(self.redflags_not_checked),
        }


@dataclass(frozen=True, slots=True)
class ShipmentRun:
    snapshots: tuple[str, ...]
    results: tuple[ShipmentResult, ...]
    run_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "snapshots": list(self.snapshots),
            "results": [r.to_dict() for r in self.results],
        }


#: Columns a shipment file must have (after the aliases above).
REQUIRED = ("declaration_id", "exporter", "consignee", "destination_country", "hs_code")
#: Countries checked for being recognised: the role countries and the route.
_COUNTRY_FIELDS = (
    *(f"{role}_country" for role in ROLES),
    "origin_country",
    "dispatch_country",
    "destination_country",
)
#: Weight of an ``unchecked`` reason: enough that a row never reads as a clean 0.00.
UNCHECKED = 0.1


@cache
def _goods() -> tuple[dict[str, str], frozenset[str]]:
    from roundabout.reference import goods_lists

    chp = goods_lists.entries("chp").to_pylist()
    eu = goods_lists.entries("eu_hs6").to_pylist()
    return {r["hs6"]: str(r["tier"] or "") for r in chp}, frozenset(r["hs6"] for r in eu)


#: The fields of a declaration shown beside its alert (those present).
SUMMARY_FIELDS = (
    *ROLES,
    "destination_country",
    "hs_code",
    "description",
    "date",
    "value",
    "currency",
)


def _record_hash(row: dict[str, str]) -> str:
    """The declaration as read (every column, sorted): what a decision on it binds to."""
    blob = json.dumps(sorted(row.items()), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _summary(row: dict[str, str]) -> dict[str, str]:
    return {k: row[k] for k in SUMMARY_FIELDS if row.get(k)}


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


def _header(path: Path, rows: list[dict[str, str]]) -> None:
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        raise InputFileError(
            path,
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(columns: {', '.join(rows[0])})",
            1,
        )


def _unchecked(r: dict[str, str], hs6: str) -> list[str]:
    """What of this row cannot be checked: empty required values, a short HS code, countries
    not recognised (as written)."""
    out = [f"no {c}" for c in REQUIRED[1:] if not r.get(c)]
    if r.get("hs_code") and len(hs6) != 6:
        out.append(f"hs_code {r['hs_code']!r} is not an HS6 code")
    for field in _COUNTRY_FIELDS:
        raw = r.get(field, "")
        if raw and to_iso2(raw) is None:
            out.append(f"{field} {raw!r} not recognised")
    return out


def screen_shipments(
    store: Store,
    path: Path,
    lists: Sequence[str] = (),
    *,
    threshold: float = DEFAULT_THRESHOLD,
    leaks: set[tuple[str, str]] | None = None,
    notify: Notify | None = None,
    actor: str = "cli",
    rule: str = "us",
) -> ShipmentRun:
    """Risk-score each declaration of ``path``; record its party hits and an audit event."""
    check_threshold(threshold)
    rows = [_norm(r) for r in _rows(path)]
    if not rows:
        raise InputFileError(path, "no declarations")
    _header(path, rows)
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
    flags = redflags.context([r for _, r, _ in parsed], ownership.addresses(store, sids))
    screener = screener_for(store, sids, notify, rule=rule)
    parties: list[Party] = []
    for n, r, _ in parsed:
        for role in ROLES:
            name = r.get(role, "")
            if name:
                raw = r.get(f"{role}_country", "")
                iso = to_iso2(raw) if raw else None
                unknown = raw if raw and iso is None else None
                parties.append(
                    Party(
                        f"{r['declaration_id']}:{role}",
                        name,
                        country=iso,
                        record=n,
                        unknown_country=unknown,
                    )
                )
    assessed = assess(store, screener, parties, threshold)
    by_row: dict[tuple[int, str], list[Hit]] = {
        (p.record, p.id.rpartition(":")[2]): hits for p, hits in assessed
    }
    chp, eu = _goods()
    results = []
    summaries: dict[tuple[str, str], dict[str, str]] = {}
    for n, r, unit in parsed:
        reasons: list[Reason] = []
        hits: dict[str, list[dict[str, Any]]] = {}
        countries = {role: to_iso2(r.get(f"{role}_country", "")) for role in ROLES}
        dest = to_iso2(r.get("destination_country", ""))
        for role in ROLES:
            name = r.get(role, "")
            role_hits = by_row.get((n, role), [])
            if role_hits:
                hits[role] = [h.to_dict() for h in role_hits[:3]]
            current = [h for h in role_hits if h.status != "dismissed"]
            if current:
                top = current[0]
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
        fired, not_checked = redflags.check(flags, r)
        reasons.extend(Reason(f.code, f.weight, f.detail, f.source) for f in fired)
        gaps = _unchecked(r, hs6)
        if gaps:
            reasons.append(Reason("unchecked", UNCHECKED, "; ".join(gaps)))
        risk = 1.0
        for reason in reasons:
            risk *= 1 - min(reason.weight, 1.0)
        results.append(
            ShipmentResult(
                r["declaration_id"],
                1 - risk,
                tuple(reasons),
                hits,
                tuple(not_checked),
                _record_hash(r),
            )
        )
        summaries[r["declaration_id"], results[-1].record] = _summary(r)
    results.sort(key=lambda x: -x.risk)
    run_id = uuid.uuid4().hex[:16]
    record_run(
        store,
        run_id,
        assessed,
        "shipment_run",
        actor,
        {
            "file": str(path),
            "file_sha256": sha256_file(path),
            "threshold": threshold,
            "snapshots": screener.snapshot_ids,
            "declarations": len(parsed),
            "parties": len(parties),
            "max_risk": round(max(x.risk for x in results), 4),
        },
        also=lambda: shipment_review.record_results(
            store,
            run_id,
            [{**x.to_dict(), "summary": summaries[x.declaration_id, x.record]} for x in results],
        ),
    )
    return ShipmentRun(tuple(sids), tuple(results), run_id)
