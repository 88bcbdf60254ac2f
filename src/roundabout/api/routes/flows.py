"""``/flows``: aggregates of the canonical trade flows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from roundabout.api.answers import ERRORS
from roundabout.api.deps import Key, State
from roundabout.api.models import FlowsQuery
from roundabout.api.responses import FlowsAnswer

router = APIRouter(tags=["analytics"], responses=ERRORS)


@router.get("/flows", response_model=FlowsAnswer)
def get_flows(key: Key, state: State, q: Annotated[FlowsQuery, Query()]) -> FlowsAnswer:
    """Sums of value, weight and rows over the filtered flows, grouped by ``by``."""
    return FlowsAnswer.model_validate(state.backend.flows(q))
