"""API docs that work offline: Swagger UI at ``/docs``, ReDoc at ``/redoc``, from the package.

FastAPI's own docs pages load Swagger UI from a CDN: blank offline, and a third-party script
on the dashboard's origin, beside the API key the dashboard keeps in the browser. Here the
assets come from the pinned ``fastapi-offline`` package (Swagger UI, Apache-2.0; ReDoc,
MIT; the package itself MIT), served at ``/docs-assets/``, and the pages carry a
Content-Security-Policy that allows scripts from this origin only: no inline script (the
Swagger UI set-up is a file of its own, ``swagger-init.js``), no third-party host.
``roundabout serve --no-docs`` turns the pages and ``/openapi.json`` off.
"""

from __future__ import annotations

from html import escape
from importlib import resources
from pathlib import Path
from typing import Final

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

ASSETS = Path(str(resources.files("fastapi_offline") / "static"))
FILES: Final = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
CSP: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
SWAGGER_INIT: Final = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  layout: "BaseLayout",
});
"""


def _page(title: str, head: str, body: str) -> HTMLResponse:
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<title>{escape(title)}</title><link rel="icon" href="/docs-assets/favicon.png">'
        f"{head}</head><body>{body}</body></html>"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": CSP})


def mount(app: FastAPI, title: str) -> None:
    """Add ``/docs``, ``/redoc`` and ``/docs-assets/<file>`` to ``app``."""

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        return _page(
            f"{title} API",
            '<link rel="stylesheet" href="/docs-assets/swagger-ui.css">',
            '<div id="swagger-ui"></div><script src="/docs-assets/swagger-ui-bundle.js"></script>'
            '<script src="/docs-assets/swagger-init.js"></script>',
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return _page(
            f"{title} API",
            "",
            '<redoc spec-url="/openapi.json"></redoc>'
            '<script src="/docs-assets/redoc.standalone.js"></script>',
        )

    @app.get("/docs-assets/swagger-init.js", include_in_schema=False)
    def swagger_init() -> Response:
        return Response(SWAGGER_INIT, media_type="text/javascript")

    @app.get("/docs-assets/{name}", include_in_schema=False)
    def asset(name: str) -> Response:
        if name not in FILES:  # a fixed set: no path from the request reaches the disk
            raise HTTPException(404, f"no file {name!r} in the docs assets")
        return FileResponse(
            ASSETS / name,
            media_type=FILES[name],
            headers={"Cache-Control": "public, max-age=86400"},
        )
