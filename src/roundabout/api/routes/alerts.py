"""The review queues: party hits (``/alerts``) and declarations (``/alerts/shipments``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from roundabout.api.answers import ERRORS
from roundabout.api.deps import Key, State
from roundabout.api.responses import AlertsAnswer, ShipmentAlertsAnswer
from roundabout.api.settings import DEFAULTS

router = APIRouter(tags=["alerts"], responses=ERRORS)
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/alerts", response_model=AlertsAnswer)
def get_alerts(key: Key, state: State, limit: Limit = DEFAULTS.alerts_limit) -> AlertsAnswer:
    """The alert queue: hits without a decision on the entry as it stands, best first.

    Each alert names the party as screened (``party_name``; a shipment role's hit has its
    ``declaration_id`` and ``role``), and says why it counts: the hit's ``explanation`` and
    ``features`` as it scores now, and for an entity blocked through ownership its
    ``basis`` (``owned``, ``controlled``, ``related``), ``owned_share`` and ``via`` (the ids
    on the ownership paths from the listed owners, with their names in ``via_names``)."""
    return AlertsAnswer.model_validate({"alerts": state.backend.alerts(limit)})


@router.get("/alerts/shipments", response_model=ShipmentAlertsAnswer)
def get_shipment_alerts(
    key: Key, state: State, limit: Limit = DEFAULTS.alerts_limit
) -> ShipmentAlertsAnswer:
    """Declarations of the latest shipment run of each, not yet decided on as screened,
    riskiest first, with their reasons and red flags (``redflag:<rule>``, with the guidance
    each comes from) and their parties' hits."""
    return ShipmentAlertsAnswer.model_validate({"alerts": state.backend.shipment_alerts(limit)})
