"""Nothing left here: every table is defined in :mod:`roundabout.store.schema`, and a store is
migrated to it when opened for writing (:mod:`roundabout.store.migrations`).

:func:`ensure` remains only because ``roundabout.api.service`` still calls it (the API is
being rewritten elsewhere); remove the module with that call.
"""

from __future__ import annotations


def ensure(con: object) -> None:
    """Does nothing: the store created and migrated the screening tables when it was opened."""
    del con
