"""Screening: ``/match`` (yente's shape, nothing recorded), ``/screen`` (a recorded run of a
party batch), ``/screen/shipments`` (a recorded run of customs declarations), ``/audit``.

Scoring runs in worker threads with a deadline (:mod:`roundabout.api.work`): 503 with
``Retry-After`` when it passes; the seconds it took are charged to the key's work budget.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError

from roundabout.api import keys as keys_mod
from roundabout.api.answers import ERRORS, raw
from roundabout.api.deps import AppState, Key, ScreenKey, State, check_work
from roundabout.api.errors import UnsupportedMedia
from roundabout.api.models import MatchRequest, ScreenRequest
from roundabout.api.responses import (
    AuditAnswer,
    ErrorAnswer,
    MatchAnswer,
    ScreenAnswer,
    ShipmentsAnswer,
)
from roundabout.api.service import Backend, dumps
from roundabout.api.settings import DEFAULTS, MIN_THRESHOLD
from roundabout.api.work import Deadline, run_scoring
from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.screening.run import ScreeningRun

router = APIRouter(tags=["screening"], responses=ERRORS)
T = TypeVar("T")


async def _scored(
    state: AppState, key: keys_mod.ApiKey, job: Callable[[Deadline], T], seconds: float
) -> T:
    """``job`` in a scoring worker with a deadline of ``seconds``, its time charged to ``key``
    (:func:`roundabout.api.work.run_scoring`)."""
    return await run_scoring(
        job, deadline=Deadline(seconds), workers=state.scoring, work=state.work, key_id=key.key_id
    )


#: yente dataset names that mean every list in use.
ALL_DATASETS = ("default", "sanctions", "all")
PARQUET_TYPES = (
    "application/vnd.apache.parquet",
    "application/x-parquet",
    "application/octet-stream",
)
BUSY: dict[int | str, dict[str, Any]] = {
    503: {"description": "Scoring deadline passed; see `Retry-After`", "model": ErrorAnswer},
}

Threshold = Annotated[float, Query(ge=MIN_THRESHOLD, le=1.0)]
Limit = Annotated[int, Query(ge=1, le=100)]


async def _match(
    state: AppState,
    key: keys_mod.ApiKey,
    body: MatchRequest,
    threshold: float,
    limit: int,
    dataset: str | None,
) -> Response:
    settings, be = state.settings, state.backend
    if len(body.queries) > settings.max_match_queries:
        raise RoundaboutError(f"at most {settings.max_match_queries} queries per request")
    check_work(state, key)
    sources: frozenset[str] | None = None
    if dataset is not None and dataset not in ALL_DATASETS:
        known = be.datasets()
        if dataset not in known:
            raise NotFoundError(
                f"no dataset {dataset!r} (datasets: {', '.join([*ALL_DATASETS, *known])})"
            )
        sources = frozenset({dataset})

    def job(deadline: Deadline) -> bytes:
        return dumps(be.match_answer(body, threshold, limit, deadline, sources))

    out = await _scored(state, key, job, state.settings.match_deadline)
    return raw(out)


@router.post("/match", response_model=MatchAnswer, responses=BUSY)
async def post_match(
    key: ScreenKey,
    state: State,
    body: MatchRequest,
    threshold: Threshold = DEFAULTS.match_threshold,
    limit: Limit = DEFAULTS.match_limit,
) -> Response:
    """Match entities against the lists (yente's ``/match`` shape). Nothing is recorded.

    Scoring runs in a worker thread with a deadline (:mod:`roundabout.api.work`): 503
    with ``Retry-After`` when it passes; the seconds it took are charged to the key."""
    return await _match(state, key, body, threshold, limit, None)


@router.post("/match/{dataset}", response_model=MatchAnswer, responses=BUSY)
async def post_match_dataset(
    key: ScreenKey,
    state: State,
    dataset: Annotated[str, PathParam(pattern=r"^[a-z0-9_]{1,40}$")],
    body: MatchRequest,
    threshold: Threshold = DEFAULTS.match_threshold,
    limit: Limit = DEFAULTS.match_limit,
) -> Response:
    """yente's ``/match/{dataset}``: ``default`` (or ``sanctions``, ``all``) is every list
    in use; a source (``ofac_sdn``, ``un_sc``, ...) only its entries."""
    return await _match(state, key, body, threshold, limit, dataset)


def _file_body(schema: dict[str, Any] | None) -> dict[str, Any]:
    content: dict[str, Any] = {"text/csv": {"schema": {"type": "string"}}}
    if schema is not None:
        content = {"application/json": {"schema": schema}, **content}
    return {"requestBody": {"required": True, "content": content}}


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


@router.post(
    "/screen",
    response_model=ScreenAnswer,
    responses=BUSY,
    openapi_extra=_file_body(
        ScreenRequest.model_json_schema(ref_template="#/components/schemas/{model}")
    ),
)
async def post_screen(
    key: ScreenKey,
    state: State,
    request: Request,
    threshold: Threshold = DEFAULTS.match_threshold,
    matches_only: bool = False,
    new_only: bool = False,
) -> Response:
    """Screen a batch and record the run: JSON ``{"parties": [...]}``, or a party file as
    the body (``text/csv``, or Parquet as ``application/vnd.apache.parquet``) with the
    options as query parameters. The hits enter the alert queue (``/alerts``)."""
    settings, be = state.settings, state.backend
    body = await request.body()
    ctype = _content_type(request)
    actor = key.actor
    check_work(state, key)
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
            return be.screen_file(body, parquet, threshold, matches_only, new_only, actor, deadline)
    else:
        raise UnsupportedMedia("send application/json, text/csv or Parquet")
    run = await _scored(state, key, job, state.settings.screen_deadline)
    return raw(dumps(run.to_dict()))


@router.post(
    "/screen/shipments",
    response_model=ShipmentsAnswer,
    responses=BUSY,
    openapi_extra=_file_body(None),
)
async def post_screen_shipments(
    key: ScreenKey,
    state: State,
    request: Request,
    threshold: Threshold = DEFAULTS.match_threshold,
) -> Response:
    """Risk-score a file of customs declarations (``roundabout screen shipments``: CSV as
    ``text/csv``, or Parquet) and record the run: each declaration's risk, reasons and red
    flags enter the shipment alert queue (``/alerts/shipments``), its parties' hits the party
    queue (``/alerts``)."""
    be = state.backend
    body = await request.body()
    ctype = _content_type(request)
    if ctype not in ("text/csv", "text/plain", *PARQUET_TYPES):
        raise UnsupportedMedia("send text/csv or Parquet")
    check_work(state, key)
    parquet = ctype in PARQUET_TYPES
    actor = key.actor

    def job(deadline: Deadline) -> bytes:
        return dumps(be.screen_shipments(body, parquet, threshold, actor, deadline))

    out = await _scored(state, key, job, state.settings.screen_deadline)
    return raw(out)


@router.get("/audit", response_model=AuditAnswer)
def get_audit(key: Key, state: State) -> AuditAnswer:
    """Whether the audit log's hash chain verifies (``roundabout screen audit --verify``)."""
    return AuditAnswer.model_validate(state.backend.audit_status())
