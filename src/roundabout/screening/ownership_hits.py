"""Hits through ownership: what a hit on a context entity means under the chosen rule.

A screener over list snapshots finds names; this wrapper says why a found entity counts.
Every hit gets ``basis``: ``listed`` (the entity is on the list), ``owned`` or ``controlled``
(blocked by the rule: the hit keeps its match flag, with ``owned_share`` and ``via``, the ids
on the paths from the listed owners), or ``related`` (information only: ``match`` is false,
"49% owned by listed X", "directed by listed X"). A context entity that nothing links to a
listed person under the rule is not reported. The status text joins the hit's features, so
the explanation names the owners.

The statuses are those of the screening day. A snapshot's statuses were computed for its load
day; when a link of the snapshot started or ended since (a holding's ``endDate`` passed), they
are computed again for the screening day from the snapshot's stored entities and links,
stored (``list_ownership_asof``, once per day on which the links differ) and used instead,
with the entry versions they give (a dismissed hit on a company no longer owned, or owned
anew, is a new version). A hit on an entity that nothing links to a listed person any more is
not reported. A screener kept across midnight (the API) reads the new day's statuses on its
first screening of that day.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace
from datetime import date
from typing import Any, Final

import numpy as np

from roundabout.matching.matcher import DEFAULT_THRESHOLD, Screener
from roundabout.matching.model import Feature, Hit, Party
from roundabout.ownership import dates
from roundabout.store import Store, ownership

#: The rules a screening can apply (``--rule``).
RULES: Final = ("us", "eu")


class OwnershipScreener(Screener):
    """``inner``'s index and entries, hits read through the ownership statuses of ``rule``."""

    def __init__(
        self,
        inner: Screener,
        statuses: dict[tuple[str, str], Any],
        rule: str,
        versions: dict[tuple[str, str], str] | None = None,
        refresh: Any = None,
    ) -> None:
        self.__dict__.update(inner.__dict__)  # share the index; nothing is rebuilt
        self.rule = rule
        self.statuses = statuses
        self.versions = versions or {}
        known: frozenset[tuple[str, str]] | None = getattr(inner, "unlisted", None)
        self.context = (
            known
            if known is not None
            else frozenset(
                (e.snapshot_id, e.entity.entity_id) for e in inner.entries if not e.entity.listed
            )
        )
        #: ``day -> (statuses, versions)`` for a screening on another day (None: fixed)
        self._refresh = refresh
        self._day = dates.today()
        self._lock = threading.Lock()

    def screen(self, party: Party, threshold: float = DEFAULT_THRESHOLD) -> list[Hit]:
        if self._refresh is not None and dates.today() != self._day:
            with self._lock:
                day = dates.today()
                if day != self._day:
                    self.statuses, self.versions = self._refresh(day)
                    self._day = day
        return [h for h in (self.read(hit) for hit in super().screen(party, threshold)) if h]

    def read(self, hit: Hit) -> Hit | None:
        key = (hit.snapshot_id, hit.entity_id)
        status = self.statuses.get(key)
        if status is None:
            if key in self.context:
                return None  # linked to a listed person only under the other rule, or no more
            return replace(hit, extra={**hit.extra, "basis": "listed"})
        blocked = bool(status["blocked"])
        feature = Feature("ownership", "+" if blocked else "=", str(status["explanation"]))
        return replace(
            hit,
            match=hit.match and blocked,
            features=(*hit.features, feature),
            entity_hash=self.versions.get(key, hit.entity_hash),
            extra={
                **hit.extra,
                "basis": status["basis"],
                "owned_share": status["owned_share"],
                "via": list(status["via"]),
                "rule": self.rule,
            },
        )


def with_ownership(
    store: Store, screener: Screener, rule: str = "us", day: date | None = None
) -> Screener:
    """``screener`` reading its hits through the ownership statuses of ``rule`` on ``day``
    (default: the screening day, :func:`roundabout.ownership.dates.today`)."""
    if rule not in RULES:
        from roundabout.errors import RoundaboutError

        raise RoundaboutError(f"--rule must be one of {', '.join(RULES)}, not {rule!r}")
    sids = list(screener.snapshot_ids)

    def on(d: date) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], str]]:
        return statuses_on(store, sids, rule, d)

    found, versions = on(day or dates.today())
    return OwnershipScreener(screener, found, rule, versions, None if day else on)


def statuses_on(
    store: Store, snapshot_ids: list[str], rule: str, day: date
) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], str]]:
    """The statuses of ``rule`` on ``day`` and the entry versions that differ from the
    stored entries' (see the module docstring)."""
    iso = day.isoformat()
    info = ownership.link_dates(store, snapshot_ids)
    fresh: list[str] = []
    found: dict[tuple[str, str], Any] = {}
    versions: dict[tuple[str, str], str] = {}
    for sid in snapshot_ids:
        if sid not in info or not dates.links_change(info[sid][0], iso, *info[sid][1:]):
            fresh.append(sid)
            continue
        _, starts, ends = info[sid]
        done = ownership.recomputed_days(store, sid)
        as_of = next((d for d in done if not dates.links_change(d, iso, starts, ends)), None)
        if as_of is None:
            rows = recompute(store, sid, day)
            as_of = iso
            if store.read_only:  # used for this screening, not kept
                for r, eid, version, st in rows:
                    if r == rule:
                        found[(sid, eid)] = st
                        versions[(sid, eid)] = version
                continue
            ownership.save_recomputed(store, sid, as_of, rows)
        got, ver = ownership.statuses_asof(store, sid, as_of, rule)
        found.update(got)
        versions.update(ver)
    found.update(ownership.statuses(store, fresh, rule))
    return found, versions


def recompute(store: Store, sid: str, day: date) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The statuses of snapshot ``sid`` on ``day`` from its stored entities and links, both
    rules: (rule, entity_id, entry version, status) rows. The version is the load's formula
    (:func:`roundabout.lists.snapshots.save`: content hash + statuses)."""
    from roundabout.lists import graph, snapshots

    parsed = snapshots.parsed_from(store, sid)
    assessment = graph.assess(parsed.entities, parsed.relations, day)
    statuses = assessment.statuses
    reached = np.flatnonzero(assessment.reached()).tolist()
    texts = assessment.status_json_at(reached)
    version: dict[str, str] = {}
    for x, text in zip(reached, texts, strict=True):
        blob = parsed.entities[x].content_hash() + text
        version[parsed.entities[x].entity_id] = hashlib.sha256(blob.encode("utf-8")).hexdigest()
    out = []
    for rule, by_entity in statuses.items():
        for eid, st in by_entity.items():
            out.append((rule, eid, version[eid], st.to_dict()))
    return out
