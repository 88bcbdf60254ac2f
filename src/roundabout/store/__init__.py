"""The store: canonical tables in an embedded engine (DuckDB), readable from Spark."""

from roundabout.store.schema import FLOWS, FLOWS_SCHEMA
from roundabout.store.store import Store

__all__ = ["FLOWS", "FLOWS_SCHEMA", "Store"]
