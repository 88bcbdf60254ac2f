"""The screener: list entries indexed once, then each party -> scored, explained hits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from roundabout.lists.model import ListEntity
from roundabout.matching import alias_parts, features
from roundabout.matching.compare import NameComparison, compare
from roundabout.matching.index import IndexedName, NameIndex
from roundabout.matching.model import DEFAULT_THRESHOLD, Feature, Hit, Party
from roundabout.matching.normalize import NameForm, analyze
from roundabout.matching.score_bound import ListSide, QueryBound

__all__ = ["DEFAULT_THRESHOLD", "ScreenEntry", "Screener", "person_flag", "query_form"]

#: Hits below this score are not reported at all.
REPORT_FLOOR = 0.5
#: Names whose name scores a Screener keeps (LRU).
NAME_CACHE = 50_000
#: Margin for the rounding of scores to 4 decimals (``compare``).
_ROUNDING = 1e-4


def person_flag(schema: str | None) -> bool | None:
    if schema == "Person":
        return True
    if schema in ("Organization", "Company", "Vessel", "Aircraft"):
        return False
    return None


@dataclass(frozen=True, slots=True)
class ScreenEntry:
    entity: ListEntity
    snapshot_id: str
    entity_hash: str


class Screener:
    """Screen parties against a fixed set of list entries."""

    def __init__(self, entries: Sequence[ScreenEntry], cache_size: int = NAME_CACHE) -> None:
        self.entries = list(entries)
        #: At most this many index candidates are scored per name, those of highest bound
        #: first (``None``: all). The API sets it so that one request has a bounded cost.
        self.max_candidates: int | None = None
        # Party files and shipments repeat names (one consignee, thousands of rows): the name
        # scores of a name depend only on the name, its schema and the floor, and the list
        # entries are fixed for the life of a Screener.
        self._scores_cached = lru_cache(maxsize=cache_size)(self._name_scores)
        names: list[IndexedName] = []
        self.by_id: dict[tuple[str, str], list[int]] = {}
        for i, entry in enumerate(self.entries):
            e = entry.entity
            flag = person_flag(e.schema)
            for n in dict.fromkeys(e.names):
                form = analyze(n, flag)
                if not form.empty:
                    names.append(IndexedName(i, form, flag))
                    if form.alt is not None:  # the name with its named-after clause
                        names.append(IndexedName(i, form.alt, flag))
            for ident in e.identifiers:
                self.by_id.setdefault(ident, []).append(i)
        self.index = NameIndex(names)
        #: The list side of the score bound of each list name, built when first needed.
        self._sides: dict[int, ListSide] = {}
        self._snapshot_ids = sorted({e.snapshot_id for e in self.entries})

    @property
    def snapshot_ids(self) -> list[str]:
        return list(self._snapshot_ids)

    def name_scores(
        self,
        name: str,
        schema: str | None = None,
        floor: float = DEFAULT_THRESHOLD,
        *,
        useful: float = 0.0,
    ) -> dict[int, tuple[NameComparison, str]]:
        """Best name comparison per entity among the index candidates for ``name``.

        Every entity with a name scoring at least ``floor`` is included (for ``floor`` above
        :data:`roundabout.matching.compare.WEAK_CAP`; see :mod:`roundabout.matching.index`);
        entities found on the way that score less may be included too, except that candidates
        which certainly score below ``useful`` (their
        :class:`roundabout.matching.score_bound.QueryBound` bound is below it) are not scored
        at all: the caller has no use for such scores. Results are cached per (name, schema,
        floor, useful) (``cache_size`` of the constructor; 0 turns it off).
        """
        return dict(self._scores_cached(name, schema, floor, useful))

    def _name_scores(
        self, name: str, schema: str | None, floor: float, useful: float = 0.0
    ) -> dict[int, tuple[NameComparison, str]]:
        qflag = person_flag(schema)
        form = analyze(name, qflag)
        mode: bool | Literal["list"] | None = "list" if schema is None else qflag
        best: dict[int, tuple[NameComparison, str]] = {}
        # Scores are rounded to 4 decimals: a bound this far below ``useful`` stays below.
        # The query side of the tight bound is built for the first candidate that needs it
        # (most names have none).
        tights: dict[bool | None, QueryBound] = {}
        use_tight = useful > 0.0
        useful -= _ROUNDING
        sides = self._sides
        names = self.index.names
        # A name of unknown type is read, against each list name, as the list reads its own:
        # a person's name to a listed person, an organisation's to a listed organisation.
        # Read as neither, "KHUN SA" loses "SA" (a legal form), "Shahid MAHMOOD" becomes
        # "martyr MAHMOOD" (organisation vocabulary), "HAJI SALAM HAWALA" and "LADY LEILA"
        # lose their first word (a title), and none matches its own entry. The list names of
        # each kind take the bounds and scores of that reading.
        readings = _readings(name) if qflag is None else {}
        # the common case (a legal form or an organisation word: a person's reading only):
        # the index leaves the listed persons out of the first reading's bounds
        only: bool | None = False if readings.keys() == {True} else None
        bounds = self.index.bounds(form, floor, mode, persons=only)
        if form.alt is not None:
            for nid, b in self.index.bounds(form.alt, floor, mode, persons=only).items():
                if b > bounds.get(nid, -1.0):
                    bounds[nid] = b
        for flag, reading in readings.items():
            if only is None:
                bounds = {nid: b for nid, b in bounds.items() if names[nid].person is not flag}
            for f in (reading,) if reading.alt is None else (reading, reading.alt):
                for nid, b in self.index.bounds(
                    f, floor, mode, persons=True if flag else None
                ).items():
                    if names[nid].person is flag and b > bounds.get(nid, -1.0):
                        bounds[nid] = b
        # ties in the bound are taken in name order, so the reported name does not depend on
        # the order of a hash set (PYTHONHASHSEED)
        for nid in sorted(bounds, key=lambda n: (-bounds[n], n))[: self.max_candidates]:
            item = names[nid]
            cur = best.get(item.entity)
            if cur is not None and cur[0].score >= bounds[nid]:
                continue  # another name of this entity already scores at least the bound
            e = self.entries[item.entity].entity
            person = person_flag(e.schema) if schema is None else qflag
            own = readings.get(item.person) if item.person is not None else None
            qform = form if own is None else own
            if use_tight:
                key = None if own is None else item.person
                tight = tights.get(key)
                if tight is None:
                    tight = tights[key] = QueryBound(qform)
                side = sides.get(nid)
                if side is None:
                    side = sides[nid] = ListSide(item.form)
                if tight.below(side, person, useful):
                    continue  # certainly scores below what the caller can use
            cmp = compare(qform, item.form, person=person)
            if cur is None or cmp.score > cur[0].score:
                best[item.entity] = (cmp, item.form.raw)
        return best

    def screen(self, party: Party, threshold: float = DEFAULT_THRESHOLD) -> list[Hit]:
        """Hits for ``party`` scoring at least :data:`REPORT_FLOOR`, best first."""
        # Country and birth date can lift a name score by at most these (features.score).
        lift = (features.COUNTRY_BONUS if party.country else 0.0) + (
            features.BIRTH_BONUS if party.birth_date else 0.0
        )
        # Near misses are found at least down to the default threshold, even when a stricter
        # threshold is asked for.
        # A name score below REPORT_FLOOR - lift makes no hit (the other features only lower
        # it), unless an identifier matches: then every candidate is scored, as the
        # identifiers below may lift any of them.
        useful = 0.0 if party.identifiers else REPORT_FLOOR - lift
        floor = min(threshold, DEFAULT_THRESHOLD) - lift
        best = self.name_scores(party.name, party.schema, floor, useful=useful)
        # Other names written into the field ("BETA GROUP LLC (f.k.a. KALASHNIKOV CONCERN)"):
        # each is screened as a name of its own too, and the best score per entry is kept.
        for marker, part in alias_parts.split(party.name):
            for i, (cmp, matched) in self.name_scores(
                part, party.schema, floor, useful=useful
            ).items():
                if i not in best or cmp.score > best[i][0].score:
                    note = f"a name the field gives after '{marker}'" if marker else ""
                    if note and note not in cmp.notes:
                        cmp = replace(cmp, notes=(*cmp.notes, note))
                    best[i] = (cmp, matched)
        for ident in party.identifiers:
            for i in self.by_id.get(ident, []):
                if i not in best:
                    e = self.entries[i].entity
                    form_q = query_form(party.name, party.schema, person_flag(e.schema))
                    form_c = analyze(e.name, person_flag(e.schema))
                    best[i] = (compare(form_q, form_c, person=person_flag(e.schema)), e.name)
        hits: list[Hit] = []
        for i, (cmp, matched) in best.items():
            entry = self.entries[i]
            if cmp.score < REPORT_FLOOR - 0.2 and not any(
                ident in entry.entity.identifiers for ident in party.identifiers
            ):
                continue
            s, feats = features.score(party, entry.entity, matched, cmp)
            if s < REPORT_FLOOR:
                continue
            hits.append(_hit(entry, matched, s, s >= threshold, feats))
        hits.sort(key=lambda h: (-h.score, h.entity_id))
        return hits


def query_form(name: str, schema: str | None, list_flag: bool | None) -> NameForm:
    """The reading of ``name``, a party of type ``schema``, that the screener compares with a
    list name whose own flag is ``list_flag`` (:func:`person_flag` of its entry): the
    party's own type when it has one, else the list name's (a name of unknown type is read
    as the list reads its own, :meth:`Screener.name_scores`)."""
    qflag = person_flag(schema)
    return analyze(name, list_flag if qflag is None else qflag)


def _readings(name: str) -> dict[bool, NameForm]:
    """The readings of a name of unknown type as a person's (``True``) and an organisation's
    (``False``) name, where they differ from the reading as neither (:func:`analyze` with
    ``None``: titles and legal forms stripped, organisation vocabulary applied)."""
    neither = analyze(name, None)
    out: dict[bool, NameForm] = {}
    for flag in (True, False):
        reading = analyze(name, flag)
        if reading.tokens != neither.tokens or reading.alt != neither.alt:
            out[flag] = reading
    return out


def _hit(entry: ScreenEntry, matched: str, s: float, match: bool, feats: list[Feature]) -> Hit:
    e = entry.entity
    return Hit(
        entity_id=e.entity_id,
        name=e.name,
        matched_name=matched,
        schema=e.schema,
        score=round(s, 4),
        match=match,
        features=tuple(feats),
        snapshot_id=entry.snapshot_id,
        entity_hash=entry.entity_hash,
        programs=e.programs,
    )
