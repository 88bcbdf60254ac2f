"""What routes receive by dependency: the app's state and the caller's key.

One :class:`AppState` per app (``app.state.rb``): the backend, the settings and the limits.
Routes take it as ``state: State`` and the caller's key as ``key: Key`` (or ``ScreenKey``,
``DecideKey``, ``AdminKey``: a valid key holding that permission). The bearer scheme
(``apiKey``) is declared through these dependencies, so every route that needs a key carries
``security: [{"apiKey": []}]`` in the OpenAPI document, and only those.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from roundabout.api import keys as keys_mod
from roundabout.api.errors import Forbidden, RateLimited, Unauthorized
from roundabout.api.ratelimit import RateLimiter
from roundabout.api.service import Backend
from roundabout.api.settings import ApiSettings


@dataclass
class AppState:
    """Everything the routes of one app share."""

    settings: ApiSettings
    backend: Backend
    #: requests per second per key
    limiter: RateLimiter
    #: seconds of scoring per second per key
    work: RateLimiter
    #: worker threads scoring /match and /screen
    scoring: anyio.CapacityLimiter
    #: vendored assets built on first use (the Vega bundle)
    vendor: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: ApiSettings, backend: Backend) -> AppState:
        return cls(
            settings=settings,
            backend=backend,
            limiter=RateLimiter(settings.rate_per_second, settings.burst),
            work=RateLimiter(settings.work_per_second, settings.work_burst),
            scoring=anyio.CapacityLimiter(settings.scoring_workers),
        )


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.rb
    return state


State = Annotated[AppState, Depends(app_state)]

BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="apiKey",
    description="An API key from `roundabout keys create`: `Authorization: Bearer rb_...`",
)


async def require_key(
    request: Request,
    state: State,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> keys_mod.ApiKey:
    """A valid key with tokens left in its bucket (401 or 429 otherwise).

    ``_declared`` puts the bearer scheme in the OpenAPI document (Swagger's "Authorize"); the
    header is checked here, so that every way of getting it wrong is the same 401."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    key = state.backend.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        raise Unauthorized()
    wait = state.limiter.take(key.key_id)
    if wait > 0:
        raise RateLimited(
            f"rate limit of {state.limiter.rate:g} requests/s for this key",
            RateLimiter.retry_after(wait),
        )
    return key


def need(permission: str) -> Callable[..., Awaitable[keys_mod.ApiKey]]:
    """A dependency: a valid key (:func:`require_key`) that holds ``permission`` (else 403)."""

    async def dependency(
        key: Annotated[keys_mod.ApiKey, Depends(require_key)],
    ) -> keys_mod.ApiKey:
        if not key.can(permission):
            raise Forbidden(
                f"key {key.key_id} ({key.name}) may not {permission}: create a key with "
                f"`roundabout keys create --name NAME --can {permission}`"
            )
        return key

    return dependency


Key = Annotated[keys_mod.ApiKey, Depends(need("read"))]
ScreenKey = Annotated[keys_mod.ApiKey, Depends(need("screen"))]
DecideKey = Annotated[keys_mod.ApiKey, Depends(need("decide"))]
AdminKey = Annotated[keys_mod.ApiKey, Depends(need("admin"))]


def check_work(state: AppState, key: keys_mod.ApiKey) -> None:
    """429 while the key's scoring bucket is in debt (it is charged after each job)."""
    wait = state.work.take(key.key_id, 0.0)
    if wait > 0:
        raise RateLimited(
            f"scoring budget of {state.work.rate:g} s of work per second for this key used up",
            RateLimiter.retry_after(wait),
        )
