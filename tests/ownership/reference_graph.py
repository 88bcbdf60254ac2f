"""The reference for the load path's statuses: the first, plain-Python version of
:mod:`roundabout.lists.graph` (a dict per link, a loop per entity, a breadth-first search per
entity for ``via``), kept to check the vectorised version against (tests/ownership/
test_fast_statuses.py). Not used by roundabout itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from roundabout.lists.graph import MAX_VIA, RULES, Status, pct, pending
from roundabout.lists.model import ListEntity
from roundabout.lists.relations import Relation, parse_share
from roundabout.ownership.closure import Closure, close


@dataclass(frozen=True, slots=True)
class Assessment:
    """The statuses as Python objects (the load path keeps them as columns)."""

    statuses: dict[str, dict[str, Status]]  # rule -> entity id -> status
    warnings: tuple[str, ...]


def _in_force(rel: Relation, today: str) -> bool:
    if rel.end and rel.end[:10] < today:
        return False
    return not (rel.start and rel.start[:10] > today)


@dataclass(slots=True)
class _Graph:
    ids: list[str]
    index: dict[str, int]
    holdings: dict[tuple[int, int], float]
    unstated: list[tuple[int, int, Relation]]  # ownership without a usable share
    control: list[tuple[int, int, Relation]]
    other: list[tuple[int, int, Relation]]  # family, associate, unknown link
    warnings: list[str]


def _build(entities: Sequence[ListEntity], relations: Iterable[Relation], today: str) -> _Graph:
    ids = [e.entity_id for e in entities]
    index = {eid: i for i, eid in enumerate(ids)}
    g = _Graph(ids, index, {}, [], [], [], [])
    chosen: dict[tuple[int, int], Relation] = {}
    for rel in relations:
        label = f"{rel.kind} {rel.relation_id}"
        unknown = [x for x in (rel.source, rel.target) if x not in index]
        if unknown:
            g.warnings.append(f"{label}: unknown entity {', '.join(unknown)}; link skipped")
            continue
        if not _in_force(rel, today):
            continue
        a, b = index[rel.source], index[rel.target]
        if a == b:
            g.warnings.append(f"{label}: {rel.source} linked to itself; link skipped")
            continue
        if rel.kind == "directorship":
            g.control.append((a, b, rel))
        elif rel.kind != "ownership":
            g.other.append((a, b, rel))
        else:
            share, problem = parse_share(rel.share_text)
            if problem:
                g.warnings.append(f"{label}: {problem}; kept as a holding of unstated share")
            if share is None:
                g.unstated.append((a, b, rel))
                continue
            prev = chosen.get((a, b))
            if prev is not None:
                keep = max(prev, rel, key=lambda r: (r.start or "", parse_share(r.share_text)[0]))
                g.warnings.append(
                    f"{label}: {rel.source} holds {rel.target} in several records in force "
                    f"({prev.relation_id}, {rel.relation_id}); using the latest, "
                    f"{pct(parse_share(keep.share_text)[0] or 0.0)}"
                )
                rel = keep
                share = parse_share(keep.share_text)[0] or 0.0
            chosen[(a, b)] = rel
            g.holdings[(a, b)] = share
    totals: dict[int, float] = {}
    for (_, b), s in g.holdings.items():
        totals[b] = totals.get(b, 0.0) + s
    for b, t in sorted(totals.items()):
        if t > 1.0 + 1e-9:
            g.warnings.append(f"{ids[b]}: holdings in force add up to {pct(t)} (over 100%)")
    return g


def assess(
    entities: Sequence[ListEntity],
    relations: Sequence[Relation],
    as_of: date | None = None,
) -> Assessment:
    """Statuses of the context entities under each rule (see the module docstring)."""
    today = (as_of or date.today()).isoformat()
    g = _build(entities, relations, today)
    by_id = {e.entity_id: e for e in entities}
    listed = [i for i, eid in enumerate(g.ids) if by_id[eid].listed]
    holdings = [(a, b, s) for (a, b), s in g.holdings.items()]
    control = [(a, b) for a, b, _ in g.control]
    warnings = list(g.warnings)
    statuses: dict[str, dict[str, Status]] = {}
    for rule in RULES:
        eu = rule == "eu"
        c = close(len(g.ids), listed, holdings, control=control, strict=eu, control_blocks=eu)
        if rule == "us":
            for cyc in c.cycles:
                names = ", ".join(f"{by_id[g.ids[i]].name} ({g.ids[i]})" for i in cyc)
                warnings.append(f"ownership cycle: {names}")
            for cyc in c.skipped_cycles:
                warnings.append(
                    f"ownership cycle of {len(cyc)} entities ({g.ids[cyc[0]]}, ...): too large "
                    "to enumerate; indirect holdings through it left out"
                )
        statuses[rule] = _statuses(rule, g, by_id, c)
    if any(r.start and r.start[:10] > today for r in relations):
        pending(entities, relations, today, statuses)  # the same function: not checked here
    return Assessment(statuses, tuple(warnings))


def _statuses(rule: str, g: _Graph, by_id: dict[str, ListEntity], c: Closure) -> dict[str, Status]:
    ins: dict[int, list[tuple[int, float]]] = {}
    for (a, b), s in g.holdings.items():
        ins.setdefault(b, []).append((a, s))

    def is_listed(i: int) -> bool:
        return by_id[g.ids[i]].listed

    def weight(i: int) -> float:
        return 1.0 if i in c.blocked else c.own.get(i, 0.0)

    directed_by: dict[int, list[tuple[int, Relation]]] = {}
    for d, a, rel in g.control:
        if d in c.blocked:
            directed_by.setdefault(a, []).append((d, rel))
    unstated_by: dict[int, list[tuple[int, Relation]]] = {}
    for o, a, rel in g.unstated:
        if o in c.blocked:
            unstated_by.setdefault(a, []).append((o, rel))
    linked: dict[int, list[tuple[int, Relation]]] = {}
    for a, b, rel in g.other:
        if b in c.blocked:
            linked.setdefault(a, []).append((b, rel))
        if a in c.blocked:
            linked.setdefault(b, []).append((a, rel))

    listed_flags = [by_id[eid].listed for eid in g.ids]

    def sources(x: int) -> list[int]:
        found = [o for o, _ in ins.get(x, []) if o in c.blocked or c.own.get(o, 0.0) > 0]
        return sorted(found + [d for d, _ in directed_by.get(x, [])])

    def via_ids(x: int) -> tuple[int, ...]:
        """Every node from which ``x`` is reached along sources, not through a listed node;
        the nearest MAX_VIA (edges from ``x``, ties by node number). Breadth first."""
        dist = {x: 0}
        frontier = [x]
        d = 0
        while frontier:
            d += 1
            nxt = []
            for v in frontier:
                if v != x and listed_flags[v]:
                    continue
                for o in sources(v):
                    if o not in dist:
                        dist[o] = d
                        nxt.append(o)
            frontier = nxt
        found = sorted((dd, o) for o, dd in dist.items() if o != x)
        return tuple(o for _, o in found[:MAX_VIA])

    def via(x: int) -> tuple[str, ...]:
        return tuple(g.ids[i] for i in sorted(via_ids(x)))

    def name(i: int) -> str:
        return by_id[g.ids[i]].name

    def owners_text(x: int) -> str:
        parts = []
        contributing = sorted(
            ((o, s) for o, s in ins.get(x, []) if weight(o) > 0), key=lambda t: (-t[1], t[0])
        )
        plain = all(is_listed(o) for o, _ in contributing)
        for o, s in contributing:
            if plain:
                parts.append(f"{name(o)} ({pct(s)})")
            elif is_listed(o):
                parts.append(f"{name(o)} ({pct(s)}, listed)")
            elif o in c.blocked:
                parts.append(f"{name(o)} ({pct(s)}, itself blocked by ownership or control)")
            else:
                parts.append(f"{name(o)} ({pct(s)}; itself {pct(weight(o))} owned by listed)")
        text = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
        if plain:
            text += (
                ", listed"
                if len(parts) == 1
                else (", both listed" if len(parts) == 2 else ", all listed")
            )
        return text

    out: dict[str, Status] = {}
    threshold = "more than 50%" if rule == "eu" else "50% or more"
    for x, eid in enumerate(g.ids):
        if is_listed(x):
            continue
        share = c.own.get(x)
        directors = directed_by.get(x, [])
        unstated = unstated_by.get(x, [])
        others = linked.get(x, [])
        notes: list[str] = []
        basis = "context"
        blocked = x in c.blocked
        if (
            blocked
            and share is not None
            and (share > 0.5 + 1e-9 if rule == "eu" else share >= 0.5 - 1e-9)
        ):
            basis = "owned"
            notes.append(f"owned {pct(min(share, 1.0))} by {owners_text(x)}")
        elif blocked:
            basis = "controlled"
        elif share:
            basis = "related"
            notes.append(f"{pct(share)} owned by {owners_text(x)} (below {threshold}: not blocked)")
        for d, rel in directors:
            role = f" ({rel.role})" if rel.role else ""
            how = "listed" if is_listed(d) else "blocked"
            tail = "" if rule == "eu" else "; control alone does not block under the US rule"
            notes.append(f"directed by {how} {name(d)}{role}{tail}")
        for o, _ in unstated:
            notes.append(
                f"held by {'listed' if is_listed(o) else 'blocked'} {name(o)} (share not stated)"
            )
        for o, rel in others:
            notes.append(f"{rel.kind.replace('_', ' ')} of listed {name(o)}")
        if basis == "context" and notes:
            basis = "related"
        if basis == "context":
            continue
        explanation = "; ".join(notes)
        if rule == "eu" and basis == "owned" and len(ins.get(x, [])) > 1:
            explanation += " (holdings aggregated; the EU assesses aggregation case by case)"
        out[eid] = Status(
            eid,
            rule,
            basis,
            blocked,
            None if share is None else min(share, 1.0),
            via(x),
            explanation,
        )
    return out
