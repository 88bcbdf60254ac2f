"""The store: canonical tables in an embedded engine (DuckDB), readable from Spark."""

from typing import TYPE_CHECKING, Any

from roundabout.store.store import Store
from roundabout.vocabulary import FLOWS

if TYPE_CHECKING:
    from roundabout.store.schema import FLOWS_SCHEMA

__all__ = ["FLOWS", "FLOWS_SCHEMA", "Store"]


def __getattr__(name: str) -> Any:
    """``FLOWS_SCHEMA`` on first use (an Ibis schema: importing Ibis costs 0.3 s)."""
    if name == "FLOWS_SCHEMA":
        from roundabout.store import schema

        return schema.FLOWS_SCHEMA
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
