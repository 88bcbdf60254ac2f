"""Which list snapshots a screening uses: files given on the command line (loaded as snapshots
first), snapshot ids or source names in the store, or by default the newest snapshot of each
source (the bundled lists are loaded on first use of an empty store)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from roundabout.lists import bundled, snapshots
from roundabout.lists.detect import parse_list
from roundabout.matching.matcher import ScreenEntry, Screener
from roundabout.store import Store

Notify = Callable[[str], None]


def resolve_lists(store: Store, refs: Sequence[str], notify: Notify | None = None) -> list[str]:
    """Snapshot ids for ``refs`` (all parsing happens before anything is written)."""
    parsed = []
    named: list[str] = []
    for ref in refs:
        path = Path(ref)
        if path.exists():
            parsed.append(parse_list(path))
        else:
            named.append(ref)
    ids = [snapshots.resolve(store, r).snapshot_id for r in named]
    for p in parsed:
        outcome = snapshots.save(store, p)
        ids.append(outcome.snapshot.snapshot_id)
    if not refs:
        current = snapshots.latest(store)
        if not current:
            if notify:
                notify("no lists in the store: loading the bundled OFAC SDN and UN lists")
            for p in bundled.current():
                snapshots.save(store, p)
            current = snapshots.latest(store)
        ids = [s.snapshot_id for s in current]
    return list(dict.fromkeys(ids))


def screener_for(store: Store, snapshot_ids: Sequence[str]) -> Screener:
    entries: list[ScreenEntry] = []
    for sid in snapshot_ids:
        rows = store.raw.execute(
            "SELECT data, entity_hash FROM list_entities WHERE snapshot_id = ?", [sid]
        ).fetchall()
        from roundabout.lists.model import ListEntity

        entries.extend(ScreenEntry(ListEntity.from_json(d), sid, h) for d, h in rows)
    return Screener(entries)
