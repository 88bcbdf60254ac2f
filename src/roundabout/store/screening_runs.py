"""The SQL of screening runs: the hits earlier runs recorded (``screening_results``).

A run's hits are appended with :meth:`Store.append` (:func:`roundabout.screening.run.record_run`);
this module answers what a new run compares them with.
"""

from __future__ import annotations

from roundabout.store.store import Store


def previous_hits(store: Store) -> dict[tuple[str, str, str], set[str]]:
    """``(party_id, party_hash, entity_id) -> {entity_hash, ...}``: every version of each list
    entry that each party record was ever hit by."""
    if not store.has_table("screening_results"):
        return {}
    rows = store.raw.execute(
        "SELECT DISTINCT party_id, party_hash, entity_id, entity_hash FROM screening_results"
    ).fetchall()
    out: dict[tuple[str, str, str], set[str]] = {}
    for p, ph, e, h in rows:
        out.setdefault((str(p), str(ph), str(e)), set()).add(str(h))
    return out
