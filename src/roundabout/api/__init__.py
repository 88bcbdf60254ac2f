"""The HTTP API (``roundabout serve``): FastAPI app factory, API keys, limits.

    >>> from roundabout.api import ApiSettings, create_app
    >>> app = create_app(ApiSettings(db=Path("out/demo.duckdb")))

Importing this package imports FastAPI; the CLI imports it only inside ``roundabout serve``.
"""

from roundabout.api.app import create_app
from roundabout.api.settings import ApiSettings

__all__ = ["ApiSettings", "create_app"]
