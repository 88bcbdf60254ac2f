"""Errors of the API, each carrying its HTTP status, and the handlers that answer them as JSON.

Routes raise typed errors and never build error responses: a
:class:`~roundabout.errors.RoundaboutError` keeps its ``status`` (400, 404, 503, ...); the
API's own (:class:`Unauthorized`, :class:`Forbidden`, :class:`RateLimited`,
:class:`UnsupportedMedia`) add the ``type`` word of the answer and the headers they need
(``WWW-Authenticate``, ``Retry-After``). Every error answer has one shape,
``{"error": {"status", "type", "message"[, "detail"]}}``: a validation problem is 422 with the
fields at fault, anything unexpected a 500 without internals.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from roundabout.errors import RoundaboutError


class ApiError(RoundaboutError):
    """An error of the HTTP layer: ``status``, the answer's ``type`` and extra headers."""

    kind = "http_error"

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.headers = dict(headers or {})


class Unauthorized(ApiError):
    status = 401
    kind = "unauthorized"

    def __init__(self) -> None:
        super().__init__(
            "a valid API key is required: Authorization: Bearer <key>",
            {"WWW-Authenticate": "Bearer"},
        )


class Forbidden(ApiError):
    status = 403
    kind = "forbidden"


class RateLimited(ApiError):
    status = 429
    kind = "rate_limited"

    def __init__(self, message: str, retry_after: str) -> None:
        super().__init__(message, {"Retry-After": retry_after})


class UnsupportedMedia(ApiError):
    status = 415


#: The ``type`` word of errors raised by Starlette itself (an unknown path, a wrong method).
HTTP_KINDS = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    429: "rate_limited",
}


def error_response(
    status: int, kind: str, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "type": kind, "message": message}
    if detail is not None:
        body["detail"] = detail
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as JSON."""

    @app.exception_handler(RoundaboutError)
    async def _rb_error(request: Request, exc: RoundaboutError) -> JSONResponse:
        headers: dict[str, str] | None = getattr(exc, "headers", None)
        kind = exc.kind if isinstance(exc, ApiError) else type(exc).__name__
        return error_response(exc.status, kind, exc.message, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return error_response(
            422, "validation_error", "the request does not match its schema", detail
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = HTTP_KINDS.get(exc.status_code, "http_error")
        return error_response(
            exc.status_code, kind, str(exc.detail), headers=dict(exc.headers or {})
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        return error_response(
            500, "internal_error", "internal error (the server log has the details)"
        )
