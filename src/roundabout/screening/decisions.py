"""Reviewers' decisions on hits: true match or false positive, with who, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from roundabout.errors import NotFoundError, RoundaboutError
from roundabout.screening import schema
from roundabout.store import Store, audit


def cli_actor() -> str:
    """The audit actor of a CLI command: ``cli:<os user>``."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        import os

        user = f"uid{os.getuid()}"
    return f"cli:{user}"


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
    actor: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "party_id": self.party_id,
            "entity_id": self.entity_id,
            "entity_hash": self.entity_hash,
            "decision": self.decision,
            "reviewer": self.reviewer,
            "reason": self.reason,
            "decided_at": self.decided_at,
            "actor": self.actor,
        }


def decide(
    store: Store,
    party_id: str,
    entity_id: str,
    decision: Decision,
    reviewer: str,
    reason: str,
    *,
    actor: str | None = None,
) -> DecisionRecord:
    """Record a decision on the latest hit of ``party_id`` against ``entity_id``.

    ``reviewer`` is the name the caller gives; ``actor`` is who really acted (an API key,
    ``api:<key id>:<key name>``; default the CLI user, :func:`cli_actor`): the audit log
    records the actor, with the reviewer beside it."""
    actor = actor or cli_actor()
    schema.ensure(store.raw)
    if not reviewer.strip():
        raise RoundaboutError("a decision needs a reviewer (--reviewer)")
    if not reason.strip():
        raise RoundaboutError("a decision needs a reason (--reason)")
    row = store.raw.execute(
        "SELECT entity_hash FROM screening_results WHERE party_id = ? AND entity_id = ? "
        "ORDER BY screened_at DESC LIMIT 1",
        [party_id, entity_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"no screening hit of party {party_id!r} against {entity_id!r} to decide on"
        )
    now = datetime.now(UTC)
    rec = DecisionRecord(
        party_id, entity_id, str(row[0]), decision.value, reviewer, reason, now.isoformat(), actor
    )
    with store.transaction():
        audit.append_decision(store, {**rec.to_dict(), "decided_at": now})
        audit.record(store, "decision", actor, rec.to_dict())
    return rec


def latest_decisions(store: Store) -> dict[tuple[str, str], DecisionRecord]:
    """The most recent decision per (party_id, entity_id)."""
    schema.ensure(store.raw)
    rows = store.raw.execute(
        "SELECT party_id, entity_id, entity_hash, decision, reviewer, reason, "
        "CAST(decided_at AS VARCHAR), coalesce(actor, '') FROM screening_decisions "
        "ORDER BY decided_at"
    ).fetchall()
    return {(r[0], r[1]): DecisionRecord(*(str(x) for x in r)) for r in rows}
