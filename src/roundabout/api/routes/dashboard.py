"""The dashboard page and its scripts (no key needed: the page asks for one)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from roundabout.api.deps import State

STATIC = Path(str(resources.files("roundabout.dashboard") / "static"))
#: The dashboard's policy: its own scripts (Vega compiles expressions: ``unsafe-eval``).
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get("/")
async def dashboard() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": CSP})


@router.get("/vendor/vega.js")
def vega_bundle(state: State) -> Response:
    """Vega, Vega-Lite and vega-embed, bundled offline by vl-convert (no CDN)."""
    if "js" not in state.vendor:
        import vl_convert

        bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
        state.vendor["js"] = bundle.encode("utf-8")
    return Response(
        state.vendor["js"],
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )
