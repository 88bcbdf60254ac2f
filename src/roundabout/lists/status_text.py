"""The status JSON of many entries at once, written by Arrow's string kernels.

An entry's version hashes both rules' statuses as ``json.dumps({rule: status.to_dict()},
sort_keys=True, ensure_ascii=False)`` (:meth:`roundabout.lists.graph.Assessment.status_json_at`).
A million-link load writes that text for 400,000 entries; one f-string per status (with its
``via`` ids looked up and quoted one by one) was a fifth of the load. Here every piece is a
column (the quoted ids, the basis, ``true``/``false``, the share as Python writes it, the
quoted explanation, the ``via`` ids joined) and the pieces are concatenated column-wise, so
the text is byte for byte the one ``json.dumps`` writes, and so is every version.

Quoting: with ``ensure_ascii=False`` the encoder escapes only ``"``, ``\\`` and the
characters below U+0020; a string without any of them is written as it is between quotes, and
the few that have one go through the encoder itself (:data:`json.encoder.encode_basestring`).
A text Arrow cannot hold (a lone surrogate, from JSON read back) raises
:class:`UnicodeEncodeError` or :class:`pyarrow.ArrowInvalid`: the caller then writes the
texts one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from roundabout.lists.json_text import encode
from roundabout.lists.status_columns import BASES, share_json

if TYPE_CHECKING:
    from roundabout.lists.status_columns import RuleStatuses

#: What ``json.dumps(..., ensure_ascii=False)`` escapes in a string (RE2 syntax).
_ESCAPED: Final = r'[\x00-\x1f"\\]'


def _cat(*parts: pa.Array | str) -> pa.Array:
    """The pieces concatenated row by row (a string: the same in every row; null in, null out)."""
    return pc.binary_join_element_wise(*parts, "")


def quoted(texts: pa.Array) -> pa.Array:
    """``json.dumps(text, ensure_ascii=False)`` of each string of ``texts``."""
    out = _cat('"', texts, '"')
    escaped = pc.match_substring_regex(texts, _ESCAPED)
    if len(texts) and pc.any(escaped).as_py():
        fixed = [encode(t) for t in pc.filter(texts, escaped).to_pylist()]
        out = pc.replace_with_mask(out, escaped, pa.array(fixed, pa.string()))
    return out


def _shares(share: np.ndarray) -> pa.Array:
    """``owned_share`` as its JSON writes it (NaN: ``null``), each distinct value written once."""
    if not len(share):
        return pa.array([], pa.string())
    values, at = np.unique(share, return_inverse=True)
    texts = [share_json(None if v != v else v) for v in values.tolist()]
    return pa.array(texts, pa.string()).take(pa.array(at.reshape(-1)))


def rule_json(rs: RuleStatuses, rows: np.ndarray, ids_json: pa.Array) -> pa.Array:
    """``json.dumps(status.to_dict(), sort_keys=True, ensure_ascii=False)`` of the given rows
    of ``rs``; ``ids_json``: the quoted entity ids by position (at least those the rows name)."""
    at = np.asarray(rows, dtype=np.int64)
    lo, hi = rs.via_offsets[at], rs.via_offsets[at + 1]
    lens = hi - lo
    ends = np.cumsum(lens)
    total = int(ends[-1]) if len(ends) else 0
    gathered = np.repeat(lo - (ends - lens), lens) + np.arange(total)
    offsets = np.zeros(len(at) + 1, dtype=np.int32)
    offsets[1:] = ends
    via = pc.binary_join(
        pa.ListArray.from_arrays(pa.array(offsets), ids_json.take(pa.array(rs.via[gathered]))),
        ", ",
    )
    explanation = quoted(pa.array([rs.explanation[r] for r in at.tolist()], pa.string()))
    basis = pa.array([f'"{b}"' for b in BASES], pa.string()).take(pa.array(rs.basis[at]))
    blocked = pa.array(["false", "true"], pa.string()).take(
        pa.array(rs.blocked[at].astype(np.int8))
    )
    return _cat(
        '{"basis": ',
        basis,
        ', "blocked": ',
        blocked,
        ', "entity_id": ',
        ids_json.take(pa.array(rs.index[at])),
        ', "explanation": ',
        explanation,
        ', "owned_share": ',
        _shares(rs.share[at]),
        f', "rule": {encode(rs.rule)}, "via": [',
        via,
        "]}",
    )


def entries_json(
    rules: dict[str, RuleStatuses], ids: Sequence[str], positions: Sequence[int]
) -> list[str]:
    """:meth:`~roundabout.lists.graph.Assessment.status_json_at`: both rules' statuses of
    each entity at ``positions`` as one JSON object (``{}`` for an entity without any)."""
    pos = np.asarray(positions, dtype=np.int64)
    n = len(ids)
    found = [(rule, rules[rule].rows_of(n)[pos]) for rule in sorted(rules)]
    needed = np.zeros(n, dtype=bool)
    for rule, row in found:
        rs, got = rules[rule], row[row >= 0]
        needed[rs.index[got]] = True
        if len(got):
            lo, hi = rs.via_offsets[got], rs.via_offsets[got + 1]
            lens = hi - lo
            ends = np.cumsum(lens)
            starts = np.repeat(lo - (ends - lens), lens) + np.arange(int(ends[-1]))
            needed[rs.via[starts]] = True
    where = np.flatnonzero(needed)
    ids_all = pa.array([ids[x] for x in where.tolist()], pa.string())
    back = np.full(n, -1, dtype=np.int64)
    back[where] = np.arange(len(where))
    # the quoted ids by entity position (null for the positions not needed)
    ids_json = quoted(ids_all).take(pa.array(back, mask=back < 0))
    joined: pa.Array | None = None
    for rule, row in found:
        has = row >= 0
        text = rule_json(rules[rule], row[has], ids_json)
        place = np.cumsum(has) - 1
        part = _cat(f"{encode(rule)}: ", text.take(pa.array(place, mask=~has)))
        joined = part if joined is None else pc.coalesce(_cat(joined, ", ", part), joined, part)
    if joined is None:
        return ["{}"] * len(pos)
    return _cat("{", pc.coalesce(joined, ""), "}").to_pylist()  # type: ignore[no-any-return]
