"""Answers sent as pre-encoded JSON bytes (large, cached answers) and the 202 of a job."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from roundabout.api.jobs import Job
from roundabout.api.responses import ErrorAnswer, JobAnswer
from roundabout.api.service import dumps

#: The extra responses of a route answered by a background job.
COMPUTING: dict[int | str, dict[str, Any]] = {
    202: {
        "description": 'Computing in a background job: `{"job": {...}}`; ask again after '
        "`Retry-After` seconds (or follow `Location`).",
        "model": JobAnswer,
    }
}

#: The error answers every keyed route may give.
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid API key", "model": ErrorAnswer},
    403: {"description": "The key lacks the permission", "model": ErrorAnswer},
    429: {"description": "Rate limit; see `Retry-After`", "model": ErrorAnswer},
}


def raw(body: bytes | None, status: int = 200) -> Response:
    return Response(body or b"{}", status_code=status, media_type="application/json")


def encoded(obj: Any, status: int = 200) -> Response:
    return raw(dumps(obj), status)


def job_answer(job: Job) -> Response:
    """The answer of ``job``: its bytes when done, its error once it failed, else a 202."""
    if job.status == "done":
        return raw(job.body)
    if job.status == "failed" and job.error is not None:
        raise job.error
    return Response(
        dumps({"job": job.to_dict()}),
        status_code=202,
        media_type="application/json",
        headers={"Location": f"/jobs/{job.id}", "Retry-After": "1"},
    )
