"""UN Comtrade API v1: plan the requests, fetch them under the record cap, cache them.

``GET {base}/data/v1/get/C/{freq}/HS`` with ``reporterCode`` and ``partnerCode`` as
Comtrade's numeric codes, ``period`` a comma list of ``YYYYMM`` or ``YYYY`` (at most 12),
``cmdCode`` a comma list of HS codes, ``flowCode`` (``X,M``), and the totals of the other
dimensions: ``customsCode=C00``, ``motCode=0``, ``partner2Code=0``. The subscription key
goes in the ``Ocp-Apim-Subscription-Key`` header (from ``COMTRADE_API_KEY``); without one,
the public preview endpoint (``/public/v1/preview/...``) answers at most
:data:`PREVIEW_CAP` records per request. The base URL comes from
``ROUNDABOUT_COMTRADE_URL`` (mirrors, tests).

The record cap: an answer with as many records as the cap may be cut short, so it is never
kept: the query is split (periods first, then product codes, then reporters, then
partners) and each half fetched again. Every kept answer is written to the cache under a
name derived from its query (without the key), so an identical fetch reads the cache and
makes no request; the pages then load through the once-only ingest, which loads nothing the
second time (same SHA-256).

Chapters (``84``) and goods lists (``chp``) are expanded to their HS6 codes (HS 2022
nomenclature, or the list's codes), :data:`CODES_PER_REQUEST` to a request, because the
API's answer for a chapter code is the chapter's total, not its products.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from roundabout.errors import RoundaboutError
from roundabout.fetch.http import Client, FetchError

__all__ = ["Client", "FetchError", "RoundaboutError"]

DEFAULT_BASE: Final = "https://comtradeapi.un.org"
#: Records per request with a subscription key (the free tier's cap) and without one.
KEY_CAP: Final = 100_000
PREVIEW_CAP: Final = 500
MAX_PERIODS: Final = 12
CODES_PER_REQUEST: Final = 100
#: Comtrade's current code where the crosswalk also lists a historical one.
PREFERRED: Final = {"FRA": 251, "DEU": 276, "IND": 699, "BEL": 56, "NOR": 579, "SDN": 729,
                    "CHE": 757, "USA": 842}  # fmt: skip


@dataclass(frozen=True)
class Query:
    """One request: every field a tuple of the values it asks for."""

    freq: str
    reporters: tuple[int, ...]
    partners: tuple[int, ...] | None  # None: all partners
    periods: tuple[str, ...]
    codes: tuple[str, ...]
    flows: tuple[str, ...]

    def path(self, preview: bool) -> str:
        kind = "public/v1/preview" if preview else "data/v1/get"
        return f"/{kind}/C/{self.freq}/HS"

    def params(self, cap: int | None = None) -> dict[str, str]:
        p = {
            "reporterCode": ",".join(map(str, self.reporters)),
            "period": ",".join(self.periods),
            "cmdCode": ",".join(self.codes),
            "flowCode": ",".join(self.flows),
            "customsCode": "C00",
            "motCode": "0",
            "partner2Code": "0",
        }
        if self.partners is not None:
            p["partnerCode"] = ",".join(map(str, self.partners))
        if cap is not None:
            p["maxRecords"] = str(cap)
        return p

    def cache_name(self, preview: bool) -> str:
        """The cache file of this query's answer (the key and the cap are not part of it)."""
        text = self.path(preview) + "?" + json.dumps(self.params(), sort_keys=True)
        return f"comtrade-{self.freq}-{hashlib.sha256(text.encode()).hexdigest()[:20]}.json"

    def split(self) -> list[Query]:
        """Two queries asking for half each (periods, then codes, reporters, partners)."""
        for name in ("periods", "codes", "reporters"):
            values = getattr(self, name)
            if len(values) > 1:
                half = len(values) // 2
                return [replace(self, **{name: values[:half]}),
                        replace(self, **{name: values[half:]})]  # fmt: skip
        partners = self.partners if self.partners is not None else all_partner_codes()
        if len(partners) > 1:
            half = len(partners) // 2
            return [
                replace(self, partners=partners[:half]),
                replace(self, partners=partners[half:]),
            ]
        raise FetchError(
            f"one query reached the record cap and cannot be split further ({self.params()})"
        )


@dataclass(frozen=True)
class Settings:
    """Where and how to ask: base URL, key, cap."""

    base: str
    key: str | None
    cap: int

    @property
    def preview(self) -> bool:
        return self.key is None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ) if env is None else env
        key = env.get("COMTRADE_API_KEY") or None
        base = env.get("ROUNDABOUT_COMTRADE_URL") or DEFAULT_BASE
        return cls(base=base.rstrip("/"), key=key, cap=KEY_CAP if key else PREVIEW_CAP)


def comtrade_code(iso3: str) -> int:
    """Comtrade's numeric code of an ISO alpha-3 country code."""
    iso3 = iso3.strip().upper()
    if iso3 in PREFERRED:
        return PREFERRED[iso3]
    codes = _codes_by_iso().get(iso3)
    if not codes:
        raise RoundaboutError(f"unknown country {iso3!r}: not in Comtrade's country codes")
    return codes[0]


def _codes_by_iso() -> dict[str, list[int]]:
    from roundabout.sources.normalize import country_codes

    out: dict[str, list[int]] = {}
    for r in country_codes("comtrade").to_pylist():
        out.setdefault(r["iso3"], []).append(int(r["code"]))
    return out


def all_partner_codes() -> tuple[int, ...]:
    """Every country code Comtrade uses (to split an all-partners query in halves)."""
    return tuple(sorted({c for iso, cs in _codes_by_iso().items() for c in cs if iso != "W00"}))


def parse_periods(text: str, freq: str) -> list[str]:
    """``2021-01:2023-12`` (monthly) or ``2021:2023`` (annual) as API periods."""
    try:
        start, end = (p.strip() for p in text.split(":"))
    except ValueError:
        raise RoundaboutError(f"--period {text!r}: expected START:END") from None
    if freq == "A":
        if not (start.isdigit() and end.isdigit() and len(start) == len(end) == 4):
            raise RoundaboutError(f"--period {text!r}: annual periods are YYYY:YYYY")
        return [str(y) for y in range(int(start), int(end) + 1)]
    months = []
    try:
        y, m = (int(x) for x in start.split("-"))
        ey, em = (int(x) for x in end.split("-"))
    except ValueError:
        raise RoundaboutError(f"--period {text!r}: monthly periods are YYYY-MM:YYYY-MM") from None
    if not (1 <= m <= 12 and 1 <= em <= 12) or (y, m) > (ey, em):
        raise RoundaboutError(f"--period {text!r}: not a span of months")
    while (y, m) <= (ey, em):
        months.append(f"{y}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def expand_codes(text: str) -> list[str]:
    """``84,85,87`` (chapters: their HS6 codes), ``870323,8471`` (as given), or a goods
    list name (``eu_hs6``, ``chp``: the list's HS6 codes)."""
    from roundabout.reference import goods_lists, hs

    text = text.strip()
    if text in goods_lists.names():
        return sorted({c for c in goods_lists.entries(text)["hs6"].to_pylist() if c})
    out: list[str] = []
    all_hs6 = sorted(hs.hs6_codes())
    for item in (x.strip() for x in text.split(",") if x.strip()):
        if not item.isdigit() or len(item) not in (2, 4, 6):
            raise RoundaboutError(
                f"--hs {item!r}: expected HS chapters (84), headings (8471), subheadings "
                f"(847130) or a goods list ({', '.join(goods_lists.names())})"
            )
        if len(item) == 2:
            out.extend(c for c in all_hs6 if c.startswith(item))
        else:
            out.append(item)
    return sorted(set(out))


def plan(
    reporters: Iterable[str],
    partners: Iterable[str] | None,
    periods: list[str],
    codes: list[str],
    flows: Iterable[str],
    freq: str,
) -> list[Query]:
    """The first queries: per reporter, at most 12 periods and 100 codes each."""
    reps = [comtrade_code(r) for r in reporters]
    parts = None if partners is None else tuple(sorted({comtrade_code(p) for p in partners}))
    fl = tuple(f.strip().upper() for f in flows)
    bad = [f for f in fl if f not in ("X", "M", "RX", "RM")]
    if bad:
        raise RoundaboutError(f"--flows {','.join(bad)}: flows are X, M, RX, RM")
    out = []
    for r in reps:
        for i in range(0, len(periods), MAX_PERIODS):
            for j in range(0, len(codes), CODES_PER_REQUEST):
                out.append(
                    Query(
                        freq,
                        (r,),
                        parts,
                        tuple(periods[i : i + MAX_PERIODS]),
                        tuple(codes[j : j + CODES_PER_REQUEST]),
                        fl,
                    )
                )
    return out


@dataclass
class Outcome:
    """What a fetch did: the pages to load (CSV files of non-empty answers), requests made,
    answers split at the cap, answers read from the cache, records."""

    pages: list[Path]
    requests: int = 0
    cached: int = 0
    split: int = 0
    records: int = 0


def fetch(
    queries: list[Query],
    settings: Settings,
    cache: Path,
    *,
    client: Client | None = None,
    advance: Callable[[int], None] = lambda _n: None,
) -> Outcome:
    """Fetch every query (splitting those at the cap) into the cache; see the module."""
    cache.mkdir(parents=True, exist_ok=True)
    headers = {"Ocp-Apim-Subscription-Key": settings.key} if settings.key else {}
    own = client is None
    client = client or Client(headers=headers)
    client.key_hint = (
        ": check COMTRADE_API_KEY (header Ocp-Apim-Subscription-Key)"
        if settings.key
        else ": the public preview needs no key; is ROUNDABOUT_COMTRADE_URL right?"
    )
    out = Outcome(pages=[])
    todo = list(queries)
    try:
        while todo:
            q = todo.pop(0)
            path = cache / q.cache_name(settings.preview)
            if path.exists():
                out.cached += 1
                _keep(path, answer_records(path.read_bytes(), str(path)), out)
                advance(1)
                continue
            url = settings.base + q.path(settings.preview)
            before = client.requests
            r = client.get(url, q.params(settings.cap))
            out.requests += client.requests - before
            records = answer_records(r.content, str(r.url))
            if len(records) >= settings.cap:
                out.split += 1
                todo[0:0] = q.split()
                continue
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(r.content)
            tmp.replace(path)
            _keep(path, records, out)
            advance(1)
    finally:
        if own:
            client.close()
    return out


def answer_records(body: bytes, url: str) -> list[Any]:
    """The ``data`` list of an API answer (an error naming the URL when it is not one)."""
    shown = url.split("?")[0]
    try:
        doc = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FetchError(f"{shown}: the answer is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
        raise FetchError(f"{shown}: the answer has no 'data' list")
    if doc.get("error"):
        raise FetchError(f"{shown}: the API says: {str(doc['error'])[:200]}")
    records: list[Any] = doc["data"]
    return records


def _keep(answer: Path, records: list[Any], out: Outcome) -> None:
    """Count the answer's records and hand its CSV (written once, beside it) to the ingest.

    The ingest reads the records as a CSV with API v1 columns: the CSV path's speed, and
    the same file (same SHA-256, loaded once) for the same answer.
    """
    from roundabout.sources.comtrade_json import write_records_csv

    out.records += len(records)
    if not records:
        return
    page = answer.with_suffix(".csv")
    if not page.exists():
        write_records_csv(records, page)
    out.pages.append(page)
