"""``/leaks``: the leak analysis of ``roundabout leaks --json``, computed in a job."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from roundabout.api.answers import COMPUTING, ERRORS, job_answer
from roundabout.api.deps import Key, State
from roundabout.api.models import LeaksQuery
from roundabout.api.responses import LeaksAnswer
from roundabout.api.service import Backend

router = APIRouter(tags=["analytics"], responses=ERRORS)


@router.get("/leaks", response_model=LeaksAnswer, responses=COMPUTING)
async def get_leaks(key: Key, state: State, q: Annotated[LeaksQuery, Query()]) -> Response:
    """``roundabout leaks --json``: summary, ranked findings, measures, notes.

    Computed once per question and store version in a background job: a new question
    is answered 202 with the job; ask again (or ``GET /jobs/{id}``) for the answer."""
    return job_answer(state.backend.leaks_job(Backend.leak_params(q)))
