"""The ASGI middleware in front of every route: body size limit and response headers.

Plain ASGI rather than Starlette's ``BaseHTTPMiddleware`` (which spawns a task and memory
streams for every request).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from roundabout.api.errors import error_response

Scope_ = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


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
                await error_response(400, "bad_request", "invalid Content-Length")(
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
        await error_response(413, "payload_too_large", msg)(scope, receive, send)
