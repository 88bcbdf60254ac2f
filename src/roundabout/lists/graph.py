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
import json.encoder
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from typing import Any, Final

import numpy as np

from roundabout.lists import status_columns as columns
from roundabout.lists.model import ListEntity
from roundabout.lists.relations import Relation, parse_share
from roundabout.ownership import dates
from roundabout.ownership.closure import ClosureArrays, close_arrays
from roundabout.ownership.via import via_lists

RULES: Final = ("us", "eu")
#: A string as ``json.dumps(..., ensure_ascii=False)`` writes it.
_enc: Final = json.encoder.encode_basestring
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

    def sorted_json(self) -> str:
        """``json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)``, written out."""
        return columns.status_json(
            self.rule,
            self.entity_id,
            self.basis,
            self.blocked,
            self.owned_share,
            self.via,
            self.explanation,
        )

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
    """Both rules' statuses as columns (:class:`~roundabout.lists.status_columns.RuleStatuses`,
    entity positions into ``ids``, the entities' order) and the load's warnings."""

    ids: Sequence[str]  # entity ids by position
    rules: dict[str, columns.RuleStatuses]  # rule -> its statuses
    warnings: tuple[str, ...]

    @property
    def statuses(self) -> dict[str, dict[str, Status]]:
        """``rule -> entity id -> Status``, built on each call (for a few statuses: tests,
        a recomputation; the snapshot writer reads the columns)."""
        out: dict[str, dict[str, Status]] = {}
        for rule, rs in self.rules.items():
            ids = self.ids
            basis = rs.basis.tolist()
            blocked = rs.blocked.tolist()
            share = rs.shares(0, len(rs))
            off = rs.via_offsets.tolist()
            via = rs.via.tolist()
            by_id: dict[str, Status] = {}
            for i, x in enumerate(rs.index.tolist()):
                eid = ids[x]
                by_id[eid] = Status(
                    eid,
                    rule,
                    columns.BASES[basis[i]],
                    blocked[i],
                    share[i],
                    tuple(ids[v] for v in via[off[i] : off[i + 1]]),
                    rs.explanation[i],
                )
            out[rule] = by_id
        return out

    def reached(self) -> np.ndarray:
        """A mask over the entity positions: those with a status under some rule."""
        mask = np.zeros(len(self.ids), dtype=bool)
        for rs in self.rules.values():
            mask[rs.index] = True
        return mask

    def status_json_at(self, positions: Sequence[int]) -> list[str]:
        """Both rules' statuses of each entity at ``positions`` as JSON (hashed into the
        entry's version): ``json.dumps({rule: status.to_dict()}, sort_keys=True,
        ensure_ascii=False)``, ``{}`` for an entity without any. Written column-wise by
        Arrow (:mod:`roundabout.lists.status_text`), or one by one for texts Arrow cannot
        hold (a lone surrogate)."""
        import pyarrow as pa  # only where statuses are written

        from roundabout.lists import status_text

        try:
            return status_text.entries_json(self.rules, self.ids, positions)
        except (UnicodeEncodeError, pa.ArrowInvalid):
            return self._status_json_one_by_one(positions)

    def _status_json_one_by_one(self, positions: Sequence[int]) -> list[str]:
        pos = np.asarray(positions, dtype=np.int64)
        parts: list[list[str]] = [[] for _ in range(len(pos))]
        for rule in sorted(self.rules):
            rs = self.rules[rule]
            row = rs.rows_of(len(self.ids))[pos]
            has = np.flatnonzero(row >= 0)
            texts = rs.json_rows(row[has].tolist(), self.ids)
            head = f"{_enc(rule)}: "
            for i, t in zip(has.tolist(), texts, strict=True):
                parts[i].append(head + t)
        return ["{" + ", ".join(p) + "}" for p in parts]

    def status_json(self, entity_id: str) -> str:
        """:meth:`status_json_at` of one entity, by id (a scan of the ids: for a few)."""
        return self.status_json_at([list(self.ids).index(entity_id)])[0]


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
    h_src: np.ndarray  # holdings with a usable share, one per (owner, asset) pair
    h_dst: np.ndarray
    h_share: np.ndarray
    unstated: list[tuple[int, int, Relation]]  # ownership without a usable share
    control: list[tuple[int, int, Relation]]
    other: list[tuple[int, int, Relation]]  # family, associate, unknown link
    warnings: list[str]
    future: int  # links not in force yet (a start after today, no end passed)


#: Link kinds by code in :func:`_build` (any other kind: 2, family, associate, ...).
_KIND_CODES: Final = {"ownership": 0, "directorship": 1}


def _build(
    entities: Sequence[ListEntity],
    relations: Iterable[Relation],
    today: str,
    *,
    from_today: bool = False,
) -> _Graph:
    """The links in force on ``today`` as arrays; with ``from_today``, also those that start
    later. Each test is a pass over one column of the links (the ids looked up with
    ``map(dict.get, ...)``, the dates and kinds compared, each share text parsed once), and
    only the links that warn, inform or repeat a holding are handled one by one; the warnings
    come in the links' order, as a loop over the links wrote them."""
    ids = [e.entity_id for e in entities]
    index = {eid: i for i, eid in enumerate(ids)}
    n = len(ids)
    rels = relations if isinstance(relations, Sequence) else list(relations)
    m = len(rels)
    get = index.get
    src = np.fromiter(map(get, [r.source for r in rels], repeat(-1)), np.int64, m)
    dst = np.fromiter(map(get, [r.target for r in rels], repeat(-1)), np.int64, m)
    said: list[tuple[int, str]] = []  # (link's place, warning): one warning per link at most
    unknown = (src < 0) | (dst < 0)
    for i in np.flatnonzero(unknown).tolist():
        rel = rels[i]
        missing = [x for x in (rel.source, rel.target) if x not in index]
        said.append(
            (i, f"{rel.kind} {rel.relation_id}: unknown entity {', '.join(missing)}; link skipped")
        )
    ended = np.zeros(m, dtype=bool)
    ended[[i for i, r in enumerate(rels) if r.end and r.end[:10] < today]] = True
    later = np.zeros(m, dtype=bool)
    later[[i for i, r in enumerate(rels) if r.start and r.start[:10] > today]] = True
    alive = ~unknown & ~ended
    future = int((alive & later).sum())
    if not from_today:
        alive &= ~later
    itself = alive & (src == dst)
    for i in np.flatnonzero(itself).tolist():
        rel = rels[i]
        said.append(
            (i, f"{rel.kind} {rel.relation_id}: {rel.source} linked to itself; link skipped")
        )
    alive &= ~itself
    kind = np.fromiter(map(_KIND_CODES.get, [r.kind for r in rels], repeat(2)), np.int8, m)

    def triples(mask: np.ndarray) -> list[tuple[int, int, Relation]]:
        at = np.flatnonzero(mask).tolist()
        return [
            (a, b, rels[i]) for i, a, b in zip(at, src[at].tolist(), dst[at].tolist(), strict=True)
        ]

    control = triples(alive & (kind == 1))
    other = triples(alive & (kind == 2))
    owning = np.flatnonzero(alive & (kind == 0))
    texts = [rels[i].share_text for i in owning.tolist()]
    parsed = {t: parse_share(t) for t in dict.fromkeys(texts)}
    value = {t: np.nan if s is None else s for t, (s, _) in parsed.items()}
    share = np.fromiter(map(value.__getitem__, texts), np.float64, len(texts))
    bad = {t: why for t, (_, why) in parsed.items() if why}
    if bad:
        for i, t in zip(owning.tolist(), texts, strict=True):
            if t in bad:
                rel = rels[i]
                said.append(
                    (
                        i,
                        f"{rel.kind} {rel.relation_id}: {bad[t]}; kept as a holding of "
                        "unstated share",
                    )
                )
    stated = ~np.isnan(share)
    no_share = np.zeros(m, dtype=bool)
    no_share[owning[~stated]] = True
    unstated = triples(no_share)
    held = owning[stated]
    h_share = share[stated]
    # one holding per (owner, asset) pair, in the order of its first record
    keys = src[held] * n + dst[held]
    _, first_at, group, repeats = np.unique(
        keys, return_index=True, return_inverse=True, return_counts=True
    )
    group = group.reshape(-1)
    firsts = np.sort(first_at)
    h_src, h_dst, shares = src[held[firsts]], dst[held[firsts]], h_share[firsts]
    twice = np.flatnonzero(repeats[group] > 1)
    if len(twice):
        place = np.empty(len(keys), dtype=np.int64)
        place[firsts] = np.arange(len(firsts))
        kept: dict[int, Relation] = {}  # group -> the record kept so far
        for j in twice.tolist():
            gr = int(group[j])
            rel = rels[int(held[j])]
            prev = kept.get(gr)
            if prev is None:
                kept[gr] = rel
                continue
            keep = max(prev, rel, key=lambda r: (r.start or "", parse_share(r.share_text)[0]))
            share_kept = parse_share(keep.share_text)[0] or 0.0
            said.append(
                (
                    int(held[j]),
                    f"ownership {rel.relation_id}: {rel.source} holds {rel.target} in several "
                    f"records in force ({prev.relation_id}, {rel.relation_id}); using the "
                    f"latest, {pct(share_kept)}",
                )
            )
            kept[gr] = keep
            shares[place[first_at[gr]]] = share_kept
    said.sort(key=lambda w: w[0])
    warnings = [w for _, w in said]
    totals = np.bincount(h_dst, weights=shares, minlength=n)
    for b in np.flatnonzero(totals > 1.0 + 1e-9).tolist():
        warnings.append(
            f"{ids[b]}: holdings in force add up to {pct(float(totals[b]))} (over 100%)"
        )
    return _Graph(ids, index, h_src, h_dst, shares, unstated, control, other, warnings, future)


def assess(
    entities: Sequence[ListEntity],
    relations: Sequence[Relation],
    as_of: date | None = None,
) -> Assessment:
    """Statuses of the context entities under each rule, with the links in force on
    ``as_of`` (default :func:`roundabout.ownership.dates.today`; see the module docstring)."""
    today = (as_of or dates.today()).isoformat()
    g = _build(entities, relations, today)
    is_listed = np.fromiter((e.listed for e in entities), dtype=bool, count=len(entities))
    names = [e.name for e in entities]
    c_src = np.array([a for a, _, _ in g.control], dtype=np.int64)
    c_dst = np.array([b for _, b, _ in g.control], dtype=np.int64)
    warnings = list(g.warnings)
    rules: dict[str, columns.RuleStatuses] = {}
    via_seen = _ViaMemo()
    names_arrow = _arrow_strings(names)
    for rule in RULES:
        eu = rule == "eu"
        c = close_arrays(
            is_listed, g.h_src, g.h_dst, g.h_share, c_src, c_dst, strict=eu, control_blocks=eu
        )
        if rule == "us":
            for cyc in c.cycles:
                listing = ", ".join(f"{names[i]} ({g.ids[i]})" for i in cyc)
                warnings.append(f"ownership cycle: {listing}")
            for cyc in c.skipped_cycles:
                warnings.append(
                    f"ownership cycle of {len(cyc)} entities ({g.ids[cyc[0]]}, ...): too large "
                    "to enumerate; indirect holdings through it left out"
                )
        rules[rule] = _statuses(rule, g, names, is_listed, c, c_src, c_dst, via_seen, names_arrow)
        del c
    del via_seen
    ids, future = g.ids, g.future
    del g, names, c_src, c_dst  # the graph's lists of links, before the second graph is built
    if future:
        reached = pending_reached(entities, relations, today)
        note = pending_note(today)
        for rule, rs in rules.items():
            have = np.zeros(len(ids), dtype=bool)
            have[rs.index] = True
            rules[rule] = columns.extend(rs, reached[~have[reached]], columns.RELATED, note)
    return Assessment(ids, rules, tuple(warnings))


def _arrow_strings(texts: list[str]) -> Any:
    """``texts`` as an Arrow string array, or None when one is a text Arrow cannot hold (a
    lone surrogate, from JSON read back): the explanations are then written one by one."""
    import pyarrow as pa  # only where statuses are computed

    try:
        return pa.array(texts, pa.string())
    except (UnicodeEncodeError, pa.ArrowInvalid):
        return None


def pending_note(today: str) -> str:
    """The explanation of a status that only links not yet in force give."""
    return f"tied to listed persons only by links not yet in force on {today}"


def pending_reached(
    entities: Sequence[ListEntity], relations: Sequence[Relation], today: str
) -> np.ndarray:
    """The positions (ascending) of the context entities that the links in force on
    ``today`` or starting later tie to a listed person: those that only links starting after
    ``today`` tie to one get a status of information (``related``, not blocking, explained by
    :func:`pending_note`) under each rule, so that they are entries of the snapshot and
    screened; once the links start, the screening day's statuses (computed again,
    :mod:`roundabout.screening.ownership_hits`) say what they make of them."""
    g = _build(entities, relations, today, from_today=True)
    is_listed = np.fromiter((e.listed for e in entities), dtype=bool, count=len(entities))
    c_src = np.array([a for a, _, _ in g.control], dtype=np.int64)
    c_dst = np.array([b for _, b, _ in g.control], dtype=np.int64)
    c = close_arrays(is_listed, g.h_src, g.h_dst, g.h_share, c_src, c_dst)
    reached = ~is_listed & ((c.own > 0) | c.blocked)
    blocked = c.blocked
    for a, b, _ in (*g.control, *g.unstated):
        if blocked[a] and not is_listed[b]:
            reached[b] = True
    for a, b, _ in g.other:
        for x, y in ((a, b), (b, a)):
            if blocked[y] and not is_listed[x]:
                reached[x] = True
    return np.flatnonzero(reached)


def pending(
    entities: Sequence[ListEntity],
    relations: Sequence[Relation],
    today: str,
    statuses: dict[str, dict[str, Status]],
) -> None:
    """:func:`pending_reached` added to ``statuses`` (``rule -> id -> Status``), for the
    plain-Python reference of the tests."""
    ids = [e.entity_id for e in entities]
    note = pending_note(today)
    for x in pending_reached(entities, relations, today).tolist():
        eid = ids[x]
        for rule, by_id in statuses.items():
            if eid not in by_id:
                by_id[eid] = Status(eid, rule, "related", False, None, (), note)


class _ViaMemo:
    """The last :func:`~roundabout.ownership.via.via_lists` computed, with its inputs: the
    second rule usually has the same source edges and levels as the first (the owners that
    contribute are those reached from listed persons through holdings, whatever the
    threshold; only control that blocks, or a cycle the rules treat differently, changes
    them), and then its ``via`` is the same, computed once."""

    __slots__ = ("inputs", "result")

    def __init__(self) -> None:
        self.inputs: tuple[np.ndarray, ...] | None = None
        self.result: tuple[np.ndarray, np.ndarray] | None = None

    def via(
        self,
        n: int,
        is_listed: np.ndarray,
        x: np.ndarray,
        o: np.ndarray,
        node_level: np.ndarray,
        in_cycle: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        inputs = (is_listed, x, o, node_level, in_cycle)
        if (
            self.result is not None
            and self.inputs is not None
            and all(np.array_equal(a, b) for a, b in zip(self.inputs, inputs, strict=True))
        ):
            return self.result
        self.result = via_lists(n, is_listed, x, o, node_level, in_cycle, MAX_VIA)
        self.inputs = inputs
        return self.result


def _statuses(
    rule: str,
    g: _Graph,
    names: list[str],
    is_listed: np.ndarray,
    c: ClosureArrays,
    c_src: np.ndarray,
    c_dst: np.ndarray,
    via_memo: _ViaMemo | None = None,
    names_arrow: Any = None,
) -> columns.RuleStatuses:
    """One rule's statuses: the numbers per node in numpy, then one explanation per entity
    reached (the owners that contribute, sorted by share, named with what makes them count):
    column-wise from ``names_arrow`` (the names as an Arrow array, :mod:`.owner_texts`) for
    the common statuses, one by one for the others (all of them without ``names_arrow``)."""
    n = len(g.ids)
    eu = rule == "eu"
    blocked, own = c.blocked, c.own
    weight = np.where(blocked, 1.0, own)
    contrib = weight[g.h_src] > 0
    cs, cd, cv = g.h_src[contrib], g.h_dst[contrib], g.h_share[contrib]
    order = np.lexsort((cs, -cv, cd))
    cs, cd, cv = cs[order], cd[order], cv[order]
    n_ins = np.bincount(g.h_dst, minlength=n).tolist()
    # via: sources are the contributing owners and the blocked directors
    ctl_on = blocked[c_src] if len(c_src) else np.zeros(0, dtype=bool)
    rows, counts = (via_memo or _ViaMemo()).via(
        n,
        is_listed,
        np.concatenate([cd, c_dst[ctl_on]]),
        np.concatenate([cs, c_src[ctl_on]]),
        c.node_level,
        c.in_cycle,
    )
    blocked_l = blocked.tolist()
    listed_l = is_listed.tolist()
    own_l = own.tolist()
    weight_l = weight.tolist()
    cs_l = cs.tolist()

    directed_by: dict[int, list[tuple[int, Relation]]] = {}
    for d, a, rel in g.control:
        if blocked_l[d]:
            directed_by.setdefault(a, []).append((d, rel))
    unstated_by: dict[int, list[tuple[int, Relation]]] = {}
    for o, a, rel in g.unstated:
        if blocked_l[o]:
            unstated_by.setdefault(a, []).append((o, rel))
    linked: dict[int, list[tuple[int, Relation]]] = {}
    for a, b, rel in g.other:
        if blocked_l[b]:
            linked.setdefault(a, []).append((b, rel))
        if blocked_l[a]:
            linked.setdefault(b, []).append((a, rel))

    reached = ~is_listed & ((own > 0) | blocked)
    extra = [x for x in (*directed_by, *unstated_by, *linked) if not listed_l[x]]
    if extra:
        reached[np.array(extra, dtype=np.int64)] = True
    cand = np.flatnonzero(reached)
    pcts: dict[float, str] = {}

    def p(share: float) -> str:
        text = pcts.get(share)
        if text is None:
            text = pcts[share] = pct(share)
        return text

    first_a = np.searchsorted(cd, np.arange(n + 1))
    first = first_a.tolist()
    plain = np.bincount(cd[~is_listed[cs]], minlength=n) == 0
    kind = np.where(plain[cd], 0, np.where(is_listed[cs], 1, np.where(blocked[cs], 2, 3)))
    threshold = "more than 50%" if eu else "50% or more"
    tail = "" if eu else "; control alone does not block under the US rule"
    aggregated = " (holdings aggregated; the EU assesses aggregation case by case)"

    # the common statuses (owned, related by a share, controlled; nothing else to name),
    # written column-wise (lists.owner_texts); the others one by one below
    c_share, c_blocked = own[cand], blocked[cand]
    passing = c_share > 0.5 + 1e-9 if eu else c_share >= 0.5 - 1e-9
    owned = c_blocked & (c_share > 0) & passing
    named = np.zeros(n, dtype=bool)
    if directed_by or unstated_by or linked:
        named[np.array([*directed_by, *unstated_by, *linked], dtype=np.int64)] = True
    has_owners = np.diff(first_a)[cand] > 0
    simple = ~named[cand] & (
        (c_blocked & ~owned) | ((owned | (~c_blocked & (c_share > 0))) & has_owners)
    )
    texts: list[str | None] = [None] * len(cand)
    rest = np.arange(len(cand))
    written: dict[int, str] = {}  # asset -> owners text, for the statuses explained one by one
    count = np.diff(first_a)
    if names_arrow is not None:
        from roundabout.lists import owner_texts

        h = owner_texts.Holdings(names_arrow, cs, cv, cd, kind, weight, first_a, plain)
        at = cand[simple]
        s_owned = owned[simple]
        s_share = np.where(c_blocked[simple] & ~s_owned, 0.0, c_share[simple])
        tails = ["", f" (below {threshold}: not blocked)", aggregated]
        which = np.where(s_owned, np.where(eu & (np.asarray(n_ins)[at] > 1), 2, 0), 1)
        done = owner_texts.explanations(h, at, s_owned, s_share, tails, which)
        for j, t in zip(np.flatnonzero(simple).tolist(), done, strict=True):
            texts[j] = t
        rest = np.flatnonzero(~simple)
        xs = cand[rest][count[cand[rest]] > 0]
        written = dict(zip(xs.tolist(), owner_texts.owners(h, xs).to_pylist(), strict=True))

    parts: list[str] = []
    if names_arrow is None or ((count[cand[rest]] == 0) & (own[cand[rest]] > 0)).any():
        shares_u, share_i = np.unique(cv, return_inverse=True)
        share_txt = [pct(v) for v in shares_u.tolist()]
        for o, i, k in zip(cs_l, share_i.tolist(), kind.tolist(), strict=True):
            if k == 0:
                parts.append(f"{names[o]} ({share_txt[i]})")
            elif k == 1:
                parts.append(f"{names[o]} ({share_txt[i]}, listed)")
            elif k == 2:
                parts.append(f"{names[o]} ({share_txt[i]}, itself blocked by ownership or control)")
            else:
                parts.append(
                    f"{names[o]} ({share_txt[i]}; itself {p(weight_l[o])} owned by listed)"
                )
    suffix = {1: ", listed", 2: ", both listed"}
    plain_l = plain.tolist()

    def owners_text(x: int) -> str:
        if x in written:
            return written[x]
        lo: int = first[x]
        hi: int = first[x + 1]
        text: str = (
            parts[lo] if hi - lo == 1 else ", ".join(parts[lo : hi - 1]) + " and " + parts[hi - 1]
        )
        if plain_l[x]:
            text += suffix.get(hi - lo, ", all listed")
        return text

    cand_l = cand.tolist()
    basis_of = np.where(owned, columns.OWNED, np.where(c_blocked, columns.CONTROLLED, -1))
    basis_of = np.where((basis_of < 0) & (c_share > 0), columns.RELATED, basis_of)
    keep = np.ones(len(cand), dtype=bool)
    for j in rest.tolist():
        x = cand_l[j]
        share = own_l[x]
        is_blocked = blocked_l[x]
        notes: list[str] = []
        basis = columns.CONTEXT
        if is_blocked and share > 0 and (share > 0.5 + 1e-9 if eu else share >= 0.5 - 1e-9):
            basis = columns.OWNED
            notes.append(f"owned {p(min(share, 1.0))} by {owners_text(x)}")
        elif is_blocked:
            basis = columns.CONTROLLED
        elif share > 0:
            basis = columns.RELATED
            notes.append(f"{p(share)} owned by {owners_text(x)} (below {threshold}: not blocked)")
        if directed_by and x in directed_by:
            for d, rel in directed_by[x]:
                role = f" ({rel.role})" if rel.role else ""
                how = "listed" if listed_l[d] else "blocked"
                notes.append(f"directed by {how} {names[d]}{role}{tail}")
        if unstated_by and x in unstated_by:
            for o, _ in unstated_by[x]:
                how = "listed" if listed_l[o] else "blocked"
                notes.append(f"held by {how} {names[o]} (share not stated)")
        if linked and x in linked:
            for o, rel in linked[x]:
                notes.append(f"{rel.kind.replace('_', ' ')} of listed {names[o]}")
        if basis == columns.CONTEXT:
            if not notes:
                keep[j] = False
                continue
            basis = columns.RELATED
        explanation = "; ".join(notes)
        if eu and basis == columns.OWNED and n_ins[x] > 1:
            explanation += aggregated
        basis_of[j] = basis
        texts[j] = explanation
    kept = np.flatnonzero(keep)
    at = cand[kept]
    k_share = np.where(own[at] > 0, np.minimum(own[at], 1.0), np.nan)
    k_text = texts if len(kept) == len(cand) else [texts[j] for j in kept.tolist()]
    return columns.build(
        rule,
        at,
        basis_of[kept],
        blocked[at],
        k_share,
        rows[at],
        counts[at],
        k_text,  # type: ignore[arg-type]  # every kept row has its text
    )
