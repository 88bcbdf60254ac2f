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

from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from roundabout.lists.graph import pct

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


def holding_parts(
    names: pa.Array, cs: np.ndarray, cv: np.ndarray, kind: np.ndarray, weight: np.ndarray
) -> pa.Array:
    """Each contributing holding's part of its asset's owners text: ``NAME (30%)``, ``NAME
    (30%, listed)``, ``NAME (30%, itself blocked by ownership or control)`` or ``NAME (30%;
    itself 40% owned by listed)`` by ``kind`` (0-3); ``cs``: the owners' positions in
    ``names``, ``cv`` the shares held, ``weight`` the owners' share held by blocked persons
    by position."""
    tails = _take(list(_TAILS), kind)
    partly = kind == 3
    if partly.any():
        own = percentages(weight[cs[partly]])
        tails = pc.replace_with_mask(
            tails, pa.array(partly), _cat("; itself ", own, " owned by listed)")
        )
    return _cat(names.take(pa.array(cs)), " (", percentages(cv), tails)


def owners(
    parts: pa.Array, cd: np.ndarray, first: np.ndarray, x: np.ndarray, plain: np.ndarray
) -> pa.Array:
    """The owners text of each asset at ``x`` (each with one contributing holding at least):
    its parts (``parts``, the holdings sorted by asset, ``cd``; asset ``v``'s are
    ``first[v]:first[v + 1]``) joined, with ``listed`` / ``both listed`` / ``all listed``
    after them where ``plain`` (all its contributing owners listed)."""
    count = np.diff(first)
    rank = np.arange(len(cd)) - first[cd]
    sep = np.where(rank == 0, 0, np.where(rank == count[cd] - 1, 2, 1))
    pieces = _cat(_take(list(_SEPARATORS), sep), parts)
    lo, k = first[x], count[x]
    ends = np.cumsum(k)
    at = np.repeat(lo - (ends - k), k) + np.arange(int(ends[-1]) if len(ends) else 0)
    offsets = np.zeros(len(x) + 1, dtype=np.int32)
    offsets[1:] = ends
    joined = pc.binary_join(
        pa.ListArray.from_arrays(pa.array(offsets), pieces.take(pa.array(at))), ""
    )
    tail = np.where(plain[x], np.minimum(k, 3), 0)
    return _cat(joined, _take(list(_ALL_LISTED), tail))


def explanations(
    owned: np.ndarray, share: np.ndarray, owner_texts: pa.Array, tails: list[str], tail: np.ndarray
) -> pa.Array:
    """The explanation of each status owned (``owned``) or related by a share: ``owned 55%
    by OWNERS`` (the share capped at 100%) or ``30% owned by OWNERS (below 50% or more: not
    blocked)``, then ``tails[tail[i]]``; a status neither (controlled, no share) gets ``""``
    (``share`` 0, its owners text null)."""
    has = share > 0
    value = np.where(owned, np.minimum(share, 1.0), share)
    text = percentages(value[has])
    full = np.full(len(share), -1, dtype=np.int64)
    full[has] = np.arange(int(has.sum()))
    text = text.take(pa.array(full, mask=~has))
    out = _cat(
        _take(["", "owned "], owned.astype(np.int8)),
        text,
        _take([" owned by ", " by "], owned.astype(np.int8)),
        owner_texts,
        _take(tails, tail),
    )
    return pc.fill_null(out, "")
