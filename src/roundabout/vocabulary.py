"""Controlled vocabularies of the canonical tables.

Shared by the importers (:mod:`roundabout.sources`) and the store (:mod:`roundabout.store`)
without either importing the other for them: the loader (:mod:`roundabout.sources.load`)
writes into the store, so the store must not depend on the importers.
"""

from __future__ import annotations

from typing import Final

#: ``flows.flow``, always seen from the reporter.
FLOWS: Final = ("export", "import", "re-export", "re-import")
