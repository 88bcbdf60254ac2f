"""What the routes call: the store, the list index and caches behind one lock.

One :class:`Backend` per app. It opens the store read-write for the life of the app (the
server is the one writer: decisions and screening runs are recorded), so DuckDB's file lock
keeps other processes out while it runs; ``roundabout keys create``/``revoke`` then hand their
requests to the server (:mod:`roundabout.api.key_requests`), which applies them and reloads
its keys at once.

A DuckDB connection is not safe to share between threads. Writes (screening runs,
decisions, key requests) use the app's connection under ``self.lock``, in a worker thread,
and hold it only for the recording (scoring happens before, outside it). Reads (flows,
alerts, decisions, the audit check, and the analytics jobs of :mod:`roundabout.api.jobs`)
each get a connection of their own (:meth:`Backend.reading`) and never take the lock. What
runs in the event loop never waits for it: ``/match`` scores in a worker thread on the
in-memory list index (:class:`~roundabout.matching.matcher.Screener`, built once), a known
``/leaks`` answer is a dictionary lookup, and key checks use the keys in memory.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from roundabout.analytics import LeakParams, LeakResult, Span, Unavailable
from roundabout.analytics.params import DEFAULT_HUBS, parse_codes
from roundabout.api import key_requests, weights
from roundabout.api import keys as keys_mod
from roundabout.api.jobs import Job, Outcome, Results
from roundabout.api.models import (
    COUNTRY_PROPERTIES,
    ID_PROPERTIES,
    FlowsQuery,
    LeaksQuery,
    MatchEntity,
    MatchRequest,
    PartyIn,
)
from roundabout.api.settings import ApiSettings
from roundabout.api.uploads import read_upload
from roundabout.api.work import Deadline
from roundabout.errors import InputFileError, NotFoundError, RoundaboutError
from roundabout.lists.countries import to_iso2
from roundabout.lists.remarks import normalize_id
from roundabout.matching.matcher import DEFAULT_THRESHOLD, Screener
from roundabout.matching.model import Hit, Party
from roundabout.matching.rules import overridden
from roundabout.report import charts
from roundabout.report import data as report_data
from roundabout.screening.decisions import Decision, DecisionRecord, decide
from roundabout.screening.lists_in_use import resolve_lists, screener_for
from roundabout.screening.run import ScreeningRun, screen_loaded
from roundabout.screening.stored_index import materialize
from roundabout.store import Store, audit, shipment_review
from roundabout.store.queries import FlowFilter, aggregate_flows, filter_flows
from roundabout.store.version import data_version

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
        self._keys: dict[str, keys_mod.ApiKey] = {}
        self._keys_loaded = 0.0
        self._screener: Screener | None = None
        self._names: dict[str, str] | None = None
        self.version = data_version(self.store)
        self.results = Results(settings.leaks_cache)
        self.reload_keys()

    def close(self) -> None:
        self.results.close()
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

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """A connection of its own for reads (:meth:`Store.reader`), without the backend's
        lock: DuckDB's own pattern for threads (a cursor per thread, opened from the shared
        connection in that thread), so no read waits for a write or a long analysis."""
        reader = self.store.reader()
        try:
            yield reader
        finally:
            reader.close()

    def leaks_job(self, params: LeakParams) -> Job:
        """The ``/leaks`` answer to ``params``: known, or computed by a background job
        (:mod:`roundabout.api.jobs`). With ``did`` the event-study chart is made from the
        same analysis and kept beside it (``extra["event_study"]``)."""

        def compute() -> Outcome:
            with self.reading() as store:
                result = report_data.leaks(store, params)
            if isinstance(result, Unavailable):
                raise RoundaboutError(result.reason)
            extra = {"event_study": _event_study_chart(result)} if params.did else {}
            return Outcome(dumps(result.to_dict()), extra)

        return self.results.get_or_start(
            (self.version, "leaks", params), "leaks", _described(params), compute
        )

    def chart_job(self, name: str, scope: report_data.Scope) -> Job:
        """A dashboard chart (``monthly`` or ``sankey``), as a background job like /leaks."""
        if name not in ("monthly", "sankey"):
            raise NotFoundError(f"no chart {name!r} (charts: monthly, sankey, event_study)")

        def compute() -> Outcome:
            with self.reading() as store:
                return Outcome(dumps(self._chart(store, name, scope)))

        params = {
            "name": name,
            "hubs": list(scope.hubs or ()),
            "products": list(scope.products),
            "period_from": scope.period_from,
            "period_to": scope.period_to,
        }
        key = (
            self.version,
            "chart",
            name,
            scope.hubs,
            scope.products,
            scope.period_from,
            scope.period_to,
        )
        return self.results.get_or_start(key, f"chart:{name}", params, compute)

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
        with self.reading() as store:
            expr = aggregate_flows(filter_flows(store.flows(), f), by)
            expr = expr.order_by([*dict.fromkeys([*by, "currency", "product_level"])])
            rows = expr.limit(q.limit + 1).to_pyarrow().to_pylist()
        return {
            "by": by,
            "rows": [{**r, "value": round(float(r["value"]), 2)} for r in rows[: q.limit]],
            "truncated": len(rows) > q.limit,
        }

    @staticmethod
    def _chart(store: Store, name: str, scope: report_data.Scope) -> dict[str, Any]:
        """A dashboard chart: a Vega-Lite spec, or SVG for the Sankey; or why not."""
        flows = store.flows()
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
        f = report_data.sankey(flows, scope)
        if isinstance(f, Unavailable):
            return {"name": name, "available": False, "reason": f.reason}
        return {
            "name": name,
            "available": True,
            "svg": charts.sankey_svg(f, scope.target),
            "notes": f.notes,
        }

    def audit_status(self) -> dict[str, Any]:
        """Whether the audit log's hash chain verifies (:func:`roundabout.store.audit.verify`)."""
        with self.reading() as store:
            return audit.verify(store).to_dict()

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
                    screener.max_candidates = self.settings.max_candidates
                    self._screener = screener
                    gc.collect()
                    gc.freeze()
        return self._screener

    def match(
        self,
        entity: MatchEntity,
        threshold: float,
        limit: int,
        deadline: Deadline | None = None,
        sources: frozenset[str] | None = None,
    ) -> list[Hit]:
        """Hits of one entity, best first: every name screened, the best score per entry.

        ``sources`` keeps only hits from list snapshots of those sources (``/match/{dataset}``).

        ``deadline`` is checked before each name (:class:`~roundabout.api.work.Overloaded`
        once it has passed). Runs in a worker thread: the index is read-only once built."""
        names = entity.values("name") + entity.values("alias")
        if not names:
            raise RoundaboutError("a query needs at least one 'name' property")
        ids: list[tuple[str, str]] = []
        for prop, kinds in ID_PROPERTIES.items():
            for v in entity.values(prop):
                ids.extend((kind, normalize_id(v)) for kind in kinds)
        countries = [c for p in COUNTRY_PROPERTIES for c in entity.values(p)]
        country = next((to_iso2(c) for c in countries if to_iso2(c)), None)
        schema = None if entity.schema_ in _SCHEMA_FLAG else entity.schema_
        birth = next(iter(entity.values("birthDate")), None)
        screener = self.screener()
        best: dict[str, Hit] = {}
        for name in names:
            if deadline is not None:
                deadline.check()
            party = Party("query", name, country, tuple(ids), birth, schema)
            for hit in screener.screen(party, threshold):
                if sources is not None and hit.snapshot_id.split(":")[0] not in sources:
                    continue
                cur = best.get(hit.entity_id)
                if cur is None or hit.score > cur.score:
                    best[hit.entity_id] = hit
        return sorted(best.values(), key=lambda h: (-h.score, h.entity_id))[:limit]

    def match_answer(
        self,
        body: MatchRequest,
        threshold: float,
        limit: int,
        deadline: Deadline,
        sources: frozenset[str] | None,
    ) -> dict[str, Any]:
        """yente's ``/match`` answer: for each named query its results, total and echo.

        The request's ``weights`` (:func:`roundabout.api.weights.plan`) are in force while
        its queries are scored, in this worker thread only; the answer says which were
        applied (``weights_used``) and which not and why (``weights_ignored``)."""
        plan = weights.plan(body.weights)
        with overridden(plan.overrides):
            responses = self._match_responses(body, threshold, limit, deadline, sources)
        answer: dict[str, Any] = {"responses": responses, "limit": limit, "threshold": threshold}
        if body.weights:
            answer["weights"] = body.weights
            answer.update(plan.answer())
        return answer

    def _match_responses(
        self,
        body: MatchRequest,
        threshold: float,
        limit: int,
        deadline: Deadline,
        sources: frozenset[str] | None,
    ) -> dict[str, Any]:
        responses: dict[str, Any] = {}
        for name, entity in body.queries.items():
            hits = self.match(entity, threshold, limit, deadline, sources)
            query: dict[str, Any] = {"schema": entity.schema_, "properties": entity.lists()}
            if entity.id is not None:
                query["id"] = entity.id
            responses[name] = {
                "status": 200,
                "results": [_yente_result(h) for h in hits],
                "total": {"value": len(hits), "relation": "eq"},
                "query": query,
            }
        return responses

    def datasets(self) -> list[str]:
        """The list sources ``/match/{dataset}`` may name (those of the index)."""
        return sorted({sid.split(":")[0] for sid in self.screener().snapshot_ids})

    def prescore(self, parties: list[Party], threshold: float, deadline: Deadline) -> None:
        """Score ``parties`` outside the store lock, checking ``deadline`` between them.

        The screener caches name scores (per name, schema and floor), so the run recorded
        under the lock afterwards (:func:`~roundabout.screening.run.screen_loaded`) finds
        them ready: the lock is held for the cheap part, and a batch too costly for its
        deadline stops here, before anything is written."""
        screener = self.screener()
        for p in parties:
            deadline.check()
            screener.screen(p, threshold)

    @staticmethod
    def parties_of(parties: list[PartyIn]) -> list[Party]:
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
        return loaded

    def screen_parties(
        self,
        loaded: list[Party],
        threshold: float,
        matches_only: bool,
        new_only: bool,
        actor: str,
        deadline: Deadline,
    ) -> ScreeningRun:
        self.prescore(loaded, threshold, deadline)
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
        parquet: bool,
        threshold: float,
        matches_only: bool,
        new_only: bool,
        actor: str,
        deadline: Deadline,
    ) -> ScreeningRun:
        """A party file posted as the body (CSV or Parquet), checked before it is read whole
        (:mod:`roundabout.api.uploads`), then screened like ``screen parties``."""
        import hashlib

        parties = read_upload(body, parquet, self.settings.max_screen_parties)
        self.prescore(parties, threshold, deadline)
        screener = self.screener()
        with self.lock:
            return screen_loaded(
                self.store,
                screener,
                parties,
                file=f"api:upload.{'parquet' if parquet else 'csv'}",
                file_sha256=hashlib.sha256(body).hexdigest(),
                threshold=threshold,
                new_only=new_only,
                matches_only=matches_only,
                actor=actor,
            )

    def decide(
        self,
        party_id: str,
        entity_id: str,
        decision: str,
        reviewer: str,
        reason: str,
        actor: str,
        record: str | None = None,
    ) -> DecisionRecord:
        with self.lock:
            return decide(
                self.store,
                party_id,
                entity_id,
                Decision(decision),
                reviewer,
                reason,
                record=record,
                actor=actor,
            )

    def decide_shipment(
        self,
        declaration_id: str,
        decision: str,
        reviewer: str,
        reason: str,
        actor: str,
        record: str | None = None,
    ) -> dict[str, str]:
        """A decision on one declaration record (:mod:`roundabout.store.shipment_review`)."""
        with self.lock:
            return shipment_review.decide(
                self.store, declaration_id, decision, reviewer, reason, actor, record
            )

    def shipment_decisions(self, limit: int) -> list[dict[str, str]]:
        with self.reading() as store:
            return shipment_review.decisions(store, limit)

    def shipment_alerts(self, limit: int) -> list[dict[str, Any]]:
        """Open declarations, riskiest first, their red flags apart from the other reasons."""
        with self.reading() as store:
            rows = shipment_review.alerts(store, limit)
        for r in rows:
            r["redflags"] = [x for x in r["reasons"] if str(x["code"]).startswith("redflag:")]
        return rows

    def screen_shipments(
        self, body: bytes, parquet: bool, threshold: float, actor: str, deadline: Deadline
    ) -> dict[str, Any]:
        """A file of declarations posted as the body, screened like ``screen shipments``
        (:func:`roundabout.screening.shipments.screen_shipments`) and recorded.

        The file is written to a private temporary directory (the screening reads a path)
        and removed after. The whole run holds the store lock: it reads the lists and
        ownership and writes the run; ``deadline`` is checked before it starts."""
        import tempfile

        from roundabout.screening.shipments import screen_shipments

        deadline.check()
        name = "upload.parquet" if parquet else "upload.csv"
        with tempfile.TemporaryDirectory(prefix="rb-shipments-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(body)
            try:
                with self.lock:
                    run = screen_shipments(
                        self.store,
                        path,
                        list(self.settings.lists),
                        threshold=threshold,
                        actor=actor,
                    )
            except InputFileError as exc:  # named as the upload, not the temporary path
                raise InputFileError(f"api:{name}", exc.detail, exc.line) from None
        return run.to_dict()

    def list_keys(self) -> list[dict[str, Any]]:
        return [k.to_dict() for k in self._keys.values()]

    def decisions(self, limit: int) -> list[dict[str, Any]]:
        with self.reading() as store:
            d = store.table("screening_decisions").drop("row_hash", "chain_seq")
            rows = d.order_by(d.decided_at.desc()).limit(limit).to_pyarrow().to_pylist()
        return [{**r, "decided_at": r["decided_at"].isoformat()} for r in rows]

    def alerts(self, limit: int) -> list[dict[str, Any]]:
        """The alert queue (:func:`roundabout.report.data.alerts`), each alert with the party
        as screened (name, country; a shipment role's declaration and role) and the hit as it
        scores now against the lists in use: explanation, features, programs, and the
        ownership ``basis``, ``owned_share`` and ``via`` (with the names on the path)."""
        with self.reading() as store:
            rows = report_data.alerts(store, limit)
            records = _party_records(store, {r["party_hash"] for r in rows})
        if not rows:
            return rows
        screener = self.screener()
        names = self._entity_names()
        rescored: dict[tuple[str, str], dict[str, Hit]] = {}
        for a in rows:
            rec = records.get(a["party_hash"], {})
            a["party_name"] = rec.get("name")
            a["party_country"] = rec.get("country") or rec.get("unknown_country")
            decl, sep, role = str(a["party_id"]).rpartition(":")
            if sep and role in SHIPMENT_ROLES:
                a["declaration_id"], a["role"] = decl, role
            key = (a["party_id"], a["party_hash"])
            if key not in rescored:
                party = _party_of_record(a["party_id"], rec)
                hits = screener.screen(party) if party is not None else []
                rescored[key] = {h.entity_id: h for h in hits}
            hit = rescored[key].get(a["entity_id"])
            if hit is None:
                continue
            d = hit.to_dict()
            a["explanation"] = d["explanation"]
            a["features"] = d["features"]
            a["programs"] = d["programs"]
            a["basis"] = d.get("basis")
            a["owned_share"] = d.get("owned_share")
            a["via"] = list(d.get("via") or [])
            a["via_names"] = [names.get(v, v) for v in a["via"]]
        return rows

    def _entity_names(self) -> dict[str, str]:
        """List entity id -> name over the index (listed and context entities), built once."""
        if self._names is None:
            self._names = {e.entity.entity_id: e.entity.name for e in self.screener().entries}
        return self._names


def _yente_result(h: Hit) -> dict[str, Any]:
    """A hit in yente's result shape (with roundabout's explanation beside it)."""
    d = h.to_dict()
    return {
        "id": d["entity_id"],
        "caption": d["name"],
        "schema": d["schema"],
        "properties": {"name": [d["name"]], "program": d["programs"]},
        "datasets": [d["snapshot_id"].split(":")[0]],
        "score": d["score"],
        "match": d["match"],
        "matched_name": d["matched_name"],
        "explanation": d["explanation"],
        "features": d["features"],
        "snapshot_id": d["snapshot_id"],
    }


#: The party roles of a declaration: a hit of ``<declaration id>:<role>`` is a shipment's.
SHIPMENT_ROLES = frozenset({"exporter", "consignee", "notify_party", "declarant"})


def _party_records(store: Store, hashes: set[str]) -> dict[str, dict[str, Any]]:
    """The party records as screened (``party_record``), by their hash."""
    if not hashes or "screening_results" not in set(store.backend.list_tables()):
        return {}
    r = store.table("screening_results")
    q = (
        r.filter(r.party_hash.isin(sorted(hashes)) & r.party_record.notnull())
        .group_by("party_hash")
        .aggregate(party_record=r.party_record.arbitrary())
    )
    out: dict[str, dict[str, Any]] = {}
    for row in q.to_pyarrow().to_pylist():
        try:
            rec = json.loads(row["party_record"])
        except (TypeError, json.JSONDecodeError):
            continue
        if isinstance(rec, dict):
            out[str(row["party_hash"])] = rec
    return out


def _party_of_record(party_id: str, rec: dict[str, Any]) -> Party | None:
    """The :class:`Party` a stored record was screened as (``None`` without a name)."""
    name = rec.get("name")
    if not isinstance(name, str) or not name:
        return None
    ids = []
    for item in rec.get("identifiers") or []:
        kind, sep, value = str(item).partition(":")
        if sep:
            ids.append((kind, value))
    return Party(
        party_id,
        name,
        rec.get("country"),
        tuple(ids),
        rec.get("birth_date"),
        rec.get("schema"),
        unknown_country=rec.get("unknown_country"),
    )


def _described(params: LeakParams) -> dict[str, Any]:
    """``params`` as JSON-ready values (a job says what it computes)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(params):
        v = getattr(params, f.name)
        out[f.name] = list(v) if isinstance(v, tuple) else (str(v) if isinstance(v, Span) else v)
    return out


def _event_study_chart(result: LeakResult) -> dict[str, Any]:
    """The event-study chart of an analysis (``/charts/event_study``), or why there is none."""
    name = "event_study"
    if isinstance(result.did, Unavailable):
        return {"name": name, "available": False, "reason": result.did.reason}
    es = result.did.event_study
    if isinstance(es, Unavailable):
        return {"name": name, "available": False, "reason": es.reason}
    coefs = [{"rel_month": e.rel_month, "estimate": e.estimate, "se": e.se} for e in es]
    return {"name": name, "available": True, "vega_lite": charts.event_study_spec(coefs)}


DEFAULT_MATCH_THRESHOLD = DEFAULT_THRESHOLD
