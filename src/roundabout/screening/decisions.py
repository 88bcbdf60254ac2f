"""Reviewers' decisions on hits: true match or false positive, with who, when and why.

A decision binds three things: the party id, the party *record* as screened (its
``party_hash``: name, country, identifiers, birth date, type) and the list entry's version
(``entity_hash``). It holds only for that exact combination: the same id with other content (a
party file of another system reusing ``p17``), or a changed list entry, alerts again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.store import Store, audit
from roundabout.store import decisions as stored


def cli_actor() -> str:
    """The audit actor of a CLI command: ``cli:<os user>``."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        import os

        user = f"uid{os.getuid()}"
    return f"cli:{user}"


#: Shortest prefix of a party record hash accepted by ``--record``.
MIN_RECORD_PREFIX = 8


class Decision(StrEnum):
    true_match = "true_match"
    false_positive = "false_positive"


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    party_id: str
    entity_id: str
    entity_hash: str
    decision: str
    reviewer: str
    reason: str
    decided_at: str
    party_hash: str = ""
    actor: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "party_id": self.party_id,
            "party_hash": self.party_hash,
            "entity_id": self.entity_id,
            "entity_hash": self.entity_hash,
            "decision": self.decision,
            "reviewer": self.reviewer,
            "reason": self.reason,
            "decided_at": self.decided_at,
            "actor": self.actor,
        }


def _describe(record_json: str | None) -> str:
    try:
        rec = json.loads(record_json) if record_json else {}
    except json.JSONDecodeError:
        rec = {}
    name = rec.get("name", "?")
    country = rec.get("country") or rec.get("unknown_country") or "no country"
    return f"{name!r}, {country}"


def _hit_to_decide(
    store: Store, party_id: str, entity_id: str, record: str | None
) -> tuple[str, str]:
    """(party_hash, entity_hash) of the hit a decision is about.

    The latest hit of each party record against the entry; with several records of this id
    hit by the entry, ``record`` (a hash prefix) must say which: binding the wrong one would
    hide a true match of the other.
    """
    rows = stored.hits_to_decide(store, party_id, entity_id)
    if not rows:
        raise NotFoundError(
            f"no screening hit of party {party_id!r} against {entity_id!r} to decide on"
        )
    if record is not None:
        prefix = record.strip().lower()
        if len(prefix) < MIN_RECORD_PREFIX:
            raise RoundaboutError(
                f"--record needs at least {MIN_RECORD_PREFIX} characters of the record hash"
            )
        rows = [r for r in rows if r[0].startswith(prefix)]
        if not rows:
            raise NotFoundError(
                f"no screened record {prefix!r} of party {party_id!r} hit by {entity_id!r}"
            )
    if len(rows) > 1:
        listed = "; ".join(f"{r[0][:12]} ({_describe(r[2])})" for r in rows)
        raise RoundaboutError(
            f"party {party_id!r} has {len(rows)} different screened records hit by "
            f"{entity_id!r}: {listed}; say which with --record"
        )
    return rows[0][0], rows[0][1]


def decide(
    store: Store,
    party_id: str,
    entity_id: str,
    decision: Decision,
    reviewer: str,
    reason: str,
    *,
    record: str | None = None,
    actor: str | None = None,
) -> DecisionRecord:
    """Record a decision on the latest hit of ``party_id`` (the record ``record``, a hash
    prefix, when the id was screened with different content) against ``entity_id``.

    ``reviewer`` is the name the caller gives; ``actor`` is who really acted (an API key,
    ``api:<key id>:<key name>``; default the CLI user, :func:`cli_actor`): the audit log
    records the actor, with the reviewer beside it."""
    actor = actor or cli_actor()
    if not reviewer.strip():
        raise RoundaboutError("a decision needs a reviewer (--reviewer)")
    if not reason.strip():
        raise RoundaboutError("a decision needs a reason (--reason)")
    party_hash, entity_hash = _hit_to_decide(store, party_id, entity_id, record)
    now = datetime.now(UTC)
    rec = DecisionRecord(
        party_id,
        entity_id,
        entity_hash,
        decision.value,
        reviewer,
        reason,
        now.isoformat(),
        party_hash,
        actor,
    )
    with store.transaction():
        audit.append_decision(store, {**rec.to_dict(), "decided_at": now})
        audit.record(store, "decision", actor, rec.to_dict())
    return rec


def latest_decisions(store: Store) -> dict[tuple[str, str, str], DecisionRecord]:
    """The most recent decision per (party_id, party_hash, entity_id).

    Decisions bound to no record (made before records were bound, with no hit to bind them
    to) are left out: they hold for nothing.
    """
    rows = stored.bound_decisions(store)
    return {(r[0], r[7], r[1]): DecisionRecord(*r) for r in rows}
