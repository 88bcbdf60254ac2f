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
fixed point; a cycle of more than ``max_cycle`` nodes is not enumerated (its internal indirect
holdings are left out and the cycle is returned in ``skipped_cycles``, never guessed).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

_Adj = Sequence[list[tuple[int, float, bool]]]

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


def _reachable(
    n: int, starts: Iterable[int], out: Sequence[list[tuple[int, float, bool]]]
) -> list[bool]:
    seen = [False] * n
    stack = list(starts)
    for s in stack:
        seen[s] = True
    while stack:
        v = stack.pop()
        for w, _, _ in out[v]:
            if not seen[w]:
                seen[w] = True
                stack.append(w)
    return seen


def _components(
    nodes: Sequence[int], out: Sequence[list[tuple[int, float, bool]]], keep: Sequence[bool]
) -> list[list[int]]:
    """Strongly connected components of the subgraph on ``keep``, in topological order."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    comps: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, i = work[-1]
            edges = out[v]
            if i < len(edges):
                work[-1] = (v, i + 1)
                w = edges[i][0]
                if not keep[w]:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, 0))
                elif w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
                continue
            work.pop()
            if work:
                u = work[-1][0]
                if low[v] < low[u]:
                    low[u] = low[v]
            if low[v] == index[v]:
                comp: list[int] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
    comps.reverse()  # Tarjan emits a component after everything reachable from it
    return comps


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
    ``controlled``.
    """
    listed_set = frozenset(listed)
    out: list[list[tuple[int, float, bool]]] = [[] for _ in range(n)]
    ins: list[list[tuple[int, float, bool]]] = [[] for _ in range(n)]
    for o, a, s in holdings:
        if o != a:
            out[o].append((a, s, False))
            ins[a].append((o, s, False))
    for c, a in control:
        if c != a:
            out[c].append((a, 0.0, True))
            ins[a].append((c, 0.0, True))
    keep = _reachable(n, listed_set, out)
    blocked = [False] * n
    own: dict[int, float] = {}
    controlled: set[int] = set()
    cycles: list[tuple[int, ...]] = []
    skipped: list[tuple[int, ...]] = []

    def passes(share: float) -> bool:
        return share > 0.5 + EPS if strict else share >= 0.5 - EPS

    def weight(o: int) -> float:
        return 1.0 if blocked[o] else own.get(o, 0.0)

    reached = [v for v in range(n) if keep[v]]
    for comp in _components(reached, out, keep):
        if len(comp) == 1:
            x = comp[0]
            if x in listed_set:
                blocked[x] = True
                continue
            total = 0.0
            directed = False
            for o, s, is_control in ins[x]:
                if not keep[o]:
                    continue
                if is_control:
                    directed = directed or blocked[o]
                else:
                    total += s * weight(o)
            if total > 0:
                own[x] = total
            if directed:
                controlled.add(x)
            blocked[x] = passes(total) or (directed and control_blocks)
            continue
        members = sorted(comp)
        cycles.append(tuple(members))
        if len(members) > max_cycle:
            skipped.append(tuple(members))
        _cycle(
            members,
            listed_set,
            (ins, out, keep),
            (blocked, own, controlled),
            passes,
            control_blocks,
            enumerate_paths=len(members) <= max_cycle,
        )
    return Closure(
        frozenset(v for v in range(n) if blocked[v]),
        own,
        frozenset(controlled),
        tuple(cycles),
        tuple(skipped),
    )


def _cycle(
    members: list[int],
    listed: frozenset[int],
    graph: tuple[_Adj, _Adj, Sequence[bool]],
    state: tuple[list[bool], dict[int, float], set[int]],
    passes: Callable[[float], bool],
    control_blocks: bool,
    *,
    enumerate_paths: bool,
) -> None:
    """Statuses inside one strongly connected component, to a local fixed point."""
    ins, out, keep = graph
    blocked, own, controlled = state
    inside = set(members)
    for x in members:
        if x in listed:
            blocked[x] = True
    while True:
        ext: dict[int, float] = {}
        directed: set[int] = set()
        for y in members:
            total = 0.0
            for o, s, is_control in ins[y]:
                if not keep[o]:
                    continue
                if o in inside:
                    if is_control and blocked[o]:
                        directed.add(y)
                    continue
                if is_control:
                    if blocked[o]:
                        directed.add(y)
                else:
                    total += s * (1.0 if blocked[o] else own.get(o, 0.0))
            ext[y] = total
        totals = dict(ext)
        if enumerate_paths:
            for y in members:
                start = 1.0 if blocked[y] else ext[y]
                if start > 0:
                    _paths_from(y, start, inside, out, blocked, totals)
        else:  # direct holdings by blocked members only
            for y in members:
                if blocked[y]:
                    for w, s, is_control in out[y]:
                        if w in inside and not is_control:
                            totals[w] += s
        changed = False
        for x in members:
            if x in listed:
                continue
            if totals[x] > 0:
                own[x] = totals[x]
            else:
                own.pop(x, None)
            if x in directed:
                controlled.add(x)
            now = passes(totals[x]) or (x in directed and control_blocks)
            if now and not blocked[x]:
                blocked[x] = True
                changed = True
        if not changed:
            return


def _paths_from(
    start: int,
    mass: float,
    inside: set[int],
    out: Sequence[list[tuple[int, float, bool]]],
    blocked: Sequence[bool],
    totals: dict[int, float],
) -> None:
    """Add ``mass`` x the product of shares of every simple path from ``start`` inside the
    component (intermediates not blocked) to the total of the path's end."""
    stack: list[tuple[int, float, frozenset[int]]] = [(start, mass, frozenset([start]))]
    while stack:
        v, m, seen = stack.pop()
        for w, s, is_control in out[v]:
            if is_control or w not in inside or w in seen or s <= 0:
                continue
            totals[w] += m * s
            if not blocked[w]:
                stack.append((w, m * s, seen | {w}))
