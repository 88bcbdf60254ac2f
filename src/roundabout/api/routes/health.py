"""``/health``: liveness, no key needed."""

from __future__ import annotations

from fastapi import APIRouter

from roundabout.api.responses import Health

router = APIRouter(tags=["public"])


@router.get("/health", response_model=Health)
async def health() -> Health:
    """Liveness: no key needed."""
    return Health()
