"""The SQL of reviewers' decisions: the hits a decision can bind, and the decisions made.

``screening_decisions`` and ``screening_results`` are defined in :mod:`.schema`; a decision row
is appended, chained, by :func:`roundabout.store.audit.append_decision`. What a decision binds
(party id, party record, entry version) and when it holds is decided in
:mod:`roundabout.screening.decisions`.
"""

from __future__ import annotations

from roundabout.store.store import Store

#: ``(party_hash, entity_hash, party_record JSON or None)`` of one screened record's last hit.
HitRow = tuple[str, str, str | None]

#: One decision: party_id, entity_id, entity_hash, decision, reviewer, reason, decided_at
#: (text), party_hash, actor ('' when none was recorded).
DecisionRow = tuple[str, str, str, str, str, str, str, str, str]


def hits_to_decide(store: Store, party_id: str, entity_id: str) -> list[HitRow]:
    """Per party record (``party_hash``) of ``party_id`` that ``entity_id`` hit: the entry
    version and the record of its latest hit, the most recently screened record first."""
    if not store.has_table("screening_results"):
        return []
    rows = store.raw.execute(
        "SELECT party_hash, arg_max(entity_hash, screened_at), "
        "arg_max(party_record, screened_at) FROM screening_results "
        "WHERE party_id = ? AND entity_id = ? GROUP BY party_hash ORDER BY max(screened_at) DESC",
        [party_id, entity_id],
    ).fetchall()
    return [(str(p), str(e), None if r is None else str(r)) for p, e, r in rows]


def bound_decisions(store: Store) -> list[DecisionRow]:
    """Every decision bound to a party record (``party_hash`` set), oldest first; decisions
    bound to none (made before records were bound, with no hit to bind them to) are left
    out: they hold for nothing."""
    if not store.has_table("screening_decisions"):
        return []
    rows = store.raw.execute(
        "SELECT party_id, entity_id, entity_hash, decision, reviewer, reason, "
        "CAST(decided_at AS VARCHAR), party_hash, coalesce(actor, '') FROM screening_decisions "
        "WHERE party_hash IS NOT NULL ORDER BY decided_at"
    ).fetchall()
    return [
        (str(a), str(b), str(c), str(d), str(e), str(f), str(g), str(h), str(i))
        for a, b, c, d, e, f, g, h, i in rows
    ]
