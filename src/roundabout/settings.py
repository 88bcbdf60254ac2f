"""Where things live. Resolved from explicit arguments and the environment, never globals."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_DB = "roundabout.duckdb"
DB_ENV = "ROUNDABOUT_DB"


def resolve_db_path(explicit: str | Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """The store path: ``--db`` if given, else ``$ROUNDABOUT_DB``, else ``./roundabout.duckdb``."""
    if explicit:
        return Path(explicit)
    env = os.environ if environ is None else environ
    value = env.get(DB_ENV, "").strip()
    return Path(value) if value else Path(DEFAULT_DB)
