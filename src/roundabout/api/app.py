"""The HTTP app: ``create_app(settings)`` builds a FastAPI app around one store.

The routes live in :mod:`roundabout.api.routes`, one router per subject (health, dashboard,
leaks, flows, jobs and charts, screening, alerts, decisions, keys); they only orchestrate.
Around them, set up here:

* **keys**: every route but ``/health``, the dashboard page and its static files needs
  ``Authorization: Bearer <key>`` (:mod:`roundabout.api.deps`); a missing or wrong key is
  401, never a hint of which part was wrong;
* **rate limits**: a token bucket per key (:mod:`roundabout.api.ratelimit`), 429 when empty;
* **size limits**: a body over ``max_body_bytes`` is refused with 413 before it is read whole
  (:mod:`roundabout.api.guard`);
* **CORS** is closed unless origins are configured;
* **errors** are JSON (:mod:`roundabout.api.errors`);
* **docs**: Swagger UI and ReDoc served from the package (:mod:`roundabout.api.docs`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from roundabout import __version__
from roundabout.api import docs, errors, key_requests
from roundabout.api.deps import AppState
from roundabout.api.guard import Guard
from roundabout.api.routes import (
    alerts,
    dashboard,
    decisions,
    flows,
    health,
    jobs,
    keys,
    leaks,
    screening,
)
from roundabout.api.service import Backend
from roundabout.api.settings import ApiSettings

#: The routers, in the order of the OpenAPI document.
ROUTERS = (health, leaks, flows, jobs, screening, alerts, decisions, keys, dashboard)


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
    app.state.rb = AppState.of(settings, be)
    app.state.backend = be
    app.state.settings = settings
    errors.install(app)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(Guard, limit=settings.max_body_bytes)
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=dashboard.STATIC), name="static")
    if settings.docs:
        docs.mount(app, settings.title)
    return app


__all__ = ["create_app"]
