"""Who is blocked by ownership: the OFAC 50% rule (and the EU's owned-or-controlled) to a
fixed point over an ownership graph.

Nodes are integers ``0 .. n-1``; ``listed`` are the nodes on a sanctions list. A holding
``(owner, asset, share)`` says ``owner`` holds ``share`` (0-1) of ``asset``; a control edge
``(controller, entity)`` says ``controller`` directs ``entity`` (a director, say).

The share of ``x`` held by blocked persons is

    own(x) = sum over simple paths b -> v1 -> ... -> x   of   share(b, v1) * ... * share(., x)

where ``b`` is blocked (listed, or blocked by this rule) and every intermediate ``v1 ...`` is
*not* blocked. So a blocked company's holding counts in full (OFAC's FAQ 401: X owns 50% of A,
A owns 50% of B, so A and B are both blocked), and a holding through a company that is not
blocked is multiplied along the chain (X owns 40% of C, C owns 100% of D: X holds 40% of D
indirectly). Shares are summed across owners (two listed persons with 25% each block).

``x`` is blocked when ``own(x) >= 0.5`` (US, ``strict=False``) or ``> 0.5`` (EU: "more than
50%", ``strict=True``), or when a blocked controller directs it and control counts (EU). The
blocked set is the least fixed point: start from ``listed``, add what the rule blocks, repeat.

How it is computed in one pass: the strongly connected components of the graph (Tarjan,
iterative) in topological order. A node outside any cycle depends only on nodes before it, so
its status is final when it is reached. In a cycle (bad data, reported by the caller) the
statuses depend on each other: the simple paths inside the cycle are enumerated, to a local
fixed point. A cycle of more than ``max_cycle`` nodes, or one so dense that its paths exceed
a budget, is not enumerated: inside it only the direct holdings of blocked members count
(propagated in linear time as members become blocked), and the cycle is returned in
``skipped_cycles`` (reported, never guessed).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

_Adj = Mapping[int, list[tuple[int, float, bool]]]

#: Paths enumerated inside one cycle before falling back to direct holdings.
_PATH_BUDGET = 200_000
#: Tolerance for the 50% comparison (shares come from decimal text).
EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Closure:
    """What the rule blocks and the share held by blocked persons of every node reached."""

    blocked: frozenset[int]  # listed nodes included
    own: dict[int, float]  # share held by blocked persons (only nodes with a share > 0)
    controlled: frozenset[int]  # nodes directed by a blocked controller
    cycles: tuple[tuple[int, ...], ...]  # strongly connected components of 2+ nodes
    skipped_cycles: tuple[tuple[int, ...], ...]  # cycles too large to enumerate


def close(
    n: int,
    listed: Collection[int],
    holdings: Iterable[tuple[int, int, float]],
    *,
    control: Iterable[tuple[int, int]] = (),
    strict: bool = False,
    control_blocks: bool = False,
    max_cycle: int = 16,
) -> Closure:
    """The blocked set and shares for ``n`` nodes (see the module docstring).

    Holdings of a node in itself are ignored (the caller warns about them). ``control`` edges
    block only with ``control_blocks`` (the EU rule); they are always reported in
    ``controlled``. The same computation as :func:`close_arrays`, on Python collections.
    """
    hold = list(holdings)
    ctl = list(control)
    is_listed = np.zeros(n, dtype=bool)
    listed_list = list(listed)
    if listed_list:
        is_listed[listed_list] = True
    r = close_arrays(
        is_listed,
        np.array([o for o, _, _ in hold], dtype=np.int64),
        np.array([a for _, a, _ in hold], dtype=np.int64),
        np.array([s for _, _, s in hold], dtype=np.float64),
        np.array([c for c, _ in ctl], dtype=np.int64),
        np.array([a for _, a in ctl], dtype=np.int64),
        strict=strict,
        control_blocks=control_blocks,
        max_cycle=max_cycle,
    )
    own = r.own
    nz = np.flatnonzero(own > 0)
    return Closure(
        frozenset(np.flatnonzero(r.blocked).tolist()),
        dict(zip(nz.tolist(), own[nz].tolist(), strict=True)),
        frozenset(np.flatnonzero(r.controlled).tolist()),
        r.cycles,
        r.skipped_cycles,
    )


@dataclass(frozen=True, slots=True)
class ClosureArrays:
    """:class:`Closure` as arrays over the ``n`` nodes (what the load path works on)."""

    blocked: np.ndarray  # bool, listed included
    own: np.ndarray  # float64, share held by blocked persons (0 for listed nodes)
    controlled: np.ndarray  # bool, directed by a blocked controller
    node_level: np.ndarray  # int64, a topological level (strong components share one)
    in_cycle: np.ndarray  # bool, in a strongly connected component of 2+ nodes
    cycles: tuple[tuple[int, ...], ...]
    skipped_cycles: tuple[tuple[int, ...], ...]


def close_arrays(
    is_listed: np.ndarray,
    h_src: np.ndarray,
    h_dst: np.ndarray,
    h_share: np.ndarray,
    c_src: np.ndarray,
    c_dst: np.ndarray,
    *,
    strict: bool = False,
    control_blocks: bool = False,
    max_cycle: int = 16,
) -> ClosureArrays:
    """:func:`close` on arrays: ``is_listed`` (a mask over the nodes), the holdings
    ``h_src -> h_dst`` of ``h_share`` and the control edges ``c_src -> c_dst``.

    Vectorised (numpy, scipy's strongly connected components): the nodes are taken level by
    level of the condensed graph, each level in one pass over its edges; only the nodes of
    cycles are handled one by one.
    """
    n = len(is_listed)
    hk = h_src != h_dst
    ck = c_src != c_dst
    src = np.concatenate([h_src[hk], c_src[ck]]).astype(np.int64)
    dst = np.concatenate([h_dst[hk], c_dst[ck]]).astype(np.int64)
    share = np.concatenate([h_share[hk], np.zeros(int(ck.sum()))]).astype(np.float64)
    is_ctl = np.zeros(len(src), dtype=bool)
    is_ctl[int(hk.sum()) :] = True
    is_listed = is_listed.astype(bool)
    listed_set = frozenset(np.flatnonzero(is_listed).tolist())
    keep = _reachable(n, is_listed, src, dst)
    sel = keep[src]
    src, dst, share, is_ctl = src[sel], dst[sel], share[sel], is_ctl[sel]
    blocked = is_listed.copy()
    own = np.zeros(n, dtype=np.float64)
    controlled = np.zeros(n, dtype=bool)
    cycles: list[tuple[int, ...]] = []
    skipped: list[tuple[int, ...]] = []

    def passes(total: float) -> bool:
        return total > 0.5 + EPS if strict else total >= 0.5 - EPS

    labels, comp_level, big = _levels(n, keep, src, dst)
    node_level = comp_level[labels]
    in_cycle = big[labels] & keep
    plain = ~in_cycle[dst]  # edges into nodes outside cycles, by the level of their target
    order = np.flatnonzero(plain)[np.argsort(node_level[dst[plain]], kind="stable")]
    e_lvl = node_level[dst[order]]
    members_by_level: dict[int, list[list[int]]] = {}
    adj: tuple[_Adj, _Adj] = (_Lists(), _Lists())
    if in_cycle.any():
        groups: dict[int, list[int]] = {}
        for v in np.flatnonzero(in_cycle).tolist():
            groups.setdefault(int(labels[v]), []).append(v)
        for comp in groups.values():
            lvl = int(comp_level[labels[comp[0]]])
            members_by_level.setdefault(lvl, []).append(sorted(comp))
        adj = _cycle_adjacency(in_cycle, src, dst, share, is_ctl)
    top = int(comp_level.max()) if len(comp_level) else 0
    bounds = np.searchsorted(e_lvl, np.arange(top + 2))
    for level in range(top + 1):
        lo, hi = int(bounds[level]), int(bounds[level + 1])
        if hi > lo:
            idx = order[lo:hi]
            s_, d_, c_ = src[idx], dst[idx], is_ctl[idx]
            w = np.where(blocked[s_], 1.0, own[s_])
            targets = np.unique(d_)
            hv = ~c_
            totals = np.bincount(d_[hv], weights=share[idx][hv] * w[hv], minlength=n)
            directed = np.zeros(n, dtype=bool)
            directed[d_[c_ & blocked[s_]]] = True
            t_own = totals[targets]
            own[targets] = t_own
            controlled[targets] |= directed[targets]
            thr = t_own > 0.5 + EPS if strict else t_own >= 0.5 - EPS
            blocked[targets] = is_listed[targets] | thr | (directed[targets] & control_blocks)
        for members in members_by_level.get(level, []):
            cycles.append(tuple(members))
            exact = _cycle(
                members,
                listed_set,
                (adj[0], adj[1], keep),
                (blocked, own, controlled),
                passes,
                control_blocks,
                enumerate_paths=len(members) <= max_cycle,
            )
            if not exact:
                skipped.append(tuple(members))
    own[is_listed] = 0.0
    return ClosureArrays(
        blocked,
        own,
        controlled,
        node_level,
        in_cycle,
        tuple(sorted(cycles)),
        tuple(sorted(skipped)),
    )


def _reachable(n: int, starts: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    # scipy is imported where it is used: importing it costs 0.2 s, and screening one name
    # imports this module (through the list snapshots) without closing any graph.
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import breadth_first_order  # type: ignore[import-untyped]

    """Nodes reachable from ``starts`` (a mask) along the edges (a virtual root, one BFS)."""
    root = n
    extra = np.flatnonzero(starts)
    rows = np.concatenate([src, np.full(len(extra), root, dtype=np.int64)])
    cols = np.concatenate([dst, extra])
    g = csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n + 1, n + 1))
    seen = np.zeros(n + 1, dtype=bool)
    seen[breadth_first_order(g, root, directed=True, return_predecessors=False)] = True
    return seen[:n]


def _levels(
    n: int, keep: np.ndarray, src: np.ndarray, dst: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Strongly connected components (a label per node), the level of each in the condensed
    graph (the longest path from a source) and which components have 2+ nodes."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    g = csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    _, labels = connected_components(g, directed=True, connection="strong")
    labels = labels.astype(np.int64)
    ncomp = int(labels.max()) + 1 if n else 0
    big = np.bincount(labels[keep], minlength=ncomp) > 1
    cs, cd = labels[src], labels[dst]
    cross = cs != cd
    cs, cd = cs[cross], cd[cross]
    level = np.zeros(ncomp, dtype=np.int64)
    while len(cs):
        new = level.copy()
        np.maximum.at(new, cd, level[cs] + 1)
        if np.array_equal(new, level):
            break
        level = new
    return labels, level, big


class _Lists(dict[int, list[tuple[int, float, bool]]]):
    """Edge lists by node; a node without edges has ``[]``."""

    def __missing__(self, key: int) -> list[tuple[int, float, bool]]:
        return []


def _cycle_adjacency(
    in_cycle: np.ndarray, src: np.ndarray, dst: np.ndarray, share: np.ndarray, ctl: np.ndarray
) -> tuple[_Lists, _Lists]:
    """In- and out-edges of the nodes in cycles (edges from outside included)."""
    ins, out = _Lists(), _Lists()
    for i in np.flatnonzero(in_cycle[dst] | in_cycle[src]).tolist():
        o, a, s, c = int(src[i]), int(dst[i]), float(share[i]), bool(ctl[i])
        if in_cycle[a]:
            ins.setdefault(a, []).append((o, s, c))
        if in_cycle[o]:
            out.setdefault(o, []).append((a, s, c))
    return ins, out


def _cycle(
    members: list[int],
    listed: frozenset[int],
    graph: tuple[_Adj, _Adj, np.ndarray],
    state: tuple[np.ndarray, np.ndarray, np.ndarray],
    passes: Callable[[float], bool],
    control_blocks: bool,
    *,
    enumerate_paths: bool,
) -> bool:
    """Statuses inside one strongly connected component, to a local fixed point.

    Returns False when the paths were not (or could not be) enumerated: the component's
    internal holdings then count only directly from blocked members (linear propagation).
    """
    ins, out, keep = graph
    blocked, own, controlled = state
    inside = set(members)
    for x in members:
        if x in listed:
            blocked[x] = True
    ext: dict[int, float] = {}
    directed: set[int] = set()

    def outside() -> None:
        ext.clear()
        for y in members:
            total = 0.0
            for o, s, is_control in ins[y]:
                if not keep[o]:
                    continue
                if is_control:
                    if blocked[o]:
                        directed.add(y)
                elif o not in inside:
                    total += s * (1.0 if blocked[o] else own[o])
            ext[y] = total

    rounds = 0
    while enumerate_paths:
        directed.clear()
        outside()
        totals = dict(ext)
        budget = [_PATH_BUDGET]
        for y in members:
            start = 1.0 if blocked[y] else ext[y]
            if start > 0 and not _paths_from(y, start, inside, out, blocked, totals, budget):
                enumerate_paths = False
                break
        if not enumerate_paths:
            break
        changed = False
        for x in members:
            if x in listed:
                continue
            if totals[x] > 0:
                own[x] = totals[x]
            else:
                own[x] = 0.0
            if x in directed:
                controlled[x] = True
            now = passes(totals[x]) or (x in directed and control_blocks)
            if now != blocked[x]:
                blocked[x] = now  # holdings over 100% can also unblock: not monotone
                changed = True
        if not changed:
            return True
        rounds += 1
        if rounds > 2 * len(members) + 2:
            enumerate_paths = False  # oscillates (bad data): fall back, reported
    # linear: direct holdings of blocked members, propagated as members become blocked
    for x in members:
        if x not in listed:
            blocked[x] = False
    directed.clear()
    outside()
    totals = dict(ext)
    queue = [x for x in members if blocked[x]]
    for x in members:
        if not blocked[x] and (passes(totals[x]) or (x in directed and control_blocks)):
            blocked[x] = True
            queue.append(x)
    while queue:
        y = queue.pop()
        for w, s, is_control in out[y]:
            if w not in inside or w in listed:
                continue
            if is_control:
                directed.add(w)
            else:
                totals[w] += s
            if not blocked[w] and (passes(totals[w]) or (w in directed and control_blocks)):
                blocked[w] = True
                queue.append(w)
    for x in members:
        if x in listed:
            continue
        if totals[x] > 0:
            own[x] = totals[x]
        else:
            own[x] = 0.0
        if x in directed:
            controlled[x] = True
    return False


def _paths_from(
    start: int,
    mass: float,
    inside: set[int],
    out: _Adj,
    blocked: np.ndarray,
    totals: dict[int, float],
    budget: list[int],
) -> bool:
    """Add ``mass`` x the product of shares of every simple path from ``start`` inside the
    component (intermediates not blocked) to the total of the path's end. False when the
    path budget ran out (a dense cycle: the caller falls back)."""
    stack: list[tuple[int, float, frozenset[int]]] = [(start, mass, frozenset([start]))]
    while stack:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        v, m, seen = stack.pop()
        for w, s, is_control in out[v]:
            if is_control or w not in inside or w in seen or s <= 0:
                continue
            totals[w] += m * s
            if not blocked[w]:
                stack.append((w, m * s, seen | {w}))
    return True
