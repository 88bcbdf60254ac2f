"""What the routes call: the store, the list index and caches behind one lock.

One :class:`Backend` per app. It opens the store read-write for the life of the app (the
server is the one writer: decisions and screening runs are recorded), so DuckDB's file lock
keeps other processes out while it runs; ``roundabout keys create``/``revoke`` then hand their
requests to the server (:mod:`roundabout.api.key_requests`), which applies them and reloads
its keys at once.

A DuckDB connection is not safe to share between threads, so every store access holds
``self.lock`` (in a worker thread). What runs in the event loop never waits for it: ``/match``
works on the in-memory list index (:class:`~roundabout.matching.matcher.Screener`, built
once), a cached ``/leaks`` answer has its own small lock, and key checks use the keys in
memory.
"""

from __future__ import annotations

import gc
import json
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from roundabout.analytics import LeakParams, LeakResult, Span, Unavailable
from roundabout.analytics.params import DEFAULT_HUBS, parse_codes
from roundabout.api import key_requests
from roundabout.api import keys as keys_mod
from roundabout.api.models import ID_PROPERTIES, FlowsQuery, LeaksQuery, MatchEntity, PartyIn
from roundabout.api.settings import ApiSettings
from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.lists.countries import to_iso2
from roundabout.lists.remarks import normalize_id
from roundabout.matching.matcher import DEFAULT_THRESHOLD, Screener
from roundabout.matching.model import Hit, Party
from roundabout.report import charts
from roundabout.report import data as report_data
from roundabout.screening import schema as screening_schema
from roundabout.screening.decisions import Decision, DecisionRecord, decide
from roundabout.screening.lists_in_use import resolve_lists, screener_for
from roundabout.screening.parties import read_parties
from roundabout.screening.run import ScreeningRun, screen_loaded
from roundabout.screening.stored_index import materialize
from roundabout.store import Store
from roundabout.store.queries import FlowFilter, aggregate_flows, filter_flows

try:
    import orjson
except ImportError:  # pragma: no cover - orjson comes with followthemoney and rigour
    orjson = None  # type: ignore[assignment]

_SCHEMA_FLAG = {"Thing": None, "LegalEntity": None}


def dumps(obj: Any) -> bytes:
    """JSON as FastAPI would answer it, encoded with orjson when it is there (a dependency
    of followthemoney and rigour; several times faster than pydantic's encoder on these
    plain dicts), else through FastAPI's encoder and :func:`json.dumps`."""
    if orjson is not None:
        try:
            return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)
        except TypeError:
            pass  # a type orjson does not know: the general path below
    from fastapi.encoders import jsonable_encoder

    text = json.dumps(jsonable_encoder(obj), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(c.strip().upper() for c in text.split(",") if c.strip()) if text else ()


class Backend:
    """The store and everything derived from it, shared by the routes of one app."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self.store = Store(settings.db)
        keys_mod.ensure(self.store)
        screening_schema.ensure(self.store.raw)
        self._keys: dict[str, keys_mod.ApiKey] = {}
        self._keys_loaded = 0.0
        self._screener: Screener | None = None
        self._leaks: OrderedDict[LeakParams, bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.reload_keys()

    def close(self) -> None:
        with self.lock:
            self.store.close()

    # -- keys ------------------------------------------------------------------------------

    def reload_keys(self) -> None:
        with self.lock:
            self._keys = {k.key_id: k for k in keys_mod.list_keys(self.store)}
            self._keys_loaded = time.monotonic()

    def authenticate(self, token: str) -> keys_mod.ApiKey | None:
        """The active key ``token`` belongs to, else ``None``.

        Keys are checked against the copy in memory (a salted sha256, no store access). An
        unknown key id re-reads the table at most once a second, and only if the store is
        free at that moment: this runs in the event loop, which must not wait for a long
        query in a worker thread."""
        parsed = keys_mod.parse_token(token)
        if parsed is None:
            return None
        key_id, secret = parsed
        key = self._keys.get(key_id)
        if (
            key is None
            and time.monotonic() - self._keys_loaded > 1.0
            and self.lock.acquire(blocking=False)
        ):
            try:
                self.reload_keys()
            finally:
                self.lock.release()
            key = self._keys.get(key_id)
        return key if key is not None and keys_mod.check(key, secret) else None

    def process_key_requests(self, spool: Path) -> int:
        """Answer ``roundabout keys`` requests waiting in ``spool``; reload the keys after."""
        with self.lock:
            return key_requests.process(self.store, spool, applied=self.reload_keys)

    # -- leaks and flows -------------------------------------------------------------------

    @staticmethod
    def leak_params(q: LeaksQuery) -> LeakParams:
        return LeakParams(
            target=q.target.upper(),
            hubs=parse_codes(q.hubs, DEFAULT_HUBS),
            origins=parse_codes(q.origins),
            goods=q.goods,
            baseline=Span.parse(q.baseline, "baseline") if q.baseline else None,
            window=Span.parse(q.window, "window") if q.window else None,
            did=q.did,
            top=q.top,
        )

    def cached_leaks(self, params: LeakParams) -> bytes | None:
        """The encoded ``/leaks`` answer to ``params`` if it is cached. Called from the event
        loop, so it takes only the cache's own lock, never the store's (which a long query
        in a worker thread may hold for seconds)."""
        with self._cache_lock:
            hit = self._leaks.get(params)
            if hit is not None:
                self._leaks.move_to_end(params)
            return hit

    def leaks(self, params: LeakParams) -> bytes:
        """``find_leaks`` as JSON bytes, cached by the question (the flows cannot change
        under us, so an answer stays valid; it is encoded once, not on every request)."""
        with self.lock:
            hit = self.cached_leaks(params)
            if hit is not None:
                return hit
            result = report_data.leaks(self.store, params)
            if isinstance(result, Unavailable):
                raise RoundaboutError(result.reason)
            out = dumps(result.to_dict())
            with self._cache_lock:
                self._leaks[params] = out
                while len(self._leaks) > self.settings.leaks_cache:
                    self._leaks.popitem(last=False)
            return out

    def leak_result(self, params: LeakParams) -> LeakResult | Unavailable:
        with self.lock:
            return report_data.leaks(self.store, params)

    def flows(self, q: FlowsQuery) -> dict[str, Any]:
        f = FlowFilter(
            reporters=_codes(q.reporters),
            partners=_codes(q.partners),
            flows=(q.flow,) if q.flow else (),
            products=tuple(q.products.split(",")) if q.products else (),
            product_level=q.product_level,
            freq=q.freq,
            period_from=q.period_from,
            period_to=q.period_to,
        )
        by = q.by.split(",")
        with self.lock:
            expr = aggregate_flows(filter_flows(self.store.flows(), f), by)
            expr = expr.order_by([*dict.fromkeys([*by, "currency", "product_level"])])
            rows = expr.limit(q.limit + 1).to_pyarrow().to_pylist()
        return {
            "by": by,
            "rows": [{**r, "value": round(float(r["value"]), 2)} for r in rows[: q.limit]],
            "truncated": len(rows) > q.limit,
        }

    def chart(self, name: str, scope: report_data.Scope) -> dict[str, Any]:
        """A dashboard chart: a Vega-Lite spec, or SVG for the Sankey; or why not."""
        with self.lock:
            flows = self.store.flows()
            if name == "monthly":
                s = report_data.monthly_series(flows, scope)
                if isinstance(s, Unavailable):
                    return {"name": name, "available": False, "reason": s.reason}
                return {
                    "name": name,
                    "available": True,
                    "vega_lite": charts.monthly_spec(s),
                    "notes": s.notes,
                }
            if name == "sankey":
                f = report_data.sankey(flows, scope)
                if isinstance(f, Unavailable):
                    return {"name": name, "available": False, "reason": f.reason}
                return {
                    "name": name,
                    "available": True,
                    "svg": charts.sankey_svg(f, scope.target),
                    "notes": f.notes,
                }
        raise NotFoundError(f"no chart {name!r} (charts: monthly, sankey, event_study)")

    # -- screening ----------------------------------------------------------------------------

    def screener(self) -> Screener:
        """The list index (built on first use from the configured or newest snapshots).

        Once built, the heap is frozen out of the garbage collector (:func:`gc.freeze`): the
        index is some 400,000 long-lived objects, and a full collection walking them took
        0.4-0.8 s, a stall of every request in flight (the /match p99 was 480 ms for it).
        """
        if self._screener is None:
            with self.lock:
                if self._screener is None:
                    ids = resolve_lists(self.store, list(self.settings.lists))
                    screener = screener_for(self.store, ids)
                    # A server answers many requests: the stored index read into memory once
                    # (a third of a fresh build) rather than looked up in its files each time.
                    materialize(screener)
                    self._screener = screener
                    gc.collect()
                    gc.freeze()
        return self._screener

    def match(self, entity: MatchEntity, threshold: float, limit: int) -> list[Hit]:
        """Hits of one entity, best first: every name screened, the best score per entry."""
        props = entity.properties
        names = props.get("name", []) + props.get("alias", [])
        if not names:
            raise RoundaboutError("a query needs at least one 'name' property")
        ids: list[tuple[str, str]] = []
        for prop, kind in ID_PROPERTIES.items():
            ids.extend((kind, normalize_id(v)) for v in props.get(prop, []))
        country = next((to_iso2(c) for c in props.get("country", []) if to_iso2(c)), None)
        schema = None if entity.schema_ in _SCHEMA_FLAG else entity.schema_
        birth = next(iter(props.get("birthDate", [])), None)
        screener = self.screener()
        best: dict[str, Hit] = {}
        for name in names:
            party = Party("query", name, country, tuple(ids), birth, schema)
            for hit in screener.screen(party, threshold):
                cur = best.get(hit.entity_id)
                if cur is None or hit.score > cur.score:
                    best[hit.entity_id] = hit
        return sorted(best.values(), key=lambda h: (-h.score, h.entity_id))[:limit]

    def screen_parties(
        self,
        parties: list[PartyIn],
        threshold: float,
        matches_only: bool,
        new_only: bool,
        actor: str,
    ) -> ScreeningRun:
        loaded = []
        for p in parties:
            ids = tuple((k, normalize_id(v)) for k, v in p.identifiers.items())
            loaded.append(
                Party(
                    p.id,
                    p.name,
                    to_iso2(p.country) if p.country else None,
                    ids,
                    p.birth_date,
                    p.schema_,
                )
            )
        if len({p.id for p in loaded}) != len(loaded):
            raise RoundaboutError("party ids must be unique within a batch")
        screener = self.screener()
        with self.lock:
            return screen_loaded(
                self.store,
                screener,
                loaded,
                file="api:json",
                file_sha256="",
                threshold=threshold,
                new_only=new_only,
                matches_only=matches_only,
                actor=actor,
            )

    def screen_file(
        self,
        body: bytes,
        suffix: str,
        threshold: float,
        matches_only: bool,
        new_only: bool,
        actor: str,
    ) -> ScreeningRun:
        """A party file posted as the body (CSV or Parquet), read like ``screen parties``."""
        import hashlib

        with tempfile.TemporaryDirectory(prefix="roundabout-screen-") as tmp:
            path = Path(tmp) / f"batch{suffix}"
            path.write_bytes(body)
            parties = read_parties(path)
        if len(parties) > self.settings.max_screen_parties:
            raise RoundaboutError(
                f"{len(parties):,} parties: at most {self.settings.max_screen_parties:,} a batch"
            )
        screener = self.screener()
        with self.lock:
            return screen_loaded(
                self.store,
                screener,
                parties,
                file=f"api:upload{suffix}",
                file_sha256=hashlib.sha256(body).hexdigest(),
                threshold=threshold,
                new_only=new_only,
                matches_only=matches_only,
                actor=actor,
            )

    def decide(
        self, party_id: str, entity_id: str, decision: str, reviewer: str, reason: str
    ) -> DecisionRecord:
        with self.lock:
            return decide(self.store, party_id, entity_id, Decision(decision), reviewer, reason)

    def decisions(self, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            d = self.store.table("screening_decisions")
            rows = d.order_by(d.decided_at.desc()).limit(limit).to_pyarrow().to_pylist()
        return [{**r, "decided_at": r["decided_at"].isoformat()} for r in rows]

    def alerts(self, limit: int) -> list[dict[str, Any]]:
        with self.lock:
            return report_data.alerts(self.store, limit)


DEFAULT_MATCH_THRESHOLD = DEFAULT_THRESHOLD
