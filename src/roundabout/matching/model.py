"""Parties to screen and the hits they get."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

#: Score at or above which a hit is a match (re-exported by :mod:`roundabout.matching.matcher`;
#: defined here so the CLI can show it without importing the matcher).
DEFAULT_THRESHOLD = 0.72


@dataclass(frozen=True, slots=True)
class Party:
    """A counterparty: from a party file, or a role (consignee, ...) in a shipment."""

    id: str
    name: str
    country: str | None = None  # ISO alpha-2, lower case
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, normalised value)
    birth_date: str | None = None
    schema: str | None = None  # Person, Organization, ... or None when unknown
    record: int = 0
    #: The country as written when it is not one roundabout recognises (``country`` is then
    #: None): kept, shown as a warning, and part of the record's identity.
    unknown_country: str | None = None

    def content_hash(self) -> str:
        """What a decision binds to, beside the id: the record exactly as screened.

        The same id with another name, country, identifier, birth date or type is another
        record (a party file of another system can reuse ``p17``), so a decision on one never
        hides a hit of the other.
        """
        fields: list[object] = [
            self.name,
            self.country,
            [list(i) for i in self.identifiers],
            self.birth_date,
            self.schema,
        ]
        if self.unknown_country is not None:
            fields.append(self.unknown_country)
        blob = json.dumps(fields, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def to_record(self) -> dict[str, Any]:
        """The record as screened (stored beside each hit, shown when a decision is ambiguous)."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "identifiers": [f"{k}:{v}" for k, v in self.identifiers],
            "birth_date": self.birth_date,
            "schema": self.schema,
        }
        if self.unknown_country is not None:
            out["unknown_country"] = self.unknown_country
        return out

    @property
    def warnings(self) -> tuple[str, ...]:
        if self.unknown_country is None:
            return ()
        return (f"country {self.unknown_country!r} not recognised: kept, but not used for scoring",)


@dataclass(frozen=True, slots=True)
class Feature:
    """One piece of evidence for or against a hit."""

    name: str  # name, identifier, country, birth_date, entity_type
    effect: str  # "+", "-" or "=" (informational)
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"feature": self.name, "effect": self.effect, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Hit:
    entity_id: str
    name: str  # the list entry's primary name
    matched_name: str  # the name or alias that matched
    schema: str
    score: float
    match: bool
    features: tuple[Feature, ...]
    snapshot_id: str
    entity_hash: str
    programs: tuple[str, ...] = ()
    status: str = "new"  # new, seen, changed (after a list update), dismissed
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def explanation(self) -> str:
        return "; ".join(f"{f.name}: {f.detail}" for f in self.features)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "matched_name": self.matched_name,
            "schema": self.schema,
            "score": round(self.score, 4),
            "match": self.match,
            "explanation": self.explanation,
            "features": [f.to_dict() for f in self.features],
            "programs": list(self.programs),
            "snapshot_id": self.snapshot_id,
            "status": self.status,
            **self.extra,
        }
