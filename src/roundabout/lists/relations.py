"""Links between list entities: ownership, directorship, family, associate, other.

FollowTheMoney models them as entities of their own (``Ownership`` with ``owner``, ``asset``,
``percentage``, ``startDate``, ``endDate``; ``Directorship`` with ``director`` and
``organization``; ``Family`` with ``person`` and ``relative``; ``Associate`` with ``person`` and
``associate``; ``UnknownLink`` with ``subject`` and ``object``). They are kept as written (the
percentage text too), and turned into shares and statuses in :mod:`roundabout.lists.graph`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final

#: kind -> (FtM schema, source property, target property)
KINDS: Final = {
    "ownership": ("Ownership", "owner", "asset"),
    "directorship": ("Directorship", "director", "organization"),
    "family": ("Family", "person", "relative"),
    "associate": ("Associate", "person", "associate"),
    "unknown_link": ("UnknownLink", "subject", "object"),
}
#: FtM schema -> kind
BY_SCHEMA: Final = {schema: kind for kind, (schema, _, _) in KINDS.items()}


@dataclass(frozen=True, slots=True)
class Relation:
    """``source`` -(kind)-> ``target``: owner -> asset, director -> organisation, ..."""

    relation_id: str
    kind: str  # one of KINDS
    source: str  # entity id
    target: str  # entity id
    share_text: str | None = None  # ownership: the percentage as written ("51", "25.5%")
    start: str | None = None  # ISO date prefix
    end: str | None = None
    role: str | None = None  # "subsidiary of", "ГЕНЕРАЛЬНЫЙ ДИРЕКТОР", "Family member of"
    record: int = 0  # line in the source file

    def to_json(self) -> str:
        return json.dumps(
            {
                "relation_id": self.relation_id,
                "kind": self.kind,
                "source": self.source,
                "target": self.target,
                "share_text": self.share_text,
                "start": self.start,
                "end": self.end,
                "role": self.role,
                "record": self.record,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Relation:
        d: dict[str, Any] = json.loads(text)
        return cls(**d)


def parse_share(text: str | None) -> tuple[float | None, str | None]:
    """``"51"`` / ``"25.5%"`` / ``"12,5"`` -> (share 0-1, None); bad text -> (None, why).

    A percentage outside 0-100 or not a number is refused with a reason (the caller warns
    and keeps the link as "share not stated": it can inform, never block).
    """
    if text is None or not text.strip():
        return None, None
    raw = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None, f"percentage {text!r} is not a number"
    if value != value or not 0.0 <= value <= 100.0:  # NaN or out of range
        return None, f"percentage {text!r} is outside 0-100"
    return value / 100.0, None
