"""A snapshot's rows as Arrow batches, built a slice at a time.

:func:`roundabout.lists.snapshots.save` writes a list's entries, links, context entities and
ownership statuses through DuckDB's Arrow scan (one ``INSERT ... SELECT`` per batch,
:mod:`roundabout.store.ownership`), :data:`BATCH` rows at a time: the Python strings of one
batch (an entry's JSON, its version) live only until its Arrow columns are built, so a
million-link load never holds every JSON string and dict at once, and DuckDB writes each
batch's row groups as they come instead of all of them at the commit.

What is stored is what the row-by-row load stored: the same entry versions (:func:`version`)
and entry JSON (:meth:`ListEntity.to_json`); the links' and statuses' JSON, written by DuckDB
from the columns, has the same keys and values (``json.loads`` reads back the same dicts).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Final, TypeVar

import pyarrow as pa

from roundabout.lists import graph
from roundabout.lists.model import ListEntity
from roundabout.lists.relations import Relation

#: Rows per batch: large enough that DuckDB's per-statement cost does not count, small
#: enough that one batch's Python strings stay a few tens of MB.
BATCH: Final = 100_000

_T = TypeVar("_T")


def _slices(xs: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for lo in range(0, len(xs), size):
        yield xs[lo : lo + size]


def _strings(xs: Sequence[str | None]) -> pa.Array:
    return pa.array(xs, pa.string())


def version(entity: ListEntity, assessment: graph.Assessment | None) -> str:
    """The entry's version: its content, and for a context entity what ownership makes of it
    (a holding going from 49% to 55% re-alerts a dismissed hit)."""
    if entity.listed or assessment is None:
        return entity.content_hash()
    blob = entity.content_hash() + assessment.status_json(entity.entity_id)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def entries(
    snapshot_id: str,
    screened: Sequence[ListEntity],
    assessment: graph.Assessment | None,
    size: int = BATCH,
) -> Iterator[pa.Table]:
    """``list_entities`` rows: id, schema, name, version and JSON of each entry."""
    for part in _slices(screened, size):
        yield pa.table(
            {
                "snapshot_id": _strings([snapshot_id] * len(part)),
                "entity_id": _strings([e.entity_id for e in part]),
                "schema": _strings([e.schema for e in part]),
                "name": _strings([e.name for e in part]),
                "entity_hash": _strings([version(e, assessment) for e in part]),
                "data": _strings([e.to_json() for e in part]),
            }
        )


def context(entities: Sequence[ListEntity], size: int = BATCH) -> Iterator[pa.Table]:
    """``list_context`` rows: id and JSON of each context entity."""
    for part in _slices(entities, size):
        yield pa.table(
            {
                "entity_id": _strings([e.entity_id for e in part]),
                "data": _strings([e.to_json() for e in part]),
            }
        )


def relations(links: Sequence[Relation], size: int = BATCH) -> Iterator[pa.Table]:
    """The links' fields as columns (their JSON is written by the store)."""
    for part in _slices(links, size):
        yield pa.table(
            {
                "relation_id": _strings([r.relation_id for r in part]),
                "kind": _strings([r.kind for r in part]),
                "source": _strings([r.source for r in part]),
                "target": _strings([r.target for r in part]),
                "share_text": _strings([r.share_text for r in part]),
                "start": _strings([r.start for r in part]),
                "end": _strings([r.end for r in part]),
                "role": _strings([r.role for r in part]),
                "record": pa.array([r.record for r in part], pa.int64()),
            }
        )


def statuses(assessment: graph.Assessment, size: int = BATCH) -> Iterator[pa.Table]:
    """The statuses' :meth:`~roundabout.lists.graph.Status.to_dict` fields as columns, rule
    by rule (the share rounded as there; their JSON is written by the store)."""
    for by_id in assessment.statuses.values():
        for part in _slices(list(by_id.values()), size):
            yield pa.table(
                {
                    "rule": _strings([s.rule for s in part]),
                    "entity_id": _strings([s.entity_id for s in part]),
                    "basis": _strings([s.basis for s in part]),
                    "blocked": pa.array([bool(s.blocked) for s in part], pa.bool_()),
                    "owned_share": pa.array(
                        [None if s.owned_share is None else round(s.owned_share, 4) for s in part],
                        pa.float64(),
                    ),
                    "via": pa.array([s.via for s in part], pa.list_(pa.string())),
                    "explanation": _strings([s.explanation for s in part]),
                }
            )
