"""Importers: each trade-data format becomes rows of the canonical ``flows`` table."""

from __future__ import annotations

import importlib
from typing import Final

from roundabout.errors import RoundaboutError
from roundabout.sources.base import Importer

#: Format name -> "module:class". Modules are imported only when their format is used.
FORMATS: Final[dict[str, str]] = {
    "comtrade": "roundabout.sources.comtrade:ComtradeImporter",
    "baci": "roundabout.sources.baci:BaciImporter",
    "comext": "roundabout.sources.comext:ComextImporter",
    "table": "roundabout.sources.table:TableImporter",
}


def importer_for(fmt: str) -> Importer:
    """The importer for a format name (``comtrade``, ``baci``, ``comext``, ``table``)."""
    if fmt not in FORMATS:
        raise RoundaboutError(f"unknown format {fmt!r} (known: {', '.join(sorted(FORMATS))})")
    module, cls = FORMATS[fmt].split(":")
    importer: type[Importer] = getattr(importlib.import_module(module), cls)
    return importer()


__all__ = ["FORMATS", "Importer", "importer_for"]
