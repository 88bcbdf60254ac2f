"""One rule's ownership statuses as columns, and their JSON written out from the columns.

A million-link load reaches about 400,000 context entities under each rule. Held as one
:class:`roundabout.lists.graph.Status` per entity (with a tuple of ``via`` ids and a dict per
rule) they were 0.75 GB of Python objects alive while the snapshot was written; as columns
they are numpy arrays (entity position, basis, blocked, share, ``via`` as offsets into one
array of entity positions) and one explanation string per status. The snapshot writer takes
them a slice at a time (:mod:`roundabout.lists.snapshot_batches`); a :class:`Status` is built
only when asked for one (:meth:`RuleStatuses.status`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from roundabout.lists.json_text import encode, quote, quote_all

#: The bases a status can have, in code order (``basis`` holds these codes).
BASES: Final = ("owned", "controlled", "related", "context")
OWNED, CONTROLLED, RELATED, CONTEXT = range(4)


def share_json(share: float | None) -> str:
    """The ``owned_share`` of a status as its JSON writes it (rounded to 4 places)."""
    return "null" if share is None else float.__repr__(round(share, 4))


def status_json(
    rule: str,
    entity_id: str,
    basis: str,
    blocked: bool,
    share: float | None,
    via: Sequence[str],
    explanation: str,
) -> str:
    """``json.dumps(status.to_dict(), sort_keys=True, ensure_ascii=False)``, written out."""
    return (
        f'{{"basis": {encode(basis)}, "blocked": {"true" if blocked else "false"}, '
        f'"entity_id": {encode(entity_id)}, "explanation": {quote(explanation)}, '
        f'"owned_share": {share_json(share)}, "rule": {encode(rule)}, '
        f'"via": [{quote_all(via)}]}}'
    )


@dataclass(frozen=True, slots=True)
class RuleStatuses:
    """The statuses of one rule, row ``i`` for the entity at position ``index[i]``.

    ``share`` is the owned share capped at 1 (NaN: no holding known); ``via`` of row ``i`` is
    ``via[via_offsets[i]:via_offsets[i + 1]]`` (entity positions, by position).
    """

    rule: str
    index: np.ndarray  # int64
    basis: np.ndarray  # int8 codes into BASES
    blocked: np.ndarray  # bool
    share: np.ndarray  # float64
    via_offsets: np.ndarray  # int64, len(index) + 1
    via: np.ndarray  # int64
    explanation: list[str]

    def __len__(self) -> int:
        return len(self.index)

    def rows_of(self, n: int) -> np.ndarray:
        """``row[x]``: the row of the entity at position ``x`` (-1: no status)."""
        row = np.full(n, -1, dtype=np.int64)
        row[self.index] = np.arange(len(self.index), dtype=np.int64)
        return row

    def shares(self, lo: int, hi: int) -> list[float | None]:
        """The rows' shares as Python numbers (None: no holding known)."""
        return [None if v != v else v for v in self.share[lo:hi].tolist()]

    def rounded(self, lo: int, hi: int) -> np.ndarray:
        """The rows' shares as their JSON writes them (``round(share, 4)``, NaN: no holding
        known), each distinct value rounded once."""
        values, at = np.unique(self.share[lo:hi], return_inverse=True)
        done = np.array([round(v, 4) for v in values.tolist()], dtype=np.float64)
        return done[at.reshape(-1)] if len(values) else np.zeros(0, dtype=np.float64)

    def json_rows(self, rows: Sequence[int], ids: Sequence[str]) -> list[str]:
        """:func:`status_json` of the given rows (the ``via`` ids of all of them taken from
        ``ids`` at once, then sliced per row)."""
        at = np.asarray(rows, dtype=np.int64)
        basis = self.basis[at].tolist()
        blocked = self.blocked[at].tolist()
        share = [None if v != v else v for v in self.share[at].tolist()]
        lo, hi = self.via_offsets[at], self.via_offsets[at + 1]
        lens = hi - lo
        ends = np.cumsum(lens)
        gathered = np.repeat(lo - (ends - lens), lens) + np.arange(
            int(ends[-1]) if len(ends) else 0
        )
        names = np.asarray(ids, dtype=object)[self.via[gathered]].tolist()
        ends_l = ends.tolist()
        lens_l = lens.tolist()
        entity = self.index[at].tolist()
        explanation = self.explanation
        rule = self.rule
        out = []
        for i, r in enumerate(at.tolist()):
            out.append(
                status_json(
                    rule,
                    ids[entity[i]],
                    BASES[basis[i]],
                    blocked[i],
                    share[i],
                    names[ends_l[i] - lens_l[i] : ends_l[i]],
                    explanation[r],
                )
            )
        return out


def build(
    rule: str,
    index: Sequence[int] | np.ndarray,
    basis: Sequence[int] | np.ndarray,
    blocked: Sequence[bool] | np.ndarray,
    share: Sequence[float] | np.ndarray,
    via_rows: np.ndarray,
    via_counts: np.ndarray,
    explanation: list[str],
) -> RuleStatuses:
    """Columns from per-row lists; ``via_rows`` / ``via_counts``: each row's ``via`` in the
    first ``via_counts[i]`` places of ``via_rows[i]``."""
    counts = np.asarray(via_counts, dtype=np.int64)
    offsets = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    if len(counts):
        width = via_rows.shape[1]
        mask = np.arange(width)[None, :] < counts[:, None]
        flat = via_rows[mask]
    else:
        flat = np.zeros(0, dtype=np.int64)
    return RuleStatuses(
        rule,
        np.asarray(index, dtype=np.int64),
        np.asarray(basis, dtype=np.int8),
        np.asarray(blocked, dtype=bool),
        np.asarray(share, dtype=np.float64),
        offsets,
        flat.astype(np.int64),
        explanation,
    )


def extend(rs: RuleStatuses, index: np.ndarray, basis: int, explanation: str) -> RuleStatuses:
    """``rs`` with rows appended for the entities at ``index``: not blocked, no share, no
    ``via``, one basis and explanation for all."""
    k = len(index)
    return RuleStatuses(
        rs.rule,
        np.concatenate([rs.index, index.astype(np.int64)]),
        np.concatenate([rs.basis, np.full(k, basis, dtype=np.int8)]),
        np.concatenate([rs.blocked, np.zeros(k, dtype=bool)]),
        np.concatenate([rs.share, np.full(k, np.nan)]),
        np.concatenate([rs.via_offsets, np.full(k, rs.via_offsets[-1], dtype=np.int64)]),
        rs.via,
        [*rs.explanation, *([explanation] * k)],
    )
