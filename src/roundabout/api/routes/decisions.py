"""Decisions: reviewers' verdicts on party hits (``/decisions``) and on declarations
(``/decisions/shipments``), each attributed to the key that made it.

The audit actor is the key (``api:<key id>:<key name>``); ``reviewer`` is the name the
caller gives, the key's name when it gives none; ``reason`` is always the reviewer's own.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from roundabout.api.answers import ERRORS
from roundabout.api.deps import DecideKey, Key, State
from roundabout.api.models import DecisionRequest, ShipmentDecisionRequest
from roundabout.api.responses import (
    DecisionOut,
    DecisionsAnswer,
    ErrorAnswer,
    ShipmentDecisionOut,
    ShipmentDecisionsAnswer,
)
from roundabout.api.settings import DEFAULTS

router = APIRouter(tags=["decisions"], responses=ERRORS)
Limit = Annotated[int, Query(ge=1, le=1000)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "Nothing screened to decide on", "model": ErrorAnswer}
}


@router.get("/decisions", response_model=DecisionsAnswer)
def get_decisions(
    key: Key, state: State, limit: Limit = DEFAULTS.decisions_limit
) -> DecisionsAnswer:
    """Recorded decisions on party hits, newest first."""
    return DecisionsAnswer.model_validate({"decisions": state.backend.decisions(limit)})


@router.post("/decisions", response_model=DecisionOut, status_code=201, responses=NOT_FOUND)
def post_decision(key: DecideKey, state: State, body: DecisionRequest) -> DecisionOut:
    """Record a reviewer's decision on a hit (audited; a false positive stays quiet until
    the list entry changes). Only a key with the ``decide`` permission may; the audit
    actor is the key (``api:<key id>:<key name>``), ``reviewer`` is kept beside it as
    the name the caller gave (the key's name when none is given). ``record`` (a prefix of
    the party record's hash, ``party_hash`` in ``/alerts``) says which record when the
    party id was screened with different content."""
    rec = state.backend.decide(
        body.party_id,
        body.entity_id,
        body.decision,
        body.reviewer or key.name,
        body.reason,
        key.actor,
        body.record,
    )
    return DecisionOut.model_validate(rec.to_dict())


@router.get("/decisions/shipments", response_model=ShipmentDecisionsAnswer)
def get_shipment_decisions(
    key: Key, state: State, limit: Limit = DEFAULTS.decisions_limit
) -> ShipmentDecisionsAnswer:
    """Recorded decisions on declarations, newest first."""
    rows = state.backend.shipment_decisions(limit)
    return ShipmentDecisionsAnswer.model_validate({"decisions": rows})


@router.post(
    "/decisions/shipments",
    response_model=ShipmentDecisionOut,
    status_code=201,
    responses=NOT_FOUND,
)
def post_shipment_decision(
    key: DecideKey, state: State, body: ShipmentDecisionRequest
) -> ShipmentDecisionOut:
    """Decide on one declaration as screened: ``hold`` (the risk is real: the shipment
    stops) or ``release`` (reviewed and cleared). It binds the declaration's exact record
    (``record``, a prefix of its hash from ``/alerts/shipments``; needed only when the id
    was screened with different content): the same declaration changed alerts again.
    Audited like party decisions."""
    rec = state.backend.decide_shipment(
        body.declaration_id,
        body.decision,
        body.reviewer or key.name,
        body.reason,
        key.actor,
        body.record,
    )
    return ShipmentDecisionOut.model_validate(rec)
