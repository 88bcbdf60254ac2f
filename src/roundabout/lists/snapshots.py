"""Versioned list snapshots in the store: load once, read back, diff two versions.

A snapshot is identified by ``source:publication_date:sha12``. Loading the same file twice is
a no-op; a load happens in one transaction, so a failure leaves the store unchanged (and
parsing, where bad input is found, happens entirely before the transaction starts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from roundabout.errors import NotFoundError
from roundabout.lists import graph
from roundabout.lists.model import ListEntity, ParsedList
from roundabout.store import Store, arrow_append, ownership
from roundabout.store import snapshots as stored


@dataclass(frozen=True, slots=True)
class Snapshot:
    snapshot_id: str
    source: str
    publication_date: str | None
    sha256: str
    files: tuple[str, ...]
    entity_count: int
    loaded_at: str

    def to_dict(self) -> dict[str, object]:
        return {
            "snapshot_id": self.snapshot_id,
            "source": self.source,
            "publication_date": self.publication_date,
            "sha256": self.sha256,
            "files": list(self.files),
            "entity_count": self.entity_count,
            "loaded_at": self.loaded_at,
        }


@dataclass(frozen=True, slots=True)
class LoadOutcome:
    snapshot: Snapshot
    status: str  # "loaded" or "already_loaded"
    warnings: tuple[str, ...] = ()  # of the load (stored with the snapshot)


def snapshot_id(parsed: ParsedList) -> str:
    return f"{parsed.source}:{parsed.publication_date or 'undated'}:{parsed.sha256[:12]}"


def save(store: Store, parsed: ParsedList, audit: bool = True) -> LoadOutcome:
    """Store ``parsed`` as a snapshot (all or nothing; once per content).

    The entries screened are the listed entities and the context entities that ownership or
    control links to a listed one (under either rule, :mod:`roundabout.lists.graph`, as of the
    load date); the other context entities, the links, the statuses and the warnings are kept
    beside them (:mod:`roundabout.store.ownership`). Rows are written in Arrow batches
    (:mod:`roundabout.lists.snapshot_batches`), by DuckDB on one thread
    (:func:`roundabout.store.arrow_append.one_thread`); the statuses are let go once written,
    before the links are.
    """
    from roundabout.lists import snapshot_batches as batches  # PyArrow: only where lists load

    sid = snapshot_id(parsed)
    existing = [s for s in list_snapshots(store) if s.snapshot_id == sid]
    if existing:
        return LoadOutcome(existing[0], "already_loaded", tuple(ownership.warnings(store, sid)))
    now = datetime.now(UTC)
    assessment = (
        graph.assess(parsed.entities, parsed.relations)
        if parsed.relations or not all(e.listed for e in parsed.entities)
        else None
    )
    if assessment is None:
        reached = np.zeros(len(parsed.entities), dtype=bool)
    else:
        reached = assessment.reached()
    listed = np.fromiter((e.listed for e in parsed.entities), dtype=bool)
    screened = np.flatnonzero(listed | reached).tolist()
    context = [parsed.entities[x] for x in np.flatnonzero(~(listed | reached)).tolist()]
    del reached, listed
    warnings = (*parsed.warnings, *(assessment.warnings if assessment else ()))
    with arrow_append.one_thread(store), store.transaction():
        ownership.create_tables(store)
        stored.insert_snapshot(
            store,
            sid,
            parsed.source,
            parsed.publication_date,
            parsed.sha256,
            json.dumps(list(parsed.files)),
            len(screened),
            now,
            batches.entries(sid, parsed.entities, screened, assessment),
        )
        if assessment is not None:
            for batch in batches.statuses(assessment):
                ownership.append_statuses(store, sid, batch)
            assessment = None  # the statuses' columns and explanations: gone before the links
        for batch in batches.relations(parsed.relations):
            ownership.append_relations(store, sid, batch)
        ownership.save_link_dates(store, sid)
        for batch in batches.context(context):
            ownership.append_context(store, sid, batch)
        ownership.append_warnings(store, sid, warnings)
        if audit:
            from roundabout.store.audit import record

            detail = {"snapshot_id": sid, "sha256": parsed.sha256, "files": parsed.files}
            record(store, "list_loaded", "system", detail)
    return LoadOutcome(
        Snapshot(
            sid,
            parsed.source,
            parsed.publication_date,
            parsed.sha256,
            parsed.files,
            len(screened),
            now.isoformat(),
        ),
        "loaded",
        warnings,
    )


def list_snapshots(store: Store) -> list[Snapshot]:
    """Every snapshot in the store, by source, publication date and load time."""
    return [
        Snapshot(r[0], r[1], r[2], r[3], tuple(json.loads(r[4])), r[5], r[6])
        for r in stored.snapshot_rows(store)
    ]


def resolve(store: Store, ref: str) -> Snapshot:
    """A snapshot by id, id prefix, or source name (the latest of that source)."""
    snaps = list_snapshots(store)
    exact = [s for s in snaps if s.snapshot_id == ref]
    if exact:
        return exact[0]
    by_source = [s for s in snaps if s.source == ref]
    if by_source:
        return max(by_source, key=lambda s: (s.publication_date or "", s.loaded_at))
    prefix = [s for s in snaps if s.snapshot_id.startswith(ref)]
    if len(prefix) == 1:
        return prefix[0]
    if len(prefix) > 1:
        raise NotFoundError(
            f"snapshot {ref!r} is ambiguous: {', '.join(s.snapshot_id for s in prefix)}"
        )
    known = ", ".join(s.snapshot_id for s in snaps) or "none loaded (run `roundabout lists load`)"
    raise NotFoundError(f"no list snapshot {ref!r}; known: {known}")


def latest(store: Store) -> list[Snapshot]:
    """The newest snapshot of each source."""
    out: dict[str, Snapshot] = {}
    for s in list_snapshots(store):
        cur = out.get(s.source)
        if cur is None or (s.publication_date or "", s.loaded_at) > (
            cur.publication_date or "",
            cur.loaded_at,
        ):
            out[s.source] = s
    return list(out.values())


def entities(store: Store, sid: str) -> list[ListEntity]:
    """The entries of snapshot ``sid``, by entity id."""
    return [ListEntity.from_json(d) for d in stored.entity_data(store, sid)]


@dataclass(frozen=True, slots=True)
class ListDiff:
    old: str
    new: str
    added: list[tuple[str, str, str]]  # entity_id, schema, name
    removed: list[tuple[str, str, str]]
    changed: list[tuple[str, str, str]]

    def to_dict(self) -> dict[str, object]:
        def rows(xs: list[tuple[str, str, str]]) -> list[dict[str, str]]:
            return [{"entity_id": a, "schema": b, "name": c} for a, b, c in xs]

        return {
            "old": self.old,
            "new": self.new,
            "added": rows(self.added),
            "removed": rows(self.removed),
            "changed": rows(self.changed),
        }


def diff(store: Store, old_ref: str, new_ref: str) -> ListDiff:
    """Entries added, removed and changed between two snapshots (by entity id)."""
    old, new = resolve(store, old_ref), resolve(store, new_ref)
    out: dict[str, list[tuple[str, str, str]]] = {"added": [], "removed": [], "changed": []}
    for eid, sch, name, kind in stored.diff_rows(store, old.snapshot_id, new.snapshot_id):
        out[kind].append((eid, sch, name))
    return ListDiff(old.snapshot_id, new.snapshot_id, out["added"], out["removed"], out["changed"])


def parsed_from(store: Store, sid: str) -> ParsedList:
    """A stored snapshot back as a :class:`ParsedList` (entries, context entities, links)."""
    from roundabout.lists.relations import Relation

    snap = resolve(store, sid)
    found = [*entities(store, snap.snapshot_id)]
    found += [ListEntity.from_json(d) for d in ownership.context(store, snap.snapshot_id)]
    links = tuple(Relation.from_json(d) for d in ownership.relations(store, snap.snapshot_id))
    return ParsedList(
        snap.source, snap.publication_date, snap.sha256, snap.files, tuple(found), links
    )


def with_ownership(store: Store, sids: list[str], csvs: list[Path]) -> list[LoadOutcome]:
    """Each snapshot of ``sids`` with the ownership CSVs attached, saved as new snapshots
    (parsed whole before anything is written)."""
    from roundabout.lists.owners_csv import attach

    prepared = []
    for sid in sids:
        p = parsed_from(store, sid)
        for csv_path in csvs:
            p = attach(p, csv_path)
        prepared.append(p)
    return [save(store, p) for p in prepared]
