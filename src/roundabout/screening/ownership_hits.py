"""Hits through ownership: what a hit on a context entity means under the chosen rule.

A screener over list snapshots finds names; this wrapper says why a found entity counts.
Every hit gets ``basis``: ``listed`` (the entity is on the list), ``owned`` or ``controlled``
(blocked by the rule: the hit keeps its match flag, with ``owned_share`` and ``via``, the ids
on the paths from the listed owners), or ``related`` (information only: ``match`` is false,
"49% owned by listed X", "directed by listed X"). A context entity that nothing links to a
listed person under the rule is not reported. The status text joins the hit's features, so
the explanation names the owners.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Final

from roundabout.matching.matcher import DEFAULT_THRESHOLD, Screener
from roundabout.matching.model import Feature, Hit, Party
from roundabout.store import Store, ownership

#: The rules a screening can apply (``--rule``).
RULES: Final = ("us", "eu")


class OwnershipScreener(Screener):
    """``inner``'s index and entries, hits read through the ownership statuses of ``rule``."""

    def __init__(self, inner: Screener, statuses: dict[tuple[str, str], Any], rule: str) -> None:
        self.__dict__.update(inner.__dict__)  # share the index; nothing is rebuilt
        self.rule = rule
        self.statuses = statuses
        known: frozenset[tuple[str, str]] | None = getattr(inner, "unlisted", None)
        self.context = (
            known
            if known is not None
            else frozenset(
                (e.snapshot_id, e.entity.entity_id) for e in inner.entries if not e.entity.listed
            )
        )

    def screen(self, party: Party, threshold: float = DEFAULT_THRESHOLD) -> list[Hit]:
        return [h for h in (self.read(hit) for hit in super().screen(party, threshold)) if h]

    def read(self, hit: Hit) -> Hit | None:
        key = (hit.snapshot_id, hit.entity_id)
        status = self.statuses.get(key)
        if status is None:
            if key in self.context:
                return None  # linked to a listed person only under the other rule
            return replace(hit, extra={**hit.extra, "basis": "listed"})
        blocked = bool(status["blocked"])
        feature = Feature("ownership", "+" if blocked else "=", str(status["explanation"]))
        return replace(
            hit,
            match=hit.match and blocked,
            features=(*hit.features, feature),
            extra={
                **hit.extra,
                "basis": status["basis"],
                "owned_share": status["owned_share"],
                "via": list(status["via"]),
                "rule": self.rule,
            },
        )


def with_ownership(store: Store, screener: Screener, rule: str = "us") -> Screener:
    """``screener`` reading its hits through the ownership statuses of ``rule``."""
    if rule not in RULES:
        from roundabout.errors import RoundaboutError

        raise RoundaboutError(f"--rule must be one of {', '.join(RULES)}, not {rule!r}")
    found = ownership.statuses(store, screener.snapshot_ids, rule)
    return OwnershipScreener(screener, found, rule)
