"""The explanations of ownership statuses, written column-wise by Arrow's string kernels.

A million-link load explains about 400,000 statuses under each rule ("owned 55% by SIDORENKO
(30%) and ALFA STROY INVEST (25%), both listed"); built with one f-string per contributing
holding and per status, in a Python loop, they were a sixth of the load. Here every piece is
a column: each contributing holding's part (the owner's name, its share, what makes it count),
the separator before it in its asset's list (``", "``, ``" and "`` before the last), the
asset's list joined (a list array over the parts, :func:`pyarrow.compute.binary_join`), the
``listed`` / ``both listed`` / ``all listed`` tail, and the status's own share and wording;
each percentage is written once per distinct value (:func:`roundabout.lists.graph.pct`). The
texts are the ones the loop wrote, character for character
(``tests/ownership/test_fast_statuses.py`` compares them with the plain-Python reference).

Only the common statuses are written here: owned, related by a share, or controlled, with no
director, holding of unstated share or family link of a blocked person to name. The others
(and every status when a name is a text Arrow cannot hold, a lone surrogate) are explained by
:func:`roundabout.lists.graph._statuses` one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from roundabout.lists.graph import pct

#: Statuses explained at a time.
CHUNK: Final = 50_000
#: The tail of a holding's part by its kind: 0 (all the asset's contributing owners are
#: listed), 1 (listed), 2 (blocked by ownership or control); kind 3 (partly owned by listed
#: persons) names that share and is written per value.
_TAILS: Final = (")", ", listed)", ", itself blocked by ownership or control)", "")
#: The tail of an asset's owners when they are all listed, by how many they are.
_ALL_LISTED: Final = ("", ", listed", ", both listed", ", all listed")
#: Before each part in its asset's list: nothing (the first), ", ", " and " (the last).
_SEPARATORS: Final = ("", ", ", " and ")


def _cat(*parts: pa.Array | str) -> pa.Array:
    """The pieces concatenated row by row (a string: the same in every row)."""
    return pc.binary_join_element_wise(*parts, "")


def _take(texts: list[str], codes: np.ndarray) -> pa.Array:
    return pa.array(texts, pa.string()).take(pa.array(np.asarray(codes, dtype=np.int64)))


def percentages(values: np.ndarray) -> pa.Array:
    """:func:`~roundabout.lists.graph.pct` of each value, each distinct value written once."""
    if not len(values):
        return pa.array([], pa.string())
    uniq, at = np.unique(values, return_inverse=True)
    return _take([pct(v) for v in uniq.tolist()], at.reshape(-1))


@dataclass(frozen=True, slots=True)
class Holdings:
    """The contributing holdings of one rule, sorted by asset: owner ``cs[i]`` holds ``cv[i]``
    of asset ``cd[i]``, of ``kind[i]`` (0-3, :data:`_TAILS`); asset ``v``'s holdings are
    ``first[v]:first[v + 1]``; ``plain[v]``: all of its contributing owners listed; ``weight``:
    the share held by blocked persons (1 for a blocked owner) by position; ``names`` the
    entities' names by position."""

    names: pa.Array
    cs: np.ndarray
    cv: np.ndarray
    cd: np.ndarray
    kind: np.ndarray
    weight: np.ndarray
    first: np.ndarray
    plain: np.ndarray


def holding_parts(h: Holdings, at: np.ndarray) -> pa.Array:
    """The part of the holdings at ``at`` in their asset's owners text: ``NAME (30%)``,
    ``NAME (30%, listed)``, ``NAME (30%, itself blocked by ownership or control)`` or ``NAME
    (30%; itself 40% owned by listed)``, by kind."""
    kind = h.kind[at]
    tails = _take(list(_TAILS), kind)
    partly = kind == 3
    if partly.any():
        own = percentages(h.weight[h.cs[at][partly]])
        tails = pc.replace_with_mask(
            tails, pa.array(partly), _cat("; itself ", own, " owned by listed)")
        )
    return _cat(h.names.take(pa.array(h.cs[at])), " (", percentages(h.cv[at]), tails)


def owners(h: Holdings, x: np.ndarray) -> pa.Array:
    """The owners text of each asset at ``x`` (each with one contributing holding at least):
    its holdings' parts joined (``", "``, ``" and "`` before the last), with ``listed`` /
    ``both listed`` / ``all listed`` after them where all its contributing owners are listed."""
    lo, k = h.first[x], h.first[x + 1] - h.first[x]
    ends = np.cumsum(k)
    rank = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - k, k)
    at = np.repeat(lo, k) + rank
    last = np.repeat(k - 1, k)
    sep = np.where(rank == 0, 0, np.where(rank == last, 2, 1))
    pieces = _cat(_take(list(_SEPARATORS), sep), holding_parts(h, at))
    offsets = np.zeros(len(x) + 1, dtype=np.int32)
    offsets[1:] = ends
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), pieces), "")
    tail = np.where(h.plain[x], np.minimum(k, 3), 0)
    return _cat(joined, _take(list(_ALL_LISTED), tail))


def explanations(
    h: Holdings,
    x: np.ndarray,
    owned: np.ndarray,
    share: np.ndarray,
    tails: list[str],
    tail: np.ndarray,
    size: int | None = None,
) -> list[str]:
    """The explanation of each status at ``x`` owned (``owned``) or related by a share:
    ``owned 55% by OWNERS`` (the share capped at 100%) or ``30% owned by OWNERS (below 50% or
    more: not blocked)``, then ``tails[tail[i]]``; a status neither (controlled: ``share``
    0) gets ``""``. Written ``size`` (default :data:`CHUNK`) statuses at a time (Arrow's
    columns of one slice live at once), and the memory Arrow took given back at the end."""
    size = size or CHUNK
    out: list[str] = []
    for lo in range(0, len(x), size):
        hi = min(lo + size, len(x))
        has = share[lo:hi] > 0
        value = np.where(owned[lo:hi], np.minimum(share[lo:hi], 1.0), share[lo:hi])
        back = np.full(hi - lo, -1, dtype=np.int64)
        back[has] = np.arange(int(has.sum()))
        where = pa.array(back, mask=~has)
        code = owned[lo:hi].astype(np.int8)
        text = _cat(
            _take(["", "owned "], code),
            percentages(value[has]).take(where),
            _take([" owned by ", " by "], code),
            owners(h, x[lo:hi][has]).take(where),
            _take(tails, tail[lo:hi]),
        )
        out += pc.fill_null(text, "").to_pylist()
    pa.default_memory_pool().release_unused()
    return out
