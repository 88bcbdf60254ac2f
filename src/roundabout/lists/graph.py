"""What ownership and control make of a list's context entities, under each rule.

A list's relations (FtM links, a user's ownership CSV) become a graph over its entities; the
holdings in force on ``as_of`` (start on or before, end not passed) feed
:func:`roundabout.ownership.closure.close` once per rule:

* ``us`` (OFAC's 50% rule): blocked at 50% or more held in aggregate by blocked persons;
  directors and holdings below 50% inform, never block.
* ``eu`` (Reg. 269/2014 Art. 2, the Commission's owned-or-controlled guidance): blocked above
  50%, or when a blocked person directs the entity (a ``Directorship``: documented control).
  The Commission leaves the aggregation of several listed owners' holdings to a case-by-case
  assessment; roundabout aggregates them, as under the US rule, and says so in the reason.

Every context entity reached gets a :class:`Status` per rule: ``owned`` or ``controlled``
(blocks: a hit matches), ``related`` (information: a hit is shown with ``match: false``) or
``context`` (nothing links it to a listed person under this rule: not screened). Listed
entities have no status (their basis is ``listed``).

Bad input never stops the load and never blocks silently: a link to an unknown id, a
percentage that is not a number in 0-100, a holding of an entity in itself, several holdings of
one owner in one asset at once, holdings adding up to more than 100% and ownership cycles are
each a warning naming the link or the entities. A holding without a usable percentage can
inform, never block.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from roundabout.lists.model import ListEntity
from roundabout.lists.relations import Relation, parse_share
from roundabout.ownership.closure import Closure, close

RULES: Final = ("us", "eu")
#: Ids kept in a status's ``via`` (a deep chain of holdings can reach thousands): the
#: contributing owners first, then theirs, up the chains.
MAX_VIA: Final = 20


@dataclass(frozen=True, slots=True)
class Status:
    entity_id: str
    rule: str  # us, eu
    basis: str  # owned, controlled, related, context
    blocked: bool
    owned_share: float | None  # held by blocked persons, 0-1 (None: no holding known)
    via: tuple[str, ...]  # ids on the paths from the listed owners (blocked companies too)
    explanation: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "rule": self.rule,
            "basis": self.basis,
            "blocked": self.blocked,
            "owned_share": None if self.owned_share is None else round(self.owned_share, 4),
            "via": list(self.via),
            "explanation": self.explanation,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Status:
        return cls(
            d["entity_id"],
            d["rule"],
            d["basis"],
            bool(d["blocked"]),
            d["owned_share"],
            tuple(d["via"]),
            d["explanation"],
        )


@dataclass(frozen=True, slots=True)
class Assessment:
    statuses: dict[str, dict[str, Status]]  # rule -> entity id -> status
    warnings: tuple[str, ...]

    def status_json(self, entity_id: str) -> str:
        """Both rules' statuses of one entity as JSON (hashed into the entry's version)."""
        return json.dumps(
            {r: s[entity_id].to_dict() for r, s in self.statuses.items() if entity_id in s},
            sort_keys=True,
            ensure_ascii=False,
        )


def pct(share: float) -> str:
    """0.55 -> ``"55%"``; 0.255 -> ``"25.5%"``."""
    text = f"{share * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


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
    memo: dict[int, tuple[int, ...]] = {}

    def sources(x: int) -> list[int]:
        found = [o for o, _ in ins.get(x, []) if o in c.blocked or c.own.get(o, 0.0) > 0]
        return sorted(found + [d for d, _ in directed_by.get(x, [])])

    def via_ids(x: int) -> tuple[int, ...]:
        """Nodes on the paths from the listed owners (and controllers) to ``x``: its
        contributing owners, then theirs, at most :data:`MAX_VIA` (memoised, iterative; a
        node met again on the current path counts as having none)."""
        stack: list[tuple[int, list[int] | None]] = [(x, None)]
        on_path: set[int] = set()
        while stack:
            v, srcs = stack.pop()
            if v in memo:
                continue
            if srcs is None:
                srcs = sources(v)
                on_path.add(v)
                stack.append((v, srcs))
                stack.extend(
                    (o, None)
                    for o in srcs
                    if not listed_flags[o] and o not in memo and o not in on_path
                )
                continue
            found: dict[int, None] = {}
            for o in srcs:
                found[o] = None
                if not listed_flags[o]:
                    found.update(dict.fromkeys(memo.get(o, ())))
                if len(found) >= MAX_VIA:
                    break
            found.pop(v, None)
            memo[v] = tuple(found)[:MAX_VIA]
            on_path.discard(v)
        return memo[x]

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
