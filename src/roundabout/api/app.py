"""The HTTP app: ``create_app(settings)`` builds a FastAPI app around one store.

Routes only orchestrate: validate the request (strict models, :mod:`roundabout.api.models`),
call the Python API (:mod:`roundabout.analytics`, :mod:`roundabout.screening`, the store's
Ibis queries), and shape the answer. Around them:

* **keys**: every route but ``/health``, the dashboard page and its static files needs
  ``Authorization: Bearer <key>`` (see :mod:`roundabout.api.keys`); a missing or wrong key is
  401, never a hint of which part was wrong;
* **rate limits**: a token bucket per key (:mod:`roundabout.api.ratelimit`), 429 when empty;
* **size limits**: a body over ``max_body_bytes`` is refused with 413 before it is read whole;
* **CORS** is closed unless origins are configured;
* **errors** are JSON, ``{"error": {"status", "type", "message"[, "detail"]}}``: a
  :class:`~roundabout.errors.RoundaboutError` keeps its ``status`` (400, 404, ...), a
  validation problem is 422, anything unexpected is a 500 without internals.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from roundabout import __version__
from roundabout.api import docs, key_requests
from roundabout.api import keys as keys_mod
from roundabout.api.jobs import Job
from roundabout.api.models import (
    ChartQuery,
    DecisionRequest,
    FlowsQuery,
    LeaksQuery,
    MatchRequest,
    ScreenRequest,
)
from roundabout.api.ratelimit import RateLimiter
from roundabout.api.service import DEFAULT_MATCH_THRESHOLD, Backend, dumps
from roundabout.api.settings import MIN_THRESHOLD, ApiSettings
from roundabout.api.work import Deadline, Overloaded, run_scoring
from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.report.data import Scope
from roundabout.screening.run import ScreeningRun

Scope_ = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

STATIC = Path(str(resources.files("roundabout.dashboard") / "static"))
PARQUET_TYPES = (
    "application/vnd.apache.parquet",
    "application/x-parquet",
    "application/octet-stream",
)


def _error(
    status: int, kind: str, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "type": kind, "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse({"error": body}, status_code=status, headers=headers)


#: The policy of every response that sets none of its own (JSON answers, static files):
#: nothing may load from it, nothing may frame it.
DEFAULT_CSP = b"default-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


class Guard:
    """ASGI middleware: body size limit and response headers, without a task per request.

    A request body over ``limit`` bytes is refused with a JSON 413: a declared
    ``Content-Length`` over the limit at once, a chunked body as soon as it passes the limit.
    Every response gets the security headers (``nosniff``, ``DENY``, ``no-referrer``) and a
    ``Server-Timing: app;dur=`` header. This is plain ASGI (not Starlette's
    ``BaseHTTPMiddleware``, which spawns a task and memory streams for every request).
    """

    def __init__(self, app: Callable[[Scope_, Receive, Send], Awaitable[None]], limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope_, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                dur = f"app;dur={1000 * (time.perf_counter() - start):.1f}".encode()
                headers = list(message.get("headers", ()))
                if not any(k.lower() == b"content-security-policy" for k, _ in headers):
                    headers.append((b"content-security-policy", DEFAULT_CSP))
                message["headers"] = [*headers, *SECURITY_HEADERS, (b"server-timing", dur)]
            await send(message)

        declared = None
        for name, value in scope.get("headers") or ():
            if name == b"content-length":
                declared = value
                break
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await _error(400, "bad_request", "invalid Content-Length")(
                    scope, receive, send_with_headers
                )
                return
            if too_big:
                await self._too_big(scope, receive, send_with_headers)
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_big(scope, receive, send_with_headers)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        sent = False

        async def replay() -> MutableMapping[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send_with_headers)

    async def _too_big(self, scope: Scope_, receive: Receive, send: Send) -> None:
        msg = f"request body over {self.limit:,} bytes"
        await _error(413, "payload_too_large", msg)(scope, receive, send)


BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An API key from `roundabout keys create`: `Authorization: Bearer rb_...`",
)


async def require_key(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> keys_mod.ApiKey:
    """The dependency every protected route has: a valid key with tokens left in its bucket.

    ``_declared`` puts the bearer scheme in the OpenAPI document (Swagger's "Authorize"); the
    header is checked here, so that every way of getting it wrong is the same 401."""
    be: Backend = request.app.state.backend
    limiter: RateLimiter = request.app.state.limiter
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    key = be.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        raise HTTPException(
            401,
            "a valid API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    wait = limiter.take(key.key_id)
    if wait > 0:
        raise HTTPException(
            429,
            f"rate limit of {limiter.rate:g} requests/s for this key",
            headers={"Retry-After": RateLimiter.retry_after(wait)},
        )
    return key


def need(permission: str) -> Callable[..., Awaitable[keys_mod.ApiKey]]:
    """A dependency: a valid key (:func:`require_key`) that holds ``permission`` (else 403)."""

    async def dependency(
        key: Annotated[keys_mod.ApiKey, Depends(require_key)],
    ) -> keys_mod.ApiKey:
        if not key.can(permission):
            raise HTTPException(
                403,
                f"key {key.key_id} ({key.name}) may not {permission}: create a key with "
                f"`roundabout keys create --name NAME --can {permission}`",
            )
        return key

    return dependency


Key = Annotated[keys_mod.ApiKey, Depends(need("read"))]
ScreenKey = Annotated[keys_mod.ApiKey, Depends(need("screen"))]
DecideKey = Annotated[keys_mod.ApiKey, Depends(need("decide"))]
AdminKey = Annotated[keys_mod.ApiKey, Depends(need("admin"))]


def _check_work(work: RateLimiter, key: keys_mod.ApiKey) -> None:
    """429 while the key's scoring bucket is in debt (it is charged after each job)."""
    wait = work.take(key.key_id, 0.0)
    if wait > 0:
        raise HTTPException(
            429,
            f"scoring budget of {work.rate:g} s of work per second for this key used up",
            headers={"Retry-After": RateLimiter.retry_after(wait)},
        )


async def _serve_key_requests(be: Backend, spool: Path) -> None:
    """Answer ``roundabout keys`` requests (:mod:`roundabout.api.key_requests`) while the app
    runs; the store work happens in a worker thread, never in the event loop."""
    while True:
        if key_requests.pending(spool):
            await anyio.to_thread.run_sync(be.process_key_requests, spool)
        await anyio.sleep(key_requests.POLL_SECONDS)


def create_app(settings: ApiSettings, *, backend: Backend | None = None) -> FastAPI:
    """A new app serving ``settings.db``; ``backend`` may be given to share one store."""
    be = backend or Backend(settings)
    limiter = RateLimiter(settings.rate_per_second, settings.burst)
    work = RateLimiter(settings.work_per_second, settings.work_burst)
    scoring = anyio.CapacityLimiter(settings.scoring_workers)
    vendor: dict[str, bytes] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm:
            await anyio.to_thread.run_sync(be.screener)
        async with anyio.create_task_group() as tg:
            if settings.key_requests:
                spool = key_requests.open_spool(settings.db)
                tg.start_soon(_serve_key_requests, be, spool)
            try:
                yield
            finally:
                tg.cancel_scope.cancel()
                if settings.key_requests:
                    key_requests.close_spool(settings.db)
        if backend is None:
            be.close()

    app = FastAPI(
        title=settings.title,
        version=__version__,
        description="Leak analytics and sanctions screening over a roundabout store. "
        "Authenticate with `Authorization: Bearer <key>` (`roundabout keys create`).",
        docs_url=None,  # FastAPI's own pages load Swagger UI from a CDN: see docs.py
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs else None,
        lifespan=lifespan,
    )
    app.state.backend = be
    app.state.settings = settings
    app.state.limiter = limiter

    # -- errors as JSON ----------------------------------------------------------------------

    @app.exception_handler(RoundaboutError)
    async def _rb_error(request: Request, exc: RoundaboutError) -> JSONResponse:
        headers = exc.headers if isinstance(exc, Overloaded) else None
        return _error(exc.status, type(exc).__name__, exc.message, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return _error(422, "validation_error", "the request does not match its schema", detail)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = {
            401: "unauthorized",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            429: "rate_limited",
        }.get(exc.status_code, "http_error")
        return _error(exc.status_code, kind, str(exc.detail), headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal_error", "internal error (the server log has the details)")

    # -- auth and limits --------------------------------------------------------------------

    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(Guard, limit=settings.max_body_bytes)

    # -- public ------------------------------------------------------------------------------

    @app.get("/health", tags=["public"])
    async def health() -> dict[str, str]:
        """Liveness: no key needed."""
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    async def dashboard() -> FileResponse:
        return FileResponse(
            STATIC / "index.html",
            headers={
                "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-eval'; "
                "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
            },
        )

    @app.get("/vendor/vega.js", include_in_schema=False)
    def vega_bundle() -> Response:
        """Vega, Vega-Lite and vega-embed, bundled offline by vl-convert (no CDN)."""
        if "js" not in vendor:
            import vl_convert

            bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
            vendor["js"] = bundle.encode("utf-8")
        return Response(
            vendor["js"],
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if settings.docs:
        docs.mount(app, settings.title)

    # -- analytics ---------------------------------------------------------------------------

    @app.get("/leaks", tags=["analytics"], response_model=dict[str, Any], responses=COMPUTING)
    async def get_leaks(key: Key, q: Annotated[LeaksQuery, Query()]) -> Response:
        """``roundabout leaks --json``: summary, ranked findings, measures, notes.

        Computed once per question and store version in a background job: a new question
        is answered 202 with the job; ask again (or ``GET /jobs/{id}``) for the answer."""
        job = be.leaks_job(Backend.leak_params(q))
        return _answer(job) if job.status != "done" else _bytes(job.body)

    @app.get("/jobs/{job_id}", tags=["analytics"], responses={404: {"description": "unknown"}})
    async def get_job(
        key: Key, job_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
    ) -> dict[str, Any]:
        """A background job of ``/leaks`` or ``/charts``: running, done or failed (with why)."""
        job = be.results.job(job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id} (jobs are kept while their answer is)")
        return {"job": job.to_dict()}

    @app.get("/flows", tags=["analytics"])
    def get_flows(key: Key, q: Annotated[FlowsQuery, Query()]) -> dict[str, Any]:
        """Sums of value, weight and rows over the filtered flows, grouped by ``by``."""
        return be.flows(q)

    @app.get("/charts/{name}", tags=["analytics"], responses=COMPUTING)
    async def get_chart(
        key: Key,
        name: Annotated[Literal["monthly", "sankey", "event_study"], PathParam()],
        q: Annotated[ChartQuery, Query()],
    ) -> Response:
        """A dashboard chart for the filters: a Vega-Lite spec (``vega_lite``) or ``svg``.

        Computed in a background job like ``/leaks`` (202 while it runs); the event study
        comes from the ``/leaks`` analysis of the hub (with DiD), cached with it."""
        if name == "event_study":
            job = be.leaks_job(
                Backend.leak_params(LeaksQuery.model_validate({"hubs": q.hub, "did": True}))
            )
            if job.status == "failed" and job.error is not None and job.error.status < 500:
                return _json({"name": name, "available": False, "reason": job.error.message})
            if job.status != "done":
                return _answer(job)
            return _json(job.extra["event_study"])
        hubs = (q.hub.upper(),) if q.hub else None
        scope = Scope(
            hubs=hubs,
            products=tuple(q.products.split(",")) if q.products else (),
            period_from=q.period_from,
            period_to=q.period_to,
        )
        job = be.chart_job(name, scope)
        return _answer(job) if job.status != "done" else _bytes(job.body)

    @app.get("/audit", tags=["screening"])
    def get_audit(key: Key) -> dict[str, Any]:
        """Whether the audit log's hash chain verifies (``roundabout screen audit --verify``)."""
        return be.audit_status()

    # -- screening ---------------------------------------------------------------------------

    async def match(
        key: keys_mod.ApiKey,
        body: MatchRequest,
        threshold: float,
        limit: int,
        dataset: str | None,
    ) -> Response:
        if len(body.queries) > settings.max_match_queries:
            raise RoundaboutError(f"at most {settings.max_match_queries} queries per request")
        _check_work(work, key)
        sources: frozenset[str] | None = None
        if dataset is not None and dataset not in ALL_DATASETS:
            known = be.datasets()
            if dataset not in known:
                raise NotFoundError(
                    f"no dataset {dataset!r} (datasets: {', '.join([*ALL_DATASETS, *known])})"
                )
            sources = frozenset({dataset})

        def job(deadline: Deadline) -> bytes:
            responses: dict[str, Any] = {}
            for name, entity in body.queries.items():
                hits = be.match(entity, threshold, limit, deadline, sources)
                query: dict[str, Any] = {"schema": entity.schema_, "properties": entity.lists()}
                if entity.id is not None:
                    query["id"] = entity.id
                responses[name] = {
                    "status": 200,
                    "results": [_result(h) for h in hits],
                    "total": {"value": len(hits), "relation": "eq"},
                    "query": query,
                }
            answer: dict[str, Any] = {"responses": responses, "limit": limit}
            answer["threshold"] = threshold
            if body.weights:
                answer["weights"] = body.weights
                answer["weights_applied"] = False
            return dumps(answer)

        out = await run_scoring(
            job,
            deadline=Deadline(settings.match_deadline),
            workers=scoring,
            work=work,
            key_id=key.key_id,
        )
        return Response(out, media_type="application/json")

    @app.post("/match", tags=["screening"], response_model=dict[str, Any])
    async def post_match(
        key: ScreenKey,
        body: MatchRequest,
        threshold: Annotated[float, Query(ge=MIN_THRESHOLD, le=1.0)] = DEFAULT_MATCH_THRESHOLD,
        limit: Annotated[int, Query(ge=1, le=100)] = 5,
    ) -> Response:
        """Match entities against the lists (yente's ``/match`` shape). Nothing is recorded.

        Scoring runs in a worker thread with a deadline (:mod:`roundabout.api.work`): 503
        with ``Retry-After`` when it passes; the seconds it took are charged to the key."""
        return await match(key, body, threshold, limit, None)

    @app.post("/match/{dataset}", tags=["screening"], response_model=dict[str, Any])
    async def post_match_dataset(
        key: ScreenKey,
        dataset: Annotated[str, PathParam(pattern=r"^[a-z0-9_]{1,40}$")],
        body: MatchRequest,
        threshold: Annotated[float, Query(ge=MIN_THRESHOLD, le=1.0)] = DEFAULT_MATCH_THRESHOLD,
        limit: Annotated[int, Query(ge=1, le=100)] = 5,
    ) -> Response:
        """yente's ``/match/{dataset}``: ``default`` (or ``sanctions``, ``all``) is every list
        in use; a source (``ofac_sdn``, ``un_sc``, ...) only its entries."""
        return await match(key, body, threshold, limit, dataset)

    @app.post(
        "/screen",
        tags=["screening"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": ScreenRequest.model_json_schema(
                            ref_template="#/components/schemas/{model}"
                        )
                    },
                    "text/csv": {"schema": {"type": "string"}},
                },
            }
        },
    )
    async def post_screen(
        key: ScreenKey,
        request: Request,
        threshold: Annotated[float, Query(ge=MIN_THRESHOLD, le=1.0)] = DEFAULT_MATCH_THRESHOLD,
        matches_only: bool = False,
        new_only: bool = False,
    ) -> dict[str, Any]:
        """Screen a batch and record the run: JSON ``{"parties": [...]}``, or a party file as
        the body (``text/csv``, or Parquet as ``application/vnd.apache.parquet``) with the
        options as query parameters. The hits enter the alert queue (``/alerts``)."""
        body = await request.body()
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        actor = key.actor
        _check_work(work, key)
        if ctype == "application/json":
            try:
                req = ScreenRequest.model_validate_json(body)
            except ValidationError as exc:
                raise RequestValidationError(exc.errors(include_url=False)) from None
            if len(req.parties) > settings.max_screen_parties:
                raise RoundaboutError(f"at most {settings.max_screen_parties:,} parties a batch")
            loaded = Backend.parties_of(req.parties)

            def job(deadline: Deadline) -> ScreeningRun:
                return be.screen_parties(
                    loaded, req.threshold, req.matches_only, req.new_only, actor, deadline
                )
        elif ctype in ("text/csv", "text/plain", *PARQUET_TYPES):
            parquet = ctype in PARQUET_TYPES

            def job(deadline: Deadline) -> ScreeningRun:
                return be.screen_file(
                    body, parquet, threshold, matches_only, new_only, actor, deadline
                )
        else:
            raise HTTPException(415, "send application/json, text/csv or Parquet")
        run = await run_scoring(
            job,
            deadline=Deadline(settings.screen_deadline),
            workers=scoring,
            work=work,
            key_id=key.key_id,
        )
        return run.to_dict()

    @app.get("/alerts", tags=["screening"])
    def get_alerts(key: Key, limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
        """The alert queue: hits without a decision on the entry as it stands, best first."""
        return {"alerts": be.alerts(limit)}

    @app.get("/decisions", tags=["screening"])
    def get_decisions(
        key: Key, limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> dict[str, Any]:
        """Recorded decisions, newest first."""
        return {"decisions": be.decisions(limit)}

    @app.post("/decisions", tags=["screening"], status_code=201)
    def post_decision(key: DecideKey, body: DecisionRequest) -> dict[str, Any]:
        """Record a reviewer's decision on a hit (audited; a false positive stays quiet until
        the list entry changes). Only a key with the ``decide`` permission may; the audit
        actor is the key (``api:<key id>:<key name>``), ``reviewer`` is kept beside it as
        the name the caller gave."""
        rec = be.decide(
            body.party_id, body.entity_id, body.decision, body.reviewer, body.reason, key.actor
        )
        return rec.to_dict()

    @app.get("/keys", tags=["keys"])
    def get_keys(key: AdminKey) -> dict[str, Any]:
        """Every API key (never a secret): id, name, permissions, created, revoked."""
        return {"keys": be.list_keys()}

    return app


#: yente dataset names that mean every list in use.
ALL_DATASETS = ("default", "sanctions", "all")

COMPUTING: dict[int | str, dict[str, Any]] = {
    202: {
        "description": 'Computing in a background job: `{"job": {...}}`; ask again after '
        "`Retry-After` seconds (or follow `Location`)."
    }
}


def _bytes(body: bytes | None) -> Response:
    return Response(body or b"{}", media_type="application/json")


def _json(obj: dict[str, Any]) -> Response:
    return Response(dumps(obj), media_type="application/json")


def _answer(job: Job) -> Response:
    """A job not done: 202 while it runs, its error once it failed."""
    if job.status == "failed" and job.error is not None:
        raise job.error
    return Response(
        dumps({"job": job.to_dict()}),
        status_code=202,
        media_type="application/json",
        headers={"Location": f"/jobs/{job.id}", "Retry-After": "1"},
    )


def _result(h: Any) -> dict[str, Any]:
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


__all__ = ["create_app"]
