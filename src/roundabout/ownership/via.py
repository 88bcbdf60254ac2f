"""Who is on the paths to an entity: the ``via`` of an ownership status, for every node at once.

A *source* edge ``o -> x`` says ``o`` contributes to ``x``'s status: ``o`` holds a share of
``x`` and is itself blocked or partly held by blocked persons, or ``o`` is a blocked director
of ``x``. ``via(x)`` is the set of nodes from which ``x`` is reached along source edges,
where a listed node ends a path (its own owners are not followed) and a blocked company does
not (the intermediate companies of a chain are named). ``x`` itself is left out (a cycle).

A deep or wide graph can put thousands of nodes on the paths; at most ``limit`` are kept:
the nearest (fewest edges from ``x``), ties by node number. The nearest ``limit`` of ``x``
are found among its sources and the nearest ``limit`` of each (a node dropped from a
source's list has ``limit`` nodes at least as near before it), so every node's list is
computed once from its sources' lists, in the topological levels of the closure
(:class:`roundabout.ownership.closure.ClosureArrays`), vectorised per level with numpy; the
nodes of a cycle are repeated until their lists no longer change (distances only shrink).
"""

from __future__ import annotations

import itertools

import numpy as np

#: Node numbers and distances packed into one int64 sort key: node numbers below 2**23.
_NODE_BITS = 23
_DIST_BITS = 16


def via_lists(
    n: int,
    is_listed: np.ndarray,
    x: np.ndarray,
    o: np.ndarray,
    node_level: np.ndarray,
    in_cycle: np.ndarray,
    limit: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, counts)``: row ``v`` of ``rows`` holds ``via(v)`` (sorted by node number)
    in its first ``counts[v]`` places, -1 after. Source edges ``o[i] -> x[i]``; a node's
    level must be above the levels of its sources outside its strong component."""
    rows = np.full((n, limit), -1, dtype=np.int64)
    dist = np.zeros((n, limit), dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    if len(x) == 0 or limit <= 0:
        return rows, counts
    keep = x != o
    x, o = x[keep].astype(np.int64), o[keep].astype(np.int64)
    cyc = in_cycle[x]
    lvl = node_level[x]
    order = np.lexsort((cyc, lvl))  # by level, plain nodes before cycle nodes
    x, o, lvl, cyc = x[order], o[order], lvl[order], cyc[order]
    cut = np.flatnonzero((lvl[1:] != lvl[:-1]) | (cyc[1:] != cyc[:-1])) + 1
    bounds = [0, *cut.tolist(), len(x)]
    expand = ~is_listed[o]
    state = (rows, dist, counts)
    for lo, hi in itertools.pairwise(bounds):
        ex, eo, ee = x[lo:hi], o[lo:hi], expand[lo:hi]
        if not cyc[lo]:
            _write(state, *_step(state, ex, eo, ee, limit, n))
            continue
        targets = np.unique(ex)
        for _ in range(len(targets) + 2):  # a fixed point within len(targets) + 1 rounds
            before = (rows[targets].copy(), dist[targets].copy())
            _write(state, *_step(state, ex, eo, ee, limit, n))
            if np.array_equal(before[0], rows[targets]) and np.array_equal(
                before[1], dist[targets]
            ):
                break
    # by node number within each row (-1 padding last)
    big = np.iinfo(np.int64).max
    rows = np.sort(np.where(rows >= 0, rows, big), axis=1)
    rows[rows == big] = -1
    return rows, counts


def _step(
    state: tuple[np.ndarray, np.ndarray, np.ndarray],
    ex: np.ndarray,
    eo: np.ndarray,
    ee: np.ndarray,
    limit: int,
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The nearest ``limit`` of each target of the edges ``eo -> ex`` from their sources'
    current lists: (targets, nodes, distances, target of each node), grouped by target,
    nearest first."""
    rows, dist, counts = state
    fx, fo = ex[ee], eo[ee]
    lens = counts[fo]
    total = int(lens.sum())
    rep_src = np.repeat(fo, lens)
    col = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
    cx = np.concatenate([ex, np.repeat(fx, lens)])
    cy = np.concatenate([eo, rows[rep_src, col]])
    cd = np.concatenate([np.ones(len(ex), dtype=np.int64), dist[rep_src, col] + 1])
    own = cy != cx
    cx, cy, cd = cx[own], cy[own], np.minimum(cd[own], (1 << _DIST_BITS) - 1)
    if n < (1 << _NODE_BITS):
        # nearest occurrence of each (target, node), then nearest first within a target
        k1 = (cx << (_NODE_BITS + _DIST_BITS)) | (cy << _DIST_BITS) | cd
        k1.sort()
        first = np.ones(len(k1), dtype=bool)
        first[1:] = (k1[1:] >> _DIST_BITS) != (k1[:-1] >> _DIST_BITS)
        k1 = k1[first]
        cx = k1 >> (_NODE_BITS + _DIST_BITS)
        cy = (k1 >> _DIST_BITS) & ((1 << _NODE_BITS) - 1)
        cd = k1 & ((1 << _DIST_BITS) - 1)
        k2 = (cx << (_NODE_BITS + _DIST_BITS)) | (cd << _NODE_BITS) | cy
        k2.sort()
        cx = k2 >> (_NODE_BITS + _DIST_BITS)
        cd = (k2 >> _NODE_BITS) & ((1 << _DIST_BITS) - 1)
        cy = k2 & ((1 << _NODE_BITS) - 1)
    else:
        i = np.lexsort((cd, cy, cx))
        cx, cy, cd = cx[i], cy[i], cd[i]
        first = np.ones(len(cx), dtype=bool)
        first[1:] = (cx[1:] != cx[:-1]) | (cy[1:] != cy[:-1])
        cx, cy, cd = cx[first], cy[first], cd[first]
        i = np.lexsort((cy, cd, cx))
        cx, cy, cd = cx[i], cy[i], cd[i]
    start = np.ones(len(cx), dtype=bool)
    start[1:] = cx[1:] != cx[:-1]
    group_start = np.maximum.accumulate(np.where(start, np.arange(len(cx)), 0))
    rank = np.arange(len(cx)) - group_start
    ok = rank < limit
    return np.unique(ex), cy[ok], cd[ok], np.stack([cx[ok], rank[ok]])


def _write(
    state: tuple[np.ndarray, np.ndarray, np.ndarray],
    targets: np.ndarray,
    ys: np.ndarray,
    ds: np.ndarray,
    where: np.ndarray,
) -> None:
    rows, dist, counts = state
    rows[targets] = -1
    dist[targets] = 0
    counts[targets] = 0
    tx, rank = where[0], where[1]
    rows[tx, rank] = ys
    dist[tx, rank] = ds
    found, per = np.unique(tx, return_counts=True)
    counts[found] = per
