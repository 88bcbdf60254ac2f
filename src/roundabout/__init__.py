"""roundabout: sanctioned goods taking the long way to Russia.

The Python API (everything else is internal and may change)::

    import roundabout

    found = roundabout.leaks(db="out/demo.duckdb", hubs=["ARM", "KAZ", "KGZ"],
                             window="2022-03:2022-08", baseline="2021-03:2021-08", did=False)
    found.summary["offset_share"], found.findings.head()

    hits = roundabout.screen_parties("examples/screening/parties.csv")
    hits.hits[["party_id", "name", "score", "match"]]

    with roundabout.open_store("out/demo.duckdb", read_only=True) as store:
        store.flows().count().execute()

The names are loaded on first use, so ``import roundabout`` (and the CLI) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Leaks", "Screening", "Store", "__version__", "leaks", "open_store", "screen_parties"]

if TYPE_CHECKING:
    from roundabout._public import Leaks, Screening, leaks, open_store, screen_parties
    from roundabout.store import Store

_LAZY = {
    "Leaks": "roundabout._public",
    "Screening": "roundabout._public",
    "leaks": "roundabout._public",
    "open_store": "roundabout._public",
    "screen_parties": "roundabout._public",
    "Store": "roundabout.store",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'roundabout' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
