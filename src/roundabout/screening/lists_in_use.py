"""Which list snapshots a screening uses: files given on the command line (loaded as snapshots
first), snapshot ids or source names in the store, or by default the newest snapshot of each
source (the bundled lists are loaded on first use of an empty store)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from roundabout.lists import snapshots
from roundabout.matching.matcher import ScreenEntry, Screener
from roundabout.store import Store
from roundabout.store import snapshots as stored_snapshots

Notify = Callable[[str], None]


def resolve_lists(store: Store, refs: Sequence[str], notify: Notify | None = None) -> list[str]:
    """Snapshot ids for ``refs`` (all parsing happens before anything is written)."""
    from roundabout.lists import bundled  # the importers: only when a file is to be read
    from roundabout.lists.detect import parse_list

    parsed = []
    named: list[str] = []
    from roundabout.lists.owners_csv import is_ownership_csv

    owners = [Path(r) for r in refs if Path(r).is_file() and is_ownership_csv(Path(r))]
    refs = [r for r in refs if Path(r) not in owners]
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
    if owners:  # users' ownership data beside every list in use
        loaded = snapshots.with_ownership(store, list(dict.fromkeys(ids)), owners)
        for outcome in loaded:
            for w in outcome.warnings:
                if notify:
                    notify(f"warning: {outcome.snapshot.snapshot_id}: {w}")
        ids = [o.snapshot.snapshot_id for o in loaded]
    return list(dict.fromkeys(ids))


def screener_for(
    store: Store, snapshot_ids: Sequence[str], notify: Notify | None = None, rule: str = "us"
) -> Screener:
    """The screener of ``snapshot_ids``: the stored index when one was built for these
    snapshots with this code (:mod:`roundabout.screening.stored_index`), else built and
    stored; its hits read through the ownership statuses of ``rule``
    (:mod:`roundabout.screening.ownership_hits`)."""
    from roundabout.screening.ownership_hits import with_ownership
    from roundabout.screening.stored_index import cached

    found = {s.snapshot_id: s for s in snapshots.list_snapshots(store)}
    keys = [
        (sid, found[sid].sha256, found[sid].entity_count) if sid in found else (sid, "", -1)
        for sid in snapshot_ids
    ]
    screener: Screener = cached(
        store.path, keys, lambda: build_screener(store, snapshot_ids), notify
    )
    return with_ownership(store, screener, rule)


def build_screener(store: Store, snapshot_ids: Sequence[str]) -> Screener:
    """A screener over the entries of ``snapshot_ids``, built from the store."""
    from roundabout.lists.model import ListEntity

    entries: list[ScreenEntry] = []
    for sid in snapshot_ids:
        rows = stored_snapshots.entity_data_and_hash(store, sid)
        entries.extend(ScreenEntry(ListEntity.from_json(d), sid, h) for d, h in rows)
    return ListsScreener(entries)


class ListsScreener(Screener):
    """A screener over list snapshots that also knows its context entries (``unlisted``:
    ``(snapshot_id, entity_id)`` of the entities a list holds for their links, not listed
    themselves), stored with its index: the ownership wrapper
    (:mod:`roundabout.screening.ownership_hits`) needs them, and finding them in a stored
    index would read every entry (16,000 unpickled: 0.9 s of a one-name run)."""

    def __init__(self, entries: Sequence[ScreenEntry]) -> None:
        super().__init__(entries)
        self.unlisted = frozenset(
            (e.snapshot_id, e.entity.entity_id) for e in self.entries if not e.entity.listed
        )
