"""``/jobs/{id}`` and ``/charts/{name}``: background jobs and the dashboard's charts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi import Path as PathParam
from fastapi.responses import Response

from roundabout.api.answers import COMPUTING, ERRORS, encoded, job_answer
from roundabout.api.deps import Key, State
from roundabout.api.models import ChartQuery, LeaksQuery
from roundabout.api.responses import Chart, ErrorAnswer, JobAnswer
from roundabout.api.service import Backend
from roundabout.errors import NotFoundError
from roundabout.report.data import Scope

router = APIRouter(tags=["analytics"], responses=ERRORS)


@router.get(
    "/jobs/{job_id}",
    response_model=JobAnswer,
    responses={404: {"description": "unknown", "model": ErrorAnswer}},
)
async def get_job(
    key: Key, state: State, job_id: Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$")]
) -> JobAnswer:
    """A background job of ``/leaks`` or ``/charts``: running, done or failed (with why)."""
    job = state.backend.results.job(job_id)
    if job is None:
        raise NotFoundError(f"no job {job_id} (jobs are kept while their answer is)")
    return JobAnswer.model_validate({"job": job.to_dict()})


@router.get("/charts/{name}", response_model=Chart, responses=COMPUTING)
async def get_chart(
    key: Key,
    state: State,
    name: Annotated[Literal["monthly", "sankey", "event_study"], PathParam()],
    q: Annotated[ChartQuery, Query()],
) -> Response:
    """A dashboard chart for the filters: a Vega-Lite spec (``vega_lite``) or ``svg``.

    ``hub`` may name several hubs (``ARM,KAZ``). Computed in a background job like
    ``/leaks`` (202 while it runs); the event study comes from the ``/leaks`` analysis of the
    hubs (with DiD), cached with it."""
    be = state.backend
    hubs = tuple(h.strip().upper() for h in q.hub.split(",") if h.strip()) if q.hub else None
    if name == "event_study":
        job = be.leaks_job(
            Backend.leak_params(LeaksQuery.model_validate({"hubs": q.hub, "did": True}))
        )
        if job.status == "failed" and job.error is not None and job.error.status < 500:
            return encoded({"name": name, "available": False, "reason": job.error.message})
        if job.status != "done":
            return job_answer(job)
        return encoded(job.extra["event_study"])
    scope = Scope(
        hubs=hubs,
        products=tuple(q.products.split(",")) if q.products else (),
        period_from=q.period_from,
        period_to=q.period_to,
    )
    return job_answer(be.chart_job(name, scope))
