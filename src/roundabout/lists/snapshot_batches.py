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

import numpy as np
import pyarrow as pa

from roundabout.lists import graph
from roundabout.lists.model import ListEntity
from roundabout.lists.relations import Relation
from roundabout.lists.status_columns import BASES

#: Rows per batch: large enough that DuckDB's per-statement cost does not count, small
#: enough that one batch's Python strings stay a few tens of MB.
BATCH: Final = 100_000

#: Entries whose status JSON is written at a time (for their versions): the texts are about
#: 1 kB each and are hashed as soon as written, so a slice of a batch keeps the memory they
#: take for a moment (Arrow's columns of pieces, then the Python strings) a fifth of a batch's.
STATUS_TEXTS: Final = 20_000

_T = TypeVar("_T")


def _slices(xs: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for lo in range(0, len(xs), size):
        yield xs[lo : lo + size]


def _strings(xs: Sequence[str | None]) -> pa.Array:
    return pa.array(xs, pa.string())


def versions(
    entities: Sequence[ListEntity], positions: Sequence[int], assessment: graph.Assessment | None
) -> list[str]:
    """The versions of the entries at ``positions``: their content, and for a context entity
    what ownership makes of it (a holding going from 49% to 55% re-alerts a dismissed hit):
    the SHA-256 of its content hash and both rules' status JSON."""
    picked = [entities[x] for x in positions]
    out = [e.content_hash() for e in picked]
    if assessment is None:
        return out
    ctx = [i for i, e in enumerate(picked) if not e.listed]
    sha256 = hashlib.sha256
    for part in _slices(ctx, STATUS_TEXTS):
        texts = assessment.status_json_at([positions[i] for i in part])
        for i, t in zip(part, texts, strict=True):
            out[i] = sha256((out[i] + t).encode("utf-8")).hexdigest()
    return out


def entries(
    snapshot_id: str,
    entities: Sequence[ListEntity],
    positions: Sequence[int],
    assessment: graph.Assessment | None,
    size: int = BATCH,
) -> Iterator[pa.Table]:
    """``list_entities`` rows of the entities at ``positions`` (of ``entities``, the
    assessment's positions): id, schema, name, version and JSON of each entry."""
    for part in _slices(positions, size):
        picked = [entities[x] for x in part]
        yield pa.table(
            {
                "snapshot_id": _strings([snapshot_id] * len(part)),
                "entity_id": _strings([e.entity_id for e in picked]),
                "schema": _strings([e.schema for e in picked]),
                "name": _strings([e.name for e in picked]),
                "entity_hash": _strings(versions(entities, part, assessment)),
                "data": _strings([e.to_json() for e in picked]),
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
    by rule, sliced from the assessment's columns (the share rounded as there; ``via`` a list
    array taken from the ids; their JSON is written by the store)."""
    ids = pa.array(assessment.ids, pa.string())
    for rule, rs in assessment.rules.items():
        for lo in range(0, len(rs), size):
            hi = min(lo + size, len(rs))
            off = rs.via_offsets[lo : hi + 1]
            via = ids.take(pa.array(rs.via[off[0] : off[-1]]))
            share = rs.rounded(lo, hi)
            yield pa.table(
                {
                    "rule": _strings([rule] * (hi - lo)),
                    "entity_id": ids.take(pa.array(rs.index[lo:hi])),
                    "basis": pa.array(BASES, pa.string()).take(pa.array(rs.basis[lo:hi])),
                    "blocked": pa.array(rs.blocked[lo:hi], pa.bool_()),
                    "owned_share": pa.array(share, mask=np.isnan(share)),
                    "via": pa.ListArray.from_arrays(pa.array(off - off[0], pa.int32()), via),
                    "explanation": _strings(rs.explanation[lo:hi]),
                }
            )
