"""Load fetched files through the same atomic, once-only ingest as ``roundabout ingest``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from roundabout.sources import importer_for
from roundabout.sources.load import LoadResult, load_file
from roundabout.store.store import Store


def load_pages(store: Store, fmt: str, paths: Iterable[Path]) -> list[LoadResult]:
    """Load each file (one transaction each; a file already loaded loads nothing)."""
    importer = importer_for(fmt)
    return [load_file(store, importer, p) for p in paths]
